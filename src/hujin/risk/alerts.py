"""The alerts' triage: an analyst holding ``risk.work_alerts`` dismisses an open alert as a false
positive (with the reason, at least ``REASON_MIN`` characters) or escalates it (with a note): an
escalated alert joins its customer's open case, or opens one, in the same transaction
(``cases.case_escalation_join``). An alert is triaged once.

Payments a rule held (outcome ``review``) are released or refused in payments' own review
queue; triaging the alert says what the analyst concluded about the rule's finding, it moves no
money.

Each write is one transaction with its audit entry and its event; the time comes in."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from hujin.core.actors import Actor, require_scope
from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.core.text import TextRefused, text_cleaned
from hujin.risk import events
from hujin.risk.cases import case_escalation_join
from hujin.risk.errors import AlertNotFound, AlertStateInvalid, AlertTriageInvalid
from hujin.risk.models import DISMISSED, ESCALATED, OPEN, Alert
from hujin.risk.permissions import WORK_ALERTS
from hujin.risk.rulebook import person_id

TARGET = "risk.alert"  # audit's target type
REASON_MIN = 10
TEXT_MAX = 500


@dataclass(frozen=True, slots=True)
class AlertTriaged:
    alert_id: uuid.UUID
    state: str  # dismissed | escalated
    triaged_at: datetime
    case_id: uuid.UUID | None = None  # the case an escalated alert joined


def _text(value, *, field: str, min_length: int) -> str:
    try:
        return text_cleaned(value, min_length=min_length, max_length=TEXT_MAX)
    except TextRefused as refused:
        raise AlertTriageInvalid(details={"field": field, **refused.details}) from None


def _locked_open(alert_id) -> Alert:
    try:
        alert = Alert.objects.select_for_update().filter(id=alert_id).first()
    except (ValidationError, ValueError, TypeError):
        alert = None
    if alert is None:
        raise AlertNotFound(details={"alert_id": str(alert_id)})
    if alert.state != OPEN:
        raise AlertStateInvalid(details={"alert_id": str(alert.id), "state": alert.state})
    return alert


def _triaged(actor: Actor, alert: Alert, *, state: str, text: str, now: datetime) -> None:
    """The open ``alert`` (locked by the caller) moved to ``state``, audited, its event
    emitted, in the caller's transaction."""
    alert.state, alert.triaged_by, alert.triaged_at = state, person_id(actor), now
    alert.triage_reason = text
    alert.save(update_fields=["state", "triaged_by", "triaged_at", "triage_reason"])
    action = "risk.alert_dismiss" if state == DISMISSED else "risk.alert_escalate"
    audit_record(
        actor=actor, action=action, target_type=TARGET, target_id=str(alert.id),
        occurred_at=now, before={"state": OPEN},
        after={"state": state, "code": alert.code, "source": alert.source, "reason": text},
    )  # fmt: skip
    event_emit(
        aggregate_type=TARGET, aggregate_id=str(alert.id),
        event_type=events.ALERT_DISMISSED if state == DISMISSED else events.ALERT_ESCALATED,
        occurred_at=now,
        payload={"alert_id": str(alert.id), "source": alert.source, "code": alert.code,
                 "customer_id": str(alert.customer_id or ""),
                 "decision_id": str(alert.decision_id or ""), "state": state},
    )  # fmt: skip


def alert_escalated(actor: Actor, alert: Alert, *, text: str, now: datetime) -> None:
    """Escalate the open ``alert`` the caller locked, in its transaction (audit entry
    ``risk.alert_escalate`` and event ``risk.alert_escalated``), without joining a case: for
    ``cases.case_alert_add``, which joins it to the case it names."""
    _triaged(actor, alert, state=ESCALATED, text=text, now=now)


def _triage(actor: Actor, alert_id, *, state: str, text: str, now: datetime) -> AlertTriaged:
    with transaction.atomic():
        alert = _locked_open(alert_id)  # the alert before the case: cases locks in that order
        _triaged(actor, alert, state=state, text=text, now=now)
        case = case_escalation_join(actor=actor, alert=alert, now=now) if state == ESCALATED \
            else None  # fmt: skip
    return AlertTriaged(alert_id=alert.id, state=state, triaged_at=now,
                        case_id=case.id if case else None)  # fmt: skip


def alert_dismiss(*, actor: Actor, alert_id, reason: str, now: datetime) -> AlertTriaged:
    """Dismiss the open alert ``alert_id`` as a false positive, saying why (at least
    ``REASON_MIN`` characters). Raises PermissionDenied, AlertTriageInvalid (then nothing is
    changed), AlertNotFound, AlertStateInvalid (not open)."""
    require_scope(actor, WORK_ALERTS)
    text = _text(reason, field="reason", min_length=REASON_MIN)
    return _triage(actor, alert_id, state=DISMISSED, text=text, now=now)


def alert_escalate(*, actor: Actor, alert_id, note: str, now: datetime) -> AlertTriaged:
    """Escalate the open alert ``alert_id`` with ``note`` (what the analyst saw): it joins its
    customer's open case, or opens one (``AlertTriaged.case_id``). Raises PermissionDenied,
    AlertTriageInvalid, AlertNotFound, AlertStateInvalid (not open)."""
    require_scope(actor, WORK_ALERTS)
    text = _text(note, field="note", min_length=1)
    return _triage(actor, alert_id, state=ESCALATED, text=text, now=now)
