"""Daily accrual, set-based: the close of business recognises each business date's interest and
penalty interest on every active loan in a few statements, not a loop over loans.

Interest (recognition.py): what every active loan's instalments earned since the last close is
one ledger fan-in, per loan, Dr the loan's interest receivable / Cr interest income, and one
``AccrualRun`` row for the date; no loan or instalment row is written (their counters catch up
at the loan's next event). Run twice for a date, the fan-in's batch id makes the second run a
no-op; killed midway, the transaction rolls back and the rerun does it all.

Penalty: principal past its due date by more than the product's grace days bears the penalty
rate for the day (grace days are free of penalty), per instalment: unpaid principal × rate /
day basis, rounded half up (rates in millionths, integer arithmetic); posted per loan to its
penalty receivable / penalty income. A loan's ``penalty_through`` makes the day's penalty once;
each instalment's day is kept (PenaltyAccrual) for a repayment dated earlier to recompute.
Overdue loans are few, so the penalty's counters are written as it accrues.

On PostgreSQL both steps hold the loans table in EXCLUSIVE mode while they read and post:
repayments and other loan events wait for the step (and it for them), and plain reads go on.
"""

import uuid
from datetime import date, datetime

from django.db import connection, transaction

from hujin.ledger.services import transfers_fan_in
from hujin.ledger.types import FanInLines
from hujin.lending import types as t
from hujin.lending.accounts import ACTOR, NAMESPACE, house_accounts_open, house_id
from hujin.lending.errors import AccrualRefused
from hujin.lending.models import AccrualRun
from hujin.lending.recognition import date_sql, day_lines_sql, days_sql, last_run

TABLE = "lending_accrual_lines"
RATE_SCALE = 1_000_000


def penalty_of_day(unpaid_minor: int, rate, day_count: str) -> int:
    """One day's penalty on ``unpaid_minor`` of overdue principal at the annual ``rate``: the
    same integer rule as the close of business's SQL (rate in millionths, half up)."""
    basis = t.DAY_BASIS[day_count]
    micro = int((rate * RATE_SCALE).to_integral_value())
    return (2 * unpaid_minor * micro + basis * RATE_SCALE) // (2 * basis * RATE_SCALE)


def _loans_held(cursor) -> None:
    """On PostgreSQL, hold the loans table against every loan event until the step commits."""
    if connection.vendor == "postgresql":
        cursor.execute("LOCK TABLE lending_loan IN EXCLUSIVE MODE")


def _fan_in(part: str, lines: FanInLines, *, business_date: date, now: datetime):
    income = "interest_income" if part == t.INTEREST else "penalty_income"
    return transfers_fan_in(
        batch_id=uuid.uuid5(NAMESPACE, f"lending.accrual.{part}:{business_date}"),
        credit_account_id=house_id(income), lines=lines, code=f"lending.accrual.{part}",
        metadata={"business_date": business_date.isoformat()},
        actor=ACTOR, now=now, business_date=business_date,
    )  # fmt: skip


DONE_BEFORE = {"status": "done_before", "loans": 0, "total_minor": 0}


def interest_accrue(*, business_date: date, now: datetime) -> dict:
    """Recognise what every active loan earned since the last close, as of ``business_date``.
    A date at or before the last close has nothing left to recognise."""
    house_accounts_open(now=now)
    with transaction.atomic(), connection.cursor() as cursor:
        _loans_held(cursor)
        latest = last_run()
        if latest is not None and latest >= business_date:
            return DONE_BEFORE
        lines = FanInLines(sql=day_lines_sql(business_date, latest))
        result = _fan_in(t.INTEREST, lines, business_date=business_date, now=now)
        if result.already_done:
            return DONE_BEFORE
        if result.refused:  # a receivable closed or frozen: the step stops, nothing is posted
            raise AccrualRefused(details={"accounts": [str(a) for a, _, _ in result.refused]})
        AccrualRun.objects.create(part=t.INTEREST, business_date=business_date,
                                  loans=result.created, total_minor=result.total,
                                  created_at=now)  # fmt: skip
    return {"status": "accrued", "loans": result.created, "total_minor": result.total}


