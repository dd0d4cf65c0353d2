"""Keeping a decision: what the rules in force said about one event, every rule's finding with
the values it read, and an alert for each rule an analyst must look at."""

import uuid
from dataclasses import dataclass

from hujin.core.actors import system_actor
from hujin.core.ids import new_id
from hujin.core.sql import Dialect, hot_insert_tables
from hujin.risk.alerts_raise import alert_raised
from hujin.risk.deciding import LIVE
from hujin.risk.deciding import Decision as RuleDecision
from hujin.risk.inforce import InForce
from hujin.risk.models import Alert
from hujin.risk.windows import WindowEvent

SCREEN_ACTOR = system_actor("risk.screen")
# One plain statement for a movement's decisions (the ORM's JSON encoder cost more than it).
_DECISION_COLUMNS = (
    "id",
    "customer_id",
    "event",
    "kind",
    "direction",
    "amount",
    "currency",
    "channel",
    "occurred_at",
    "outcome",
    "score",
    "fired",
    "shadow_fired",
    "findings",
    "generation",
)


@dataclass(frozen=True, slots=True)
class ToKeep:
    """One event's decision to keep, and the rule codes to raise an alert for."""

    customer_id: uuid.UUID | None
    event: WindowEvent
    decision: RuleDecision
    alerts: tuple[str, ...] = ()


def decisions_keep(
    items: list[ToKeep], *, in_force: InForce, event_id: uuid.UUID, currency: str = "",
    channel: str = "", also: tuple = (),
) -> list[uuid.UUID]:  # fmt: skip
    """Keep each item's decision under the rules ``in_force`` (in the caller's transaction; one
    statement for them all, and for the inserts ``also`` written with them: ``(table, columns,
    rows)``), and an alert for each of its ``alerts`` with its audit entry and
    ``risk.alert_raised``; returns the decisions' ids."""
    versions = {rule.key: rule.number for rule in in_force.rules}
    scores = {rule.key: rule.score for rule in in_force.rules}  # an alert's: its rule's own
    d = Dialect()
    ids = [new_id() for _ in items]
    hot_insert_tables(d, [("risk_decision", _DECISION_COLUMNS, [
        (d.uuid_in(decision_id), d.uuid_in(i.customer_id), d.uuid_in(event_id), i.event.kind,
         i.event.direction, i.event.amount, currency, channel,
         d.datetime_in(i.event.occurred_at), i.decision.outcome, i.decision.score,
         d.json_in(list(i.decision.fired)),
         d.json_in([f.code for f in i.decision.findings if f.fired and f.mode != LIVE]),
         d.json_in([finding_record(f, versions.get(f.code)) for f in i.decision.findings]),
         in_force.generation)
        for decision_id, i in zip(ids, items, strict=True)
    ]), *also])  # fmt: skip
    alerts = [
        Alert(
            customer_id=i.customer_id,
            source="rule",
            code=code,
            decision_id=row,
            score=scores.get(code, i.decision.score),
            raised_at=i.event.occurred_at,
            details={"outcome": i.decision.outcome, "kind": i.event.kind},
        )
        for i, row in zip(items, ids, strict=True)
        for code in i.alerts
    ]
    if alerts:
        Alert.objects.bulk_create(alerts)
        for alert in alerts:
            alert_raised(alert, actor=SCREEN_ACTOR, facts={
                "code": alert.code, "customer_id": str(alert.customer_id or ""),
                "decision_id": str(alert.decision_id), **alert.details,
            })  # fmt: skip
    return ids


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
