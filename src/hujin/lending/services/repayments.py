"""Repayments: money from the customer's wallet to a loan, allocated oldest instalment first and
within an instalment in the product's order (allocation.py), posted part by part
(postings.repayment) in the transaction that updates the schedule, so the schedule and the ledger
agree after every call (``hujin lending verify``).

Interest and penalty are recognised day by day by the close of business; a repayment that pays
more of either than has been recognised yet (an instalment paid before its due date, a
prepayment's interest to date) recognises the difference first, in the same chain.

Two repayments of one loan at once queue on the loan's row lock: the second allocates what the
first left. Each is idempotent on the caller's key."""

import uuid
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.errors import PermissionDenied
from hujin.core.events import event_emit
from hujin.core.ids import new_id
from hujin.customers.selectors import own_standing, wallet_account_of
from hujin.ledger.errors import Result
from hujin.lending import events, postings
from hujin.lending import types as t
from hujin.lending.allocation import Owed, allocate, owed_of
from hujin.lending.errors import (
    InsufficientFunds,
    LoanNotFound,
    LoanStateInvalid,
    NotACustomer,
    PrepaymentNotAllowed,
    RepaymentInvalid,
)
from hujin.lending.models import Instalment, Loan, LoanEvent
from hujin.lending.recognition import earned
from hujin.lending.schedule import equal_instalment, rescheduled, schedule
from hujin.lending.services.loans import instalments_write, loan_locked, loan_terms

KEY_MAX = 64
PARTS_FIELD = {t.PENALTY: "penalty_paid_minor", t.FEES: "fee_paid_minor",
               t.INTEREST: "interest_paid_minor", t.PRINCIPAL: "principal_paid_minor"}  # fmt: skip


def _invalid(field: str, reason: str, **extra) -> RepaymentInvalid:
    return RepaymentInvalid(details={"field": field, "reason": reason, **extra})


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def open_instalments(loan: Loan) -> list[Instalment]:
    return list(
        Instalment.objects.filter(
            loan=loan, schedule_version=loan.schedule_version, paid_on=None
        ).order_by("due_date", "number")
    )


def _own_loan(actor: Actor, loan_id, key: str) -> tuple[Loan, LoanEvent | None]:
    """The loan, locked, and the event its key already made (a retry, or the same request
    twice at once: the second waits for the lock and then finds the first's). A customer
    reaches only their own loan (another's is not found); staff reach none: money leaves a
    wallet only at the customer's request or by the contract's auto-debit (a system)."""
    if actor.kind not in ("customer", "system"):  # staff never take from a borrower's wallet
        raise PermissionDenied(details={"reason": "customer_or_system_only"})
    loan = loan_locked(loan_id)
    if actor.kind == "customer":
        standing = own_standing(actor=actor)
        if standing is None:
            raise NotACustomer()
        if loan.customer_id != standing.customer_id:
            raise LoanNotFound()
    existing = LoanEvent.objects.filter(loan=loan, idempotency_key=key,
                                        kind__in=("repayment", "prepayment")).first()  # fmt: skip
    if existing is None and LoanEvent.objects.filter(loan=loan, idempotency_key=key).exists():
        raise _invalid("idempotency_key", "reused")
    if existing is None and loan.state != t.LOAN_ACTIVE:
        raise LoanStateInvalid(details={"state": loan.state})
    return loan, existing


LOAN_PAID = {t.PENALTY: "penalty_paid_minor", t.FEES: "fees_paid_minor",
             t.INTEREST: "interest_paid_minor", t.PRINCIPAL: "principal_paid_minor"}  # fmt: skip


SYSTEM_KEY = "lending:"  # the keys lending's own events use (auto-debit, disbursement...)


def _key(key: str, actor: Actor) -> str:
    key = (key or "").strip()
    if not key or len(key) > KEY_MAX:
        raise _invalid("idempotency_key", "required")
    if key.startswith(SYSTEM_KEY) and actor.kind != "system":
        raise _invalid("idempotency_key", "reserved")
    return key


