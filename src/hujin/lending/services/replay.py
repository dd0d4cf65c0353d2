"""A repayment dated earlier than what the loan has already seen — a bank's callback that
arrives late, carrying the day the customer paid — is put in its place: the loan's repayments
from that date on are replayed in date order, and the penalty accrued since is recomputed on
the principal that was really overdue each day, so every allocation is what it would have been
had the money been known on time.

How: the repayments dated after the value date are taken off the instalments, the penalty
accrued from the value date on is taken off (PenaltyAccrual keeps it day by day); then day by
day from the value date the repayments of the day are allocated again (the late one first) and
the day's penalty accrued again, per instalment, with the close of business's rule. The ledger
gets the differences in one linked chain: penalty recognised less (or more), and money moved
between the parts it paid, with the wallet as the pivot (what one part gives back, another
takes). A repayment that the replay leaves with nothing to pay (the loan is repaid before it)
is returned to the wallet.

A loan whose schedule was written again after the value date (a partial prepayment, a
restructuring) or that has been written off is not replayed: the late repayment is booked on
the business date it arrived, and the event records the date the customer paid."""

from collections import defaultdict
from datetime import date, datetime, timedelta

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.lending import postings
from hujin.lending import types as t
from hujin.lending.allocation import allocate, owed_of
from hujin.lending.cob_accrual import penalty_of_day
from hujin.lending.models import Instalment, Loan, LoanEvent, LoanStatusChange, PenaltyAccrual

PAID = {t.PENALTY: "penalty_paid_minor", t.FEES: "fee_paid_minor",
        t.INTEREST: "interest_paid_minor", t.PRINCIPAL: "principal_paid_minor"}  # fmt: skip
LOAN_PAID = {t.PENALTY: "penalty_paid_minor", t.FEES: "fees_paid_minor",
             t.INTEREST: "interest_paid_minor", t.PRINCIPAL: "principal_paid_minor"}  # fmt: skip
REPAYMENT_KINDS = ("repayment",)


def replayable(loan: Loan, value_date: date) -> bool:
    """Whether the loan's history from ``value_date`` is only repayments and accruals."""
    if loan.state not in (t.LOAN_ACTIVE, t.LOAN_SETTLED):
        return False
    rescheduled = LoanEvent.objects.filter(loan=loan, value_date__gte=value_date).exclude(
        kind__in=REPAYMENT_KINDS
    )
    return (
        not rescheduled.exists()
        and not LoanStatusChange.objects.filter(
            loan=loan, business_date__gte=value_date, reason="restructure"
        ).exists()
    )


def _undo(rows: dict, event: LoanEvent) -> None:
    for number, part, amount in event.allocation:
        row = rows[number]
        setattr(row, PAID[part], getattr(row, PAID[part]) - amount)
        row.paid_on = None


def _apply(rows: dict, amount: int, order, day: date) -> tuple[list, int]:
    open_rows = sorted((r for r in rows.values() if owed_of(r).total()),
                       key=lambda r: (r.due_date, r.number))  # fmt: skip
    allocation = allocate([owed_of(r) for r in open_rows], amount, order)
    for number, part, take in allocation.lines:
        row = rows[number]
        setattr(row, PAID[part], getattr(row, PAID[part]) + take)
    for row in rows.values():
        if row.paid_on is None and owed_of(row).total() == 0:
            row.paid_on = day
    return [list(line) for line in allocation.lines], allocation.unallocated_minor


def _penalty_day(loan: Loan, rows: dict, day: date) -> dict[int, int]:
    """The day's penalty per instalment number, as the close of business would accrue it."""
    accrued = {}
    for row in rows.values():
        unpaid = row.principal_minor - row.principal_paid_minor
        if unpaid > 0 and (day - row.due_date).days > loan.grace_days:
            amount = penalty_of_day(unpaid, loan.penalty_rate, loan.day_count)
            if amount:
                row.penalty_minor += amount
                accrued[row.number] = amount
    return accrued


