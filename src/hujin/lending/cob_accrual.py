"""Daily accrual, set-based: the close of business recognises each business date's interest and
penalty interest on every active loan in a few statements, not a loop over loans.

Interest: each instalment of a loan's current schedule earns its interest pro rata over its
period (``schedule.accrued_to``: round half up, in integers, the same rule in SQL and Python);
on date D an instalment has recognised what it earned by D, all of it from its due date. The
day's increase of every instalment goes into a temporary table; one ledger fan-in posts, per
loan, Dr the loan's interest receivable / Cr interest income; the instalments' and loans'
counters move by the same amounts, in the same transaction. Run twice for a date, the second run
finds nothing left to recognise; killed midway, the transaction rolls back and the rerun does it
all.

Penalty: principal past its due date by more than the product's grace days bears the penalty
rate for the day (grace days are free of penalty), per instalment: unpaid principal × rate /
day basis, rounded half up (rates in millionths, integer arithmetic); posted per loan to its
penalty receivable / penalty income. A loan's ``penalty_through`` makes the day's penalty once;
each instalment's day is kept (PenaltyAccrual) for a repayment dated earlier to recompute.
"""

import uuid
from datetime import date, datetime

from django.db import connection, transaction

from hujin.ledger.services import transfers_fan_in
from hujin.ledger.types import FanInLines
from hujin.lending import types as t
from hujin.lending.accounts import ACTOR, NAMESPACE, house_accounts_open, house_id

TABLE = "lending_accrual_lines"
RATE_SCALE = 1_000_000


def _days(postgres: bool, later: str, earlier: str) -> str:
    """The days from ``earlier`` to ``later`` (SQL expressions of dates) as an integer."""
    if postgres:
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _date_param(postgres: bool) -> str:
    return "%(d)s::date" if postgres else "%(d)s"


def penalty_of_day(unpaid_minor: int, rate, day_count: str) -> int:
    """One day's penalty on ``unpaid_minor`` of overdue principal at the annual ``rate``: the
    same integer rule as the close of business's SQL (rate in millionths, half up)."""
    basis = t.DAY_BASIS[day_count]
    micro = int((rate * RATE_SCALE).to_integral_value())
    return (2 * unpaid_minor * micro + basis * RATE_SCALE) // (2 * basis * RATE_SCALE)


def _temp_table(cursor, postgres: bool) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
    uuid_type = "uuid" if postgres else "char(32)"
    cursor.execute(
        f"CREATE TEMP TABLE {TABLE} (instalment_id bigint, loan_id {uuid_type}, "
        f"account_id {uuid_type}, amount bigint)"
    )


def _interest_rows(postgres: bool) -> str:
    d = _date_param(postgres)
    days = _days(postgres, "i.due_date", "i.period_start")
    elapsed = _days(postgres, d, "i.period_start")
    earned = (
        f"CASE WHEN i.due_date <= {d} THEN i.interest_minor "
        f"ELSE (2 * i.interest_minor * {elapsed} + {days}) / (2 * {days}) END"
    )
    return (
        f"INSERT INTO {TABLE} (instalment_id, loan_id, account_id, amount) "
        f"SELECT i.id, l.id, l.interest_account_id, {earned} - i.interest_recognised_minor "
        "FROM lending_instalment i JOIN lending_loan l ON l.id = i.loan_id "
        "AND l.schedule_version = i.schedule_version "
        f"WHERE l.state = '{t.LOAN_ACTIVE}' AND NOT i.superseded AND i.period_start < {d} "
        "AND i.interest_recognised_minor < i.interest_minor "
        f"AND {earned} > i.interest_recognised_minor"
    )


def _penalty_rows(postgres: bool) -> str:
    d = _date_param(postgres)
    overdue = _days(postgres, d, "i.due_date")
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


