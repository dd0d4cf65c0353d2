"""Working a loan in difficulty: collectors' notes and promises to pay; and three actions under
maker-checker (a risk analyst asks, another approves): a manual downgrade of the
classification, a restructuring (a longer term or lower instalments, the remaining schedule
written again, the old one kept), and a write-off of a loss loan; after a write-off, what the
customer still pays is a recovery.

Postings (accounts.py): a write-off takes the outstanding principal, and the interest and
penalty recognised but never collected, off the loan's receivables into the write-off expense;
a recovery is paid from the wallet into recovery income."""

import uuid
from datetime import date, datetime

from django.db import transaction

from hujin.core.actors import Actor
from hujin.core.approvals import approval_request
from hujin.core.audit import audit_record
from hujin.core.dates import calendar_date_at
from hujin.core.errors import PermissionDenied
from hujin.core.events import event_emit
from hujin.core.ids import new_id
from hujin.customers.selectors import wallet_account_of
from hujin.ledger.errors import Result
from hujin.lending import events, postings
from hujin.lending import types as t
from hujin.lending.allocation import owed_of
from hujin.lending.errors import (
    InsufficientFunds,
    LoanStateInvalid,
    RepaymentInvalid,
    ServicingInvalid,
)
from hujin.lending.models import CollectionNote, Instalment, LoanEvent, LoanStatusChange
from hujin.lending.overdue import CLASSES, worse
from hujin.lending.permissions import MANAGE_COLLECTIONS, MANAGE_LOANS
from hujin.lending.schedule import month_add, rescheduled, schedule
from hujin.lending.services.loans import instalments_write, loan_locked, loan_terms
from hujin.lending.services.prepayments import interest_ahead_to_principal, interest_to_date
from hujin.lending.services.repayments import open_instalments

DOWNGRADE_ACTION = "lending.loan_downgrade"
RESTRUCTURE_ACTION = "lending.loan_restructure"
WRITE_OFF_ACTION = "lending.loan_write_off"
CHANNELS = ("phone", "sms", "visit", "letter", "other")
TEXT_MAX = 2000


def _invalid(field: str, reason: str) -> ServicingInvalid:
    return ServicingInvalid(details={"field": field, "reason": reason})


def _require(actor: Actor, permission: str) -> None:
    if not actor.has_scope(permission):
        raise PermissionDenied(details={"required_permission": permission})


def _text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > TEXT_MAX:
        raise _invalid(field, "required")
    return value


def _record(actor: Actor, loan, action: str, now: datetime, **after) -> None:
    audit_record(actor=actor, action=f"lending.loan.{action}", target_type="loan",
                 target_id=str(loan.id), occurred_at=now,
                 after={"number": loan.number, **after})  # fmt: skip
    event_emit(aggregate_type="loan", aggregate_id=str(loan.id), event_type=events.LOAN_SERVICED,
               occurred_at=now, payload={"loan_id": str(loan.id), "action": action,
                                         "customer_id": str(loan.customer_id)})  # fmt: skip


def collection_note_add(*, actor: Actor, loan_id: uuid.UUID, channel: str, note: str,
                        now: datetime, promise_date: date | None = None,
                        promise_amount_minor: int | None = None) -> CollectionNote:  # fmt: skip
    _require(actor, MANAGE_COLLECTIONS)
    if channel not in CHANNELS:
        raise _invalid("channel", "unknown")
    note = _text(note, "note")
    if (promise_date is None) != (promise_amount_minor is None):
        raise _invalid("promise", "date_and_amount")
    if promise_amount_minor is not None and (
        type(promise_amount_minor) is not int or promise_amount_minor <= 0
    ):
        raise _invalid("promise_amount", "positive")
    with transaction.atomic():
        loan = loan_locked(loan_id)
        if promise_date is not None and promise_date < calendar_date_at(now):
            raise _invalid("promise_date", "past")
        entry = CollectionNote.objects.create(
            loan=loan, channel=channel, note=note, promise_date=promise_date,
            promise_amount_minor=promise_amount_minor, author_id=str(actor.id)[:64],
            author_label=actor.label[:150], created_at=now,
        )  # fmt: skip
        _record(actor, loan, "collection_note", now, channel=channel,
                promise=promise_amount_minor is not None)  # fmt: skip
    return entry


