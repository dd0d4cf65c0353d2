"""The ledger's JSON API, mounted at /api/v1/ledger/ behind API-key authentication.

Each endpoint checks the key's scope early (``ledger:read`` for reads, ``ledger:write`` for
writes), validates its input against a schema, makes one service or selector call with the key's
Actor and returns a schema. The selectors check the Actor again: that check is the one that holds.
The wall clock and the business date are read here, at the edge, and passed in.
"""

import functools
import uuid

from django.utils import timezone
from ninja import Query, Router, Status
from ninja.errors import ValidationError

from hujin.core.actors import require_scope
from hujin.core.dates import business_date_get
from hujin.ledger import presenters, selectors, services
from hujin.ledger.schemas import (
    AccountDetailOut,
    AccountIn,
    AccountOut,
    AccountPageOut,
    AccountSearchQuery,
    BalancesQuery,
    ErrorOut,
    HistoryPageOut,
    HistoryQuery,
    QueryIn,
    StatementOut,
    StatementQuery,
    TransferDetailOut,
    TransferListQuery,
    TransferPageOut,
    TransfersIn,
    TransfersResultOut,
    TrialBalanceOut,
    TrialBalanceQuery,
)

READ = "ledger:read"
WRITE = "ledger:write"

router = Router()


def _refuse_unknown_query_parameters(view):
    """Like bodies, query strings take only the parameters the operation names: a misspelt
    filter would otherwise widen a search without anyone noticing."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        known = {
            name
            for value in kwargs.values()
            if isinstance(value, QueryIn)
            for name in type(value).model_fields
        }
        unknown = sorted(set(request.GET) - known)
        if unknown:
            raise ValidationError([
                {"loc": ("query", name[:64]), "msg": "Unknown query parameter.",
                 "type": "extra_forbidden"}
                for name in unknown[:20]
            ])  # fmt: skip
        return view(request, *args, **kwargs)

    return wrapper


router.add_decorator(_refuse_unknown_query_parameters)


def _errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Every operation may answer 401 (no valid key), 403 (scope) and 422 (input)."""
    return {status: ErrorOut for status in (401, 403, 422, *statuses)}


# -- accounts ------------------------------------------------------------------------------------


@router.post(
    "accounts",
    response={200: AccountOut, 201: AccountOut, **_errors(400, 409)},
    operation_id="ledger_account_create",
    summary="Open an account (idempotent on id)",
)
def account_create(request, payload: AccountIn):
    """201 when the account was created; 200 when an account with this id and the same fields
    already exists; 409 ``account_exists_with_different_fields`` when the fields differ."""
    actor = require_scope(request.auth, WRITE)
    account, created = services.account_create(**payload.dict(), actor=actor, now=timezone.now())
    return Status(201 if created else 200, presenters.account_out(account))


@router.get(
    "accounts",
    response={200: AccountPageOut, **_errors()},
    operation_id="ledger_accounts_search",
    summary="Search accounts",
)
def accounts_search(request, query: Query[AccountSearchQuery]):
    """Accounts ordered by id. Pass ``next_cursor`` as ``after`` for the next page."""
    actor = require_scope(request.auth, READ)
    page = selectors.accounts_search(
        actor=actor,
        text=query.text,
        currency=query.currency or "",
        kind=query.kind or "",
        code=query.code or "",
        owner_ref=query.owner_ref or "",
        after=query.after,
        limit=query.limit,
    )
    return {
        "items": [presenters.account_out(a) for a in page.accounts],
        "next_cursor": page.next_cursor,
    }


@router.get(
    "accounts/{account_id}",
    response={200: AccountDetailOut, **_errors(404)},
    operation_id="ledger_account_get",
    summary="An account with its balances, now or as of a moment or business date",
)
def account_get(request, account_id: uuid.UUID, query: Query[BalancesQuery]):
    actor = require_scope(request.auth, READ)
    account = selectors.account_get(actor=actor, account_id=account_id)
    balances = None
    if query.as_of is not None or query.business_date is not None:
        balances = selectors.account_balances(
            actor=actor, account_id=account.id, as_of=query.as_of, business_date=query.business_date
        )
    return {
        **presenters.account_out(account, balances),
        "balances_as_of": query.as_of,
        "balances_business_date": query.business_date,
    }


@router.post(
    "accounts/{account_id}/close",
    response={200: AccountOut, **_errors(404)},
    operation_id="ledger_account_close",
    summary="Close an account to new transfers",
)
def account_close(request, account_id: uuid.UUID):
    actor = require_scope(request.auth, WRITE)
    account = services.account_set_closed(
        account_id=account_id, closed=True, actor=actor, now=timezone.now()
    )
    return presenters.account_out(account)


