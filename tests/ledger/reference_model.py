"""A reference model of the ledger's transfer rules, and an auditor of the ledger's tables.

The model is written from the specification (TigerBeetle's semantics as Hujin states them), not
from ``hujin.ledger.engine``: plain dicts, a deep copy of everything before each chain, no
shortcuts. When the real ledger and the model disagree, one of them is wrong, and the model is
small enough to be checked by reading it.

The auditor reads the tables back and checks what must hold whatever happened: every transfer's
balance snapshot equals the replay of the history before it, stored balances equal the sums of
the transfers, debits equal credits per currency, no snapshot crossed a balance limit, and a burnt
id never names a transfer.
"""

import copy
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hujin.ledger.models import Account, FailedTransfer, Transfer

OK = "ok"
EXISTS = "exists"
EXISTS_WITH_DIFFERENT_FIELDS = "exists_with_different_fields"
ID_ALREADY_FAILED = "id_already_failed"
LINKED_EVENT_FAILED = "linked_event_failed"
LINKED_EVENT_CHAIN_OPEN = "linked_event_chain_open"
# Failures that depend on the ledger's state, not on the request: their ids are burnt.
BURNS_THE_ID = {
    "account_not_found",
    "account_closed",
    "debits_frozen",
    "exceeds_credits",
    "exceeds_debits",
    "overflows_balance",
    "pending_transfer_not_found",
}
MAX_BALANCE = 2**63 - 1


@dataclass
class ModelAccount:
    id: uuid.UUID
    currency: str
    debits_must_not_exceed_credits: bool = False
    credits_must_not_exceed_debits: bool = False
    closed: bool = False
    debits_frozen: bool = False
    debits_pending: int = 0
    debits_posted: int = 0
    credits_pending: int = 0
    credits_posted: int = 0

    def balances(self) -> tuple[int, int, int, int]:
        return (self.debits_pending, self.debits_posted, self.credits_pending, self.credits_posted)


@dataclass
class ModelTransfer:
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
    metadata: dict
    expires_at: datetime | None
    # Pending transfers only: "pending", then "posted", "voided" or "expired".
    state: str = ""