def _apply(loan: Loan, rows: list[Instalment], allocation: t.Allocation, *, kind: str, key: str,
           actor: Actor, source: str, now: datetime, business_date: date,
           extra_parts: dict[str, int] | None = None, event_id=None,
           pre_requests: list | None = None) -> LoanEvent:  # fmt: skip
    """Post an allocation: the ledger chain, the instalments' paid parts, the loan's counters.
    ``extra_parts`` are paid beside the instalments (a prepayment's fee)."""
    by_number = {row.number: row for row in rows}
    parts: dict[str, int] = {}
    for number, part, amount in allocation.lines:
        row = by_number[number]
        setattr(row, PARTS_FIELD[part], getattr(row, PARTS_FIELD[part]) + amount)
        parts[part] = parts.get(part, 0) + amount
    for part, amount in (extra_parts or {}).items():
        parts[part] = parts.get(part, 0) + amount
    total = sum(parts.values())
    event = LoanEvent(id=event_id or new_id(), loan=loan, kind=kind, value_date=business_date,
                      amount_minor=total,
                      allocation=[list(line) for line in allocation.lines],
                      idempotency_key=key, source=source, actor_id=str(actor.id)[:64],
                      created_at=now)  # fmt: skip
    try:
        with transaction.atomic():
            event.save(force_insert=True)
    except IntegrityError:
        raise _invalid("idempotency_key", "reused") from None
    requests = list(pre_requests or [])
    # Interest paid before the close of business recognised it (an instalment paid early, a
    # prepayment's interest to date) is recognised now, instalment by instalment.
    short = 0
    for row in by_number.values():
        if row.interest_paid_minor > row.interest_recognised_minor:
            short += row.interest_paid_minor - row.interest_recognised_minor
            row.interest_recognised_minor = row.interest_paid_minor
    if short:
        requests.append(postings.accrual(event_id=event.id, loan_id=loan.id, part=t.INTEREST,
                                         amount_minor=short))  # fmt: skip
        loan.interest_accrued_minor += short
    for part, amount in parts.items():
        setattr(loan, LOAN_PAID[part], getattr(loan, LOAN_PAID[part]) + amount)
    wallet_id = wallet_account_of(customer_id=loan.customer_id)
    requests += postings.repayment(event_id=event.id, loan_id=loan.id, wallet_id=wallet_id,
                                   parts=parts)  # fmt: skip
    result = postings.book(requests, now=now, business_date=business_date)
    if result == Result.EXCEEDS_CREDITS:
        raise InsufficientFunds()
    if result != Result.OK:
        raise LoanStateInvalid(details={"reason": result})
    for row in by_number.values():
        if owed_of(row).total() == 0 and row.paid_on is None:
            row.paid_on = business_date
        row.save()
    return _settle_and_tell(loan, event, actor=actor, now=now, business_date=business_date,
                            parts=parts)  # fmt: skip


def _settle_and_tell(loan: Loan, event: LoanEvent, *, actor: Actor, now: datetime,
                     business_date: date, parts: dict | None = None) -> LoanEvent:  # fmt: skip
    """The loan settled when nothing is open; the audit entry and the events."""
    settled = not Instalment.objects.filter(
        loan=loan, schedule_version=loan.schedule_version, paid_on=None
    ).exists()
    if settled and loan.state == t.LOAN_ACTIVE:
        loan.state, loan.settled_on = t.LOAN_SETTLED, business_date
    loan.updated_at = now
    loan.save()
    if parts is None:
        parts = {}
        for _number, part, amount in event.allocation:
            parts[part] = parts.get(part, 0) + amount
    kind, total = event.kind, event.amount_minor
    audit_record(actor=actor, action=f"lending.loan.{kind}", target_type="loan",
                 target_id=str(loan.id), occurred_at=now,
                 after={"amount_minor": total, "parts": parts, "state": loan.state,
                        "value_date": event.value_date.isoformat()})  # fmt: skip
    payload = {"loan_id": str(loan.id), "customer_id": str(loan.customer_id),
               "amount_minor": total, "parts": parts, "kind": kind}  # fmt: skip
    event_emit(aggregate_type="loan", aggregate_id=str(loan.id), event_type=events.LOAN_REPAID,
               occurred_at=now, payload=payload)  # fmt: skip
    if settled:
        event_emit(aggregate_type="loan", aggregate_id=str(loan.id),
                   event_type=events.LOAN_SETTLED, occurred_at=now,
                   payload={"loan_id": str(loan.id),
                            "customer_id": str(loan.customer_id)})  # fmt: skip
    return event


