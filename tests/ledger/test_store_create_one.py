"""On PostgreSQL, one single or pending transfer takes a fast path; it must agree with the engine.

A batch of exactly one single or pending transfer (not linked) is applied by the database function
``ledger_transfer_create_one`` (ledger migration 0004) instead of the in-memory engine. Each
scenario below builds the same books twice, on fresh accounts, and sends the same request once
down each path. Everything the request leaves behind must be the same: the result code, every
balance, the burnt id, the stored transfer, the audit entry and the outbox event.

Ids differ between the two runs (each run opens its own accounts and sends its own transfer ids),
so the outcomes name accounts by the order the scenario opened them and the request's id as
``REQUEST_ID``.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction

from hujin.core.actors import SYSTEM
from hujin.core.audit import audit_verify
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.ledger import store
from hujin.ledger.engine import MAX_BALANCE, TransferRequest
from hujin.ledger.errors import TRANSIENT_FAILURES, Result
from hujin.ledger.models import Account, FailedTransfer, Transfer
from hujin.ledger.services import transfers_create
from hujin.ledger.validation import MAX_TIMEOUT_SECONDS
from hujin.ledger.verify import ledger_verify
from tests.ledger.conftest import BALANCE_FIELDS, Book
from tests.ledger.reference_model import ledger_problems

pytestmark = pytest.mark.postgres

REQUEST_ID = "<the request's id>"
TRANSFER_FIELDS = (
    "kind", "amount", "currency", "linked", "pending_id", "timeout_seconds", "expires_at",
    "code", "metadata", "business_date", "created_at",
    "dr_debits_pending", "dr_debits_posted", "dr_credits_pending", "dr_credits_posted",
    "cr_debits_pending", "cr_debits_posted", "cr_credits_pending", "cr_credits_posted",
    "actor_kind", "actor_id",
)  # fmt: skip
AUDIT_FIELDS = (
    "action", "target_type", "before", "after", "occurred_at",
    "actor_kind", "actor_id", "actor_label", "ip", "request_id",
)  # fmt: skip


class ScenarioBook(Book):
    """A Book that remembers the accounts it opened, to name them by their order."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[uuid.UUID] = []

    def open(self, code: str, **kwargs) -> uuid.UUID:
        account_id = super().open(code, **kwargs)
        self.opened.append(account_id)
        return account_id

    def name_of(self, account_id: uuid.UUID | None) -> str:
        if account_id in self.opened:
            return f"account {self.opened.index(account_id)}"
        return "no account opened here"

    def ok(self, *requests: TransferRequest) -> None:
        """Apply a batch that the scenario needs to succeed."""
        assert self.apply(*requests) == [Result.OK] * len(requests)


