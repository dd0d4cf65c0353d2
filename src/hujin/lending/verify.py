"""``hujin lending verify``: the schedule and the ledger agree, loan by loan.

For every disbursed loan:
- its principal account's balance is the principal not yet repaid, and the open instalments of
  its current schedule owe exactly that principal;
- its interest and penalty receivables hold what was recognised less what was collected (the
  interest recognised as of the last close of business: recognition.py);
- it is settled exactly when its current schedule has nothing open, and a settled loan's
  receivables are empty;
and the loan book's balance is the principal of all loans together not repaid (written off
included).

Set-based: one query compares every loan's figures with its accounts' balances (read through
the ledger's ``balances_query``) and returns only the loans where something differs."""

from dataclasses import dataclass

from django.db import connection

from hujin.ledger.selectors import accounts_get_many, balances_query
from hujin.lending import types as t
from hujin.lending.accounts import (
    ACTOR,
    CURRENCY,
    INTEREST_CODE,
    PENALTY_CODE,
    PRINCIPAL_CODE,
    house_id,
)
from hujin.lending.recognition import CURRENT, last_run, recognised_sql


@dataclass(frozen=True, slots=True)
class Problem:
    loan: str
    check: str
    expected: int
    found: int


ACTIVE, SETTLED, WRITTEN_OFF = t.LOAN_ACTIVE, t.LOAN_SETTLED, t.LOAN_WRITTEN_OFF
# check -> (expected, found), SQL over the loan ``l``, its schedule's sums ``s`` and its
# accounts' debit balances ``pa``, ``ia``, ``na``; the state says which checks apply.
CHECKS = {
    "principal_account": (
        f"CASE WHEN l.state = '{WRITTEN_OFF}' THEN 0 ELSE l.principal_minor "
        "- l.principal_paid_minor END",
        "COALESCE(-pa.balance, 0)",
    ),
    "schedule_principal": (
        "l.principal_minor - l.principal_paid_minor",
        "COALESCE(s.open_principal, 0)",
    ),
    "interest_account": (
        "l.interest_accrued_minor + COALESCE(s.unstored, 0) - l.interest_paid_minor",
        "COALESCE(-ia.balance, 0)",
    ),
    "penalty_account": (
        "l.penalty_accrued_minor - l.penalty_paid_minor",
        "COALESCE(-na.balance, 0)",
    ),
    "settled": (
        f"CASE WHEN l.state = '{SETTLED}' THEN 1 ELSE 0 END",
        "CASE WHEN COALESCE(s.open_count, 0) = 0 THEN 1 ELSE 0 END",
    ),
    "settled_interest": (
        "0",
        f"CASE WHEN l.state = '{SETTLED}' THEN l.interest_accrued_minor "
        "- l.interest_paid_minor ELSE 0 END",
    ),
    "settled_penalty": (
        "0",
        f"CASE WHEN l.state = '{SETTLED}' THEN l.penalty_accrued_minor "
        "- l.penalty_paid_minor ELSE 0 END",
    ),
}
ALSO_WRITTEN_OFF = ("principal_account",)


def _query() -> tuple[str, list]:
    on = last_run()
    schedule = (
        "SELECT i.loan_id, SUM(i.principal_minor - i.principal_paid_minor) AS open_principal, "
        "SUM(CASE WHEN i.paid_on IS NULL THEN 1 ELSE 0 END) AS open_count, "
        f"SUM(CASE WHEN l.state = '{ACTIVE}' THEN {recognised_sql(on)} "
        "- i.interest_recognised_minor ELSE 0 END) AS unstored "
        f"{CURRENT} GROUP BY i.loan_id"
    )
    joins, params = [], []
    for alias, code, column in (("pa", PRINCIPAL_CODE, "principal_account_id"),
                                ("ia", INTEREST_CODE, "interest_account_id"),
                                ("na", PENALTY_CODE, "penalty_account_id")):  # fmt: skip
        sql, args = balances_query(code=code, currency=CURRENCY)
        joins.append(f"LEFT JOIN ({sql}) {alias} ON {alias}.account_id = l.{column}")
        params += list(args)
    columns, differs = [], []
    for name, (expected, found) in CHECKS.items():
        columns += [f"CAST({expected} AS BIGINT)", f"CAST({found} AS BIGINT)"]
        test = f"({expected}) <> ({found})"
        if name not in ALSO_WRITTEN_OFF:
            test = f"(l.state <> '{WRITTEN_OFF}' AND {test})"
        differs.append(test)
    sql = (
        f"SELECT l.number, l.state, {', '.join(columns)} FROM lending_loan l "
        f"LEFT JOIN ({schedule}) s ON s.loan_id = l.id {' '.join(joins)} "
        f"WHERE l.disbursed_at IS NOT NULL AND ({' OR '.join(differs)}) ORDER BY l.number"
    )
    return sql, params


def lending_verify() -> tuple[int, list[Problem]]:
    """(loans checked, problems found): none means the schedule and the ledger agree."""
    problems: list[Problem] = []
    sql, params = _query()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), CAST(COALESCE(SUM(principal_minor - principal_paid_minor), 0) "
            "AS BIGINT) FROM lending_loan WHERE disbursed_at IS NOT NULL"
        )
        checked, owed_total = cursor.fetchone()
        cursor.execute(sql, params)
        for number, state, *figures in cursor.fetchall():
            for n, check in enumerate(CHECKS):
                if state == WRITTEN_OFF and check not in ALSO_WRITTEN_OFF:
                    continue
                expected, found = figures[2 * n], figures[2 * n + 1]
                if expected != found:
                    problems.append(Problem(loan=number, check=check, expected=int(expected),
                                            found=int(found)))  # fmt: skip
    if checked:
        # The loan book holds claims created less claims repaid: a written-off claim stays.
        book = accounts_get_many(actor=ACTOR, account_ids=[house_id("loan_book")])
        account = book.get(house_id("loan_book"))
        found = 0 if account is None else account.credits_posted - account.debits_posted
        if found != owed_total:
            problems.append(Problem(loan="*", check="loan_book", expected=int(owed_total),
                                    found=found))  # fmt: skip
    return int(checked), problems
