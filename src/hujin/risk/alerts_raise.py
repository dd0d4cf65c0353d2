"""Raising an alert, whoever raises it (the screen for a rule, the close of business for the
anomaly model): the alert's audit entry ``risk.alert_raised`` and its event of the same name,
both at the alert's own ``raised_at``, in the caller's transaction."""

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.risk import events
from hujin.risk.models import Alert


def alert_raised(alert: Alert, *, actor: Actor, facts: dict) -> None:
    """Record that ``alert`` (already saved) was raised by ``actor``: ``facts`` are the audit
    entry's ``after`` and, with the alert's id, the event's payload (no amounts or names)."""
    audit_record(actor=actor, action="risk.alert_raised", target_type="risk.alert",
                 target_id=str(alert.id), occurred_at=alert.raised_at, after=facts)  # fmt: skip
    event_emit(aggregate_type="risk.alert", aggregate_id=str(alert.id),
               event_type=events.ALERT_RAISED, occurred_at=alert.raised_at,
               payload={"alert_id": str(alert.id), **facts})  # fmt: skip
