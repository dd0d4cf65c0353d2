"""The console's reads for working a loan in difficulty: the collectors' notes, each promise to
pay with whether it was kept; what may be asked for the loan under maker-checker (a worse class,
a restructuring, a write-off) and the requests waiting for a second person; and, for the
collections queue, each loan's latest note and next promise.

A promise is kept when the money the customer paid after the note was taken, with a value date
on or before the promised date, comes to the promised amount; until that date it is awaited,
after it broken."""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext_lazy as _

from hujin.core.approvals import approval_label
from hujin.core.navigation import url_if_mounted
from hujin.lending import types as t
from hujin.lending.models import CollectionNote, Loan, LoanEvent
from hujin.lending.selectors.console import CLASSES, term_text

CHANNEL_LABELS = {
    "phone": _("Phone call"),
    "sms": _("Text message"),
    "visit": _("Visit"),
    "letter": _("Letter"),
    "other": _("Other"),
}
PAYMENTS = ("repayment", "prepayment", "recovery")
KEPT, AWAITED, BROKEN = "kept", "awaited", "broken"
# (the shared status word whose colour it takes, the word shown)
PROMISE_BADGES = {
    KEPT: ("completed", _("Kept")),
    AWAITED: ("pending", _("Awaited")),
    BROKEN: ("failed", _("Broken")),
}
NOTES_SHOWN = 50


@dataclass(frozen=True, slots=True)
class Note:
    created_at: datetime
    channel: str  # in words
    note: str
    author: str
    promise_date: date | None
    promise_amount_minor: int | None
    promise: str  # "", kept, awaited or broken
    promise_badge: str  # the status word whose colour the promise takes
    promise_label: str


def _payments_of(loan_ids) -> dict:
    """Per loan: (recorded at, value date, amount) of every payment the customer made."""
    paid = defaultdict(list)
    rows = LoanEvent.objects.filter(loan_id__in=loan_ids, kind__in=PAYMENTS).values_list(
        "loan_id", "created_at", "value_date", "amount_minor"
    )
    for loan_id, created_at, value_date, amount in rows:
        paid[loan_id].append((created_at, value_date, amount))
    return paid


def _promise(note: CollectionNote, payments, on: date) -> str:
    if note.promise_date is None:
        return ""
    paid = sum(amount for created_at, value_date, amount in payments
               if created_at >= note.created_at and value_date <= note.promise_date)  # fmt: skip
    if paid >= note.promise_amount_minor:
        return KEPT
    return AWAITED if note.promise_date >= on else BROKEN


def _note(n: CollectionNote, payments, on: date) -> Note:
    promise = _promise(n, payments, on)
    badge, label = PROMISE_BADGES.get(promise, ("", ""))
    return Note(
        created_at=n.created_at, channel=str(CHANNEL_LABELS.get(n.channel, n.channel)),
        note=n.note, author=n.author_label, promise_date=n.promise_date,
        promise_amount_minor=n.promise_amount_minor, promise=promise, promise_badge=badge,
        promise_label=str(label),
    )  # fmt: skip


def notes_of(loan: Loan, on: date) -> list[Note]:
    """The collectors' notes on the loan, newest first, each promise with how it went."""
    payments = _payments_of([loan.id]).get(loan.id, [])
    notes = CollectionNote.objects.filter(loan=loan).order_by("-created_at", "-id")
    return [_note(n, payments, on) for n in notes[:NOTES_SHOWN]]


def latest_notes(loan_ids, on: date) -> dict[uuid.UUID, tuple[Note | None, Note | None]]:
    """Per loan of the collections queue: its latest note, and the promise to pay that falls
    due next and is not kept yet (None when there is none)."""
    payments = _payments_of(loan_ids)
    out: dict[uuid.UUID, tuple[Note | None, Note | None]] = {}
    notes = CollectionNote.objects.filter(loan_id__in=loan_ids).order_by("-created_at", "-id")
    for n in notes:
        latest, upcoming = out.get(n.loan_id, (None, None))
        note = _note(n, payments.get(n.loan_id, []), on)
        if latest is None:
            latest = note
        if note.promise == AWAITED and (upcoming is None
                                        or note.promise_date < upcoming.promise_date):  # fmt: skip
            upcoming = note
        out[n.loan_id] = (latest, upcoming)
    return out


# -- requests under maker-checker -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PendingRequest:
    id: uuid.UUID
    action: str  # in words
    detail: str  # the class asked for, the new term
    maker: str
    reason: str
    requested_at: datetime
    url: str  # the approval request's page ("" when the compliance console is not mounted)


@dataclass(frozen=True, slots=True)
class LoanActions:
    downgrade_to: list[str]  # the classes worse than the loan's, best first
    may_restructure: bool
    may_write_off: bool
    pending: list[PendingRequest]


def _pending(loan: Loan) -> list[PendingRequest]:
    from hujin.core.models import ApprovalRequest, ApprovalStatus
    from hujin.core.statuses import status_get
    from hujin.lending.services import DOWNGRADE_ACTION, RESTRUCTURE_ACTION, WRITE_OFF_ACTION

    rows = ApprovalRequest.objects.filter(
        target_type="loan", target_id=str(loan.id), status=ApprovalStatus.PENDING,
        action__in=(DOWNGRADE_ACTION, RESTRUCTURE_ACTION, WRITE_OFF_ACTION),
    ).order_by("requested_at", "id")  # fmt: skip
    pending = []
    for r in rows:
        detail = ""
        if r.action == DOWNGRADE_ACTION:
            status = status_get(r.payload.get("to", ""))
            detail = str(status.label) if status else r.payload.get("to", "")
        elif r.action == RESTRUCTURE_ACTION:
            detail = term_text(r.payload.get("new_term", 0), t.TERM_MONTHS)
        pending.append(PendingRequest(
            id=r.id, action=approval_label(r.action), detail=detail, maker=r.maker_label,
            reason=r.maker_reason, requested_at=r.requested_at,
            url=url_if_mounted("compliance:approval_detail", args=[r.id]) or "",
        ))  # fmt: skip
    return pending


def actions_of(loan: Loan) -> LoanActions:
    """What the rules let a risk analyst ask for this loan now, and what is asked already."""
    active = loan.state == t.LOAN_ACTIVE
    current = loan.classification if loan.classification in CLASSES else CLASSES[0]
    return LoanActions(
        downgrade_to=list(CLASSES[CLASSES.index(current) + 1 :]) if active else [],
        may_restructure=active and loan.term_unit == t.TERM_MONTHS and loan.method != t.BULLET,
        may_write_off=active and loan.classification == "loss",
        pending=_pending(loan),
    )
