"""Keeping a decision: what the rules in force said about one event, every rule's finding with
the values it read, and an alert for each rule an analyst must look at."""

import uuid
from dataclasses import dataclass

from hujin.risk.deciding import LIVE
from hujin.risk.deciding import Decision as RuleDecision
from hujin.risk.models import Alert, Decision
from hujin.risk.windows import WindowEvent


@dataclass(frozen=True, slots=True)
class ToKeep:
    """One event's decision to keep, and the rule codes to raise an alert for."""

    customer_id: uuid.UUID | None
    event: WindowEvent
    decision: RuleDecision
    alerts: tuple[str, ...] = ()


def decisions_keep(
    items: list[ToKeep], *, generation: int, event_id: uuid.UUID, currency: str = "",
    channel: str = "",
) -> list[uuid.UUID]:  # fmt: skip
    """Keep each item's decision (in the caller's transaction; one statement for them all), and
    an alert for each of its ``alerts``; returns the decisions' ids."""
    rows = [
        Decision(
            customer_id=i.customer_id,
            event=event_id,
            kind=i.event.kind,
            direction=i.event.direction,
            amount=i.event.amount,
            currency=currency,
            channel=channel,
            occurred_at=i.event.occurred_at,
            outcome=i.decision.outcome,
            score=i.decision.score,
            fired=list(i.decision.fired),
            shadow_fired=[f.code for f in i.decision.findings if f.fired and f.mode != LIVE],
            findings=[finding_record(f) for f in i.decision.findings],
            generation=generation,
        )
        for i in items
    ]
    Decision.objects.bulk_create(rows)
    alerts = [
        Alert(
            customer_id=i.customer_id,
            source="rule",
            code=code,
            decision=row,
            score=i.decision.score,
            raised_at=i.event.occurred_at,
            details={"outcome": i.decision.outcome, "kind": i.event.kind},
        )
        for i, row in zip(items, rows, strict=True)
        for code in i.alerts
    ]
    if alerts:
        Alert.objects.bulk_create(alerts)
    return [row.id for row in rows]


def finding_record(finding) -> dict:
    """A rule's finding as a decision keeps it (JSON)."""
    return {"code": finding.code, "mode": finding.mode, "outcome": finding.outcome,
            "fired": finding.fired, "failed": finding.failed,
            "seen": {k: _plain(v) for k, v in (finding.seen or {}).items()}}  # fmt: skip


def _plain(value):
    """A value as JSON keeps it exactly (a Decimal as its text)."""
    if isinstance(value, (bool, int, str)) or value is None:
        return value
    return str(value)