def _apply(cursor, postgres: bool, *, instalment_field: str, loan_field: str,
           business_date: date, through: bool) -> None:  # fmt: skip
    """The instalments' and the loans' counters moved by the table's amounts."""
    if postgres:
        cursor.execute(
            f"UPDATE lending_instalment i SET {instalment_field} = {instalment_field} + a.amount "
            f"FROM {TABLE} a WHERE i.id = a.instalment_id"
        )
    else:
        cursor.execute(
            f"UPDATE lending_instalment SET {instalment_field} = {instalment_field} + a.amount "
            f"FROM {TABLE} a WHERE lending_instalment.id = a.instalment_id"
        )
    extra = ", penalty_through = %(d)s" if through else ", accrued_through = %(d)s"
    target = "l" if postgres else "lending_loan"
    cursor.execute(
        f"UPDATE lending_loan {'l ' if postgres else ''}SET {loan_field} = {loan_field} + s.total"
        f"{extra} FROM (SELECT loan_id, SUM(amount) AS total FROM {TABLE} GROUP BY loan_id) s "
        f"WHERE {target}.id = s.loan_id",
        {"d": business_date if postgres else business_date.isoformat()},
    )


def _refused_out(cursor, postgres: bool, refused) -> None:
    """Lines the ledger refused (an account closed, say) recognise nothing: dropped."""
    for account_id, _code, _amount in refused:
        cursor.execute(f"DELETE FROM {TABLE} WHERE account_id = %s",
                       [account_id if postgres else account_id.hex])  # fmt: skip


def _accrue(part: str, *, business_date: date, now: datetime) -> dict:
    postgres = connection.vendor == "postgresql"
    d = business_date if postgres else business_date.isoformat()
    interest = part == t.INTEREST
    house_accounts_open(now=now)
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:  # a repayment meanwhile would change what is read: they wait (id order)
            cursor.execute(
                "SELECT count(*) FROM (SELECT id FROM lending_loan "
                f"WHERE state = '{t.LOAN_ACTIVE}' ORDER BY id FOR UPDATE) AS locked"
            )
        _temp_table(cursor, postgres)
        sql = _interest_rows(postgres) if interest else _penalty_rows(postgres)
        cursor.execute(sql, {"d": d})
        if postgres:  # the planner's view of the lines, for the updates that join them
            cursor.execute(f"ANALYZE {TABLE}")
        batch_id = uuid.uuid5(NAMESPACE, f"lending.accrual.{part}:{business_date}")
        lines = FanInLines(
            sql=f"SELECT account_id, CAST(SUM(amount) AS BIGINT) FROM {TABLE} GROUP BY account_id "
            "ORDER BY account_id"
        )
        income = "interest_income" if interest else "penalty_income"
        result = transfers_fan_in(
            batch_id=batch_id, credit_account_id=house_id(income), lines=lines,
            code=f"lending.accrual.{part}",
            metadata={"business_date": business_date.isoformat()},
            actor=ACTOR, now=now, business_date=business_date,
        )  # fmt: skip
        if result.already_done:
            cursor.execute(f"DROP TABLE {TABLE}")
            return {"status": "done_before", "loans": 0, "total_minor": 0}
        _refused_out(cursor, postgres, result.refused)
        if not interest:  # the day's penalty per instalment, kept for a later replay
            cursor.execute(
                "INSERT INTO lending_penaltyaccrual (instalment_id, loan_id, business_date, "
                f"amount_minor) SELECT instalment_id, loan_id, %(d)s, amount FROM {TABLE}",
                {"d": d},
            )
        _apply(cursor, postgres,
               instalment_field="interest_recognised_minor" if interest else "penalty_minor",
               loan_field="interest_accrued_minor" if interest else "penalty_accrued_minor",
               business_date=business_date, through=not interest)  # fmt: skip
        cursor.execute(f"DROP TABLE {TABLE}")
    return {"status": "accrued", "loans": result.created, "total_minor": result.total,
            "refused": len(result.refused)}  # fmt: skip


def interest_accrue(*, business_date: date, now: datetime) -> dict:
    return _accrue(t.INTEREST, business_date=business_date, now=now)


def penalty_accrue(*, business_date: date, now: datetime) -> dict:
    return _accrue(t.PENALTY, business_date=business_date, now=now)