def _parts(allocations) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for lines in allocations:
        for _number, part, amount in lines:
            totals[part] += amount
    return totals


def replay(*, loan: Loan, event: LoanEvent, wallet_id, actor: Actor, now: datetime,
           business_date: date) -> list:  # fmt: skip
    """Put the new ``event`` (saved, its allocation empty, its amount taken from nobody yet)
    in its place. Returns the ledger requests to book (the caller books them in its chain
    after the wallet pays ``event.amount_minor``), with the loan, instalments and events
    updated in memory and saved."""
    value_date = event.value_date
    rows = {r.number: r for r in Instalment.objects.filter(
        loan=loan, schedule_version=loan.schedule_version).order_by("number")}  # fmt: skip
    later = list(LoanEvent.objects.filter(loan=loan, kind__in=REPAYMENT_KINDS,
                                          value_date__gte=value_date)
                 .exclude(id=event.id).order_by("value_date", "created_at"))  # fmt: skip
    before_parts = _parts(e.allocation for e in later)
    for old in reversed(later):
        _undo(rows, old)
    history = PenaltyAccrual.objects.filter(loan=loan, business_date__gte=value_date)
    by_id = {r.id: r for r in rows.values()}
    removed = 0
    for entry in history:
        row = by_id.get(entry.instalment_id)
        if row is not None:
            row.penalty_minor -= entry.amount_minor
        removed += entry.amount_minor
    history.delete()
    through = loan.penalty_through
    # Day by day: the day's repayments (the late one first), then the day's penalty.
    queue = sorted([event, *later], key=lambda e: (e.value_date, e is not event, e.created_at))
    last = max(through or value_date, queue[-1].value_date)
    refunds = 0
    accrued_again = []
    day = value_date
    while day <= last:
        for item in [e for e in queue if e.value_date == day]:
            item.allocation, left = _apply(rows, item.amount_minor, loan.allocation_order, day)
            refunds += left
        if through is not None and day <= through:
            accrued_again += [
                PenaltyAccrual(instalment=rows[number], loan=loan, business_date=day,
                               amount_minor=amount)
                for number, amount in _penalty_day(loan, rows, day).items()
            ]  # fmt: skip
        day += timedelta(days=1)
    after_parts = _parts(e.allocation for e in queue)
    added = sum(a.amount_minor for a in accrued_again)
    # The counters: penalty recognised, and what each part has been paid.
    loan.penalty_accrued_minor += added - removed
    for part, field in LOAN_PAID.items():
        change = after_parts.get(part, 0) - before_parts.get(part, 0)
        setattr(loan, field, getattr(loan, field) + change)
    requests = postings.recognition_adjustment(event_id=event.id, loan_id=loan.id,
                                               part=t.PENALTY,
                                               amount_minor=added - removed)  # fmt: skip
    delta = {p: after_parts.get(p, 0) - before_parts.get(p, 0) for p in t.PARTS}
    requests += postings.reallocation(event_id=event.id, loan_id=loan.id, wallet_id=wallet_id,
                                      delta=delta)  # fmt: skip
    # Interest now paid before the close of business recognised it is recognised first.
    short = 0
    for row in rows.values():
        if row.interest_paid_minor > row.interest_recognised_minor:
            short += row.interest_paid_minor - row.interest_recognised_minor
            row.interest_recognised_minor = row.interest_paid_minor
    if short:
        requests.insert(0, postings.accrual(event_id=event.id, loan_id=loan.id,
                                            part=t.INTEREST, amount_minor=short))  # fmt: skip
        loan.interest_accrued_minor += short
    for row in rows.values():
        row.save()
    PenaltyAccrual.objects.bulk_create(accrued_again)
    for item in later:
        item.save(update_fields=["allocation"])
    audit_record(actor=actor, action="lending.loan.replayed", target_type="loan",
                 target_id=str(loan.id), occurred_at=now,
                 after={"value_date": value_date.isoformat(), "replayed": len(later),
                        "penalty_minor": added - removed, "refund_minor": refunds})  # fmt: skip
    return requests