def loan_repay(*, actor: Actor, loan_id: uuid.UUID, amount_minor: int, idempotency_key: str,
               now: datetime, business_date: date, source: str = "portal",
               value_date: date | None = None, due_only: bool = False) -> LoanEvent:  # fmt: skip
    """Repay ``amount_minor`` from the wallet: what is due first, then the next instalments in
    order. ``value_date`` (a channel's callback, never a customer's request) dates it earlier
    than today: the loan's later repayments and penalty are replayed (replay.py). ``due_only``
    (the auto-debit) takes at most what is due by the business date. Raises
    RepaymentInvalid (nothing or more than is owed, a date in the future), InsufficientFunds,
    LoanNotFound, LoanStateInvalid."""
    key = _key(idempotency_key, actor)
    if type(amount_minor) is not int or amount_minor <= 0:
        raise _invalid("amount", "positive")
    value_date = value_date or business_date
    if value_date > business_date or (value_date < business_date and actor.kind == "customer"):
        raise _invalid("value_date", "range")
    with transaction.atomic():
        loan, existing = _own_loan(actor, loan_id, key)
        if existing is not None:
            return existing
        rows = open_instalments(loan)
        if due_only:  # the auto-debit: at most what is due, worked out under the lock
            rows = [row for row in rows if row.due_date <= business_date]
            amount_minor = min(amount_minor, sum(owed_of(row).total() for row in rows))
            if amount_minor <= 0:
                raise _invalid("amount", "nothing_due")
        owed = [owed_of(row) for row in rows]
        total = sum(o.total() for o in owed)
        if amount_minor > total:
            raise _invalid("amount", "more_than_owed", owed_minor=total)
        if value_date < business_date and _needs_replay(loan, value_date):
            return _replayed(loan, amount_minor, key=key, actor=actor, source=source, now=now,
                             value_date=value_date, business_date=business_date)  # fmt: skip
        allocation = allocate(owed, amount_minor, loan.allocation_order)
        return _apply(loan, rows, allocation, kind="repayment", key=key, actor=actor,
                      source=source, now=now, business_date=business_date)  # fmt: skip


def _needs_replay(loan: Loan, value_date: date) -> bool:
    from hujin.lending.services.replay import replayable

    later = LoanEvent.objects.filter(loan=loan, kind="repayment", value_date__gt=value_date)
    penalised = loan.penalty_through is not None and loan.penalty_through >= value_date
    return (later.exists() or penalised) and replayable(loan, value_date)


def _replayed(loan: Loan, amount_minor: int, *, key: str, actor: Actor, source: str,
              now: datetime, value_date: date, business_date: date) -> LoanEvent:  # fmt: skip
    from hujin.lending.services.replay import replay

    event = LoanEvent(loan=loan, kind="repayment", value_date=value_date,
                      amount_minor=amount_minor, allocation=[], idempotency_key=key,
                      source=source, actor_id=str(actor.id)[:64], created_at=now)  # fmt: skip
    try:
        with transaction.atomic():
            event.save(force_insert=True)
    except IntegrityError:
        raise _invalid("idempotency_key", "reused") from None
    wallet_id = wallet_account_of(customer_id=loan.customer_id)
    requests = replay(loan=loan, event=event, wallet_id=wallet_id, actor=actor, now=now,
                      business_date=business_date)  # fmt: skip
    result = postings.book(requests, now=now, business_date=business_date)
    if result == Result.EXCEEDS_CREDITS:
        raise InsufficientFunds()
    if result != Result.OK:
        raise LoanStateInvalid(details={"reason": result})
    event.save(update_fields=["allocation"])
    return _settle_and_tell(loan, event, actor=actor, now=now, business_date=business_date)


