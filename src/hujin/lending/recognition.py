"""Interest recognised day by day without a daily write to any loan or instalment.

Each instalment of a loan's current schedule earns its interest pro rata over its period
(``earned``: round half up, in integers, the same rule here in Python and in SQL). The close of
business recognises, for every active loan, what its instalments earned since the last close: one
ledger transfer per loan into its interest receivable (cob_accrual), and one ``AccrualRun`` row
for the business date. It writes nothing else.

The stored counters - each instalment's ``interest_recognised_minor`` (R) and the loan's
``interest_accrued_minor`` - are exact as of the loan's ``accrued_through`` (M), the last close
before the loan's last event. Recognised as of a later close A:

    recognised(A) = R                      when M >= A (nothing closed since)
                  = max(R, earned(A))      otherwise

R can exceed what the days have earned (interest paid before its due date is recognised when
it is paid), never the other way round after a close. So the close of D, whose previous close is
P, recognises recognised(D) - recognised(P) per instalment, and every event on a loan first
brings the counters up to the last close (``loan_materialise``, called by ``loan_locked``) and
then changes them as before. The ledger and the counters agree at every moment, which ``hujin
lending verify`` checks with the same expressions (``recognised_sql``)."""

from datetime import date

from django.db import connection

from hujin.lending import types as t
from hujin.lending.models import AccrualRun, Instalment, Loan
from hujin.lending.schedule import accrued_to


def last_run(before: date | None = None) -> date | None:
    """The last business date whose interest the close of business recognised (before
    ``before``, when given)."""
    runs = AccrualRun.objects.filter(part=t.INTEREST)
    if before is not None:
        runs = runs.filter(business_date__lt=before)
    return runs.order_by("-business_date").values_list("business_date", flat=True).first()


def earned(row: Instalment, on: date) -> int:
    """What ``row``'s interest has earned by the end of ``on``: pro rata by days."""
    days = (row.due_date - row.period_start).days
    return accrued_to(row.interest_minor, (on - row.period_start).days, days)


def recognised(row: Instalment, loan: Loan, on: date | None) -> int:
    """``row``'s interest recognised as of the close of ``on`` (None: no close yet)."""
    if on is None or (loan.accrued_through is not None and loan.accrued_through >= on):
        return row.interest_recognised_minor
    return max(row.interest_recognised_minor, earned(row, on))


def _current(loan: Loan):
    return Instalment.objects.filter(
        loan=loan, schedule_version=loan.schedule_version, superseded=False
    )


def _since_last_event(loan: Loan) -> tuple[date | None, list[tuple[Instalment, int]]]:
    """The last close, and each current instalment whose recognition moved since the loan's
    last event, with its value as of that close (none for a loan not active, or when nothing
    closed since)."""
    on = last_run()
    if loan.state != t.LOAN_ACTIVE or on is None:
        return on, []
    if loan.accrued_through is not None and loan.accrued_through >= on:
        return on, []
    moved = [(row, recognised(row, loan, on))
             for row in _current(loan).filter(period_start__lt=on)]  # fmt: skip
    return on, [(row, value) for row, value in moved if value != row.interest_recognised_minor]


def loan_materialise(loan: Loan) -> None:
    """Bring an active loan's interest counters up to the last close of business (the caller
    holds the loan's lock). Writes only when a close happened since its last event."""
    on, moved = _since_last_event(loan)
    if loan.state != t.LOAN_ACTIVE or on is None:
        return
    if loan.accrued_through is not None and loan.accrued_through >= on:
        return
    for row, value in moved:
        loan.interest_accrued_minor += value - row.interest_recognised_minor
        row.interest_recognised_minor = value
    Instalment.objects.bulk_update([row for row, _ in moved], ["interest_recognised_minor"])
    loan.accrued_through = on
    loan.save(update_fields=["interest_accrued_minor", "accrued_through"])


def interest_accrued(loan: Loan) -> tuple[int, date | None]:
    """(interest recognised since disbursement, as of which close) for reading a loan without
    locking it: the stored counter and what the closes since its last event added."""
    on, moved = _since_last_event(loan)
    if loan.state != t.LOAN_ACTIVE or on is None:
        return loan.interest_accrued_minor, loan.accrued_through
    added = sum(value - row.interest_recognised_minor for row, value in moved)
    return loan.interest_accrued_minor + added, max(on, loan.accrued_through or on)


# -- the same in SQL (instalments ``i``, loans ``l``) -----------------------------------------


def postgres() -> bool:
    return connection.vendor == "postgresql"


def days_sql(later: str, earlier: str) -> str:
    """The days from ``earlier`` to ``later`` (SQL expressions of dates) as an integer."""
    if postgres():
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def date_sql(value: date) -> str:
    """A date as an SQL literal (an ISO date is safe to inline)."""
    return f"DATE '{value.isoformat()}'" if postgres() else f"'{value.isoformat()}'"


def earned_sql(on: str) -> str:
    """``earned`` of instalment ``i`` by the SQL date ``on``."""
    days = days_sql("i.due_date", "i.period_start")
    elapsed = days_sql(on, "i.period_start")
    return (
        f"(CASE WHEN i.due_date <= i.period_start OR {on} >= i.due_date THEN i.interest_minor "
        f"WHEN {on} <= i.period_start THEN 0 "
        f"ELSE (2 * i.interest_minor * {elapsed} + {days}) / (2 * {days}) END)"
    )


def recognised_sql(on: date | None) -> str:
    """``recognised`` of instalment ``i`` of loan ``l`` as of the close of ``on``."""
    if on is None:
        return "i.interest_recognised_minor"
    day = date_sql(on)
    greatest = "GREATEST" if postgres() else "MAX"
    return (
        f"(CASE WHEN l.accrued_through IS NOT NULL AND l.accrued_through >= {day} "
        f"THEN i.interest_recognised_minor "
        f"ELSE {greatest}(i.interest_recognised_minor, {earned_sql(day)}) END)"
    )


CURRENT = (
    "FROM lending_instalment i JOIN lending_loan l ON l.id = i.loan_id "
    "AND l.schedule_version = i.schedule_version AND NOT i.superseded"
)


def day_lines_sql(business_date: date, previous: date | None) -> str:
    """The close of ``business_date``'s lines for the ledger's fan-in: (each active loan's
    interest receivable, what its instalments earned since the close of ``previous``), in
    account order. Only instalments whose period overlaps the days in between can have earned
    anything - and, on a loan whose last event came after ``previous``, an earlier one whose
    recognition stopped short of its interest."""
    d = date_sql(business_date)
    amount = f"{recognised_sql(business_date)} - {recognised_sql(previous)}"
    active = f"l.state = '{t.LOAN_ACTIVE}' AND i.period_start < {d}"
    if previous is None:
        parts = [f"WHERE {active} AND i.interest_recognised_minor < i.interest_minor"]
    else:
        p = date_sql(previous)
        parts = [
            f"WHERE {active} AND i.due_date > {p}",
            f"WHERE {active} AND i.due_date <= {p} AND l.accrued_through >= {p} "
            "AND i.interest_recognised_minor < i.interest_minor",
        ]
    union = " UNION ALL ".join(
        f"SELECT l.interest_account_id AS account_id, {amount} AS amount {CURRENT} {where}"
        for where in parts
    )
    return (
        f"SELECT account_id, CAST(SUM(amount) AS BIGINT) FROM ({union}) AS earned "
        "GROUP BY account_id HAVING SUM(amount) > 0 ORDER BY account_id"
    )
