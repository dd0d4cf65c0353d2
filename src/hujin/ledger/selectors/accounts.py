"""Reads about accounts: finding them, their balances now and in the past, their history and
their statements. Each takes the Actor that asks and sees only what it may.

The accounts these reads return carry ``debits_frozen_reasons``: the codes of the reasons their
debits are frozen for now, sorted (``AccountDebitFreeze``), read in one query for a whole page.
"""

import contextlib
import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.db.models import Case, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from hujin.core.actors import Actor
from hujin.core.dates import business_time_zone
from hujin.ledger.errors import AccountNotFound, StatementPeriodInvalid
from hujin.ledger.models import Account, AccountDebitFreeze, Transfer
from hujin.ledger.scope import ReadScope, read_scope
from hujin.ledger.selectors.sums import STREAM_CHUNK, sums_in_database
from hujin.ledger.selectors.values import (
    MAX_PAGE,
    POSTING_KINDS,
    AccountOverview,
    AccountPage,
    Balances,
    HistoryEntry,
    HistoryPage,
    Statement,
)
from hujin.ledger.validation import statement_period_check


def account_get(*, actor: Actor, account_id: uuid.UUID) -> Account:
    """The account, if ``actor`` may see it. Raises PermissionDenied, AccountNotFound (also for
    an account that exists but is not the actor's to see)."""
    return with_debits_frozen_reasons([_account_visible(read_scope(actor), account_id)])[0]


DEBITS_FROZEN_REASONS = "debits_frozen_reasons"  # the attribute the accounts read here carry


def with_debits_frozen_reasons(accounts: Sequence[Account]) -> list[Account]:
    """The accounts, each given ``debits_frozen_reasons``: the codes of the reasons its debits
    are frozen for now, sorted (empty when it is not frozen). One query for all of them, as
    ``prefetch_related(to_attr=...)`` would make."""
    accounts = list(accounts)
    reasons: dict[uuid.UUID, list[str]] = {account.id: [] for account in accounts}
    if reasons:
        rows = AccountDebitFreeze.objects.filter(account_id__in=list(reasons))
        for account_id, code in rows.order_by("reason_code").values_list(
            "account_id", "reason_code"
        ):
            reasons[account_id].append(code)
    for account in accounts:
        setattr(account, DEBITS_FROZEN_REASONS, reasons[account.id])
    return accounts


def _account_visible(scope: ReadScope, account_id: uuid.UUID) -> Account:
    account = scope.accounts(Account.objects.filter(id=account_id)).first()
    if account is None:
        raise AccountNotFound(details={"id": str(account_id)})
    return account


def accounts_get_many(
    *, actor: Actor, account_ids: Sequence[uuid.UUID | str]
) -> dict[uuid.UUID, Account]:
    """The accounts under ``account_ids`` that exist and ``actor`` may see, by id, in one
    query (the other side of a page of transfers). Raises PermissionDenied."""
    ids = list({uuid.UUID(str(account_id)) for account_id in account_ids})
    if not ids:
        read_scope(actor)  # who may ask comes first, even for nothing
        return {}
    accounts = read_scope(actor).accounts(Account.objects.filter(id__in=ids))
    return {account.id: account for account in accounts}


def accounts_search(
    *,
    actor: Actor,
    text: str = "",
    currency: str = "",
    kind: str = "",
    code: str = "",
    owner_ref: str = "",
    after: str | None = None,
    limit: int = 50,
) -> AccountPage:
    """Accounts ``actor`` may see, ordered by id, filtered; ``after`` is the last id of the
    previous page. Raises PermissionDenied."""
    qs = read_scope(actor).accounts(Account.objects.all())
    if text:
        match = Q(code__icontains=text) | Q(name__icontains=text) | Q(owner_ref__icontains=text)
        with contextlib.suppress(ValueError):
            match |= Q(id=uuid.UUID(text))
        qs = qs.filter(match)
    for name, value in (("currency", currency), ("kind", kind), ("code", code),
                        ("owner_ref", owner_ref)):  # fmt: skip
        if value:
            qs = qs.filter(**{name: value})
    if after:
        try:
            qs = qs.filter(id__gt=uuid.UUID(after))
        except ValueError:
            qs = qs.none()
    limit = max(1, min(limit, MAX_PAGE))
    accounts = list(qs.order_by("id")[: limit + 1])
    more = len(accounts) > limit
    accounts = with_debits_frozen_reasons(accounts[:limit])
    return AccountPage(accounts, str(accounts[-1].id) if more else None)


def account_balances(
    *,
    actor: Actor,
    account_id: uuid.UUID,
    as_of: datetime | None = None,
    business_date: date | None = None,
) -> Balances:
    """Balances now, at the moment ``as_of`` (transfers created at or before it), or at the end
    of ``business_date``.

    Past balances are summed from the immutable transfers, so they hold whatever order the
    writes arrived in. Raises PermissionDenied, AccountNotFound.
    """
    return _balances_at(_account_visible(read_scope(actor), account_id), as_of, business_date)


