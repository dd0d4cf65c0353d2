"""Helpers of the alerts' and the decision log's tests: a decision with its alerts kept as the
screen keeps them (rows made directly, where a real screening would only add noise), and the
actors."""

import uuid
from datetime import timedelta

from hujin.core.actors import Actor
from hujin.risk.models import Alert, Decision
from hujin.risk.permissions import VIEW_RISK, WORK_ALERTS

ANALYST = Actor(kind="staff", id=str(uuid.uuid4()), label="analyst",
                scopes=frozenset({VIEW_RISK, WORK_ALERTS}))  # fmt: skip
READER = Actor(kind="staff", id=str(uuid.uuid4()), label="reader", scopes=frozenset({VIEW_RISK}))
CUSTOMER = Actor(kind="customer", id=str(uuid.uuid4()), label="customer")

AGGREGATE = 'total("24h", direction="out")'


def finding(code, *, fired=True, mode="live", outcome="review", failed="", seen=None,
            version=None) -> dict:  # fmt: skip
    """A finding as a decision keeps it; ``version``: the rule version's number (a decision
    kept before findings carried it has none)."""
    kept = {"code": code, "mode": mode, "outcome": outcome, "fired": fired, "failed": failed,
            "seen": seen if seen is not None else {}}  # fmt: skip
    if version is not None:
        kept["version"] = version
    return kept


def decision_made(*, now, customer_id=None, kind="transfer", direction="out", amount=450_000,
                  outcome="review", fired=("BIG",), shadow_fired=(), findings=None,
                  alerts=("BIG",), minutes_ago=0, channel="") -> Decision:  # fmt: skip
    """A decision (and an alert for each code of ``alerts``) at ``now - minutes_ago``."""
    at = now - timedelta(minutes=minutes_ago)
    if findings is None:
        findings = [finding(c, seen={"amount": amount, AGGREGATE: 4_500_00}) for c in fired]
    decision = Decision.objects.create(
        customer_id=customer_id, event=uuid.uuid4(), kind=kind, direction=direction,
        amount=amount, currency="CNY", channel=channel, occurred_at=at, outcome=outcome,
        score=30, fired=list(fired), shadow_fired=list(shadow_fired), findings=findings,
        generation=1,
    )  # fmt: skip
    for code in alerts:
        Alert.objects.create(customer_id=customer_id, source="rule", code=code,
                             decision=decision, score=30, raised_at=at,
                             details={"outcome": outcome, "kind": kind})  # fmt: skip
    return decision