# --- maker-checker requests ----------------------------------------------------------------


def _ask(actor: Actor, loan_id, action: str, payload: dict, reason: str, now: datetime):
    _require(actor, MANAGE_LOANS)
    reason = _text(reason, "reason")
    loan = loan_locked(loan_id)
    return approval_request(actor=actor, action=action, target_type="loan",
                            target_id=str(loan.id), payload={"number": loan.number, **payload},
                            reason=reason, now=now)  # fmt: skip


def downgrade_request(*, actor: Actor, loan_id: uuid.UUID, to_class: str, reason: str,
                      now: datetime):  # fmt: skip
    """Ask for a loan to be classed worse than its days past due say (never better)."""
    if to_class not in CLASSES[1:]:
        raise _invalid("classification", "unknown")
    with transaction.atomic():
        loan = loan_locked(loan_id)
        if (
            loan.state != t.LOAN_ACTIVE
            or worse(loan.classification, to_class) != to_class
            or (loan.classification == to_class)
        ):
            raise _invalid("classification", "not_worse")
        return _ask(actor, loan_id, DOWNGRADE_ACTION, {"to": to_class}, reason, now)


def downgrade_execute(*, request, actor: Actor, now: datetime) -> None:
    loan = loan_locked(request.target_id)
    to_class = request.payload["to"]
    before = loan.classification
    loan.classification_manual = to_class
    loan.classification = worse(loan.classification, to_class)
    loan.updated_at = now
    loan.save(update_fields=["classification_manual", "classification", "updated_at"])
    LoanStatusChange.objects.create(
        loan=loan, business_date=now.date(), dpd=loan.dpd, bucket=loan.bucket,
        classification=loan.classification, previous_bucket=loan.bucket,
        previous_classification=before, reason="downgrade",
    )  # fmt: skip
    _record(actor, loan, "downgraded", now, classification=loan.classification)


def restructure_request(*, actor: Actor, loan_id: uuid.UUID, new_term: int, reason: str,
                        now: datetime):  # fmt: skip
    """Ask to spread what the loan still owes of principal over ``new_term`` instalments from
    the next repayment day (longer: lower instalments)."""
    if type(new_term) is not int or not 1 <= new_term <= 120:
        raise _invalid("new_term", "range")
    with transaction.atomic():
        loan = loan_locked(loan_id)
        if (
            loan.state != t.LOAN_ACTIVE
            or loan.term_unit != t.TERM_MONTHS
            or (loan.method == t.BULLET)
        ):  # a single payment is extended by a new contract, not spread by a restructuring
            raise LoanStateInvalid(details={"state": loan.state, "method": loan.method})
        return _ask(actor, loan_id, RESTRUCTURE_ACTION, {"new_term": new_term}, reason, now)


