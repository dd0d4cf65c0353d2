"""The ledger's rules, in memory: apply a batch of transfers to the accounts they touch.

No database here. The store loads (and locks) what a batch needs, the engine decides each
transfer's result and the new balances, and the store writes the outcome in the same transaction.
The semantics follow TigerBeetle's: results per transfer, linked chains that succeed or fail as a
whole, two-phase transfers with timeouts, idempotent ids, and ids that stay failed.
"""

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hujin.ledger.errors import TRANSIENT_FAILURES, Result
from hujin.ledger.json_equality import same_json
from hujin.ledger.types import TransferRequest

MAX_BALANCE = 2**63 - 1
RESOLVING_KINDS = frozenset({"post_pending", "void_pending"})
EXPIRY_NAMESPACE = uuid.UUID("6f1c2f4e-8e55-4b7a-9d38-2a0d3b1c5e77")


def expiry_id(pending_id: uuid.UUID) -> uuid.UUID:
    """The id of the transfer that records a pending transfer's expiry: one per pending."""
    return uuid.uuid5(EXPIRY_NAMESPACE, str(pending_id))


@dataclass(slots=True)
class AccountState:
    id: uuid.UUID
    currency: str
    closed: bool
    debits_frozen: bool
    debits_must_not_exceed_credits: bool
    credits_must_not_exceed_debits: bool
    debits_pending: int
    debits_posted: int
    credits_pending: int
    credits_posted: int
    number: int  # the account's number (``Account.number``), written on its transfers
    touched: bool = False

    def balances(self) -> tuple[int, int, int, int]:
        return (self.debits_pending, self.debits_posted, self.credits_pending, self.credits_posted)

    def restore(self, values: tuple[int, int, int, int]) -> None:
        self.debits_pending, self.debits_posted, self.credits_pending, self.credits_posted = values


@dataclass(slots=True)
class StoredTransfer:
    """A transfer already in the ledger (or created earlier in this batch)."""

    id: uuid.UUID
    kind: str
    debit_account_id: uuid.UUID
    credit_account_id: uuid.UUID
    amount: int
    currency: str
    pending_id: uuid.UUID | None
    linked: bool
    timeout_seconds: int | None
    code: str
    metadata: dict[str, Any]
    expires_at: datetime | None
    # Only for kind == "pending": pending, posted, voided or expired.
    status: str = ""


@dataclass(slots=True)
class NewTransfer:
    """A transfer the engine applied, with both accounts' balances right after it."""

    stored: StoredTransfer
    dr: tuple[int, int, int, int]
    cr: tuple[int, int, int, int]
    dr_number: int
    cr_number: int


def _new(stored: StoredTransfer, dr: AccountState, cr: AccountState) -> NewTransfer:
    return NewTransfer(stored, dr.balances(), cr.balances(), dr.number, cr.number)


@dataclass(slots=True)
class _Chain:
    """What a chain changed, to undo it if a later member fails.

    A chain of one transfer needs no undo: a transfer fails before it changes anything. Such
    chains share one ``_Chain`` without undo records (``undo_balances is None``), which matters
    when a batch holds thousands of them.
    """

    undo_balances: dict[uuid.UUID, tuple[int, int, int, int]] | None = field(default_factory=dict)
    undo_status: list[tuple[StoredTransfer, str]] | None = field(default_factory=list)
    created: list[NewTransfer] = field(default_factory=list)
    expire: StoredTransfer | None = None


