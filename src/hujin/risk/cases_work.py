"""Working a case (``risk.work_alerts``): a note, the assignment to a staff member who holds
``risk.work_alerts``, a freeze of the customer asked for through customers' maker-checker
freeze (another person approves it in the approvals inbox), and the closing.

The freeze is asked for with the fixed, neutral reason ``FREEZE_REASON``: customers keep it as
  the customer's status reason, which customer-service agents read, and telling them (or the
  customer) of a suspicion is tipping-off, which the suspicious-transaction reporting rules
  (中国人民银行令〔2016〕第3号) and the Anti-Money Laundering Law forbid. The analyst's own
  words stay in the case's timeline only.

The closing:

- conclusion ``suspicious`` or ``not_suspicious``, a narrative of at least ``NARRATIVE_MIN``
  characters, and, when suspicious, a typology of ``cases_names.TYPOLOGIES``;
- closing as suspicious drafts the suspicious-transaction report in the same transaction
  (``reports_str.str_draft_from_case``), and the timeline says so.

Each write is one transaction with its timeline entry, audit entry and event; a refused one
changes nothing."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from hujin.core.actors import Actor, require_scope
from hujin.customers.services import customer_freeze_request
from hujin.risk.cases import (
    case_locked,
    clean_text,
    entry_add,
    recorded,
)
from hujin.risk.cases_names import TYPOLOGIES
from hujin.risk.errors import CaseInvalid
from hujin.risk.events import CASE_ASSIGNED, CASE_CLOSED, CASE_FREEZE_REQUESTED, CASE_NOTE_ADDED
from hujin.risk.models_cases import CASE_CLOSED as CLOSED
from hujin.risk.models_cases import CONCLUSIONS, SUSPICIOUS, Case
from hujin.risk.permissions import WORK_ALERTS
from hujin.risk.reports_str import str_draft_from_case
from hujin.risk.rulebook import person_id

NOTE_MAX = 4000
NARRATIVE_MIN = 20
NARRATIVE_MAX = 8000
REASON_MAX = 500
FREEZE_REASON = "Risk review"  # what customers keeps and shows: nothing of the suspicion


def assignable_staff():
    """The active staff logins holding ``risk.work_alerts`` (by role or directly), as a
    queryset of Django's user model — the permission is Django's, so its own ``with_perm`` answers
    (identity's selectors name them: ``user_labels``)."""
    users = get_user_model().objects.with_perm(WORK_ALERTS, is_active=True)
    return users.filter(kind="staff")


def case_note_add(*, actor: Actor, case_id, text: str, now: datetime) -> Case:
    """Add a note (1 to ``NOTE_MAX`` characters) to the open case. Raises PermissionDenied,
    CaseInvalid (``note``), CaseNotFound, CaseStateInvalid (closed)."""
    require_scope(actor, WORK_ALERTS)
    note = clean_text(text, field="note", min_length=1, max_length=NOTE_MAX)
    with transaction.atomic():
        case = case_locked(case_id)
        entry = entry_add(case, "note", actor=actor, now=now, text=note)
        recorded(case, actor=actor, action="risk.case_note_add", event_type=CASE_NOTE_ADDED,
                 now=now, after={"entry_id": entry.id},
                 payload={"entry_id": entry.id})  # fmt: skip
    return case


def case_assign(*, actor: Actor, case_id, assignee_id, now: datetime) -> Case:
    """Give the open case to ``assignee_id``, an active staff member holding
    ``risk.work_alerts``. Raises PermissionDenied, CaseInvalid (``assignee``: not such a person,
    or the case is theirs already), CaseNotFound, CaseStateInvalid (closed)."""
    require_scope(actor, WORK_ALERTS)
    try:
        assignee = assignable_staff().filter(id=assignee_id).values_list("id", flat=True).first()
    except (ValidationError, ValueError, TypeError):
        assignee = None
    if assignee is None:
        raise CaseInvalid(details={"field": "assignee"})
    with transaction.atomic():
        case = case_locked(case_id)
        if case.assignee == assignee:
            raise CaseInvalid(details={"field": "assignee", "reason": "unchanged"})
        before = str(case.assignee or "")
        case.assignee = assignee
        case.save(update_fields=["assignee"])
        entry_add(case, "assigned", actor=actor, now=now,
                  details={"assignee": str(assignee), "before": before})  # fmt: skip
        recorded(case, actor=actor, action="risk.case_assign", event_type=CASE_ASSIGNED,
                 now=now, before={"assignee": before}, after={"assignee": str(assignee)},
                 payload={"assignee": str(assignee)})  # fmt: skip
    return case


def case_freeze_request(*, actor: Actor, case_id, reason: str, now: datetime) -> Case:
    """Ask for the case's customer to be frozen (customers' maker-checker freeze: another
    person approves it) with the neutral ``FREEZE_REASON``; the analyst's ``reason`` is kept in
    the case's timeline only. Raises PermissionDenied, CaseInvalid (``reason``),
    CaseNotFound, CaseStateInvalid (closed), and customers' and approvals' own errors
    (NotPermitted without ``customers.request_freeze``, StatusUnchanged when already frozen,
    ApprovalAlreadyPending)."""
    require_scope(actor, WORK_ALERTS)
    text = clean_text(reason, field="reason", min_length=1, max_length=REASON_MAX)
    with transaction.atomic():
        case = case_locked(case_id)
        request = customer_freeze_request(customer_id=case.customer_id, freeze=True,
                                          reason=FREEZE_REASON, actor=actor,
                                          now=now)  # fmt: skip
        entry_add(case, "freeze", actor=actor, now=now, text=text,
                  details={"approval_id": str(request.id)})  # fmt: skip
        recorded(case, actor=actor, action="risk.case_freeze_request",
                 event_type=CASE_FREEZE_REQUESTED, now=now,
                 after={"approval_id": str(request.id)},
                 payload={"customer_id": str(case.customer_id),
                          "approval_id": str(request.id)})  # fmt: skip
    return case


def _closing(conclusion, narrative, typology) -> tuple[str, str, str]:
    if conclusion not in CONCLUSIONS:
        raise CaseInvalid(details={"field": "conclusion", "allowed": list(CONCLUSIONS)})
    text = clean_text(narrative, field="narrative", min_length=NARRATIVE_MIN,
                      max_length=NARRATIVE_MAX)  # fmt: skip
    typology = str(typology or "")
    if conclusion == SUSPICIOUS and typology not in TYPOLOGIES:
        raise CaseInvalid(details={"field": "typology", "allowed": list(TYPOLOGIES)})
    if typology and typology not in TYPOLOGIES:
        raise CaseInvalid(details={"field": "typology", "allowed": list(TYPOLOGIES)})
    return conclusion, text, typology


def case_close(*, actor: Actor, case_id, conclusion: str, narrative: str, typology: str = "",
               now: datetime) -> Case:  # fmt: skip
    """Close the open case with its ``conclusion`` (``suspicious`` | ``not_suspicious``), the
    ``narrative`` (at least ``NARRATIVE_MIN`` characters) and, when suspicious, the
    ``typology``; a suspicious one drafts its suspicious-transaction report in the same
    transaction. Raises PermissionDenied, CaseInvalid (``conclusion``, ``narrative``,
    ``typology``), CaseNotFound, CaseStateInvalid (closed already)."""
    require_scope(actor, WORK_ALERTS)
    conclusion, text, typology = _closing(conclusion, narrative, typology)
    with transaction.atomic():
        case = case_locked(case_id)
        case.state, case.conclusion, case.narrative = CLOSED, conclusion, text
        case.typology, case.closed_by, case.closed_at = typology, person_id(actor), now
        case.save(update_fields=["state", "conclusion", "narrative", "typology", "closed_by",
                                 "closed_at"])  # fmt: skip
        entry_add(case, "closed", actor=actor, now=now, text=text,
                  details={"conclusion": conclusion, "typology": typology})  # fmt: skip
        report_id = ""
        if conclusion == SUSPICIOUS:
            report = str_draft_from_case(actor=actor, case=case, now=now)
            report_id = str(report.id)
            entry_add(case, "report", actor=actor, now=now,
                      details={"report_id": report_id, "number": report.number})  # fmt: skip
        recorded(case, actor=actor, action="risk.case_close", event_type=CASE_CLOSED, now=now,
                 before={"state": "open"},
                 after={"state": CLOSED, "conclusion": conclusion, "typology": typology,
                        "report_id": report_id},
                 payload={"customer_id": str(case.customer_id), "conclusion": conclusion,
                          "typology": typology, "report_id": report_id})  # fmt: skip
    return case