def _balances_at(account: Account, as_of: datetime | None, business_date: date | None) -> Balances:
    if as_of is None and business_date is None:
        return Balances.of_account(account)
    cut = Q(created_at__lte=as_of) if as_of is not None else Q(business_date__lte=business_date)
    return _summed_balances(account, cut)


def _summed_balances(account: Account, cut: Q) -> Balances:
    """The account's balances from its transfers within ``cut``, exactly: the holds it ever had
    may add up past 2**63 - 1 though no balance ever did (``selectors.sums``)."""
    if sums_in_database():
        return _summed_in_database(account, cut)
    return _summed_in_python(account, cut)


def _summed_in_database(account: Account, cut: Q) -> Balances:
    def total(condition: Q, amount: str = "amount"):
        return Coalesce(Sum(Case(When(condition, then=F(amount)), default=Value(0),
                                 output_field=IntegerField())), 0)  # fmt: skip

    is_dr, is_cr = Q(debit_number=account.number), Q(credit_number=account.number)
    posting, pending = Q(kind__in=POSTING_KINDS), Q(kind="pending")
    sums = (
        Transfer.objects.filter(cut)
        .filter(is_dr | is_cr)
        .aggregate(
            debits_posted=total(is_dr & posting),
            credits_posted=total(is_cr & posting),
            debits_held=total(is_dr & pending),
            credits_held=total(is_cr & pending),
        )
    )
    # Holds released by a post, void or expiry on or before the cut.
    released = (
        Transfer.objects.filter(cut, pending__isnull=False)
        .filter(is_dr | is_cr)
        .aggregate(
            debits=total(is_dr, "pending__amount"),
            credits=total(is_cr, "pending__amount"),
        )
    )
    return Balances(
        debits_pending=int(sums["debits_held"] - released["debits"]),
        debits_posted=int(sums["debits_posted"]),
        credits_pending=int(sums["credits_held"] - released["credits"]),
        credits_posted=int(sums["credits_posted"]),
    )


def _summed_in_python(account: Account, cut: Q) -> Balances:
    """The same sums as ``_summed_in_database``, over the account's transfers read once."""
    # debits pending, debits posted, credits pending, credits posted
    sums = [0, 0, 0, 0]
    rows = (
        Transfer.objects.filter(cut)
        .filter(Q(debit_number=account.number) | Q(credit_number=account.number))
        .values_list("kind", "debit_number", "credit_number", "amount", "pending__amount")
        .iterator(chunk_size=STREAM_CHUNK)
    )
    for kind, debit_number, credit_number, amount, released in rows:
        for side, number in ((0, debit_number), (2, credit_number)):
            if number != account.number:
                continue
            if kind in POSTING_KINDS:
                sums[side + 1] += amount
            if kind == "pending":
                sums[side] += amount
            if released is not None:  # a post, void or expiry releases its hold
                sums[side] -= released
    return Balances(*sums)


# -- history and statements ----------------------------------------------------------------------

_HISTORY_FIELDS = (
    "seq", "id", "kind", "debit_account_id", "credit_account_id", "amount", "currency", "code",
    "business_date", "created_at",
    "dr_debits_pending", "dr_debits_posted", "dr_credits_pending", "dr_credits_posted",
    "cr_debits_pending", "cr_debits_posted", "cr_credits_pending", "cr_credits_posted",
)  # fmt: skip


def _entry(account_id: uuid.UUID, row: tuple) -> HistoryEntry:
    debit = row[3] == account_id
    return HistoryEntry(
        seq=row[0], transfer_id=row[1], kind=row[2], side="debit" if debit else "credit",
        amount=row[5], currency=row[6], other_account_id=row[4] if debit else row[3],
        code=row[7], business_date=row[8], created_at=row[9],
        balances_after=Balances(*(row[10:14] if debit else row[14:18])),
    )  # fmt: skip


def _entries(account: Account, extra: Q, *, newest_first: bool, limit: int) -> list:
    """Both sides of an account's history, each read through its own (number, seq) index."""
    order = "-seq" if newest_first else "seq"
    rows: list[tuple] = []
    for side in (Q(debit_number=account.number), Q(credit_number=account.number)):
        rows += (
            Transfer.objects.filter(side, extra)
            .order_by(order)
            .values_list(*_HISTORY_FIELDS)[:limit]
        )
    rows.sort(key=lambda r: r[0], reverse=newest_first)
    return [_entry(account.id, row) for row in rows[:limit]]


def account_history(
    *, actor: Actor, account_id: uuid.UUID, before_seq: int | None = None, limit: int = 50
) -> HistoryPage:
    """An account's transfers, newest first, each with the balances right after it.

    Keyset pagination: pass the page's ``next_before_seq`` to get the older page.
    Raises PermissionDenied, AccountNotFound.
    """
    return _history_page(_account_visible(read_scope(actor), account_id), before_seq, limit)