class Engine:
    """Applies batches against the state the store loaded. One engine per database transaction."""

    def __init__(
        self,
        *,
        accounts: dict[uuid.UUID, AccountState],
        transfers: dict[uuid.UUID, StoredTransfer],
        failed: dict[uuid.UUID, str],
        now: datetime,
    ):
        self.accounts = accounts
        self.transfers = transfers
        self.failed = failed
        self.now = now
        self.created: list[NewTransfer] = []
        self.new_failures: list[tuple[uuid.UUID, str]] = []
        # Called with each chain's transfers once they are final (the store streams them to the
        # database while the engine goes on with the batch).
        self.sink: Callable[[list[NewTransfer]], None] | None = None
        self._solo = _Chain(undo_balances=None, undo_status=None)

    # -- batches ---------------------------------------------------------------------------------

    def apply(self, requests: Sequence[TransferRequest]) -> list[str]:
        results: list[str] = [""] * len(requests)
        n = len(requests)
        start = 0
        while start < n:
            end = start
            while requests[end].linked and end < n - 1:
                end += 1
            if requests[end].linked:  # the batch ends inside a chain
                for i in range(start, end):
                    results[i] = Result.LINKED_EVENT_FAILED
                results[end] = Result.LINKED_EVENT_CHAIN_OPEN
            else:
                self._apply_chain(requests, start, end, results)
            start = end + 1
        return results

    def _apply_chain(
        self, requests: Sequence[TransferRequest], start: int, end: int, results: list[str]
    ) -> None:
        if start == end:
            chain = self._solo
            chain.created.clear()
            chain.expire = None
        else:
            chain = _Chain()
        for i in range(start, end + 1):
            code = self._apply_one(requests[i], chain)
            results[i] = code
            if code != Result.OK:
                self._rollback(chain)
                for j in range(start, end + 1):
                    if j != i:
                        results[j] = Result.LINKED_EVENT_FAILED
                if code in TRANSIENT_FAILURES and requests[i].id not in self.failed:
                    self.failed[requests[i].id] = code
                    self.new_failures.append((requests[i].id, code))
                break
        else:
            self._keep(chain.created)
        if chain.expire is not None:
            self.expire(chain.expire)

    def _rollback(self, chain: _Chain) -> None:
        if chain.undo_balances is None:  # a chain of one: its failure changed nothing
            return
        for account_id, values in chain.undo_balances.items():
            self.accounts[account_id].restore(values)
        for pending, status in reversed(chain.undo_status):
            pending.status = status
        for new in chain.created:
            del self.transfers[new.stored.id]

    # -- one transfer ----------------------------------------------------------------------------

    def _apply_one(self, r: TransferRequest, chain: _Chain) -> str:
        existing = self.transfers.get(r.id)
        if existing is not None:
            return (
                Result.EXISTS if _same_fields(r, existing) else Result.EXISTS_WITH_DIFFERENT_FIELDS
            )
        if r.id in self.failed:
            return Result.ID_ALREADY_FAILED
        if r.kind in RESOLVING_KINDS:
            return self._resolve_pending(r, chain)
        return self._create(r, chain)

    def _create(self, r: TransferRequest, chain: _Chain) -> str:
        problem = creation_problem(r)
        if problem is not None:
            return problem
        amount = r.amount
        dr = self.accounts.get(r.debit_account_id)
        cr = self.accounts.get(r.credit_account_id)
        if dr is None or cr is None:
            return Result.ACCOUNT_NOT_FOUND
        if dr.currency != cr.currency or (r.currency is not None and r.currency != dr.currency):
            return Result.CURRENCY_MISMATCH
        if dr.closed or cr.closed:
            return Result.ACCOUNT_CLOSED
        if dr.debits_frozen:
            return Result.DEBITS_FROZEN
        if (
            dr.debits_pending + dr.debits_posted + amount > MAX_BALANCE
            or cr.credits_pending + cr.credits_posted + amount > MAX_BALANCE
        ):
            return Result.OVERFLOWS_BALANCE
        if (
            dr.debits_must_not_exceed_credits
            and dr.debits_pending + dr.debits_posted + amount > dr.credits_posted
        ):
            return Result.EXCEEDS_CREDITS
        if (
            cr.credits_must_not_exceed_debits
            and cr.credits_pending + cr.credits_posted + amount > cr.debits_posted
        ):
            return Result.EXCEEDS_DEBITS

        _remember(chain, dr)
        _remember(chain, cr)
        pending = r.kind == "pending"
        if pending:
            dr.debits_pending += amount
            cr.credits_pending += amount
        else:
            dr.debits_posted += amount
            cr.credits_posted += amount
        timeout = r.timeout_seconds or None
        stored = StoredTransfer(
            id=r.id,
            kind=r.kind,
            debit_account_id=dr.id,
            credit_account_id=cr.id,
            amount=amount,
            currency=dr.currency,
            pending_id=None,
            linked=r.linked,
            timeout_seconds=timeout,
            code=r.code,
            metadata=r.metadata,
            expires_at=self.now + timedelta(seconds=timeout) if timeout else None,
            status="pending" if pending else "",
        )
        self.transfers[r.id] = stored
        chain.created.append(_new(stored, dr, cr))
        return Result.OK

    def _resolve_pending(self, r: TransferRequest, chain: _Chain) -> str:
        if r.pending_id is None:
            return Result.PENDING_ID_REQUIRED
        if r.pending_id == r.id:
            return Result.PENDING_ID_MUST_BE_DIFFERENT
        if r.timeout_seconds:
            return Result.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER
        p = self.transfers.get(r.pending_id)
        if p is None:
            return Result.PENDING_TRANSFER_NOT_FOUND
        if p.kind != "pending":
            return Result.PENDING_TRANSFER_NOT_PENDING
        if (r.debit_account_id is not None and r.debit_account_id != p.debit_account_id) or (
            r.credit_account_id is not None and r.credit_account_id != p.credit_account_id
        ):
            return Result.PENDING_TRANSFER_HAS_DIFFERENT_ACCOUNTS
        if r.currency is not None and r.currency != p.currency:
            return Result.CURRENCY_MISMATCH
        post = r.kind == "post_pending"
        amount = p.amount if r.amount is None else r.amount
        if post:
            if amount <= 0:
                return Result.AMOUNT_MUST_NOT_BE_ZERO
            if amount > p.amount:
                return Result.EXCEEDS_PENDING_AMOUNT
        elif amount != p.amount:
            return Result.PENDING_TRANSFER_HAS_DIFFERENT_AMOUNT
        if p.status == "posted":
            return Result.PENDING_TRANSFER_ALREADY_POSTED
        if p.status == "voided":
            return Result.PENDING_TRANSFER_ALREADY_VOIDED
        if p.status == "expired":
            return Result.PENDING_TRANSFER_EXPIRED
        if p.expires_at is not None and p.expires_at <= self.now:
            chain.expire = p  # recorded once the chain has been rolled back
            return Result.PENDING_TRANSFER_EXPIRED
        dr = self.accounts[p.debit_account_id]
        cr = self.accounts[p.credit_account_id]
        if post and (dr.closed or cr.closed):
            return Result.ACCOUNT_CLOSED
        if post and dr.debits_frozen:  # a void releases the hold: frozen debits allow it
            return Result.DEBITS_FROZEN

        _remember(chain, dr)
        _remember(chain, cr)
        dr.debits_pending -= p.amount
        cr.credits_pending -= p.amount
        if post:
            dr.debits_posted += amount
            cr.credits_posted += amount
        if chain.undo_status is not None:
            chain.undo_status.append((p, p.status))
        p.status = "posted" if post else "voided"
        stored = StoredTransfer(
            id=r.id,
            kind=r.kind,
            debit_account_id=dr.id,
            credit_account_id=cr.id,
            amount=amount,
            currency=p.currency,
            pending_id=p.id,
            linked=r.linked,
            timeout_seconds=None,
            code=r.code,
            metadata=r.metadata,
            expires_at=None,
        )
        self.transfers[r.id] = stored
        chain.created.append(_new(stored, dr, cr))
        return Result.OK

    # -- expiry ----------------------------------------------------------------------------------

    def expire(self, p: StoredTransfer) -> None:
        """Release an unresolved pending transfer whose timeout has passed."""
        if p.status != "pending":
            return
        dr = self.accounts[p.debit_account_id]
        cr = self.accounts[p.credit_account_id]
        dr.touched = cr.touched = True
        dr.debits_pending -= p.amount
        cr.credits_pending -= p.amount
        p.status = "expired"
        stored = StoredTransfer(
            id=expiry_id(p.id),
            kind="expire_pending",
            debit_account_id=dr.id,
            credit_account_id=cr.id,
            amount=p.amount,
            currency=p.currency,
            pending_id=p.id,
            linked=False,
            timeout_seconds=None,
            code=p.code,
            metadata={"reason": "timeout"},
            expires_at=None,
        )
        self.transfers[stored.id] = stored
        self._keep([_new(stored, dr, cr)])

    def _keep(self, created: list[NewTransfer]) -> None:
        self.created.extend(created)
        if self.sink is not None:
            self.sink(created)


