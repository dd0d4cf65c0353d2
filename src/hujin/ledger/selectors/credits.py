"""Posted credits of one code to accounts, day by day: what a module reads of its own postings
(a money-market fund's income credited to each holding, say) without reading the history."""

import uuid
from collections.abc import Sequence
from datetime import date

from django.db.models import Sum

from hujin.core.actors import Actor
from hujin.core.sql import Dialect, hot_rows
from hujin.ledger.models import Account, Transfer
from hujin.ledger.scope import read_scope
from hujin.ledger.selectors.values import POSTING_KINDS


def credits_by_day(
    *,
    actor: Actor,
    account_ids: Sequence[uuid.UUID],
    code: str,
    from_date: date | None = None,
    to_date: date | None = None,
) -> dict[tuple[uuid.UUID, date], int]:
    """The posted credits with transfer ``code`` to each of ``account_ids`` per business date
    in [from_date, to_date] (either end open): {(account id, business date): amount}. Accounts
    ``actor`` may not read are left out. Raises PermissionDenied."""
    scope = read_scope(actor)
    accounts = scope.accounts(Account.objects.filter(id__in=list(account_ids)))
    by_number = dict(accounts.values_list("number", "id"))
    if not by_number:
        return {}
    rows = Transfer.objects.filter(
        credit_number__in=list(by_number), code=code, kind__in=POSTING_KINDS
    )
    if from_date is not None:
        rows = rows.filter(business_date__gte=from_date)
    if to_date is not None:
        rows = rows.filter(business_date__lte=to_date)
    totals = rows.values("credit_number", "business_date").annotate(total=Sum("amount"))
    return {(by_number[r["credit_number"]], r["business_date"]): int(r["total"]) for r in totals}


def balances_query(*, code: str, currency: str) -> tuple[str, tuple]:
    """A query (SQL and its parameters) selecting ``account_id``, ``number`` and posted
    ``balance`` (credits less debits) of every account with ``code`` in ``currency``: what a
    module composes into the lines of a set-based fan-out (``transfers_fan_out``) that pays
    each such account a share, without naming the ledger's tables itself."""
    return (
        "SELECT id AS account_id, number, credits_posted - debits_posted AS balance "
        "FROM ledger_account WHERE code = %s AND currency = %s",
        (code, currency),
    )


def daily_balances(
    *, actor: Actor, account_id: uuid.UUID, from_date: date, to_date: date
) -> tuple[dict[date, int], int]:
    """One account's posted balance (credits less debits) at the close of each business date
    in [from_date, to_date], walked back from its balance now, and the credits posted in that
    span: what a credit assessment reads of a wallet (its average balance, its inflows).
    ({}, 0) for an account ``actor`` may not read. Raises PermissionDenied."""
    scope = read_scope(actor)
    d = Dialect()
    account = hot_rows(d, _ACCOUNT_SQL, [d.uuid_in(uuid.UUID(str(account_id)))])
    if not account or not scope.owns(account[0][3]):
        return {}, 0
    number, credits_posted, debits_posted, _ = account[0]
    balance = credits_posted - debits_posted
    moves: dict[date, int] = {}
    inflow = 0
    # Both sides in one pass: each business date's credits and debits to the account.
    rows = hot_rows(d, _MOVES_SQL, [number, number, number, number, d.date_in(from_date)])
    for business_date, credits, debits in rows:
        business_date = d.date_out(business_date)
        moves[business_date] = credits - debits
        if business_date <= to_date:
            inflow += int(credits)
    closing: dict[date, int] = {}
    day = max([to_date, *moves])
    while day >= from_date:
        if day <= to_date:
            closing[day] = int(balance)
        balance -= moves.get(day, 0)
        day = date.fromordinal(day.toordinal() - 1)
    return closing, inflow


# Plain SQL: a credit decision reads a wallet's history through here.
_ACCOUNT_SQL = (
    "SELECT number, credits_posted, debits_posted, owner_ref FROM ledger_account WHERE id = %s"
)
_MOVES_SQL = (
    "SELECT business_date, "
    "CAST(COALESCE(SUM(CASE WHEN credit_number = %s THEN amount END), 0) AS BIGINT), "
    "CAST(COALESCE(SUM(CASE WHEN debit_number = %s THEN amount END), 0) AS BIGINT) "
    "FROM ledger_transfer WHERE (credit_number = %s OR debit_number = %s) "
    f"AND kind IN ({', '.join(repr(kind) for kind in POSTING_KINDS)}) AND business_date > %s "
    "GROUP BY business_date"
)