def _temp_table(cursor, postgres: bool) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
    uuid_type = "uuid" if postgres else "char(32)"
    cursor.execute(
        f"CREATE TEMP TABLE {TABLE} (instalment_id bigint, loan_id {uuid_type}, "
        f"account_id {uuid_type}, amount bigint)"
    )


def _penalty_rows(business_date: date) -> str:
    d = date_sql(business_date)
    overdue = days_sql(d, "i.due_date")
    basis = "CASE l.day_count WHEN 'act360' THEN 360 ELSE 365 END"
    rate = f"CAST(ROUND(l.penalty_rate * {RATE_SCALE}) AS BIGINT)"
    unpaid = "(i.principal_minor - i.principal_paid_minor)"
    day = f"(2 * {unpaid} * {rate} + {basis} * {RATE_SCALE}) / (2 * {basis} * {RATE_SCALE})"
    return (
        f"INSERT INTO {TABLE} (instalment_id, loan_id, account_id, amount) "
        f"SELECT i.id, l.id, l.penalty_account_id, {day} "
        "FROM lending_instalment i JOIN lending_loan l ON l.id = i.loan_id "
        "AND l.schedule_version = i.schedule_version "
        f"WHERE l.state = '{t.LOAN_ACTIVE}' AND NOT i.superseded AND {overdue} > l.grace_days "
        f"AND {unpaid} > 0 AND (l.penalty_through IS NULL OR l.penalty_through < {d}) "
        f"AND {day} > 0"
    )


def _penalty_counters(cursor, postgres: bool, business_date: date) -> None:
    """The day's penalty per instalment kept for a later replay, and the instalments' and the
    loans' counters moved by it."""
    d = date_sql(business_date)
    cursor.execute(
        "INSERT INTO lending_penaltyaccrual (instalment_id, loan_id, business_date, "
        f"amount_minor) SELECT instalment_id, loan_id, {d}, amount FROM {TABLE}"
    )
    inst = "i" if postgres else "lending_instalment"
    loan = "l" if postgres else "lending_loan"
    cursor.execute(
        f"UPDATE lending_instalment {'i ' if postgres else ''}"
        f"SET penalty_minor = penalty_minor + a.amount FROM {TABLE} a "
        f"WHERE {inst}.id = a.instalment_id"
    )
    cursor.execute(
        f"UPDATE lending_loan {'l ' if postgres else ''}SET penalty_accrued_minor = "
        f"penalty_accrued_minor + s.total, penalty_through = {d} FROM (SELECT loan_id, "
        f"SUM(amount) AS total FROM {TABLE} GROUP BY loan_id) s WHERE {loan}.id = s.loan_id"
    )


def penalty_accrue(*, business_date: date, now: datetime) -> dict:
    """The day's penalty interest on every loan's overdue principal, once per date."""
    postgres = connection.vendor == "postgresql"
    house_accounts_open(now=now)
    with transaction.atomic(), connection.cursor() as cursor:
        _loans_held(cursor)
        _temp_table(cursor, postgres)
        cursor.execute(_penalty_rows(business_date))
        lines = FanInLines(
            sql=f"SELECT account_id, CAST(SUM(amount) AS BIGINT) FROM {TABLE} GROUP BY account_id "
            "ORDER BY account_id"
        )
        result = _fan_in(t.PENALTY, lines, business_date=business_date, now=now)
        if not result.already_done:
            for account_id, _code, _amount in result.refused:  # recognised nothing: dropped
                cursor.execute(f"DELETE FROM {TABLE} WHERE account_id = %s",
                               [account_id if postgres else account_id.hex])  # fmt: skip
            _penalty_counters(cursor, postgres, business_date)
        cursor.execute(f"DROP TABLE {TABLE}")
    if result.already_done:
        return DONE_BEFORE
    return {"status": "accrued", "loans": result.created, "total_minor": result.total,
            "refused": len(result.refused)}  # fmt: skip
