"""The close-of-business step ``risk.anomaly_score``: the active model scores every customer who
moved money or logged in on the business date.

Each customer's day is read from the risk windows' entries (``per="customer"``), with their 30
days before as their own baseline (``anomaly_features``); the windows hold entries only while a
rule is in force, and never a refused movement (docs/modules/risk-anomaly.md). A customer is
scored once per business date, by whichever version was active when the date was first scored:
a customer scored by any version that date is skipped, so a rerun after a crash — even once
another version is active — writes nothing twice and raises nothing twice. (The score rows'
database rule is per version, customer and date.)

The step first scores, chunk by chunk, each chunk one transaction; then, in one transaction,
raises an alert (``source="anomaly"``, code ``ANOMALY-v<version>``, score 0-100) for the date's
highest anomalous scores without one, up to ``HUJIN_RISK_ANOMALY_ALERTS_PER_DAY`` (50) a date
in all. Each alert names the three features that made the day unusual, in words in both
languages, raised through ``alerts_raise.alert_raised`` as the screen raises a rule's alert.

It scores only with the version that was approved: with no active version, or one whose
artefact, threshold, baseline or features are no longer those approved, it scores nothing and
says so in its result (it raises nothing, so the close of business goes on)."""

import uuid
from collections import defaultdict
from datetime import date, datetime, time, timedelta

import numpy as np
from django.conf import settings
from django.db import transaction

from hujin.core.actors import system_actor
from hujin.core.dates import business_time_zone
from hujin.risk.alerts_raise import alert_raised
from hujin.risk.anomaly_features import (
    HISTORY_DAYS,
    Row,
    day_features,
    model_vector,
    unusual,
)
from hujin.risk.anomaly_registry import anomaly_model_active, approved_digest_matches
from hujin.risk.anomaly_train import anomaly_scores, artefact_load
from hujin.risk.anomaly_words import reason_record
from hujin.risk.errors import AnomalyArtefactInvalid
from hujin.risk.inforce import rules_in_force
from hujin.risk.models import Alert, WindowEntry
from hujin.risk.models_anomaly import AnomalyModel, AnomalyScore

STEP = "risk.anomaly_score"
ACTOR = system_actor(STEP)
CHUNK = 500
ALERTS_PER_DAY = 50  # HUJIN_RISK_ANOMALY_ALERTS_PER_DAY's default
_forests: dict[tuple, object] = {}  # (model id, sha256) -> the loaded forest, per process


def alert_code(version: int) -> str:
    return f"ANOMALY-v{version}"


def alerts_per_day() -> int:
    return int(getattr(settings, "HUJIN_RISK_ANOMALY_ALERTS_PER_DAY", ALERTS_PER_DAY))


def _forest(model: AnomalyModel):
    key = (model.id, model.sha256)
    if key not in _forests:
        _forests.clear()
        _forests[key] = artefact_load(model.artefact, model.sha256)
    return _forests[key]


def _day_bounds(business_date: date) -> tuple[datetime, datetime]:
    start = datetime.combine(business_date, time.min, tzinfo=business_time_zone())
    return start, datetime.combine(business_date + timedelta(days=1), time.min,
                                   tzinfo=business_time_zone())  # fmt: skip


def _customers_of_day(start: datetime, end: datetime) -> list[str]:
    subjects = (WindowEntry.objects.filter(per="customer", occurred_at__gte=start,
                                           occurred_at__lt=end)
                .values_list("subject", flat=True).distinct())  # fmt: skip
    valid = []
    for subject in subjects:
        try:
            valid.append(str(uuid.UUID(subject)))
        except ValueError:
            continue
    return sorted(valid)


def _rows(customers: list[str], since: datetime, end: datetime) -> dict[str, list[Row]]:
    rows: dict[str, list[Row]] = defaultdict(list)
    entries = WindowEntry.objects.filter(
        per="customer", subject__in=customers, occurred_at__gte=since, occurred_at__lt=end
    ).values_list("subject", "kind", "direction", "amount", "counterparty", "hour", "occurred_at")
    for subject, kind, direction, amount, counterparty, hour, at in entries.iterator():
        rows[subject].append(Row(kind, direction, amount, counterparty, hour, at))
    return rows


def _reasons(model: AnomalyModel, vector: list[float], features) -> list[dict]:
    return [reason_record(name, distance, features)
            for name, distance in unusual(vector, model.baseline, model.features)]  # fmt: skip


