"""The score model registry: register a trained scorecard as a new version, promote a
challenger to champion, retire a challenger.

One champion decides applications; challengers are scored beside it and never decide; a retired
model is kept (decisions point at it) but no longer scored. The first version registered becomes
the champion, so a fresh installation can decide as soon as a model is trained. Every change is
one transaction with its audit entry and outbox event."""

import uuid
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q

from hujin.core.actors import Actor, require_scope
from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.lending import events
from hujin.lending import types as t
from hujin.lending.errors import ScoreModelInvalid, ScoreModelNotFound, ScoreModelStateInvalid
from hujin.lending.models import ScoreModel
from hujin.lending.permissions import MANAGE_MODELS
from hujin.lending.scorecard.stability import baseline_of
from hujin.lending.scorecard.types import ScoreModelView
from hujin.lending.selectors.models import model_view

TARGET = "lending.score_model"
NAME_MAX = 100
METRICS = ("auc", "ks", "gini", "cv_auc", "cv_auc_std", "logistic_auc")


def _record(
    *, actor: Actor, model: ScoreModel, action: str, event_type: str | None, now: datetime,
    before: dict | None, after: dict, payload: dict | None = None,
) -> None:  # fmt: skip
    audit_record(
        actor=actor,
        action=f"lending.{action}",
        target_type=TARGET,
        target_id=str(model.id),
        occurred_at=now,
        before=before,
        after=after,
    )
    if event_type:
        event_emit(
            aggregate_type=TARGET,
            aggregate_id=str(model.id),
            event_type=event_type,
            occurred_at=now,
            payload={"model_id": str(model.id), "version": model.version, **(payload or {})},
        )


def _locked(model_id: uuid.UUID | str) -> ScoreModel:
    try:
        model_id = uuid.UUID(str(model_id))
    except ValueError:
        raise ScoreModelNotFound() from None
    model = ScoreModel.objects.select_for_update().filter(pk=model_id).first()
    if model is None:
        raise ScoreModelNotFound()
    return model


def _artefact_and_metrics(trained: Any) -> tuple[dict, dict]:
    artefact = getattr(trained, "artefact", None)
    metrics = getattr(trained, "metrics", None)
    if not isinstance(artefact, dict) or not artefact.get("characteristics"):
        raise ScoreModelInvalid(details={"field": "trained", "reason": "no_artefact"})
    if not isinstance(metrics, dict) or any(k not in metrics for k in METRICS[:4]):
        raise ScoreModelInvalid(details={"field": "trained", "reason": "no_metrics"})
    return artefact, {k: float(metrics[k]) for k in METRICS if k in metrics}


