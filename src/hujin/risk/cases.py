"""Cases: the escalated alerts of one customer grouped for an analyst holding
``risk.work_alerts``, with a timeline (``CaseEntry``) every write adds to.

- An alert escalated (``alerts.alert_escalate``) joins its customer's open case, or opens one:
  a customer has at most one open case (a database rule), so two escalations at the same moment
  end in one case — the second one's insert fails on the rule, and it joins the case the first
  one opened (``_open_or_join``). A case's number (``CASE-2026-000001``) is the year's next one
  (``numbers.number_next``), taken the same way: a clash on the unique number retries with the
  next.
- ``case_open`` opens one for a customer without an alert (from a screen), refused while one is
  open; ``case_alert_add`` joins an escalated alert of the same customer, or an open one, which
  it escalates first as the alerts' triage does (``alerts.alert_escalated``: its audit entry and
  event).
- Locks are taken in one order, the alert before the case, by the escalation and the joining
  alike, so that the two at the same moment wait for each other instead of deadlocking.
- The clock (``due_at``): ``HUJIN_RISK_CASE_WORKING_DAYS`` working days (default 10) after the
  business day it opened — the institution's own policy; no regulation sets it.

The other writes (notes, attachments, assignment, freeze request, closing) are in
``cases_work`` and ``cases_attachments``. Each write is one transaction with its timeline entry,
its audit entry and its event; the time comes in."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from hujin.core.actors import Actor, require_scope
from hujin.core.audit import audit_record
from hujin.core.dates import business_time_zone
from hujin.core.events import event_emit
from hujin.core.text import TextRefused, text_cleaned
from hujin.core.workdays import working_days_after
from hujin.customers.selectors import customer_user_id
from hujin.risk.errors import CaseInvalid, CaseNotFound, CaseStateInvalid
from hujin.risk.events import CASE_ALERT_ADDED, CASE_OPENED
from hujin.risk.models import ESCALATED, OPEN, Alert
from hujin.risk.models_cases import CASE_OPEN, Case, CaseEntry
from hujin.risk.numbers import number_next
from hujin.risk.permissions import WORK_ALERTS
from hujin.risk.rulebook import person_id

TARGET = "risk.case"  # audit's target type
DEFAULT_WORKING_DAYS = 10
TITLE_MAX = 200
ATTEMPTS = 20
NUMBER_WIDTH = 6
LINES_KEPT = ("note", "narrative")  # the texts whose line breaks stay

# The events (outbox); payloads carry ids, codes and states, never the analysts' words.


def working_days_allowed() -> int:
    return int(getattr(settings, "HUJIN_RISK_CASE_WORKING_DAYS", DEFAULT_WORKING_DAYS))


def case_due_at(opened_at: datetime) -> datetime:
    """The end of the ``working_days_allowed()``-th working day after the business day of
    ``opened_at`` (Asia/Shanghai)."""
    zone = business_time_zone()
    day = working_days_after(opened_at.astimezone(zone).date(), working_days_allowed())
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone) - timedelta(
        microseconds=1
    )


def clean_text(value, *, field: str, min_length: int, max_length: int) -> str:
    """``value`` cleaned by ``core.text.text_cleaned`` (a note's and a narrative's line breaks
    kept, other texts on one line; control characters refused), else CaseInvalid naming
    ``field`` (``details.problem``: ``control_characters``, ``too_short``, ``too_long``)."""
    try:
        return text_cleaned(value, min_length=min_length, max_length=max_length,
                            keep_lines=field in LINES_KEPT)  # fmt: skip
    except TextRefused as refused:
        raise CaseInvalid(details={"field": field, **refused.details}) from None


def case_locked(case_id, *, open_only: bool = True) -> Case:
    """The case ``case_id`` locked for this transaction; CaseNotFound, CaseStateInvalid (closed,
    when ``open_only``)."""
    try:
        case = Case.objects.select_for_update().filter(id=case_id).first()
    except (ValidationError, ValueError, TypeError):
        case = None
    if case is None:
        raise CaseNotFound(details={"case_id": str(case_id)})
    if open_only and case.state != CASE_OPEN:
        raise CaseStateInvalid(details={"case": case.number, "state": case.state})
    return case


def entry_add(case: Case, kind: str, *, actor: Actor, now: datetime, text: str = "",
              details: dict | None = None) -> CaseEntry:  # fmt: skip
    return CaseEntry.objects.create(case=case, kind=kind, at=now, by=person_id(actor), text=text,
                                    details=details or {})  # fmt: skip


def recorded(case: Case, *, actor: Actor, action: str, event_type: str, now: datetime,
             after: dict, before: dict | None = None,
             payload: dict | None = None) -> None:  # fmt: skip
    """The audit entry and the event of a change to ``case`` (in the caller's transaction)."""
    audit_record(actor=actor, action=action, target_type=TARGET, target_id=str(case.id),
                 occurred_at=now, before=before,
                 after={"number": case.number, **after})  # fmt: skip
    event_emit(aggregate_type=TARGET, aggregate_id=str(case.id), event_type=event_type,
               occurred_at=now, payload={"case_id": str(case.id), "number": case.number,
                                         **(payload or {})})  # fmt: skip


def _next_number(now: datetime) -> str:
    return number_next(Case, f"CASE-{now.astimezone(business_time_zone()).year}-", NUMBER_WIDTH)


def _open_or_join(actor: Actor, customer_id: uuid.UUID, *, title: str, now: datetime,
                  join: bool) -> tuple[Case, bool]:  # fmt: skip
    """The customer's open case (locked) and False, or a new one and True. Refused
    (CaseStateInvalid) when one is open and ``join`` is False."""
    for _ in range(ATTEMPTS):
        case = Case.objects.select_for_update().filter(customer_id=customer_id,
                                                       state=CASE_OPEN).first()  # fmt: skip
        if case is not None:
            if not join:
                raise CaseStateInvalid(details={"case": case.number, "state": case.state})
            return case, False
        try:
            with transaction.atomic():  # a savepoint: a clash leaves the transaction usable
                case = Case.objects.create(
                    number=_next_number(now), customer_id=customer_id, title=title,
                    opened_by=person_id(actor), opened_at=now, due_at=case_due_at(now),
                )  # fmt: skip
            return case, True
        except IntegrityError:
            continue  # another transaction took the number, or opened the customer's case
    raise CaseStateInvalid(details={"customer": str(customer_id), "retries": ATTEMPTS})


def _opened(case: Case, *, actor: Actor, now: datetime, alert_id="") -> None:
    entry_add(case, "opened", actor=actor, now=now, text=case.title)
    recorded(case, actor=actor, action="risk.case_open", event_type=CASE_OPENED, now=now,
             after={"state": case.state, "due_at": case.due_at.isoformat()},
             payload={"customer_id": str(case.customer_id),
                      "alert_id": str(alert_id or "")})  # fmt: skip


def _joined(case: Case, alert: Alert, *, actor: Actor, now: datetime, before: str) -> None:
    alert.case = case
    alert.save(update_fields=["case"])
    entry_add(case, "alert", actor=actor, now=now,
              details={"alert_id": str(alert.id), "code": alert.code})  # fmt: skip
    recorded(case, actor=actor, action="risk.case_alert_add", event_type=CASE_ALERT_ADDED,
             now=now, before={"alert_state": before},
             after={"alert_id": str(alert.id), "code": alert.code},
             payload={"customer_id": str(case.customer_id),
                      "alert_id": str(alert.id)})  # fmt: skip


def case_escalation_join(*, actor: Actor, alert: Alert, now: datetime) -> Case | None:
    """Put the escalated ``alert`` (locked by the caller, in its transaction) in its customer's
    open case, opening one when there is none; None for an alert about no customer."""
    if alert.customer_id is None:
        return None
    title = alert.triage_reason[:TITLE_MAX]
    case, opened = _open_or_join(actor, alert.customer_id, title=title, now=now, join=True)
    if opened:
        _opened(case, actor=actor, now=now, alert_id=alert.id)
    _joined(case, alert, actor=actor, now=now, before=OPEN)
    return case


def case_open(*, actor: Actor, customer_id, title: str, now: datetime) -> Case:
    """Open a case about the customer ``customer_id``, titled ``title`` (what is to be looked
    into). Raises PermissionDenied, CaseInvalid (``customer`` unknown, ``title`` empty),
    CaseStateInvalid (the customer has an open case: ``details.case``)."""
    require_scope(actor, WORK_ALERTS)
    text = clean_text(title, field="title", min_length=1, max_length=TITLE_MAX)
    try:
        known = customer_user_id(customer_id=customer_id) is not None
    except (ValidationError, ValueError, TypeError):
        known = False
    if not known:
        raise CaseInvalid(details={"field": "customer"})
    with transaction.atomic():
        case, _ = _open_or_join(actor, uuid.UUID(str(customer_id)), title=text, now=now,
                                join=False)  # fmt: skip
        _opened(case, actor=actor, now=now)
    return case


def _alert_locked(alert_id) -> Alert:
    try:
        alert = Alert.objects.select_for_update().filter(id=alert_id).first()
    except (ValidationError, ValueError, TypeError):
        alert = None
    if alert is None:
        raise CaseNotFound(details={"alert_id": str(alert_id)})
    return alert


def case_alert_add(*, actor: Actor, case_id, alert_id, now: datetime) -> Case:
    """Join the alert ``alert_id`` to the open case ``case_id``: an escalated one in no case,
    or an open one, escalated first as the triage does (``alerts.alert_escalated``), of the
    case's customer. The alert is locked before the case (the escalation's order). Raises
    PermissionDenied, CaseNotFound, CaseStateInvalid (``details.state``: the case is closed;
    ``details.alert_state``: ``dismissed``, or ``in_case``), CaseInvalid (``alert``: another
    customer's)."""
    from hujin.risk.alerts import alert_escalated  # alerts joins cases: imported when called

    require_scope(actor, WORK_ALERTS)
    with transaction.atomic():
        alert = _alert_locked(alert_id)
        case = case_locked(case_id)
        if alert.customer_id != case.customer_id:
            raise CaseInvalid(details={"field": "alert", "reason": "another_customer"})
        if alert.state not in (OPEN, ESCALATED) or alert.case_id is not None:
            raise CaseStateInvalid(
                details={"alert_state": "in_case" if alert.case_id else alert.state}
            )
        before = alert.state
        if alert.state == OPEN:
            alert_escalated(actor, alert, text=case.number, now=now)
        _joined(case, alert, actor=actor, now=now, before=before)
    return case
