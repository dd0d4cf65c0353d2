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
from hujin.lending.allocation import allocate, owed_of
from hujin.lending.errors import (
    InsufficientFunds,
    LoanNotFound,
    LoanStateInvalid,
    NotACustomer,
    RepaymentInvalid,
)
from hujin.lending.models import Instalment, Loan, LoanEvent
from hujin.lending.services.loans import loan_locked

KEY_MAX = 64
PARTS_FIELD = {t.PENALTY: "penalty_paid_minor", t.FEES: "fee_paid_minor",
               t.INTEREST: "interest_paid_minor", t.PRINCIPAL: "principal_paid_minor"}  # fmt: skip


def _invalid(field: str, reason: str, **extra) -> RepaymentInvalid:
    return RepaymentInvalid(details={"field": field, "reason": reason, **extra})


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