@dataclass
class ReferenceLedger:
    accounts: dict[uuid.UUID, ModelAccount] = field(default_factory=dict)
    transfers: dict[uuid.UUID, ModelTransfer] = field(default_factory=dict)
    burnt: dict[uuid.UUID, str] = field(default_factory=dict)
    expired: set[uuid.UUID] = field(default_factory=set)
    # What the last batch or expiry run wrote: transfers created, ids burnt.
    last_created: int = 0
    last_burnt: int = 0

    def open_account(self, account: ModelAccount) -> None:
        self.accounts[account.id] = account

    def set_closed(self, account_id: uuid.UUID, closed: bool) -> None:
        self.accounts[account_id].closed = closed

    def set_debits_frozen(self, account_id: uuid.UUID, frozen: bool) -> None:
        self.accounts[account_id].debits_frozen = frozen

    # -- batches ---------------------------------------------------------------------------------

    def apply(self, requests: list, now: datetime) -> list[str]:
        """Apply a batch of TransferRequest-like objects; one result code per request."""
        created_before = len(self.transfers) + len(self.expired)
        burnt_before = len(self.burnt)
        results: list[str] = []
        chain: list = []
        for request in requests:
            chain.append(request)
            if not request.linked:
                results.extend(self._apply_chain(chain, now))
                chain = []
        if chain:  # the batch ended while a chain was still open
            results.extend([LINKED_EVENT_FAILED] * (len(chain) - 1) + [LINKED_EVENT_CHAIN_OPEN])
        self.last_created = len(self.transfers) + len(self.expired) - created_before
        self.last_burnt = len(self.burnt) - burnt_before
        return results

    def _apply_chain(self, chain: list, now: datetime) -> list[str]:
        saved_accounts = copy.deepcopy(self.accounts)
        saved_transfers = copy.deepcopy(self.transfers)
        for position, request in enumerate(chain):
            code = self._apply_one(request, now)
            if code == OK:
                continue
            self.accounts, self.transfers = saved_accounts, saved_transfers
            if code in BURNS_THE_ID and request.id not in self.burnt:
                self.burnt[request.id] = code
            if code == "pending_transfer_expired" and self._due(request.pending_id, now):
                # The chain failed, but the hold it found past its timeout is released anyway.
                self._expire(request.pending_id)
            results = [LINKED_EVENT_FAILED] * len(chain)
            results[position] = code
            return results
        return [OK] * len(chain)

    def _apply_one(self, r, now: datetime) -> str:
        if r.id in self.transfers:
            same = self._same_request(r, self.transfers[r.id])
            return EXISTS if same else EXISTS_WITH_DIFFERENT_FIELDS
        if r.id in self.burnt:
            return ID_ALREADY_FAILED
        if r.kind in ("post_pending", "void_pending"):
            return self._resolve(r, now)
        return self._create(r, now)

    def _create(self, r, now: datetime) -> str:
        if r.amount is None or r.amount <= 0:
            return "amount_must_not_be_zero"
        if r.pending_id is not None:
            return "pending_id_must_not_be_set"
        if r.timeout_seconds and r.kind != "pending":
            return "timeout_reserved_for_pending_transfer"
        if r.debit_account_id is None or r.credit_account_id is None:
            return "accounts_required"
        if r.debit_account_id == r.credit_account_id:
            return "accounts_must_be_different"
        if r.debit_account_id not in self.accounts or r.credit_account_id not in self.accounts:
            return "account_not_found"
        debit = self.accounts[r.debit_account_id]
        credit = self.accounts[r.credit_account_id]
        if debit.currency != credit.currency:
            return "currency_mismatch"
        if r.currency is not None and r.currency != debit.currency:
            return "currency_mismatch"
        if debit.closed or credit.closed:
            return "account_closed"
        if debit.debits_frozen:
            return "debits_frozen"
        debit_total = debit.debits_pending + debit.debits_posted + r.amount
        credit_total = credit.credits_pending + credit.credits_posted + r.amount
        if debit_total > MAX_BALANCE or credit_total > MAX_BALANCE:
            return "overflows_balance"
        if debit.debits_must_not_exceed_credits and debit_total > debit.credits_posted:
            return "exceeds_credits"
        if credit.credits_must_not_exceed_debits and credit_total > credit.debits_posted:
            return "exceeds_debits"

        if r.kind == "pending":
            debit.debits_pending += r.amount
            credit.credits_pending += r.amount
        else:
            debit.debits_posted += r.amount
            credit.credits_posted += r.amount
        timeout = r.timeout_seconds or None
        self.transfers[r.id] = ModelTransfer(
            id=r.id,
            kind=r.kind,
            debit_account_id=debit.id,
            credit_account_id=credit.id,
            amount=r.amount,
            currency=debit.currency,
            pending_id=None,
            linked=r.linked,
            timeout_seconds=timeout,
            code=r.code,
            metadata=dict(r.metadata or {}),
            expires_at=now + timedelta(seconds=timeout) if timeout else None,
            state="pending" if r.kind == "pending" else "",
        )
        return OK

    def _resolve(self, r, now: datetime) -> str:
        if r.pending_id is None:
            return "pending_id_required"
        if r.pending_id == r.id:
            return "pending_id_must_be_different"
        if r.timeout_seconds:
            return "timeout_reserved_for_pending_transfer"
        if r.pending_id not in self.transfers:
            return "pending_transfer_not_found"
        p = self.transfers[r.pending_id]
        if p.kind != "pending":
            return "pending_transfer_not_pending"
        if r.debit_account_id is not None and r.debit_account_id != p.debit_account_id:
            return "pending_transfer_has_different_accounts"
        if r.credit_account_id is not None and r.credit_account_id != p.credit_account_id:
            return "pending_transfer_has_different_accounts"
        if r.currency is not None and r.currency != p.currency:
            return "currency_mismatch"
        amount = p.amount if r.amount is None else r.amount
        if r.kind == "post_pending" and amount <= 0:
            return "amount_must_not_be_zero"
        if r.kind == "post_pending" and amount > p.amount:
            return "exceeds_pending_amount"
        if r.kind == "void_pending" and amount != p.amount:
            return "pending_transfer_has_different_amount"
        if p.state == "posted":
            return "pending_transfer_already_posted"
        if p.state == "voided":
            return "pending_transfer_already_voided"
        if p.state == "expired" or self._due(p.id, now):
            return "pending_transfer_expired"
        debit = self.accounts[p.debit_account_id]
        credit = self.accounts[p.credit_account_id]
        if r.kind == "post_pending" and (debit.closed or credit.closed):
            return "account_closed"
        if r.kind == "post_pending" and debit.debits_frozen:
            return "debits_frozen"  # a void still releases the hold

        debit.debits_pending -= p.amount
        credit.credits_pending -= p.amount
        if r.kind == "post_pending":
            debit.debits_posted += amount
            credit.credits_posted += amount
            p.state = "posted"
        else:
            p.state = "voided"
        self.transfers[r.id] = ModelTransfer(
            id=r.id,
            kind=r.kind,
            debit_account_id=debit.id,
            credit_account_id=credit.id,
            amount=amount,
            currency=p.currency,
            pending_id=p.id,
            linked=r.linked,
            timeout_seconds=None,
            code=r.code,
            metadata=dict(r.metadata or {}),
            expires_at=None,
        )
        return OK

    @staticmethod
    def _same_request(r, t: ModelTransfer) -> bool:
        """A retry matches when it asks for what was recorded; a post or void may leave out the
        accounts and the amount, and any request may leave out the currency."""
        may_omit = r.kind in ("post_pending", "void_pending")

        def matches(asked, recorded) -> bool:
            return asked == recorded or (may_omit and asked is None)

        return (
            r.kind == t.kind
            and r.pending_id == t.pending_id
            and r.linked == t.linked
            and r.code == t.code
            and dict(r.metadata or {}) == t.metadata
            and (r.timeout_seconds or None) == t.timeout_seconds
            and matches(r.debit_account_id, t.debit_account_id)
            and matches(r.credit_account_id, t.credit_account_id)
            and matches(r.amount, t.amount)
            and r.currency in (None, t.currency)
        )

    # -- expiry ----------------------------------------------------------------------------------

    def _due(self, pending_id: uuid.UUID, now: datetime) -> bool:
        p = self.transfers[pending_id]
        return p.state == "pending" and p.expires_at is not None and p.expires_at <= now

    def _expire(self, pending_id: uuid.UUID) -> None:
        p = self.transfers[pending_id]
        self.accounts[p.debit_account_id].debits_pending -= p.amount
        self.accounts[p.credit_account_id].credits_pending -= p.amount
        p.state = "expired"
        self.expired.add(p.id)

    def expire_due(self, now: datetime) -> int:
        due = [
            p.id for p in self.transfers.values() if p.kind == "pending" and self._due(p.id, now)
        ]
        for pending_id in due:
            self._expire(pending_id)
        self.last_created, self.last_burnt = len(due), 0
        return len(due)

    def pending_states(self) -> dict[uuid.UUID, str]:
        return {t.id: t.state for t in self.transfers.values() if t.kind == "pending"}


