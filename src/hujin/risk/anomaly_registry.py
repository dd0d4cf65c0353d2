"""The anomaly model's versions, registered like the credit models: a trained model is the next
version, a ``candidate``; it becomes ``active`` (the one the close of business scores with, the
one active before it ``retired``) only through maker-checker, ``risk.anomaly_model_activate``:
an analyst holding ``risk.edit_rules`` proposes, another person holding ``risk.approve_rules``
approves in the approvals inbox. A model decides which customers an analyst looks at, as a rule
does, so it is put in force the way rules are.

Every write is one transaction with its audit entry and its event; the time comes in."""

import hashlib
import json
import uuid
from dataclasses import replace
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q

from hujin.core.actors import Actor, require_scope
from hujin.core.approvals import approval_request
from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.core.models import ApprovalRequest, ApprovalStatus
from hujin.risk import events
from hujin.risk.anomaly_features import FEATURES
from hujin.risk.anomaly_train import PER_TYPOLOGY, Trained, artefact_dump, artefact_load, train
from hujin.risk.errors import (
    AnomalyArtefactInvalid,
    AnomalyModelNotFound,
    AnomalyModelStateInvalid,
)
from hujin.risk.inforce import rules_in_force
from hujin.risk.models import LIVE
from hujin.risk.models_anomaly import M_ACTIVE, M_CANDIDATE, M_RETIRED, AnomalyModel
from hujin.risk.permissions import EDIT_RULES
from hujin.risk.shipped import shipped_rules

# maker-checker; payload: model_id, version, threshold, sha256, digest (model_digest)
ACTION = "risk.anomaly_model_activate"
TARGET = "risk.anomaly_model"  # audit's and approvals' target type
NAME = "IsolationForest"