class FastPathSpy:
    """Counts the calls of ``store.create_one``, which only the fast path makes."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = store.create_one

        def create_one(*args, **kwargs):
            self.calls += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(store, "create_one", create_one)


@pytest.fixture
def fast_path(monkeypatch) -> FastPathSpy:
    return FastPathSpy(monkeypatch)


# -- the scenarios -------------------------------------------------------------------------------
# Each builds its books on a fresh ScenarioBook and returns the request under test.

Arrange = Callable[[ScenarioBook], TransferRequest]


@dataclass(frozen=True)
class Scenario:
    name: str
    expected: str
    arrange: Arrange


def bank_and_merchant(book: ScenarioBook) -> tuple[uuid.UUID, uuid.UUID]:
    return book.open("1001.bank", kind="asset"), book.open("2101.merchant")


def funded_wallet(book: ScenarioBook, amount: int = 10_000) -> tuple[uuid.UUID, uuid.UUID]:
    """The bank and a wallet (debits must not exceed credits) topped up with ``amount``."""
    bank = book.open("1001.bank", kind="asset")
    wallet = book.open("2001.wallet", debits_must_not_exceed_credits=True)
    book.ok(book.single(bank, wallet, amount))
    return bank, wallet


def a_loan(book: ScenarioBook, lent: int = 5_000) -> tuple[uuid.UUID, uuid.UUID]:
    """The bank and a loan account whose credits (repayments) must not exceed its debits."""
    bank = book.open("1001.bank", kind="asset")
    loan = book.open("1201.loan", kind="asset", credits_must_not_exceed_debits=True)
    cash = book.open("1002.cash", kind="asset")
    book.ok(book.single(loan, cash, lent))
    return bank, loan


def debits_near_the_limit(book: ScenarioBook, headroom: int = 5) -> tuple[uuid.UUID, uuid.UUID]:
    """An account whose debits are ``headroom`` short of the largest balance, and the account
    whose credits are, from the same transfer."""
    source, sink = bank_and_merchant(book)
    book.ok(book.single(source, sink, MAX_BALANCE - headroom))
    return source, sink


def retried(change: dict[str, Any], **original: Any) -> Arrange:
    """A payment from the bank to a merchant (with ``original``'s fields), sent once as a batch
    of one and sent again with ``change``; in ``change``, "bank" and "merchant" name those
    accounts and "another account" a new one."""

    def arrange(book: ScenarioBook) -> TransferRequest:
        bank, merchant = bank_and_merchant(book)
        fields = {"code": "pay", "metadata": {"order": "A-17"}, **original}
        maker = book.pending if fields.pop("kind", "single") == "pending" else book.single
        first = maker(bank, merchant, fields.pop("amount", 2_500), **fields)
        book.ok(first)
        accounts = {"bank": bank, "merchant": merchant}
        return changed(book, first, change, accounts)

    return arrange


def changed(
    book: ScenarioBook,
    request: TransferRequest,
    change: dict[str, Any],
    accounts: dict[str, uuid.UUID] | None = None,
) -> TransferRequest:
    """A copy of ``request`` with ``change``; an account field's value may be a name in
    ``accounts`` or "another account" (opened here)."""
    again = TransferRequest(**{name: getattr(request, name) for name in request.__slots__})
    for name, value in change.items():
        if name.endswith("_account_id") and value == "another account":
            value = book.open("2102.merchant")
        elif name.endswith("_account_id") and isinstance(value, str):
            value = (accounts or {})[value]
        setattr(again, name, value)
    return again


def retried_after_its_credit_account_closed(book: ScenarioBook) -> TransferRequest:
    """The id is looked up before the accounts: a retry is `exists` whatever they became."""
    request = retried({})(book)
    book.close(request.credit_account_id)
    return request


def first_of_a_batch_of_two(change: dict[str, Any], *, linked: bool) -> Arrange:
    """The first transfer of a batch of two (which the engine applies), retried alone."""

    def arrange(book: ScenarioBook) -> TransferRequest:
        bank, merchant = bank_and_merchant(book)
        first = book.single(bank, merchant, 2_500, code="pay", linked=linked)
        book.ok(first, book.single(bank, merchant, 700))
        again = changed(book, first, change)
        again.linked = False  # a linked request would not take the fast path
        return again

    return arrange


def second_of_a_batch_of_two(book: ScenarioBook) -> TransferRequest:
    bank, merchant = bank_and_merchant(book)
    second = book.pending(bank, merchant, 700, timeout_seconds=30)
    book.ok(book.single(bank, merchant, 2_500), second)
    return second


def plain(**fields: Any) -> Arrange:
    """A transfer from the bank to a merchant with ``fields``; an account field's value may be
    "nowhere", an account that does not exist."""

    def arrange(book: ScenarioBook) -> TransferRequest:
        bank, merchant = bank_and_merchant(book)
        request = TransferRequest(
            id=uuid.uuid4(), debit_account_id=bank, credit_account_id=merchant
        )
        return changed(book, request, fields, {"nowhere": uuid.uuid4()})

    return arrange


def burnt_then_retried(change: dict[str, Any], *, in_a_batch: bool = False) -> Arrange:
    """A wallet payment refused for lack of funds (its id burnt), retried after a top-up."""

    def arrange(book: ScenarioBook) -> TransferRequest:
        bank, wallet = funded_wallet(book, 1_000)
        merchant = book.open("2101.merchant")
        payment = book.single(wallet, merchant, 5_000)
        if in_a_batch:
            assert book.apply(book.single(wallet, merchant, 100), payment) == [
                Result.OK,
                Result.EXCEEDS_CREDITS,
            ]
        else:
            assert book.apply(payment) == [Result.EXCEEDS_CREDITS]
        book.ok(book.single(bank, wallet, 10_000))
        return changed(book, payment, change)

    return arrange


def burnt_for_a_missing_account(book: ScenarioBook) -> TransferRequest:
    bank, merchant = bank_and_merchant(book)
    payment = book.single(bank, uuid.uuid4(), 2_500)
    assert book.apply(payment) == [Result.ACCOUNT_NOT_FOUND]
    payment.credit_account_id = merchant  # corrected, too late
    return payment


def wallet_pays(amount: int, *, kind: str = "single", before=None) -> Arrange:
    """A wallet holding 100.00 pays a merchant ``amount``; ``before(book, wallet, merchant)``
    runs first."""

    def arrange(book: ScenarioBook) -> TransferRequest:
        _, wallet = funded_wallet(book)
        merchant = book.open("2101.merchant")
        if before is not None:
            before(book, wallet, merchant)
        maker = book.pending if kind == "pending" else book.single
        return maker(wallet, merchant, amount)

    return arrange


def a_hold_of(amount: int) -> Callable:
    def hold(book, wallet, merchant):
        book.ok(book.pending(wallet, merchant, amount))

    return hold


def incoming_hold(book, wallet, merchant):
    """Money on its way in (pending credits) does not count as the wallet's credits."""
    book.ok(book.pending(book.opened[0], wallet, 50_000))


def closed(*roles: str) -> Arrange:
    def arrange(book: ScenarioBook) -> TransferRequest:
        bank, merchant = bank_and_merchant(book)
        for role in roles:
            book.close({"bank": bank, "merchant": merchant}[role])
        return book.single(bank, merchant, 2_500)

    return arrange


def closed_and_another_currency(book: ScenarioBook) -> TransferRequest:
    """Currency is checked before closure: a mismatch does not burn the id."""
    bank, merchant = bank_and_merchant(book)
    book.close(merchant)
    return book.single(bank, merchant, 2_500, currency="USD")


def closed_and_overdrawn(book: ScenarioBook) -> TransferRequest:
    _, wallet = funded_wallet(book)
    merchant = book.open("2101.merchant")
    book.close(wallet)
    return book.single(wallet, merchant, 99_999)


def frozen(*roles: str, kind: str = "single") -> Arrange:
    """A payment from the bank to a merchant after the debits of ``roles`` were frozen."""

    def arrange(book: ScenarioBook) -> TransferRequest:
        bank, merchant = bank_and_merchant(book)
        for role in roles:
            book.freeze({"bank": bank, "merchant": merchant}[role])
        maker = book.pending if kind == "pending" else book.single
        return maker(bank, merchant, 2_500)

    return arrange


def frozen_and_unfrozen(book: ScenarioBook) -> TransferRequest:
    bank, merchant = bank_and_merchant(book)
    book.freeze(bank)
    book.unfreeze(bank)
    return book.single(bank, merchant, 2_500)


def frozen_and_closed(book: ScenarioBook) -> TransferRequest:
    """Closure is checked before frozen debits."""
    bank, merchant = bank_and_merchant(book)
    book.freeze(bank)
    book.close(bank)
    return book.single(bank, merchant, 2_500)


def frozen_and_overdrawn(book: ScenarioBook) -> TransferRequest:
    """Frozen debits are checked before the balance limits."""
    _, wallet = funded_wallet(book)
    merchant = book.open("2101.merchant")
    book.freeze(wallet)
    return book.single(wallet, merchant, 99_999)


def frozen_and_overflowing(book: ScenarioBook) -> TransferRequest:
    source, sink = debits_near_the_limit(book)
    book.freeze(source)
    return book.single(source, sink, 6)


def burnt_by_frozen_debits_then_retried(book: ScenarioBook) -> TransferRequest:
    """A payment refused while the debits were frozen stays refused after the unfreeze."""
    bank, merchant = bank_and_merchant(book)
    book.freeze(bank)
    payment = book.single(bank, merchant, 2_500)
    assert book.apply(payment) == [Result.DEBITS_FROZEN]
    book.unfreeze(bank)
    return payment


def retried_after_its_debit_account_was_frozen(book: ScenarioBook) -> TransferRequest:
    request = retried({})(book)
    book.freeze(request.debit_account_id)
    return request


def across_currencies(book: ScenarioBook) -> TransferRequest:
    bank = book.open("1001.bank", kind="asset")
    usd_wallet = book.open("2001.wallet", currency="USD")
    return book.single(bank, usd_wallet, 2_500)


def in_usd(book: ScenarioBook) -> TransferRequest:
    bank = book.open("1001.bank", kind="asset", currency="USD")
    merchant = book.open("2101.merchant", currency="USD")
    return book.single(bank, merchant, 2_500, currency="USD", code="fx", metadata={"rate": 7.1})


def overflow_on_the_debit_side(book: ScenarioBook) -> TransferRequest:
    source, _ = debits_near_the_limit(book)
    return book.single(source, book.open("2102.merchant"), 6)


def overflow_on_the_credit_side(book: ScenarioBook) -> TransferRequest:
    _, sink = debits_near_the_limit(book)
    return book.single(book.open("1002.bank", kind="asset"), sink, 6)


def up_to_the_largest_balance(book: ScenarioBook) -> TransferRequest:
    source, _ = debits_near_the_limit(book)
    return book.single(source, book.open("2102.merchant"), 5)


def overflow_of_pending_and_posted_together(book: ScenarioBook) -> TransferRequest:
    """Debits of 2**62 pending and 2**62 - 10 posted: 11 more would pass 2**63 - 1."""
    source, sink = bank_and_merchant(book)
    other = book.open("2102.merchant")
    book.ok(book.pending(source, sink, 2**62))
    book.ok(book.single(source, other, 2**62 - 10))
    return book.pending(source, book.open("2103.merchant"), 11)


def same_account_both_sides(book: ScenarioBook) -> TransferRequest:
    bank, _ = bank_and_merchant(book)
    return book.single(bank, bank, 2_500)


SCENARIOS = [
    # ok
    Scenario("ok: a single transfer", Result.OK, plain(amount=2_500, code="topup")),
    Scenario(
        "ok: a pending transfer with a timeout",
        Result.OK,
        plain(kind="pending", amount=2_500, timeout_seconds=90),
    ),
    Scenario(
        "ok: a pending transfer without a timeout", Result.OK, plain(kind="pending", amount=1)
    ),
    Scenario(
        "ok: a pending transfer with a timeout of 0 (none)",
        Result.OK,
        plain(kind="pending", amount=300, timeout_seconds=0),
    ),
    Scenario(
        "ok: a pending transfer with the longest timeout",
        Result.OK,
        plain(kind="pending", amount=300, timeout_seconds=MAX_TIMEOUT_SECONDS),
    ),
    Scenario(
        "ok: a single transfer with a timeout of 0 (none)",
        Result.OK,
        plain(amount=300, timeout_seconds=0),
    ),
    Scenario(
        "ok: with metadata and the currency given",
        Result.OK,
        plain(
            amount=2_500,
            currency="CNY",
            code="order.paid:A-17",
            metadata={"order": "A-17", "lines": [1, 2.5, {"sku": "x"}], "gift": True, "n": None},
        ),
    ),
    Scenario("ok: between two USD accounts", Result.OK, in_usd),
    Scenario("ok: a wallet spends down to exactly zero", Result.OK, wallet_pays(10_000)),
    Scenario(
        "ok: a wallet holds what is left after a hold",
        Result.OK,
        wallet_pays(6_000, kind="pending", before=a_hold_of(4_000)),
    ),
    Scenario(
        "ok: a loan repaid in full", Result.OK, lambda book: book.single(*a_loan(book), 5_000)
    ),
    Scenario("ok: a balance reaches exactly 2**63 - 1", Result.OK, up_to_the_largest_balance),
    Scenario("ok: into an account whose debits are frozen", Result.OK, frozen("merchant")),
    Scenario("ok: from an account frozen and unfrozen again", Result.OK, frozen_and_unfrozen),
    # exists
    Scenario("exists: the same single transfer retried", Result.EXISTS, retried({})),
    Scenario(
        "exists: the same pending transfer retried",
        Result.EXISTS,
        retried({}, kind="pending", timeout_seconds=60),
    ),
    Scenario(
        "exists: a pending transfer without a timeout retried with a timeout of 0",
        Result.EXISTS,
        retried({"timeout_seconds": 0}, kind="pending"),
    ),
    Scenario(
        "exists: retried naming the currency it was recorded in",
        Result.EXISTS,
        retried({"currency": "CNY"}),
    ),
    Scenario(
        "exists: retried without the currency it named",
        Result.EXISTS,
        retried({"currency": None}, currency="CNY"),
    ),
    Scenario(
        "exists: retried with its metadata's keys in another order",
        Result.EXISTS,
        retried(
            {"metadata": {"b": [1, 2], "a": {"y": 1, "x": 2}}},
            metadata={"a": {"x": 2, "y": 1}, "b": [1, 2]},
        ),
    ),
    Scenario(
        "exists: retried with a whole number written as a float in its metadata",
        Result.EXISTS,
        retried({"metadata": {"n": 1.0}}, metadata={"n": 1}),
    ),
    Scenario(
        "exists: retried after an account was closed",
        Result.EXISTS,
        retried_after_its_credit_account_closed,
    ),
    Scenario(
        "exists: retried after its debit account's debits were frozen",
        Result.EXISTS,
        retried_after_its_debit_account_was_frozen,
    ),
    Scenario(
        "exists: the second of a batch of two retried alone",
        Result.EXISTS,
        second_of_a_batch_of_two,
    ),
    # exists_with_different_fields
    Scenario(
        "exists_with_different_fields: retried with a different amount",
        Result.EXISTS_WITH_DIFFERENT_FIELDS,
        retried({"amount": 2_501}),
    ),
    Scenario(
        "exists_with_different_fields: retried with a different code",
        Result.EXISTS_WITH_DIFFERENT_FIELDS,
        retried({"code": "other"}),
    ),
    Scenario(
        "exists_with_different_fields: retried without a code",
        Result.EXISTS_WITH_DIFFERENT_FIELDS,
        retried({"code": ""}),
    ),
    Scenario(
        "exists_with_different_fields: retried with different metadata",
        Result.EXISTS_WITH_DIFFERENT_FIELDS,
        retried({"metadata": {"order": "A-18"}}),
    ),
    Scenario(
        "exists_with_different_fields: retried without metadata",
        Result.EXISTS_WITH_DIFFERENT_FIELDS,
        retried({"metadata": {}}),
    ),
    Scenario(
        "exists_with_different_fields: retried with true where the metadata held 1",
        Result.EXISTS_WITH_DIFFERENT_FIELDS,
        retried({"metadata": {"n": True}}, metadata={"n": 1}),
    ),
    Scenario(
        "exists_with_different_fields: retried with 0 where the metadata held false",
        Result.EXISTS_WITH_DIFFERENT_FIELDS,
        retried({"metadata": {"flags": [0]}}, metadata={"flags": [False]}),
    ),
    Scenario(
        "exists_with_different_fields: a single transfer retried as pending",
        Result.EXISTS_WITH_DIFFERENT_FIELDS,
        retried({"kind": "pending"}),
    ),
    Scenario(
        "exists_with_different_fields: a pending transfer retried as single",
        Result.EXISTS_WITH_DIFFERENT_FIELDS,
        retried({"kind": "single"}, kind="pending"),
    ),
    Scenario(
        "exists_with_different_fields: retried with a different timeout",
        Result.EXISTS_WITH_DIFFERENT_FIELDS,
        retried({"timeout_seconds": 61}, kind="pending", timeout_seconds=60),
    ),
    Scenario(
        "exists_with_different_fields: retried with another debit account",
        Result.EXISTS_WITH_DIFFERENT_FIELDS,
        retried({"debit_account_id": "another account"}),
    ),
    Scenario(
        "exists_with_different_fields: retried with the accounts swapped",
        Result.EXISTS_WITH_DIFFERENT_FIELDS,
        retried({"debit_account_id": "merchant", "credit_account_id": "bank"}),
    ),
    Scenario(
        "exists_with_different_fields: retried naming another currency",
        Result.EXISTS_WITH_DIFFERENT_FIELDS,
        retried({"currency": "USD"}),
    ),
    Scenario(
        "exists_with_different_fields: retried with a zero amount",
        Result.EXISTS_WITH_DIFFERENT_FIELDS,
        retried({"amount": 0}),
    ),
    Scenario(
        "exists_with_different_fields: retried without accounts",
        Result.EXISTS_WITH_DIFFERENT_FIELDS,
        retried({"debit_account_id": None}),
    ),
    Scenario(
        "exists_with_different_fields: the first of a batch of two retried with another amount",
        Result.EXISTS_WITH_DIFFERENT_FIELDS,
        first_of_a_batch_of_two({"amount": 2_400}, linked=False),
    ),
    Scenario(
        "exists_with_different_fields: the first of a linked chain of two retried unlinked",
        Result.EXISTS_WITH_DIFFERENT_FIELDS,
        first_of_a_batch_of_two({}, linked=True),
    ),
    # id_already_failed
    Scenario(
        "id_already_failed: an id burnt by exceeds_credits retried after a top-up",
        Result.ID_ALREADY_FAILED,
        burnt_then_retried({}),
    ),
    Scenario(
        "id_already_failed: an id burnt inside a batch of two retried alone",
        Result.ID_ALREADY_FAILED,
        burnt_then_retried({}, in_a_batch=True),
    ),
    Scenario(
        "id_already_failed: a burnt id retried with a zero amount",
        Result.ID_ALREADY_FAILED,
        burnt_then_retried({"amount": 0}),
    ),
    Scenario(
        "id_already_failed: an id burnt by debits_frozen retried after the unfreeze",
        Result.ID_ALREADY_FAILED,
        burnt_by_frozen_debits_then_retried,
    ),
    Scenario(
        "id_already_failed: an id burnt by account_not_found retried corrected",
        Result.ID_ALREADY_FAILED,
        burnt_for_a_missing_account,
    ),
    # amount_must_not_be_zero
    Scenario("amount_must_not_be_zero: amount 0", Result.AMOUNT_MUST_NOT_BE_ZERO, plain(amount=0)),
    Scenario(
        "amount_must_not_be_zero: no amount", Result.AMOUNT_MUST_NOT_BE_ZERO, plain(amount=None)
    ),
    Scenario(
        "amount_must_not_be_zero: a negative amount",
        Result.AMOUNT_MUST_NOT_BE_ZERO,
        plain(amount=-5),
    ),
    Scenario(
        "amount_must_not_be_zero: pending, amount 0",
        Result.AMOUNT_MUST_NOT_BE_ZERO,
        plain(kind="pending", amount=0, timeout_seconds=60),
    ),
    Scenario(
        "amount_must_not_be_zero: before an unknown account",
        Result.AMOUNT_MUST_NOT_BE_ZERO,
        plain(amount=0, credit_account_id="nowhere"),
    ),
    # timeout_reserved_for_pending_transfer
    Scenario(
        "timeout_reserved_for_pending_transfer: a single transfer with a timeout",
        Result.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER,
        plain(amount=2_500, timeout_seconds=60),
    ),
    # accounts_required
    Scenario(
        "accounts_required: no debit account",
        Result.ACCOUNTS_REQUIRED,
        plain(amount=2_500, debit_account_id=None),
    ),
    Scenario(
        "accounts_required: no credit account",
        Result.ACCOUNTS_REQUIRED,
        plain(kind="pending", amount=2_500, credit_account_id=None),
    ),
    Scenario(
        "accounts_required: no accounts at all",
        Result.ACCOUNTS_REQUIRED,
        plain(amount=2_500, debit_account_id=None, credit_account_id=None),
    ),
    # accounts_must_be_different
    Scenario(
        "accounts_must_be_different: the same account on both sides",
        Result.ACCOUNTS_MUST_BE_DIFFERENT,
        same_account_both_sides,
    ),
    # account_not_found
    Scenario(
        "account_not_found: the debit account",
        Result.ACCOUNT_NOT_FOUND,
        plain(amount=2_500, debit_account_id="nowhere"),
    ),
    Scenario(
        "account_not_found: the credit account",
        Result.ACCOUNT_NOT_FOUND,
        plain(kind="pending", amount=2_500, credit_account_id="nowhere"),
    ),
    Scenario(
        "account_not_found: before the currency named",
        Result.ACCOUNT_NOT_FOUND,
        plain(amount=2_500, debit_account_id="nowhere", currency="USD"),
    ),
    # currency_mismatch
    Scenario(
        "currency_mismatch: a CNY account and a USD account",
        Result.CURRENCY_MISMATCH,
        across_currencies,
    ),
    Scenario(
        "currency_mismatch: the request names USD, the accounts are CNY",
        Result.CURRENCY_MISMATCH,
        plain(amount=2_500, currency="USD"),
    ),
    Scenario(
        "currency_mismatch: the currency in lower case",
        Result.CURRENCY_MISMATCH,
        plain(amount=2_500, currency="cny"),
    ),
    Scenario(
        "currency_mismatch: before a closed account",
        Result.CURRENCY_MISMATCH,
        closed_and_another_currency,
    ),
    # account_closed
    Scenario("account_closed: the debit account", Result.ACCOUNT_CLOSED, closed("bank")),
    Scenario("account_closed: the credit account", Result.ACCOUNT_CLOSED, closed("merchant")),
    Scenario("account_closed: before an overdraft", Result.ACCOUNT_CLOSED, closed_and_overdrawn),
    Scenario("account_closed: before frozen debits", Result.ACCOUNT_CLOSED, frozen_and_closed),
    # debits_frozen
    Scenario("debits_frozen: the debit account", Result.DEBITS_FROZEN, frozen("bank")),
    Scenario(
        "debits_frozen: a hold on the debit account",
        Result.DEBITS_FROZEN,
        frozen("bank", kind="pending"),
    ),
    Scenario(
        "debits_frozen: both accounts frozen", Result.DEBITS_FROZEN, frozen("bank", "merchant")
    ),
    Scenario("debits_frozen: before an overdraft", Result.DEBITS_FROZEN, frozen_and_overdrawn),
    Scenario("debits_frozen: before an overflow", Result.DEBITS_FROZEN, frozen_and_overflowing),
    # overflows_balance
    Scenario(
        "overflows_balance: the debit account's debits",
        Result.OVERFLOWS_BALANCE,
        overflow_on_the_debit_side,
    ),
    Scenario(
        "overflows_balance: the credit account's credits",
        Result.OVERFLOWS_BALANCE,
        overflow_on_the_credit_side,
    ),
    Scenario(
        "overflows_balance: pending and posted debits together",
        Result.OVERFLOWS_BALANCE,
        overflow_of_pending_and_posted_together,
    ),
    # exceeds_credits
    Scenario(
        "exceeds_credits: a wallet overdrawn by 0.01", Result.EXCEEDS_CREDITS, wallet_pays(10_001)
    ),
    Scenario(
        "exceeds_credits: a hold larger than the wallet",
        Result.EXCEEDS_CREDITS,
        wallet_pays(10_001, kind="pending"),
    ),
    Scenario(
        "exceeds_credits: funds already held",
        Result.EXCEEDS_CREDITS,
        wallet_pays(6_001, before=a_hold_of(4_000)),
    ),
    Scenario(
        "exceeds_credits: incoming pending credits do not count",
        Result.EXCEEDS_CREDITS,
        wallet_pays(10_001, before=incoming_hold),
    ),
    # exceeds_debits
    Scenario(
        "exceeds_debits: a loan repaid beyond what was lent",
        Result.EXCEEDS_DEBITS,
        lambda book: book.single(*a_loan(book), 5_001),
    ),
    Scenario(
        "exceeds_debits: a pending repayment beyond what was lent",
        Result.EXCEEDS_DEBITS,
        lambda book: book.pending(*a_loan(book), 5_001),
    ),
]


def test_every_result_code_a_single_or_pending_transfer_can_get_has_a_scenario():
    fast_path_codes = {Result.OK, Result.EXISTS, Result.EXISTS_WITH_DIFFERENT_FIELDS,
                       Result.ID_ALREADY_FAILED, Result.AMOUNT_MUST_NOT_BE_ZERO,
                       Result.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER, Result.ACCOUNTS_REQUIRED,
                       Result.ACCOUNTS_MUST_BE_DIFFERENT, Result.ACCOUNT_NOT_FOUND,
                       Result.CURRENCY_MISMATCH, Result.ACCOUNT_CLOSED, Result.DEBITS_FROZEN,
                       Result.OVERFLOWS_BALANCE,
                       Result.EXCEEDS_CREDITS, Result.EXCEEDS_DEBITS}  # fmt: skip

    assert {s.expected for s in SCENARIOS} == fast_path_codes
    assert len({s.name for s in SCENARIOS}) == len(SCENARIOS)


# -- running a scenario down one path ------------------------------------------------------------


@dataclass
class Outcome:
    """What one request left behind, with ids replaced by names that both runs share."""

    result: str
    balances: list[dict[str, int]]  # every account the scenario opened, in order
    burnt_as: str | None
    transfer: dict[str, Any] | None
    audit_entries: list[dict[str, Any]]
    outbox_events: list[dict[str, Any]]


def run(
    scenario: Scenario, *, through: str, spy: FastPathSpy, monkeypatch: pytest.MonkeyPatch
) -> Outcome:
    """Build the scenario's books, then send its request through the fast path or the engine."""
    book = ScenarioBook()
    request = scenario.arrange(book)
    last_audit = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    last_event = OutboxEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    calls = spy.calls
    with monkeypatch.context() as patch:
        if through == "engine":
            patch.setattr(store, "can_create_one", lambda request: False)
        [result] = transfers_create(
            transfers=[request], actor=SYSTEM, now=book.now, business_date=book.business_date
        )
    assert result.id == request.id
    took_the_fast_path = spy.calls - calls == 1
    assert took_the_fast_path == (through == "fast path"), f"{through} was not the path taken"

    def named(value: Any) -> Any:
        return REQUEST_ID if value == str(request.id) else value

    audits = list(AuditEntry.objects.filter(id__gt=last_audit).order_by("id"))
    events = list(OutboxEvent.objects.filter(id__gt=last_event).order_by("id"))
    batch_ids = [a.target_id for a in audits]
    return Outcome(
        result=result.result,
        balances=[
            Account.objects.values(*BALANCE_FIELDS).get(id=account_id) for account_id in book.opened
        ],
        burnt_as=FailedTransfer.objects.filter(id=request.id)
        .values_list("code", flat=True)
        .first(),
        transfer=_transfer_fields(book, request.id, batch_ids),
        audit_entries=[
            {
                **{name: getattr(a, name) for name in AUDIT_FIELDS},
                "after": {k: named(v) for k, v in a.after.items()},
                "target_id is a new batch id": a.target_id not in (str(request.id), ""),
            }
            for a in audits
        ],
        outbox_events=[
            {
                "aggregate_type": e.aggregate_type,
                "aggregate_id is the audited batch": e.aggregate_id in batch_ids,
                "payload names its batch": e.payload.get("batch_id") == e.aggregate_id,
                "event_type": e.event_type,
                "occurred_at": e.occurred_at,
                "payload keys": sorted(e.payload),
                "count": e.payload["count"],
                "business_date": e.payload["business_date"],
                "transfer_ids": [named(i) for i in e.payload["transfer_ids"]],
                "attempts": e.attempts,
                "last_error": e.last_error,
            }
            for e in events
        ],
    )


def _transfer_fields(
    book: ScenarioBook, transfer_id: uuid.UUID, batch_ids: list[str]
) -> dict[str, Any] | None:
    transfer = Transfer.objects.filter(id=transfer_id).first()
    if transfer is None:
        return None
    return {
        "debit_account": book.name_of(transfer.debit_account_id),
        "credit_account": book.name_of(transfer.credit_account_id),
        # Made now: its call's audit entry; made by the scenario earlier: another call's.
        "batch_id is the audited batch": str(transfer.batch_id) in batch_ids,
        **{name: getattr(transfer, name) for name in TRANSFER_FIELDS},
    }


def both_ways(scenario: Scenario, spy: FastPathSpy, monkeypatch) -> tuple[Outcome, Outcome]:
    fast = run(scenario, through="fast path", spy=spy, monkeypatch=monkeypatch)
    engine = run(scenario, through="engine", spy=spy, monkeypatch=monkeypatch)
    return fast, engine


def _param(scenario: Scenario):
    return pytest.param(scenario, id=scenario.name)


# -- the tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", [_param(s) for s in SCENARIOS])
def test_the_fast_path_leaves_what_the_engine_leaves(db, fast_path, monkeypatch, scenario):
    fast, engine = both_ways(scenario, fast_path, monkeypatch)

    assert fast == engine
    assert fast.result == scenario.expected
    # What each result must leave, so that agreeing on nothing at all cannot pass.
    created = fast.result == Result.OK
    recorded = (Result.OK, Result.EXISTS, Result.EXISTS_WITH_DIFFERENT_FIELDS)
    assert (fast.transfer is not None) == (fast.result in recorded)
    if fast.result == Result.ID_ALREADY_FAILED:
        assert fast.burnt_as in TRANSIENT_FAILURES  # burnt by the scenario, earlier
    else:
        assert fast.burnt_as == (fast.result if fast.result in TRANSIENT_FAILURES else None)
    assert len(fast.audit_entries) == (1 if created or fast.result in TRANSIENT_FAILURES else 0)
    assert len(fast.outbox_events) == (1 if created else 0)
    if created:
        assert fast.audit_entries[0]["after"] == {"created": 1, "failed": 0,
            "business_date": "2026-03-02", "first_id": REQUEST_ID}  # fmt: skip
        assert fast.outbox_events[0]["transfer_ids"] == [REQUEST_ID]
        assert fast.transfer["batch_id is the audited batch"]
        assert fast.outbox_events[0]["payload names its batch"]
        assert (fast.transfer["actor_kind"], fast.transfer["actor_id"]) == ("system", "system")
        timeout = fast.transfer["timeout_seconds"]
        assert fast.transfer["expires_at"] == (
            fast.transfer["created_at"] + timedelta(seconds=timeout) if timeout else None
        )
    assert ledger_problems() == []


def test_the_audit_trail_and_the_ledger_verify_after_every_scenario(db, fast_path, monkeypatch):
    for scenario in SCENARIOS:
        both_ways(scenario, fast_path, monkeypatch)

    assert AuditEntry.objects.filter(action="ledger.transfers_create").exists()
    assert audit_verify().problems == []
    assert ledger_verify().problems == []
    assert ledger_problems() == []


class _CallerGaveUp(Exception):
    pass


@pytest.mark.django_db(transaction=True)
class TestInsideTheCallersTransaction:
    """The fast path writes inside the caller's transaction when there is one."""

    @pytest.fixture
    def books(self):
        book = ScenarioBook()
        bank, wallet = funded_wallet(book)
        merchant = book.open("2101.merchant")
        return book, bank, wallet, merchant

    @staticmethod
    def traces() -> tuple[int, int, int, int]:
        return (Transfer.objects.count(), FailedTransfer.objects.count(),
                AuditEntry.objects.count(), OutboxEvent.objects.count())  # fmt: skip

    def test_its_writes_roll_back_with_the_callers_transaction(self, books, fast_path):
        book, _, wallet, merchant = books
        before = self.traces()
        balances = {a: book.balances(a) for a in book.opened}
        payment = book.pending(wallet, merchant, 2_500, timeout_seconds=60)
        overdraft = book.single(wallet, merchant, 99_999)

        with pytest.raises(_CallerGaveUp), transaction.atomic():
            assert book.apply(payment) == [Result.OK]
            assert book.apply(overdraft) == [Result.EXCEEDS_CREDITS]
            assert self.traces() == (before[0] + 1, before[1] + 1, before[2] + 2, before[3] + 1)
            raise _CallerGaveUp

        assert fast_path.calls == 2
        assert self.traces() == before
        assert {a: book.balances(a) for a in book.opened} == balances
        # Nothing of them is left: both ids are new again.
        assert book.apply(payment) == [Result.OK]
        assert book.apply(overdraft) == [Result.EXCEEDS_CREDITS]
        assert audit_verify().problems == []
        assert ledger_verify().problems == []

    def test_its_writes_commit_with_the_callers_transaction(self, books, fast_path):
        book, bank, wallet, merchant = books
        before = self.traces()
        payment = book.single(wallet, merchant, 2_500)

        with transaction.atomic():
            assert book.apply(payment) == [Result.OK]
            book.ok(book.single(bank, wallet, 100))

        assert fast_path.calls == 2
        assert self.traces() == (before[0] + 2, before[1], before[2] + 2, before[3] + 2)
        assert book.balances(wallet) == {"debits_posted": 2_500, "credits_posted": 10_100}
        assert audit_verify().problems == []

    def test_a_savepoint_rolled_back_takes_only_its_own_transfer(self, books, fast_path):
        book, _, wallet, merchant = books
        kept = book.single(wallet, merchant, 1_000)
        undone = book.single(wallet, merchant, 2_000)

        with transaction.atomic():
            book.ok(kept)
            with pytest.raises(_CallerGaveUp), transaction.atomic():
                book.ok(undone)
                raise _CallerGaveUp

        assert fast_path.calls == 2
        assert Transfer.objects.filter(id=kept.id).exists()
        assert not Transfer.objects.filter(id=undone.id).exists()
        assert book.balances(merchant) == {"credits_posted": 1_000}
        assert audit_verify().problems == []
        assert ledger_verify().problems == []

    def test_outside_a_transaction_the_call_commits_on_its_own(self, books, fast_path):
        book, _, wallet, merchant = books

        book.ok(book.single(wallet, merchant, 1_000))

        assert fast_path.calls == 1
        assert book.balances(merchant) == {"credits_posted": 1_000}
        assert audit_verify().problems == []
