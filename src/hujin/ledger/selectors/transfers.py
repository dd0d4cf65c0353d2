"""Reads about transfers, and the trial balance over all accounts. Each takes the Actor that
asks and sees only what it may."""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from django.db.models import Count, Sum

from hujin.core.actors import Actor
from hujin.ledger.errors import TransferNotFound
from hujin.ledger.models import Account, AccountKind, Transfer
from hujin.ledger.scope import read_scope
from hujin.ledger.selectors.sums import STREAM_CHUNK, sums_in_database
from hujin.ledger.selectors.values import (
    MAX_PAGE,
    RESOLUTION_STATUS,
    TransferPage,
    TransferView,
    TrialBalanceRow,
)


def transfer_get(*, actor: Actor, transfer_id: uuid.UUID) -> TransferView:
    """The transfer, if ``actor`` may see one of its accounts; for a pending one, what became of
    it. Raises PermissionDenied, TransferNotFound (also for a transfer not the actor's to see)."""
    transfer = read_scope(actor).transfers(Transfer.objects.filter(id=transfer_id)).first()
    if transfer is None:
        raise TransferNotFound(details={"id": str(transfer_id)})
    status, resolution_id = "", None
    if transfer.kind == "pending":
        resolution = (
            Transfer.objects.filter(pending_id=transfer.id).values_list("id", "kind").first()
        )
        status = RESOLUTION_STATUS[resolution[1]] if resolution else "pending"
        resolution_id = resolution[0] if resolution else None
    return TransferView(transfer, status, resolution_id)


def transfers_get_many(*, actor: Actor, transfer_ids: Sequence[uuid.UUID | str]) -> list[Transfer]:
    """The transfers under ``transfer_ids`` that exist and ``actor`` may see, in the order the
    ledger applied them. Raises PermissionDenied."""
    qs = read_scope(actor).transfers(Transfer.objects.filter(id__in=transfer_ids))
    return list(qs.order_by("seq"))


def transfers_list(
    *,
    actor: Actor,
    code: str = "",
    kind: str = "",
    business_date: date | None = None,
    before_seq: int | None = None,
    limit: int = 50,
) -> TransferPage:
    """The transfers ``actor`` may see, newest first, filtered; keyset pages by
    ``next_before_seq``. Raises PermissionDenied."""
    qs = read_scope(actor).transfers(Transfer.objects.all())
    if code:
        qs = qs.filter(code=code)
    if kind:
        qs = qs.filter(kind=kind)
    if business_date:
        qs = qs.filter(business_date=business_date)
    if before_seq is not None:
        qs = qs.filter(seq__lt=before_seq)
    limit = max(1, min(limit, MAX_PAGE))
    transfers = list(qs.order_by("-seq")[: limit + 1])
    more = len(transfers) > limit
    transfers = transfers[:limit]
    return TransferPage(transfers, transfers[-1].seq if more else None)


# -- trial balance ------------------------------------------------------------------------------


def trial_balance(*, actor: Actor, currency: str = "") -> list[TrialBalanceRow]:
    """Balances summed by currency, account kind and code, over the whole ledger (so not for
    customers), exactly: a column's total may pass 2**63 - 1 (``selectors.sums``).
    Raises PermissionDenied."""
    read_scope(actor).require_everything()
    qs = Account.objects.all()
    if currency:
        qs = qs.filter(currency=currency)
    totals = _totals_in_database(qs) if sums_in_database() else _totals_in_python(qs)
    order = {kind: i for i, kind in enumerate(AccountKind.values)}
    result = [TrialBalanceRow(*key, *values) for key, values in totals.items()]
    return sorted(result, key=lambda r: (r.currency, order[r.kind], r.code))


# The order of TrialBalanceRow's sums, after the number of accounts.
_BALANCES = ("debits_posted", "credits_posted", "debits_pending", "credits_pending")
_Totals = dict[tuple[str, str, str], list[int]]


def _totals_in_database(qs) -> _Totals:
    rows = (
        qs.values("currency", "kind", "code")
        .annotate(n=Count("id"), **{f"sum_{name}": Sum(name) for name in _BALANCES})
        .order_by()
    )
    return {
        (r["currency"], r["kind"], r["code"]): [
            r["n"],
            *(int(r[f"sum_{name}"]) for name in _BALANCES),
        ]
        for r in rows
    }


def _totals_in_python(qs) -> _Totals:
    totals: _Totals = defaultdict(lambda: [0] * (1 + len(_BALANCES)))
    rows = qs.values_list("currency", "kind", "code", *_BALANCES).iterator(chunk_size=STREAM_CHUNK)
    for currency, kind, code, *balances in rows:
        total = totals[(currency, kind, code)]
        total[0] += 1
        for i, value in enumerate(balances, start=1):
            total[i] += value
    return totals