def model_digest(model: AnomalyModel) -> str:
    """SHA-256 over what decides a version's scores and reasons: its artefact's SHA-256, its
    threshold, its baseline and its features. Kept in the approval's payload when proposed,
    checked when approved, kept on the row (``params["approved_digest"]``) when activated, and
    checked by the close of business before it scores."""
    what = {"sha256": model.sha256, "threshold": float(model.threshold),
            "baseline": model.baseline, "features": list(model.features)}  # fmt: skip
    text = json.dumps(what, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def approved_digest_matches(model: AnomalyModel) -> bool:
    """Is the active ``model`` still the version that was approved?"""
    return (model.params or {}).get("approved_digest") == model_digest(model)


def _record(actor: Actor, model: AnomalyModel, action: str, event_type: str, now: datetime, *,
            before: dict | None, after: dict, payload: dict) -> None:  # fmt: skip
    audit_record(actor=actor, action=action, target_type=TARGET, target_id=str(model.id),
                 occurred_at=now, before=before, after=after)  # fmt: skip
    event_emit(aggregate_type=TARGET, aggregate_id=str(model.id), event_type=event_type,
               occurred_at=now, payload={"model_id": str(model.id), "version": model.version,
                                         **payload})  # fmt: skip


def anomaly_model_register(*, actor: Actor, trained: Trained, now: datetime) -> AnomalyModel:
    """Register ``trained`` (``anomaly_train.train``) as the next version, a candidate, with its
    artefact and SHA-256. Raises PermissionDenied, AnomalyModelStateInvalid (a registration at
    the same moment took the number: try again)."""
    require_scope(actor, EDIT_RULES)
    artefact, sha256 = artefact_dump(trained.forest)
    try:
        with transaction.atomic():
            version = (AnomalyModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
            model = AnomalyModel.objects.create(
                version=version, name=NAME, state=M_CANDIDATE, features=list(FEATURES),
                params=trained.params, data_summary=trained.data_summary,
                metrics=trained.metrics, baseline=trained.baseline,
                threshold=trained.threshold, artefact=artefact, sha256=sha256,
                trained_by=str(actor.id)[:64], trained_at=now,
            )  # fmt: skip
            _record(actor, model, "risk.anomaly_model_registered",
                    events.ANOMALY_MODEL_REGISTERED, now, before=None,
                    after={"version": version, "threshold": model.threshold, "sha256": sha256,
                           "params": trained.params, "data_summary": trained.data_summary,
                           "normal_flagged": trained.metrics.get("normal_flagged", {})},
                    payload={"threshold": model.threshold, "sha256": sha256,
                             "trained_by": model.trained_by})  # fmt: skip
    except IntegrityError:
        raise AnomalyModelStateInvalid(details={"reason": "concurrent_registration"}) from None
    return model


def anomaly_model_train(*, actor: Actor, seed: int, customers: int, now: datetime,
                        per_typology: int = PER_TYPOLOGY) -> AnomalyModel:  # fmt: skip
    """Train on the synthetic history of ``seed`` (``customers`` ordinary ones), measure it on
    a fresh seed beside the rules it would work with (``rules_to_measure``), and register it
    (``anomaly_model_register``)."""
    require_scope(actor, EDIT_RULES)
    rules, measured = rules_to_measure()
    trained = train(seed=seed, customers=customers, per_typology=per_typology, rules=rules)
    trained = replace(trained, metrics={**trained.metrics, "rules_measured": measured})
    return anomaly_model_register(actor=actor, trained=trained, now=now)


def rules_to_measure() -> tuple[tuple, dict]:
    """The rules a model is measured beside: the live rules in force (what it would alert
    beside), or the shipped rules when none is live; and what they were, for its figures."""
    in_force = rules_in_force()
    live = tuple(rule for rule in in_force.rules if rule.mode == LIVE)
    if live:
        return live, {"source": "in_force", "rules": len(live),
                      "generation": in_force.generation}  # fmt: skip
    shipped = shipped_rules()
    return shipped, {"source": "shipped", "rules": len(shipped)}


def _locked(model_id) -> AnomalyModel:
    try:
        model = AnomalyModel.objects.select_for_update().filter(id=model_id).first()
    except (ValidationError, ValueError, TypeError):
        model = None
    if model is None:
        raise AnomalyModelNotFound(details={"model_id": str(model_id)})
    return model


def activations_pending() -> set[str]:
    """The ids (text) of the versions whose activation waits for a checker, in one query."""
    return set(ApprovalRequest.objects.filter(
        action=ACTION, target_type=TARGET, status=ApprovalStatus.PENDING,
    ).values_list("target_id", flat=True))  # fmt: skip


def activation_pending(model_id) -> bool:
    return ApprovalRequest.objects.filter(
        action=ACTION, target_type=TARGET, target_id=str(model_id),
        status=ApprovalStatus.PENDING,
    ).exists()  # fmt: skip


def anomaly_model_activate_propose(
    *, actor: Actor, model_id, reason: str, now: datetime
) -> ApprovalRequest:
    """Ask a checker to make the candidate ``model_id`` the active model. Raises
    PermissionDenied, AnomalyModelNotFound, AnomalyModelStateInvalid (not a candidate, or
    already waiting), AnomalyArtefactInvalid (its artefact is not the one registered), and the
    approvals' ApprovalReasonRequired."""
    require_scope(actor, EDIT_RULES)
    with transaction.atomic():
        model = _locked(model_id)
        pending = activation_pending(model.id)
        if model.state != M_CANDIDATE or pending:
            raise AnomalyModelStateInvalid(details={"state": model.state, "pending": pending})
        artefact_load(model.artefact, model.sha256)  # never propose what cannot be loaded
        request = approval_request(
            actor=actor, action=ACTION, target_type=TARGET, target_id=str(model.id),
            payload={"model_id": str(model.id), "version": model.version,
                     "threshold": model.threshold, "sha256": model.sha256,
                     "digest": model_digest(model)},
            reason=reason, now=now,
        )  # fmt: skip
        _record(actor, model, "risk.anomaly_model_proposed", events.ANOMALY_MODEL_PROPOSED, now,
                before={"state": model.state},
                after={"state": model.state, "approval_id": str(request.id)},
                payload={"approval_id": str(request.id)})  # fmt: skip
    return request


def anomaly_model_activate_execute(*, request, actor: Actor, now: datetime) -> None:
    """Run by approvals when a checker approves ``risk.anomaly_model_activate`` (inside its
    transaction): the candidate becomes active, the active one retired, the approved digest
    kept on it. Raises AnomalyModelNotFound, AnomalyModelStateInvalid, AnomalyArtefactInvalid
    (its artefact, threshold, baseline or features are no longer the ones proposed; then
    nothing is approved)."""
    payload = request.payload or {}
    model_id = payload.get("model_id")
    try:
        wanted = uuid.UUID(str(model_id))
    except ValueError:
        raise AnomalyModelNotFound(details={"model_id": str(model_id)}) from None
    rows = list(AnomalyModel.objects.select_for_update()
                .filter(Q(id=wanted) | Q(state=M_ACTIVE)).order_by("pk"))  # fmt: skip
    model = next((r for r in rows if r.id == wanted), None)
    if model is None:
        raise AnomalyModelNotFound(details={"model_id": str(model_id)})
    if model.state != M_CANDIDATE:
        raise AnomalyModelStateInvalid(details={"state": model.state, "pending": True})
    digest = model_digest(model)
    if payload.get("sha256") != model.sha256 or payload.get("digest") != digest:
        raise AnomalyArtefactInvalid(details={"reason": "changed_since_proposed"})
    artefact_load(model.artefact, model.sha256)
    previous = next((r for r in rows if r.state == M_ACTIVE), None)
    if previous is not None:  # retired first: at most one active at any moment
        previous.state = M_RETIRED
        previous.save(update_fields=["state"])
    model.state, model.activated_at = M_ACTIVE, now
    model.params = {**(model.params or {}), "approved_digest": digest}
    model.save(update_fields=["state", "activated_at", "params"])
    _record(actor, model, "risk.anomaly_model_activated", events.ANOMALY_MODEL_ACTIVATED, now,
            before={"state": M_CANDIDATE},
            after={"state": M_ACTIVE, "approval_id": str(request.id), "digest": digest,
                   "previous_version": previous.version if previous else None},
            payload={"previous_model_id": str(previous.id) if previous else "",
                     "previous_version": previous.version if previous else None,
                     "approval_id": str(request.id)})  # fmt: skip


def anomaly_model_active() -> AnomalyModel | None:
    """The active version (with its artefact), or None."""
    return AnomalyModel.objects.filter(state=M_ACTIVE).first()
