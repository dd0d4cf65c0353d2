"""Helpers for the reconciliation tests: a customer who tops up and withdraws through the
sandbox, the day's cut-off, and actors for the console's maker and checker."""

from datetime import UTC, datetime, timedelta

from hujin.core.actors import Actor, system_actor
from hujin.payments.channels.sandbox import sandbox_callbacks_run
from hujin.payments.permissions import RECONCILE, RESOLVE_BREAKS, VIEW_RECONCILIATION
from hujin.payments.reconciliation.runs import reconciliation_run
from hujin.payments.services import topup_request, withdrawal_request

SYSTEM = system_actor("test")
# 2025-03-14 ends at 16:00 UTC (midnight in Shanghai); the grace period is 2 hours.
CUT_OFF = datetime(2025, 3, 14, 16, 0, tzinfo=UTC)
LATE = CUT_OFF + timedelta(hours=3)


def operator(name: str) -> Actor:
    return Actor(kind="staff", id=name, label=name,
                 scopes=frozenset({VIEW_RECONCILIATION, RECONCILE, RESOLVE_BREAKS}))  # fmt: skip


def topup(payer, now, amount=100_00, key="t-1", *, settle=True):
    payment = topup_request(actor=payer.actor, card_id=payer.card_id, amount_minor=amount,
                            idempotency_key=key, now=now)  # fmt: skip
    if settle:
        sandbox_callbacks_run(now=now)
    return payment


def withdraw(payer, now, amount=40_00, key="w-1", *, settle=True):
    payment = withdrawal_request(actor=payer.actor, card_id=payer.card_id, amount_minor=amount,
                                 idempotency_key=key, now=now)  # fmt: skip
    if settle:
        sandbox_callbacks_run(now=now)
    return payment


def reconcile(business_date, at=LATE, **kwargs):
    return reconciliation_run(business_date=business_date, actor=SYSTEM, now=at, **kwargs)