def restructure_execute(*, request, actor: Actor, now: datetime) -> None:
    """The remaining principal over the new term from the approval's day; the arrears of
    interest, fees and penalty fall due with the first new instalment; interest paid ahead on
    the running instalment pays its principal instead. The loan is classed at least special
    mention, and never better than it was (a restructured asset: 《商业银行金融资产风险分类办法》
    holds a non-performing loan's class through its restructuring)."""
    from hujin.core.dates import business_date_get

    business_date = business_date_get(now=now)
    loan = loan_locked(request.target_id)
    if loan.state != t.LOAN_ACTIVE:
        raise LoanStateInvalid(details={"state": loan.state})
    rows = open_instalments(loan)
    running = [r for r in rows if r.due_date > business_date][:1]
    event = LoanEvent.objects.create(
        loan=loan, kind="restructure", value_date=business_date, amount_minor=1,
        idempotency_key=f"lending:restructure:{request.id}", source="console",
        actor_id=str(actor.id)[:64], created_at=now,
    )  # fmt: skip
    requests = []
    if running:
        requests = interest_ahead_to_principal(loan, running[0], business_date, event.id)
        running[0].save()
    result = postings.book(requests, now=now, business_date=business_date)
    if result != Result.OK:
        raise LoanStateInvalid(details={"reason": result})
    principal = sum(owed_of(r).principal for r in rows)
    if principal <= 0:
        raise LoanStateInvalid(details={"reason": "no_principal_left"})
    day = loan.repayment_day or loan.start_date.day
    first_due = month_add(business_date, 1, day=day)
    version = loan.schedule_version + 1
    Instalment.objects.filter(id__in=[r.id for r in rows]).update(superseded=True)
    number = max((r.number for r in rows), default=0)
    arrears = _arrears(loan, rows, business_date, version=version, number=number,
                       due=first_due)  # fmt: skip
    if arrears is not None:
        arrears.save()
    terms = rescheduled(loan_terms(loan), principal_minor=principal, start=business_date,
                        first_due=first_due, term=request.payload["new_term"])  # fmt: skip
    instalments_write(loan, schedule(terms), version=version, first=number + 1)
    before = loan.classification
    loan.schedule_version = version
    loan.classification_manual = worse(loan.classification, "special_mention")
    loan.classification = worse(loan.classification, loan.classification_manual)
    loan.updated_at = now
    loan.save()
    LoanStatusChange.objects.create(
        loan=loan, business_date=business_date, dpd=loan.dpd, bucket=loan.bucket,
        classification=loan.classification, previous_bucket=loan.bucket,
        previous_classification=before, reason="restructure",
    )  # fmt: skip
    _record(actor, loan, "restructured", now, version=version, principal_minor=principal,
            new_term=request.payload["new_term"])  # fmt: skip


def _arrears(loan, rows, business_date: date, *, version: int, number: int, due: date):
    """What the old schedule leaves owed besides principal, as one instalment due with the
    first new one: the overdue instalments' interest, fees and penalty, and the running
    period's interest to date."""
    overdue = [r for r in rows if r.due_date <= business_date]
    running = [r for r in rows if r.due_date > business_date][:1]
    interest = sum(r.interest_minor for r in overdue)
    paid = sum(r.interest_paid_minor for r in overdue + running)
    recognised = sum(r.interest_recognised_minor for r in overdue + running)
    for r in running:
        interest += max(interest_to_date(r, business_date), r.interest_paid_minor)
    row = Instalment(
        loan=loan, schedule_version=version, number=number, period_start=business_date,
        due_date=due, principal_minor=0, interest_minor=interest, interest_paid_minor=paid,
        interest_recognised_minor=recognised,
        fee_minor=sum(r.fee_minor for r in overdue),
        fee_paid_minor=sum(r.fee_paid_minor for r in overdue + running),
        penalty_minor=sum(r.penalty_minor for r in rows),
        penalty_paid_minor=sum(r.penalty_paid_minor for r in rows),
    )  # fmt: skip
    row.fee_minor = max(row.fee_minor, row.fee_paid_minor)
    if not (row.interest_minor or row.fee_minor or row.penalty_minor):
        return None
    if owed_of(row).total() == 0:
        row.paid_on = business_date
    return row


def write_off_request(*, actor: Actor, loan_id: uuid.UUID, reason: str, now: datetime):
    """Ask to write off a loan classed as loss."""
    with transaction.atomic():
        loan = loan_locked(loan_id)
        if loan.state != t.LOAN_ACTIVE or loan.classification != "loss":
            raise LoanStateInvalid(details={"state": loan.state,
                                            "classification": loan.classification})  # fmt: skip
        return _ask(actor, loan_id, WRITE_OFF_ACTION, {}, reason, now)


