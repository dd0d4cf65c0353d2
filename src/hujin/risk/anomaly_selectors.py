"""The anomaly model's reads, for who holds ``risk.view_risk``: its versions with their figures
(recall per typology, the share of ordinary customers flagged) and whether one may be proposed
for activation, and the latest business date's top anomalies, each customer by masked name with
the features that made their day unusual (this day against their usual, ready to draw as bars).

Values out, never querysets."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from hujin.core.actors import Actor, require_scope
from hujin.core.links import TargetLink
from hujin.identity.selectors import user_labels
from hujin.risk.anomaly_features import RATIOS
from hujin.risk.anomaly_navigation import state_key
from hujin.risk.anomaly_registry import activations_pending
from hujin.risk.anomaly_words import FEATURE_LABELS, TYPOLOGY_LABELS, reason_in_language
from hujin.risk.decisions_selectors import customer_links
from hujin.risk.models_anomaly import M_CANDIDATE, AnomalyModel, AnomalyScore
from hujin.risk.permissions import EDIT_RULES, VIEW_RISK

TOP = 10
MONEY_FEATURES = frozenset({"out_minor", "in_minor"}) | RATIOS


@dataclass(frozen=True, slots=True)
class RecallRow:
    typology: str
    label: str
    customers: int
    model: float
    rules: float
    combined: float


@dataclass(frozen=True, slots=True)
class VersionRow:
    id: uuid.UUID
    version: int
    state: str
    state_key: str
    trained_at: datetime
    trained_by: str
    activated_at: datetime | None
    threshold: float
    training_days: int
    training_customers: int
    measured_customers: int
    measured_against: str  # which rules the "rules" figures are of
    normal_flagged: dict  # model, rules, combined: per cent of ordinary customers
    recall: list[RecallRow]
    pending: bool  # its activation waits for a checker
    may_propose: bool


@dataclass(frozen=True, slots=True)
class Bar:
    feature: str
    label: str
    words: str  # the reason in the page's language
    money: bool
    day_value: float  # the day's own value (fen for money; for a ratio, its amount)
    usual_value: float | None  # None: no history yet
    day_width: float  # 0-100, the longer of the two is 100
    usual_width: float


@dataclass(frozen=True, slots=True)
class Anomaly:
    customer: TargetLink | None
    score: int  # 0-100
    alert_id: uuid.UUID | None
    bars: list[Bar]


@dataclass(frozen=True, slots=True)
class ModelPage:
    versions: list[VersionRow]
    business_date: date | None
    scored_version: int | None
    scored: int  # customers scored that date by that version
    anomalies: list[Anomaly]


def _trainer(trained_by: str, labels: dict) -> str:
    if trained_by in ("command", "risk.model_command"):
        return _("the training command")
    return labels.get(trained_by) or ("—" if _is_uuid(trained_by) else trained_by)


def _version_row(model: AnomalyModel, labels: dict, may_edit: bool, waiting: set[str]
                 ) -> VersionRow:  # fmt: skip
    metrics, summary = model.metrics or {}, model.data_summary or {}
    recall = [
        RecallRow(typology=t, label=str(TYPOLOGY_LABELS.get(t, t)), customers=r.get("customers", 0),
                  model=r.get("model", 0.0), rules=r.get("rules", 0.0),
                  combined=r.get("combined", 0.0))
        for t, r in (metrics.get("recall") or {}).items()
    ]  # fmt: skip
    pending = model.state == M_CANDIDATE and str(model.id) in waiting
    return VersionRow(
        id=model.id, version=model.version, state=model.state, state_key=state_key(model.state),
        trained_at=model.trained_at, trained_by=_trainer(model.trained_by, labels),
        activated_at=model.activated_at, threshold=model.threshold,
        training_days=summary.get("rows", 0), training_customers=summary.get("customers", 0),
        measured_customers=metrics.get("normal_customers", 0),
        measured_against=_measured_against(metrics.get("rules_measured") or {}),
        normal_flagged={k: round(100 * v, 2)
                        for k, v in (metrics.get("normal_flagged") or {}).items()},
        recall=recall, pending=pending,
        may_propose=may_edit and model.state == M_CANDIDATE and not pending,
    )  # fmt: skip


def _measured_against(measured: dict) -> str:
    n = measured.get("rules", 0)
    if measured.get("source") == "in_force":
        return ngettext(
            "the %(n)s live rule in force (generation %(generation)s)",
            "the %(n)s live rules in force (generation %(generation)s)", n,
        ) % {"n": n, "generation": measured.get("generation")}  # fmt: skip
    if measured.get("source") == "shipped":
        return ngettext("the %(n)s shipped rule (no rule was live)",
                        "the %(n)s shipped rules (no rule was live)", n) % {"n": n}  # fmt: skip
    return _("the shipped rules")  # a version trained before this was recorded


def _bar(reason: dict, language: str) -> Bar:
    """One reason as bars: the day's own value against the customer's usual, both as they are
    (a ratio's day amount, never ratio x usual); no usual bar without history."""
    feature = reason.get("feature", "")
    usual = reason.get("usual")
    usual = None if usual is None else float(usual)
    day_value = float(reason.get("day", 0) if feature in RATIOS else reason.get("value", 0))
    longest = max(day_value, usual or 0.0) or 1.0
    money = feature in MONEY_FEATURES
    return Bar(
        feature=feature, label=str(FEATURE_LABELS.get(feature, feature)),
        words=reason_in_language(reason, language), money=money,
        day_value=round(day_value) if money else round(day_value, 2),
        usual_value=None if usual is None else (round(usual) if money else round(usual, 2)),
        day_width=round(100 * day_value / longest, 1),
        usual_width=round(100 * (usual or 0.0) / longest, 1),
    )  # fmt: skip


def _anomalies(actor: Actor) -> tuple[date | None, int | None, int, list[Anomaly]]:
    latest = AnomalyScore.objects.order_by("-business_date", "-model__version").values_list(
        "business_date", "model_id", "model__version").first()  # fmt: skip
    if latest is None:
        return None, None, 0, []
    business_date, model_id, version = latest
    scores = AnomalyScore.objects.filter(business_date=business_date, model_id=model_id)
    top = list(scores.filter(anomalous=True).order_by("-score", "id")[:TOP])
    names = customer_links(actor, {s.customer_id for s in top})
    language = get_language() or "en"
    rows = [
        Anomaly(customer=names.get(s.customer_id), score=min(100, round(s.score * 100)),
                alert_id=s.alert_id, bars=[_bar(r, language) for r in s.reasons or []])
        for s in top
    ]  # fmt: skip
    return business_date, version, scores.count(), rows


def anomaly_model_page(*, actor: Actor) -> ModelPage:
    """The versions, newest first, and the latest business date's top anomalies. Raises
    PermissionDenied."""
    require_scope(actor, VIEW_RISK)
    models = list(AnomalyModel.objects.defer("artefact").order_by("-version"))
    people = [m.trained_by for m in models if _is_uuid(m.trained_by)]
    labels = user_labels(user_ids=people) if people else {}
    may_edit = actor.has_scope(EDIT_RULES)
    waiting = activations_pending() if any(m.state == M_CANDIDATE for m in models) else set()
    business_date, version, scored, anomalies = _anomalies(actor)
    return ModelPage(
        versions=[_version_row(m, labels, may_edit, waiting) for m in models],
        business_date=business_date, scored_version=version, scored=scored,
        anomalies=anomalies,
    )  # fmt: skip


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