def due_now(loan: Loan, rows: list[Instalment], business_date: date) -> int:
    return sum(owed_of(row).total() for row in rows if row.due_date <= business_date)


def interest_to_date(row: Instalment, business_date: date) -> int:
    """The interest of the running period up to ``business_date``, pro rata by days."""
    return earned(row, business_date)


def interest_ahead_to_principal(loan: Loan, running: Instalment, business_date: date,
                                event_id) -> list:  # fmt: skip
    """Interest the customer paid on the running instalment beyond its interest to date (an
    instalment paid early, then cut short by a prepayment or a restructuring) pays its principal
    instead, and what had been recognised beyond the date is taken back: the rows, the loan's
    counters and the ledger requests (for the caller's chain, under ``event_id``)."""
    earned = interest_to_date(running, business_date)
    ahead = running.interest_paid_minor - earned
    move = min(max(ahead, 0), running.principal_minor - running.principal_paid_minor)
    requests = []
    if move:
        running.interest_paid_minor -= move
        running.principal_paid_minor += move
        loan.interest_paid_minor -= move
        loan.principal_paid_minor += move
        wallet_id = wallet_account_of(customer_id=loan.customer_id)
        requests += postings.reallocation(event_id=event_id, loan_id=loan.id, wallet_id=wallet_id,
                                          delta={t.INTEREST: -move, t.PRINCIPAL: move})  # fmt: skip
    over = running.interest_recognised_minor - max(earned, running.interest_paid_minor)
    if over > 0:
        running.interest_recognised_minor -= over
        loan.interest_accrued_minor -= over
        requests += postings.recognition_adjustment(
            event_id=event_id, loan_id=loan.id, part=t.INTEREST, amount_minor=-over
        )
    return requests


def prepayment_quote(loan: Loan, business_date: date, *, principal_minor: int | None = None):
    """(due now, principal prepaid, the running period's interest to date, fee) of a full
    prepayment, or of a partial one of ``principal_minor``."""
    rows = open_instalments(loan)
    overdue = [r for r in rows if r.due_date <= business_date]
    future = [r for r in rows if r.due_date > business_date]
    outstanding = sum(r.principal_minor - r.principal_paid_minor for r in future)
    principal = outstanding if principal_minor is None else principal_minor
    running = future[0] if future else None
    interest = 0
    if running is not None:
        interest = max(0, interest_to_date(running, business_date) - running.interest_paid_minor)
    fee = _round(Decimal(principal) * loan.prepayment_fee_rate)
    return rows, overdue, future, principal, interest, fee