# -- the auditor ---------------------------------------------------------------------------------


def ledger_problems() -> list[str]:
    """Everything wrong with the ledger's tables as they stand; empty when all is well."""
    problems: list[str] = []
    accounts = {a.id: a for a in Account.objects.all()}
    replayed = {account_id: [0, 0, 0, 0] for account_id in accounts}
    transfers = list(Transfer.objects.order_by("seq"))
    by_id = {t.id: t for t in transfers}
    seen: set[uuid.UUID] = set()

    for t in transfers:
        debit, credit = replayed[t.debit_account_id], replayed[t.credit_account_id]
        for account_id in (t.debit_account_id, t.credit_account_id):
            if accounts[account_id].currency != t.currency:
                problems.append(f"transfer {t.id}: currency {t.currency} differs from account's")
        if t.kind == "single":
            debit[1] += t.amount
            credit[3] += t.amount
        elif t.kind == "pending":
            debit[0] += t.amount
            credit[2] += t.amount
        else:
            p = by_id.get(t.pending_id)
            if p is None or p.kind != "pending" or p.id not in seen:
                problems.append(f"transfer {t.id}: resolves {t.pending_id}, not an earlier pending")
                continue
            if (p.debit_account_id, p.credit_account_id) != (
                t.debit_account_id,
                t.credit_account_id,
            ):
                problems.append(f"transfer {t.id}: accounts differ from its pending's")
            if t.amount > p.amount or (t.kind != "post_pending" and t.amount != p.amount):
                problems.append(f"transfer {t.id}: amount {t.amount} vs pending {p.amount}")
            debit[0] -= p.amount
            credit[2] -= p.amount
            if t.kind == "post_pending":
                debit[1] += t.amount
                credit[3] += t.amount
        seen.add(t.id)
        snapshots = (
            (t.debit_account_id, debit, "dr"),
            (t.credit_account_id, credit, "cr"),
        )
        for account_id, values, side in snapshots:
            snapshot = [getattr(t, f"{side}_{name}") for name in BALANCE_NAMES]
            if snapshot != values:
                problems.append(
                    f"transfer {t.id} (seq {t.seq}): {side} snapshot {snapshot} != replay {values}"
                )
            problems.extend(_limit_problems(accounts[account_id], snapshot, f"after {t.id}"))

    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for account in accounts.values():
        stored = [getattr(account, name) for name in BALANCE_NAMES]
        if stored != replayed[account.id]:
            problems.append(
                f"account {account.id}: stored {stored} != sum of transfers {replayed[account.id]}"
            )
        problems.extend(_limit_problems(account, stored, "stored"))
        for i, value in enumerate(stored):
            totals[account.currency][i] += value
    for currency, (dp, dpo, cp, cpo) in totals.items():
        if dpo != cpo:
            problems.append(f"{currency}: posted debits {dpo} != posted credits {cpo}")
        if dp != cp:
            problems.append(f"{currency}: pending debits {dp} != pending credits {cp}")

    both = set(FailedTransfer.objects.values_list("id", flat=True)) & set(by_id)
    problems.extend(f"id {i} is both a transfer and a failed id" for i in sorted(both, key=str))
    return problems


BALANCE_NAMES = ("debits_pending", "debits_posted", "credits_pending", "credits_posted")


def _limit_problems(account: Account, values: list[int], when: str) -> list[str]:
    dp, dpo, cp, cpo = values
    problems = []
    if min(values) < 0:
        problems.append(f"account {account.id} {when}: negative balance {values}")
    if account.debits_must_not_exceed_credits and dp + dpo > cpo:
        problems.append(f"account {account.id} {when}: debits exceed credits {values}")
    if account.credits_must_not_exceed_debits and cp + cpo > dpo:
        problems.append(f"account {account.id} {when}: credits exceed debits {values}")
    return problems