def _score_chunk(model, customers: list[str], business_date: date, now: datetime) -> tuple:
    start, end = _day_bounds(business_date)
    with transaction.atomic():
        done = {str(c) for c in AnomalyScore.objects.filter(  # by any version: once a date
            business_date=business_date, customer_id__in=customers,
        ).values_list("customer_id", flat=True)}  # fmt: skip
        todo = [c for c in customers if c not in done]
        if not todo:
            return 0, 0
        rows = _rows(todo, start - timedelta(days=HISTORY_DAYS), end)
        days = [
            day_features([r for r in rows[c] if r.occurred_at >= start],
                         [r for r in rows[c] if r.occurred_at < start])
            for c in todo
        ]  # fmt: skip
        vectors = [model_vector(f.values, model.features) for f in days]
        scores = anomaly_scores(_forest(model), np.array(vectors, dtype=float))
        kept = []
        for customer, features, vector, score in zip(todo, days, vectors, scores, strict=True):
            score = float(score)
            anomalous = score >= model.threshold
            kept.append(AnomalyScore(
                model=model, customer_id=uuid.UUID(customer), business_date=business_date,
                score=round(score, 6), anomalous=anomalous, values=features.values,
                reasons=_reasons(model, vector, features) if anomalous else [], scored_at=now,
            ))  # fmt: skip
        AnomalyScore.objects.bulk_create(kept)
    return len(kept), sum(s.anomalous for s in kept)


def _raise_alerts(business_date: date, now: datetime) -> int:
    """Alerts for the date's highest anomalous scores without one, within the date's cap."""
    with transaction.atomic():
        of_date = AnomalyScore.objects.filter(business_date=business_date, anomalous=True)
        room = alerts_per_day() - of_date.filter(alert__isnull=False).count()
        if room <= 0:
            return 0
        chosen = list(of_date.filter(alert__isnull=True).select_related("model")
                      .select_for_update(of=("self",)).order_by("-score", "id")[:room])  # fmt: skip
        for row in chosen:
            row.alert = _alert(row, now)
            row.save(update_fields=["alert"])
    return len(chosen)


def _alert(row: AnomalyScore, now: datetime) -> Alert:
    model = row.model
    alert = Alert.objects.create(
        customer_id=row.customer_id, source="anomaly", code=alert_code(model.version),
        score=min(100, max(0, round(row.score * 100))), raised_at=now,
        details={"kind": "anomaly", "model_version": model.version,
                 "business_date": row.business_date.isoformat(), "score": round(row.score, 4),
                 "threshold": model.threshold, "reasons": row.reasons},
    )  # fmt: skip
    alert_raised(alert, actor=ACTOR, facts={
        "code": alert.code, "customer_id": str(row.customer_id), "decision_id": "",
        "source": "anomaly", "model_version": model.version,
        "business_date": row.business_date.isoformat(), "score": alert.score,
        "features": [r["feature"] for r in row.reasons],
    })  # fmt: skip
    return alert


def _refusal(model: AnomalyModel) -> str:
    if not approved_digest_matches(model):
        return "the active anomaly model is not the version approved: nothing scored"
    try:
        _forest(model)
    except AnomalyArtefactInvalid:
        return "the active anomaly model's artefact is not the one registered: nothing scored"
    return ""


def cob_anomaly_score(business_date: date, now: datetime) -> dict:
    """COB step: score the business date's customers with the active model (see the module)."""
    result: dict = {}
    if not rules_in_force().rules:
        result["windows"] = ("no rule is in force: the risk windows keep no movement or log-in, "
                             "so only what was kept while one was is scored")  # fmt: skip
    model = anomaly_model_active()
    if model is None:
        return {**result, "model": None, "scored": 0, "alerts": 0,
                "note": "no active anomaly model"}  # fmt: skip
    refusal = _refusal(model)
    if refusal:
        return {**result, "model": model.version, "scored": 0, "alerts": 0, "refused": refusal}
    customers = _customers_of_day(*_day_bounds(business_date))
    scored = anomalous = 0
    for i in range(0, len(customers), CHUNK):
        n, k = _score_chunk(model, customers[i : i + CHUNK], business_date, now)
        scored, anomalous = scored + n, anomalous + k
    alerts = _raise_alerts(business_date, now)
    return {**result, "model": model.version, "customers": len(customers), "scored": scored,
            "already_scored": len(customers) - scored, "anomalous": anomalous,
            "anomalous_share": round(anomalous / scored, 4) if scored else 0.0,
            "alerts": alerts, "alerts_per_day": alerts_per_day()}  # fmt: skip