def creation_problem(r: TransferRequest) -> str | None:
    """The result code of a single or pending transfer that fails on the request alone (checked
    once its id is known to be new), or None when the ledger's state decides."""
    if r.amount is None or r.amount <= 0:
        return Result.AMOUNT_MUST_NOT_BE_ZERO
    if r.pending_id is not None:
        return Result.PENDING_ID_MUST_NOT_BE_SET
    if r.timeout_seconds and r.kind != "pending":
        return Result.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER
    if r.debit_account_id is None or r.credit_account_id is None:
        return Result.ACCOUNTS_REQUIRED
    if r.debit_account_id == r.credit_account_id:
        return Result.ACCOUNTS_MUST_BE_DIFFERENT
    return None


def _remember(chain: _Chain, account: AccountState) -> None:
    undo = chain.undo_balances
    if undo is not None and account.id not in undo:
        undo[account.id] = account.balances()
    account.touched = True


def _same_fields(r: TransferRequest, e: StoredTransfer) -> bool:
    """Whether a retried request asks for exactly what was recorded under its id."""
    resolving = r.kind in RESOLVING_KINDS
    return (
        r.kind == e.kind
        and r.linked == e.linked
        and r.code == e.code
        and same_json(r.metadata or {}, e.metadata or {})
        and r.pending_id == e.pending_id
        and (r.timeout_seconds or None) == e.timeout_seconds
        and (r.debit_account_id == e.debit_account_id or (resolving and r.debit_account_id is None))
        and (
            r.credit_account_id == e.credit_account_id
            or (resolving and r.credit_account_id is None)
        )
        and (r.amount == e.amount or (resolving and r.amount is None))
        and (r.currency is None or r.currency == e.currency)
    )