def loan_prepay(*, actor: Actor, loan_id: uuid.UUID, idempotency_key: str, now: datetime,
                business_date: date, principal_minor: int | None = None,
                choice: str = t.PREPAY_REDUCE_INSTALMENT,
                source: str = "portal") -> LoanEvent:  # fmt: skip
    """Repay early: everything (``principal_minor`` None) or part of the principal. Pays what
    is due first, then the running period's interest to date, the principal and the
    prepayment fee; the remaining schedule is written again as a new version (the old one kept):
    none left after a full prepayment; after a partial one the same number of instalments,
    lower (``reduce_instalment``), or the same instalment over fewer periods
    (``shorten_term``)."""
    key = _key(idempotency_key, actor)
    if choice not in t.PREPAY_CHOICES:
        raise _invalid("choice", "unknown")
    with transaction.atomic():
        loan, existing = _own_loan(actor, loan_id, key)
        if existing is not None:
            return existing
        if not loan.prepayment_allowed:
            raise PrepaymentNotAllowed()
        rows, overdue, future, _, _, _ = prepayment_quote(loan, business_date)
        if not future:
            raise _invalid("principal", "nothing_to_prepay")
        running = future[0]
        event_id = new_id()
        pre_requests = interest_ahead_to_principal(loan, running, business_date, event_id)
        if pre_requests:
            running.save()
        outstanding = sum(r.principal_minor - r.principal_paid_minor for r in future)
        if principal_minor is not None and (
            type(principal_minor) is not int or not 0 < principal_minor < outstanding
        ):
            raise _invalid("principal", "range", outstanding_minor=outstanding)
        principal = outstanding if principal_minor is None else principal_minor
        interest = max(0, interest_to_date(running, business_date) - running.interest_paid_minor)
        fee = _round(Decimal(principal) * loan.prepayment_fee_rate)
        # The old version's open instalments are superseded; the overdue ones are carried
        # over as they are, then the running period is cut at today.
        version = loan.schedule_version + 1
        Instalment.objects.filter(id__in=[r.id for r in rows]).update(superseded=True)
        carried = []
        for row in overdue:
            row.pk, row.id, row.schedule_version, row.superseded = None, None, version, False
            carried.append(row)
        # What was paid early of the running instalment stays paid, on the cut instalment.
        today = Instalment(
            loan=loan, schedule_version=version, number=running.number,
            period_start=running.period_start, due_date=business_date,
            principal_minor=principal + running.principal_paid_minor,
            interest_minor=interest + running.interest_paid_minor,
            fee_minor=running.fee_paid_minor, penalty_minor=0,
            principal_paid_minor=running.principal_paid_minor,
            interest_paid_minor=running.interest_paid_minor,
            interest_recognised_minor=min(running.interest_recognised_minor,
                                          interest + running.interest_paid_minor),
            fee_paid_minor=running.fee_paid_minor,
        )  # fmt: skip
        carried.append(today)
        Instalment.objects.bulk_create(carried)
        left = outstanding - principal
        loan.schedule_version = version
        if left:
            remaining = len(future)
            terms = rescheduled(loan_terms(loan), principal_minor=left, start=business_date,
                                first_due=running.due_date,
                                term=_new_term(loan, left, remaining, future, choice))  # fmt: skip
            instalments_write(loan, schedule(terms), version=version, first=running.number + 1)
        loan.save(update_fields=["schedule_version"])
        rows = open_instalments(loan)
        owed = [owed_of(row) for row in rows if row.due_date <= business_date]
        amount = sum(o.total() for o in owed)
        allocation = allocate(owed, amount, loan.allocation_order)
        return _apply(loan, rows, allocation, kind="prepayment", key=key, actor=actor,
                      source=source, now=now, business_date=business_date,
                      extra_parts={t.FEES: fee} if fee else None, event_id=event_id,
                      pre_requests=pre_requests)  # fmt: skip


def _new_term(loan: Loan, left: int, remaining: int, future: list[Instalment],
              choice: str) -> int:  # fmt: skip
    """How many instalments the principal ``left`` is spread over after a partial prepayment."""
    if choice == t.PREPAY_REDUCE_INSTALMENT or loan.method in (t.INTEREST_ONLY, t.BULLET):
        return remaining
    if loan.method == t.EQUAL_PRINCIPAL:
        each = max(1, future[0].principal_minor)
        return max(1, min(remaining, -(-left // each)))
    target = future[0].principal_minor + future[0].interest_minor
    monthly = loan.annual_rate / 12
    for n in range(1, remaining + 1):
        if equal_instalment(left, monthly, n) <= target:
            return n
    return remaining


def amount_owed(loan: Loan) -> Owed:
    """All that the loan's open instalments still owe, per part."""
    total = Owed(number=0, penalty=0, fees=0, interest=0, principal=0)
    for row in open_instalments(loan):
        o = owed_of(row)
        total.penalty += o.penalty
        total.fees += o.fees
        total.interest += o.interest
        total.principal += o.principal
    return total
