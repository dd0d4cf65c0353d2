"""Posted credits of one code to accounts, day by day: what a module reads of its own postings
(a money-market fund's income credited to each holding, say) without reading the history."""

import uuid
from collections.abc import Sequence
from datetime import date

from django.db.models import Sum

from hujin.core.actors import Actor
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