def write_off_execute(*, request, actor: Actor, now: datetime) -> None:
    from hujin.core.dates import business_date_get

    business_date = business_date_get(now=now)
    loan = loan_locked(request.target_id)
    if loan.state != t.LOAN_ACTIVE or loan.classification != "loss":
        raise LoanStateInvalid(details={"state": loan.state})
    amounts = {
        "principal": loan.principal_minor - loan.principal_paid_minor,
        "interest": loan.interest_accrued_minor - loan.interest_paid_minor,
        "penalty": loan.penalty_accrued_minor - loan.penalty_paid_minor,
    }
    event = LoanEvent.objects.create(
        loan=loan, kind="write_off", value_date=business_date,
        amount_minor=max(1, sum(amounts.values())), idempotency_key="lending:write_off",
        source="console", actor_id=str(actor.id)[:64], created_at=now,
    )  # fmt: skip
    requests = [postings.write_off(event_id=event.id, loan_id=loan.id, part=part, amount_minor=a)
                for part, a in amounts.items() if a]  # fmt: skip
    result = postings.book(requests, now=now, business_date=business_date)
    if result != Result.OK:
        raise LoanStateInvalid(details={"reason": result})
    loan.state = t.LOAN_WRITTEN_OFF
    loan.updated_at = now
    loan.save(update_fields=["state", "updated_at"])
    _record(actor, loan, "written_off", now, **{f"{k}_minor": v for k, v in amounts.items()})


def recovery_receive(*, actor: Actor, loan_id: uuid.UUID, amount_minor: int,
                     idempotency_key: str, now: datetime,
                     business_date: date) -> LoanEvent:  # fmt: skip
    """After a write-off, money the customer pays (from the wallet) is a recovery: recovery
    income, up to what was written off."""
    if actor.kind not in ("customer", "system"):  # staff never take from a borrower's wallet
        raise PermissionDenied(details={"reason": "customer_or_system_only"})
    if type(amount_minor) is not int or amount_minor <= 0:
        raise RepaymentInvalid(details={"field": "amount", "reason": "positive"})
    key = (idempotency_key or "").strip()[:64] or str(new_id())
    if key.startswith("lending:") and actor.kind != "system":
        raise RepaymentInvalid(details={"field": "idempotency_key", "reason": "reserved"})
    with transaction.atomic():
        loan = loan_locked(loan_id)
        if actor.kind == "customer":
            from hujin.customers.selectors import own_standing

            standing = own_standing(actor=actor)
            if standing is None or standing.customer_id != loan.customer_id:
                from hujin.lending.errors import LoanNotFound

                raise LoanNotFound()
        existing = LoanEvent.objects.filter(loan=loan, idempotency_key=key,
                                            kind="recovery").first()  # fmt: skip
        if existing is not None:
            return existing
        if loan.state != t.LOAN_WRITTEN_OFF:
            raise LoanStateInvalid(details={"state": loan.state})
        written = LoanEvent.objects.get(loan=loan, kind="write_off").amount_minor
        recovered = sum(LoanEvent.objects.filter(loan=loan, kind="recovery")
                        .values_list("amount_minor", flat=True))  # fmt: skip
        if amount_minor > written - recovered:
            raise RepaymentInvalid(details={"field": "amount", "reason": "more_than_owed",
                                            "owed_minor": written - recovered})  # fmt: skip
        event = LoanEvent.objects.create(
            loan=loan, kind="recovery", value_date=business_date, amount_minor=amount_minor,
            idempotency_key=key, source=actor.kind, actor_id=str(actor.id)[:64], created_at=now,
        )  # fmt: skip
        wallet_id = wallet_account_of(customer_id=loan.customer_id)
        result = postings.book([postings.recovery(event_id=event.id, loan_id=loan.id,
                                                  wallet_id=wallet_id,
                                                  amount_minor=amount_minor)],
                               now=now, business_date=business_date)  # fmt: skip
        if result == Result.EXCEEDS_CREDITS:
            raise InsufficientFunds()
        if result != Result.OK:
            raise LoanStateInvalid(details={"reason": result})
        _record(actor, loan, "recovery", now, amount_minor=amount_minor)
    return event


def describe(request) -> str:
    payload = request.payload
    extra = payload.get("to") or payload.get("new_term") or ""
    return f"{payload.get('number', '')} {extra}".strip()
