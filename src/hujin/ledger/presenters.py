"""The selectors' values as the plain dicts the ledger shows: the JSON API validates them
against the ``*Out`` schemas (``hujin.ledger.schemas``), the console pages hand them to templates
as they are. Money leaves as decimal strings ("1234.50") next to its currency.
"""

from collections import defaultdict
from typing import Any

from hujin.core.money import format_minor
from hujin.ledger.models import Account, AccountKind, Transfer
from hujin.ledger.selectors import (
    DEBIT_NORMAL,
    Balances,
    HistoryEntry,
    Statement,
    TransferView,
    TrialBalanceRow,
)
from hujin.ledger.selectors.accounts import DEBITS_FROZEN_REASONS, with_debits_frozen_reasons


def normal_side(kind: str) -> str:
    return "debit" if kind in DEBIT_NORMAL else "credit"


def balances_out(balances: Balances, *, kind: str, currency: str) -> dict[str, str]:
    def money(minor: int) -> str:
        return format_minor(minor, currency)

    return {
        "debits_pending": money(balances.debits_pending),
        "debits_posted": money(balances.debits_posted),
        "credits_pending": money(balances.credits_pending),
        "credits_posted": money(balances.credits_posted),
        "net": money(balances.net(kind)),
        "available": money(balances.available(kind)),
    }


def account_out(account: Account, balances: Balances | None = None) -> dict[str, Any]:
    """The account with its balances (now, unless other balances are given)."""
    balances = Balances.of_account(account) if balances is None else balances
    return {
        "id": account.id,
        "number": account.number,
        "currency": account.currency,
        "code": account.code,
        "kind": account.kind,
        "normal_side": normal_side(account.kind),
        "name": account.name,
        "owner_ref": account.owner_ref,
        "debits_must_not_exceed_credits": account.debits_must_not_exceed_credits,
        "credits_must_not_exceed_debits": account.credits_must_not_exceed_debits,
        "closed": account.closed,
        "debits_frozen": account.debits_frozen,
        "debits_frozen_reasons": _debits_frozen_reasons(account),
        "metadata": account.metadata,
        "created_at": account.created_at,
        "balances": balances_out(balances, kind=account.kind, currency=account.currency),
    }


def _debits_frozen_reasons(account: Account) -> list[str]:
    """The reasons the selectors read with the account; an account a service returned (opened,
    closed) has its own read here, one query for that one account."""
    if not hasattr(account, DEBITS_FROZEN_REASONS):
        with_debits_frozen_reasons([account])
    return list(getattr(account, DEBITS_FROZEN_REASONS))


def history_entry_out(entry: HistoryEntry, *, kind: str) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "transfer_id": entry.transfer_id,
        "kind": entry.kind,
        "side": entry.side,
        "amount": format_minor(entry.amount, entry.currency),
        "currency": entry.currency,
        "other_account_id": entry.other_account_id,
        "code": entry.code,
        "business_date": entry.business_date,
        "created_at": entry.created_at,
        "balances_after": balances_out(entry.balances_after, kind=kind, currency=entry.currency),
    }


def statement_out(statement: Statement) -> dict[str, Any]:
    account = statement.account
    kind, currency = account.kind, account.currency
    return {
        "account": account_out(account),
        "from_date": statement.from_date,
        "to_date": statement.to_date,
        "opening": balances_out(statement.opening, kind=kind, currency=currency),
        "closing": balances_out(statement.closing, kind=kind, currency=currency),
        "debits_posted_total": format_minor(statement.debits_posted_total, currency),
        "credits_posted_total": format_minor(statement.credits_posted_total, currency),
        "entries": [history_entry_out(e, kind=kind) for e in statement.entries],
        "next_after_seq": statement.next_after_seq,
    }


def transfer_out(transfer: Transfer) -> dict[str, Any]:
    return {
        "id": transfer.id,
        "seq": transfer.seq,
        "kind": transfer.kind,
        "debit_account_id": transfer.debit_account_id,
        "credit_account_id": transfer.credit_account_id,
        "amount": format_minor(transfer.amount, transfer.currency),
        "currency": transfer.currency,
        "pending_id": transfer.pending_id,
        "linked": transfer.linked,
        "timeout_seconds": transfer.timeout_seconds,
        "expires_at": transfer.expires_at,
        "code": transfer.code,
        "metadata": transfer.metadata,
        "business_date": transfer.business_date,
        "created_at": transfer.created_at,
        "made_by": {"kind": transfer.actor_kind, "id": transfer.actor_id},
        "batch_id": transfer.batch_id,
    }


def transfer_detail_out(view: TransferView) -> dict[str, Any]:
    return {
        **transfer_out(view.transfer),
        "pending_status": view.pending_status or None,
        "resolution_id": view.resolution_id,
    }


def _totals(rows: list[TrialBalanceRow], currency: str) -> dict[str, Any]:
    dpo = sum(r.debits_posted for r in rows)
    cpo = sum(r.credits_posted for r in rows)
    return {
        "accounts": sum(r.accounts for r in rows),
        "debits_posted": format_minor(dpo, currency),
        "credits_posted": format_minor(cpo, currency),
        "debits_pending": format_minor(sum(r.debits_pending for r in rows), currency),
        "credits_pending": format_minor(sum(r.credits_pending for r in rows), currency),
        # Each row's net balance sits in one column; summed per row, so the columns of a
        # balanced ledger agree just as the posted totals do.
        "debit_balance": format_minor(
            sum(max(r.debits_posted - r.credits_posted, 0) for r in rows), currency
        ),
        "credit_balance": format_minor(
            sum(max(r.credits_posted - r.debits_posted, 0) for r in rows), currency
        ),
    }


def trial_balance_out(rows: list[TrialBalanceRow]) -> dict[str, Any]:
    """Rows grouped by currency, then by account kind (in the chart's order), with subtotals."""
    by_currency: dict[str, dict[str, list[TrialBalanceRow]]] = defaultdict(dict)
    for row in rows:
        by_currency[row.currency].setdefault(row.kind, []).append(row)
    kind_order = {kind: i for i, kind in enumerate(AccountKind.values)}
    currencies = []
    for currency in sorted(by_currency):
        kinds = by_currency[currency]
        all_rows = [r for kind_rows in kinds.values() for r in kind_rows]
        currencies.append({
            "currency": currency,
            "kinds": [
                {
                    "kind": kind,
                    "normal_side": normal_side(kind),
                    "rows": [{"code": r.code, **_totals([r], currency)} for r in kinds[kind]],
                    "subtotal": _totals(kinds[kind], currency),
                }
                for kind in sorted(kinds, key=lambda k: kind_order.get(k, len(kind_order)))
            ],
            "total": _totals(all_rows, currency),
            "balanced": (
                sum(r.debits_posted for r in all_rows) == sum(r.credits_posted for r in all_rows)
                and sum(r.debits_pending for r in all_rows)
                == sum(r.credits_pending for r in all_rows)
            ),
        })  # fmt: skip
    return {"currencies": currencies}