def model_register(
    *, actor: Actor, name: str, trained: Any, data_summary: dict[str, Any], now: datetime
) -> ScoreModelView:
    """Register a trained scorecard (a ``scorecard.train.TrainingResult``: its artefact and
    hold-out metrics) as the next version, a challenger — or the champion when no model is
    registered yet. ``data_summary``: what it was trained on (rows, bad_rate, source, target,
    seed, hold_out_share...), JSON-safe.
    Raises PermissionDenied, ScoreModelInvalid, ScoreModelStateInvalid (a concurrent
    registration took the version; try again)."""
    require_scope(actor, MANAGE_MODELS)
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise ScoreModelInvalid(details={"field": "name", "reason": "length"})
    artefact, metrics = _artefact_and_metrics(trained)
    try:
        with transaction.atomic():
            # the champion's row serialises registrations once there is one
            champion = ScoreModel.objects.select_for_update().filter(role=t.MODEL_CHAMPION).first()
            has_champion = champion is not None
            version = (ScoreModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
            role = t.MODEL_CHALLENGER if has_champion else t.MODEL_CHAMPION
            model = ScoreModel.objects.create(
                version=version,
                name=name,
                role=role,
                data_summary=dict(data_summary or {}),
                metrics=metrics,
                artefact=artefact,
                baseline=baseline_of(artefact),
                trained_by=actor.id,
                trained_at=now,
                promoted_at=None if has_champion else now,
            )
            _record(
                actor=actor,
                model=model,
                action="model_register",
                event_type=events.MODEL_REGISTERED,
                now=now,
                before=None,
                after={"version": version, "name": name, "role": role, **metrics},
                payload={"role": role},
            )
    except IntegrityError:
        raise ScoreModelStateInvalid(details={"reason": "concurrent_registration"}) from None
    return model_view(model)


def model_promote(*, actor: Actor, model_id: uuid.UUID, now: datetime) -> ScoreModelView:
    """Make a challenger the champion; the champion it replaces becomes a challenger.
    Raises PermissionDenied, ScoreModelNotFound, ScoreModelStateInvalid (already the champion,
    or retired)."""
    require_scope(actor, MANAGE_MODELS)
    with transaction.atomic():
        model = _locked(model_id)
        # lock the two rows in primary-key order
        rows = list(
            ScoreModel.objects.select_for_update()
            .filter(Q(pk=model.pk) | Q(role=t.MODEL_CHAMPION))
            .order_by("pk")
        )
        model = next(r for r in rows if r.pk == model.pk)
        if model.role != t.MODEL_CHALLENGER:
            raise ScoreModelStateInvalid(details={"role": model.role})
        previous = next((r for r in rows if r.role == t.MODEL_CHAMPION), None)
        if previous is not None:
            # demoted first: at most one champion at any moment (lending_one_champion)
            previous.role = t.MODEL_CHALLENGER
            previous.save(update_fields=["role"])
            _record(
                actor=actor,
                model=previous,
                action="model_demote",
                event_type=None,
                now=now,
                before={"role": t.MODEL_CHAMPION},
                after={"role": t.MODEL_CHALLENGER, "replaced_by": model.version},
            )
        model.role = t.MODEL_CHAMPION
        model.promoted_at = now
        model.save(update_fields=["role", "promoted_at"])
        _record(
            actor=actor,
            model=model,
            action="model_promote",
            event_type=events.MODEL_PROMOTED,
            now=now,
            before={"role": t.MODEL_CHALLENGER},
            after={"role": t.MODEL_CHAMPION,
                   "previous_champion": previous.version if previous else None},
            payload={"previous_champion_id": str(previous.id) if previous else None},
        )  # fmt: skip
    return model_view(model)


def model_retire(*, actor: Actor, model_id: uuid.UUID, now: datetime) -> ScoreModelView:
    """Stop scoring a challenger. The champion is never retired: promote another first.
    Raises PermissionDenied, ScoreModelNotFound, ScoreModelStateInvalid."""
    require_scope(actor, MANAGE_MODELS)
    with transaction.atomic():
        model = _locked(model_id)
        if model.role != t.MODEL_CHALLENGER:
            raise ScoreModelStateInvalid(details={"role": model.role})
        model.role = t.MODEL_RETIRED
        model.save(update_fields=["role"])
        _record(
            actor=actor,
            model=model,
            action="model_retire",
            event_type=events.MODEL_RETIRED,
            now=now,
            before={"role": t.MODEL_CHALLENGER},
            after={"role": t.MODEL_RETIRED},
        )
    return model_view(model)


def model_train_generated(*, actor: Actor, name: str, rows: int, seed: int,
                          now: datetime) -> ScoreModelView:  # fmt: skip
    """Train a scorecard on ``rows`` generated applicants (scorecard.generate: the documented
    process) and register it, as ``hujin lending model train`` does without a CSV."""
    from hujin.lending.scorecard.generate import BAD_VALUE, TARGET, applicants
    from hujin.lending.scorecard.train import train

    require_scope(actor, MANAGE_MODELS)
    trained = train(applicants(rows, seed=seed), target=TARGET, bad_value=BAD_VALUE)
    return model_register(actor=actor, name=name, trained=trained, data_summary=trained.summary,
                          now=now)  # fmt: skip
