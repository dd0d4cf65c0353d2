"""Prepayment: repaying early, in full or in part, and what a restructuring shares with it (the
running period cut at a date, interest paid ahead of it turned to principal)."""

import uuid
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from hujin.core.actors import Actor
from hujin.core.ids import new_id
from hujin.customers.selectors import wallet_account_of
from hujin.lending import postings
from hujin.lending import types as t
from hujin.lending.allocation import allocate, owed_of
from hujin.lending.errors import PrepaymentNotAllowed
from hujin.lending.models import Instalment, Loan, LoanEvent
from hujin.lending.recognition import earned
from hujin.lending.schedule import equal_instalment, rescheduled, schedule
from hujin.lending.services.loans import instalments_write, loan_terms
from hujin.lending.services.repayments import _apply, _invalid, _key, _own_loan, open_instalments


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


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
                                term=prepaid_term(loan, left, remaining, future,
                                                  choice))  # fmt: skip
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


def prepaid_term(loan: Loan, left: int, remaining: int, future: list[Instalment],
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
