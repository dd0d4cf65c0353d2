"""Keeping a decision: what the rules in force said about one event, every rule's finding with
the values it read, and an alert for each rule an analyst must look at."""

import uuid
from dataclasses import dataclass

from hujin.core.actors import system_actor
from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.risk import events
from hujin.risk.deciding import LIVE
from hujin.risk.deciding import Decision as RuleDecision
from hujin.risk.inforce import InForce
from hujin.risk.models import Alert, Decision
from hujin.risk.windows import WindowEvent

SCREEN_ACTOR = system_actor("risk.screen")


@dataclass(frozen=True, slots=True)
class ToKeep:
    """One event's decision to keep, and the rule codes to raise an alert for."""

    customer_id: uuid.UUID | None
    event: WindowEvent
    decision: RuleDecision
    alerts: tuple[str, ...] = ()


def decisions_keep(
    items: list[ToKeep], *, in_force: InForce, event_id: uuid.UUID, currency: str = "",
    channel: str = "",
) -> list[uuid.UUID]:  # fmt: skip
    """Keep each item's decision under the rules ``in_force`` (in the caller's transaction; one
    statement for them all), and an alert for each of its ``alerts`` with its audit entry and
    ``risk.alert_raised``; returns the decisions' ids."""
    versions = {rule.key: rule.number for rule in in_force.rules}
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
            findings=[finding_record(f, versions.get(f.code)) for f in i.decision.findings],
            generation=in_force.generation,
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
        for alert in alerts:
            _alert_raised(alert)
    return [row.id for row in rows]


def _alert_raised(alert: Alert) -> None:
    facts = {"code": alert.code, "customer_id": str(alert.customer_id or ""),
             "decision_id": str(alert.decision_id), **alert.details}  # fmt: skip
    audit_record(actor=SCREEN_ACTOR, action="risk.alert_raised", target_type="risk.alert",
                 target_id=str(alert.id), occurred_at=alert.raised_at, after=facts)  # fmt: skip
    event_emit(aggregate_type="risk.alert", aggregate_id=str(alert.id),
               event_type=events.ALERT_RAISED, occurred_at=alert.raised_at,
               payload={"alert_id": str(alert.id), **facts})  # fmt: skip


def finding_record(finding, version: int | None = None) -> dict:
    """A rule's finding as a decision keeps it (JSON), with the version of the rule it is."""
    return {"code": finding.code, "version": version, "mode": finding.mode,
            "outcome": finding.outcome, "fired": finding.fired, "failed": finding.failed,
            "seen": {k: _plain(v) for k, v in (finding.seen or {}).items()}}  # fmt: skip


def _plain(value):
    """A value as JSON keeps it exactly (a Decimal as its text)."""
    if isinstance(value, (bool, int, str)) or value is None:
        return value
    return str(value)
