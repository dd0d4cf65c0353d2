"""Helpers of the anomaly model's tests: a small model trained once per test module, a customer's
days written as the risk windows keep them, and the actors."""

import uuid
from datetime import UTC, datetime, timedelta

from hujin.core.actors import Actor
from hujin.risk.anomaly_registry import model_digest
from hujin.risk.models import WindowEntry
from hujin.risk.models_anomaly import AnomalyModel
from hujin.risk.permissions import APPROVE_RULES, EDIT_RULES, VIEW_RISK, WORK_ALERTS

SCOPES = frozenset({VIEW_RISK, EDIT_RULES, APPROVE_RULES, WORK_ALERTS})
MAKER = Actor(kind="staff", id=str(uuid.uuid4()), label="analyst.li", scopes=SCOPES)
CHECKER = Actor(kind="staff", id=str(uuid.uuid4()), label="analyst.wang", scopes=SCOPES)
READER = Actor(kind="staff", id=str(uuid.uuid4()), label="auditor", scopes=frozenset({VIEW_RISK}))
SHANGHAI = timedelta(hours=8)


def at_local(day, hour: float) -> datetime:
    """``hour`` o'clock in Shanghai on the calendar date ``day``, as a UTC instant."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(hours=hour) - SHANGHAI


def entry(customer_id, at: datetime, *, kind="transfer", direction="out", amount=100_000,
          counterparty="payee-1") -> WindowEntry:  # fmt: skip
    return WindowEntry.objects.create(
        per="customer", subject=str(customer_id), occurred_at=at, kind=kind,
        direction=direction, amount=amount, counterparty=counterparty,
        hour=(at + SHANGHAI).hour, event=uuid.uuid4(),
    )  # fmt: skip


def ordinary_month(customer_id, business_date) -> None:
    """30 days before ``business_date``: a ¥1,000-ish payment to one of two payees each day at
    about 10:00, and a top-up every fifth day."""
    for n in range(1, 31):
        day = business_date - timedelta(days=n)
        entry(customer_id, at_local(day, 10), amount=90_000 + n * 1_000,
              counterparty=f"payee-{n % 2}")  # fmt: skip
        if n % 5 == 0:
            entry(customer_id, at_local(day, 11), kind="topup", direction="in",
                  amount=500_000, counterparty="card")  # fmt: skip


def fan_out_night(customer_id, business_date) -> None:
    """On ``business_date``, from 02:00: ¥30,000 to each of 12 people never paid before."""
    for n in range(12):
        entry(customer_id, at_local(business_date, 2 + n / 6), amount=3_000_000,
              counterparty=f"mule-{n}")  # fmt: skip


def made_active(model: AnomalyModel, now: datetime) -> AnomalyModel:
    """``model`` made the active version as an approval would leave it (its digest approved),
    without the approval's round trip."""
    AnomalyModel.objects.filter(id=model.id).update(
        state="active", activated_at=now,
        params={**model.params, "approved_digest": model_digest(model)},
    )  # fmt: skip
    model.refresh_from_db()
    return model