def _history_page(account: Account, before_seq: int | None, limit: int) -> HistoryPage:
    limit = max(1, min(limit, MAX_PAGE))
    extra = Q(seq__lt=before_seq) if before_seq is not None else Q()
    entries = _entries(account, extra, newest_first=True, limit=limit + 1)
    more = len(entries) > limit
    entries = entries[:limit]
    return HistoryPage(entries, entries[-1].seq if more else None)


def account_overview(
    *,
    actor: Actor,
    account_id: uuid.UUID,
    as_of: datetime | None = None,
    business_date: date | None = None,
    before_seq: int | None = None,
    limit: int = 50,
) -> AccountOverview:
    """What an account's page shows, in one call. Raises PermissionDenied, AccountNotFound."""
    [account] = with_debits_frozen_reasons([_account_visible(read_scope(actor), account_id)])
    past = as_of is not None or business_date is not None
    return AccountOverview(
        account=account,
        balances_as_of=_balances_at(account, as_of, business_date) if past else None,
        history=_history_page(account, before_seq, limit),
    )


def account_statement(
    *,
    actor: Actor,
    account_id: uuid.UUID,
    from_date: date,
    to_date: date,
    after_seq: int | None = None,
    limit: int = 200,
) -> Statement:
    """The account over business dates [from_date, to_date]: opening and closing balances,
    period totals and the transfers in order (paged by ``after_seq``).
    Raises PermissionDenied, StatementPeriodInvalid, AccountNotFound."""
    scope = read_scope(actor)  # who may ask comes before what they asked
    statement_period_check(from_date, to_date)
    [account] = with_debits_frozen_reasons([_account_visible(scope, account_id)])
    limit = max(1, min(limit, MAX_PAGE))
    opening = _summed_balances(account, Q(business_date__lte=from_date - timedelta(days=1)))
    closing = _summed_balances(account, Q(business_date__lte=to_date))
    period = Q(business_date__gte=from_date, business_date__lte=to_date)
    if after_seq is not None:
        period &= Q(seq__gt=after_seq)
    entries = _entries(account, period, newest_first=False, limit=limit + 1)
    more = len(entries) > limit
    entries = entries[:limit]
    in_period = Transfer.objects.filter(
        business_date__gte=from_date, business_date__lte=to_date, kind__in=POSTING_KINDS
    )
    return Statement(
        account=account,
        from_date=from_date,
        to_date=to_date,
        opening=opening,
        closing=closing,
        debits_posted_total=_sum(in_period.filter(debit_number=account.number)),
        credits_posted_total=_sum(in_period.filter(credit_number=account.number)),
        entries=entries,
        next_after_seq=entries[-1].seq if more else None,
    )


def account_statement_between(
    *,
    actor: Actor,
    account_id: uuid.UUID,
    from_at: datetime,
    to_at: datetime,
    after_seq: int | None = None,
    limit: int = 200,
) -> Statement:
    """The account over the moments [from_at, to_at) (a calendar month in the business time
    zone, say), by when each transfer was made rather than by its business date: the balances
    before ``from_at`` and before ``to_at``, the posted totals in between and the transfers in
    order (paged by ``after_seq``), so that opening + credits − debits = closing on the normal
    side. ``from_date`` and ``to_date`` are the calendar dates of the first and the last moment
    in the business time zone. Raises PermissionDenied, StatementPeriodInvalid, AccountNotFound."""
    scope = read_scope(actor)
    if from_at.tzinfo is None or to_at.tzinfo is None or to_at <= from_at:
        raise StatementPeriodInvalid(details={"from_at": str(from_at), "to_at": str(to_at)})
    zone = business_time_zone()
    from_date = from_at.astimezone(zone).date()
    to_date = (to_at - timedelta(microseconds=1)).astimezone(zone).date()
    statement_period_check(from_date, to_date)
    [account] = with_debits_frozen_reasons([_account_visible(scope, account_id)])
    limit = max(1, min(limit, MAX_PAGE))
    period = Q(created_at__gte=from_at, created_at__lt=to_at)
    entries = _entries(
        account,
        period & Q(seq__gt=after_seq) if after_seq is not None else period,
        newest_first=False,
        limit=limit + 1,
    )
    more = len(entries) > limit
    entries = entries[:limit]
    in_period = Transfer.objects.filter(period, kind__in=POSTING_KINDS)
    return Statement(
        account=account,
        from_date=from_date,
        to_date=to_date,
        opening=_summed_balances(account, Q(created_at__lt=from_at)),
        closing=_summed_balances(account, Q(created_at__lt=to_at)),
        debits_posted_total=_sum(in_period.filter(debit_number=account.number)),
        credits_posted_total=_sum(in_period.filter(credit_number=account.number)),
        entries=entries,
        next_after_seq=entries[-1].seq if more else None,
    )


def _sum(qs) -> int:
    # Posted amounts on one side of one account: never more than that side's posted balance,
    # which fits in a BIGINT, so no database's SUM() overflows here.
    return int(qs.aggregate(total=Coalesce(Sum("amount"), 0))["total"])