@router.post(
    "accounts/{account_id}/reopen",
    response={200: AccountOut, **_errors(404)},
    operation_id="ledger_account_reopen",
    summary="Reopen a closed account",
)
def account_reopen(request, account_id: uuid.UUID):
    actor = require_scope(request.auth, WRITE)
    account = services.account_set_closed(
        account_id=account_id, closed=False, actor=actor, now=timezone.now()
    )
    return presenters.account_out(account)


@router.get(
    "accounts/{account_id}/history",
    response={200: HistoryPageOut, **_errors(404)},
    operation_id="ledger_account_history",
    summary="An account's transfers, newest first, with running balances",
)
def account_history(request, account_id: uuid.UUID, query: Query[HistoryQuery]):
    """Pass ``next_before_seq`` as ``before_seq`` for the next (older) page."""
    actor = require_scope(request.auth, READ)
    # The account's kind decides which side its running balance is read on.
    account = selectors.account_get(actor=actor, account_id=account_id)
    page = selectors.account_history(
        actor=actor, account_id=account.id, before_seq=query.before_seq, limit=query.limit
    )
    return {
        "account_id": account.id,
        "currency": account.currency,
        "entries": [presenters.history_entry_out(e, kind=account.kind) for e in page.entries],
        "next_before_seq": page.next_before_seq,
    }


@router.get(
    "accounts/{account_id}/statement",
    response={200: StatementOut, **_errors(400, 404)},
    operation_id="ledger_account_statement",
    summary="An account over a period of business dates",
)
def account_statement(request, account_id: uuid.UUID, query: Query[StatementQuery]):
    """Opening and closing balances, period totals and the transfers in order. The period is
    ``from_date`` to ``to_date`` inclusive, at most 366 days (400 otherwise)."""
    actor = require_scope(request.auth, READ)
    statement = selectors.account_statement(
        actor=actor,
        account_id=account_id,
        from_date=query.from_date,
        to_date=query.to_date,
        after_seq=query.after_seq,
        limit=query.limit,
    )
    return presenters.statement_out(statement)


# -- transfers -----------------------------------------------------------------------------------


@router.post(
    "transfers",
    response={200: TransfersResultOut, **_errors(400, 409)},
    operation_id="ledger_transfers_create",
    summary="Apply a batch of transfers",
)
def transfers_create(request, payload: TransfersIn):
    """Up to 8,000 transfers applied in order, one result each (``ok`` when applied).

    A transfer that fails is a result code, not an HTTP error; linked chains succeed or fail
    as a whole. Retrying a batch is safe: applied ids answer ``exists``.
    """
    actor = require_scope(request.auth, WRITE)
    now = timezone.now()
    results = services.transfers_create(
        transfers=[t.to_request() for t in payload.transfers],
        actor=actor,
        now=now,
        business_date=business_date_get(now=now),
    )
    return {
        "results": [{"id": r.id, "result": r.result} for r in results],
        "ok_count": sum(1 for r in results if r.ok),
    }


@router.get(
    "transfers",
    response={200: TransferPageOut, **_errors()},
    operation_id="ledger_transfers_list",
    summary="Transfers, newest first",
)
def transfers_list(request, query: Query[TransferListQuery]):
    """Pass ``next_before_seq`` as ``before_seq`` for the next (older) page."""
    actor = require_scope(request.auth, READ)
    page = selectors.transfers_list(
        actor=actor,
        code=query.code or "",
        kind=query.kind or "",
        business_date=query.business_date,
        before_seq=query.before_seq,
        limit=query.limit,
    )
    return {
        "items": [presenters.transfer_out(t) for t in page.transfers],
        "next_before_seq": page.next_before_seq,
    }


@router.get(
    "transfers/{transfer_id}",
    response={200: TransferDetailOut, **_errors(404)},
    operation_id="ledger_transfer_get",
    summary="A transfer; for a pending one, what became of it",
)
def transfer_get(request, transfer_id: uuid.UUID):
    actor = require_scope(request.auth, READ)
    return presenters.transfer_detail_out(
        selectors.transfer_get(actor=actor, transfer_id=transfer_id)
    )


# -- trial balance -------------------------------------------------------------------------------


@router.get(
    "trial-balance",
    response={200: TrialBalanceOut, **_errors()},
    operation_id="ledger_trial_balance",
    summary="Balances by currency, account kind and code, with subtotals",
)
def trial_balance(request, query: Query[TrialBalanceQuery]):
    actor = require_scope(request.auth, READ)
    return presenters.trial_balance_out(
        selectors.trial_balance(actor=actor, currency=query.currency or "")
    )
