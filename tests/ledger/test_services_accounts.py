"""Opening, closing and reopening ledger accounts."""

import uuid

import pytest

from hujin.core.actors import SYSTEM
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.core.money import InvalidCurrency
from hujin.ledger.errors import (
    AccountExistsWithDifferentFields,
    AccountInvalid,
    AccountNotFound,
    Result,
)
from hujin.ledger.models import Account
from hujin.ledger.services import (
    account_create,
    account_debits_unfreeze,
    account_set_closed,
    transfers_create,
)
from hujin.ledger.types import TransferRequest
from hujin.ledger.verify import ledger_verify
from tests.ledger.conftest import BUSINESS_DATE, START_AT

WALLET_ID = uuid.UUID("0190f0d2-0000-7000-8000-000000000001")


def open_wallet(**overrides):
    fields = {
        "id": WALLET_ID,
        "currency": "CNY",
        "code": "2001.wallet",
        "kind": "liability",
        "name": "Alice's wallet",
        "owner_ref": "customer:42",
        "debits_must_not_exceed_credits": True,
        "metadata": {"channel": "app"},
        "actor": SYSTEM,
        "now": START_AT,
    }
    fields.update(overrides)
    return account_create(**fields)


@pytest.mark.django_db
class TestAccountCreate:
    def test_opens_an_empty_account_with_the_given_fields(self):
        _, created = open_wallet()

        assert created
        stored = Account.objects.get(id=WALLET_ID)
        assert (stored.currency, stored.code, stored.kind) == ("CNY", "2001.wallet", "liability")
        assert (stored.name, stored.owner_ref) == ("Alice's wallet", "customer:42")
        assert stored.debits_must_not_exceed_credits
        assert not stored.credits_must_not_exceed_debits
        assert not stored.closed
        assert stored.metadata == {"channel": "app"}
        assert stored.created_at == START_AT
        balances = (
            stored.debits_pending,
            stored.debits_posted,
            stored.credits_pending,
            stored.credits_posted,
        )
        assert balances == (0, 0, 0, 0)

    def test_without_an_id_gets_a_fresh_one(self):
        first, _ = account_create(
            currency="CNY", code="1001.bank", kind="asset", actor=SYSTEM, now=START_AT
        )
        second, _ = account_create(
            currency="CNY", code="1001.bank", kind="asset", actor=SYSTEM, now=START_AT
        )

        assert first.id != second.id

    def test_numbers_accounts_in_the_order_they_are_opened(self):
        numbers = [
            account_create(currency="CNY", code="2001.wallet", kind="liability", actor=SYSTEM,
                           now=START_AT)[0].number
            for _ in range(3)
        ]  # fmt: skip

        assert numbers == sorted(set(numbers))
        assert [a.number for a in Account.objects.order_by("number")] == numbers

    def test_the_same_request_again_keeps_the_account_s_number(self):
        first, _ = open_wallet()

        again, _ = open_wallet()
        other, _ = account_create(
            currency="CNY", code="1001.bank", kind="asset", actor=SYSTEM, now=START_AT
        )

        assert again.number == first.number
        assert other.number > first.number

    def test_records_one_audit_entry_and_one_event(self):
        open_wallet()

        audit = AuditEntry.objects.get()
        assert (audit.action, audit.target_type, audit.target_id) == (
            "ledger.account_create",
            "ledger.account",
            str(WALLET_ID),
        )
        assert (audit.actor_kind, audit.occurred_at) == ("system", START_AT)
        assert audit.after["code"] == "2001.wallet"
        event = OutboxEvent.objects.get()
        assert (event.event_type, event.aggregate_id) == ("ledger.account_created", str(WALLET_ID))
        assert event.payload["currency"] == "CNY"

    def test_the_same_request_again_returns_the_existing_account_and_writes_nothing(self):
        open_wallet()

        account, created = open_wallet(now=START_AT.replace(hour=23))

        assert not created
        assert account.id == WALLET_ID
        assert account.created_at == START_AT
        assert (Account.objects.count(), AuditEntry.objects.count()) == (1, 1)
        assert OutboxEvent.objects.count() == 1

    @pytest.mark.parametrize(
        "change",
        [
            {"currency": "USD"},
            {"code": "2002.savings"},
            {"kind": "asset"},
            {"name": "Bob's wallet"},
            {"owner_ref": "customer:43"},
            {"debits_must_not_exceed_credits": False},
            {"metadata": {"channel": "web"}},
            {"debits_frozen": True, "debits_frozen_reason_code": "customers.freeze"},
        ],
    )
    def test_the_same_id_with_different_fields_is_a_conflict(self, change):
        open_wallet()

        with pytest.raises(AccountExistsWithDifferentFields):
            open_wallet(**change)
        assert Account.objects.get(id=WALLET_ID).currency == "CNY"

    @pytest.mark.parametrize(
        ("change", "error"),
        [
            ({"currency": "XXX"}, InvalidCurrency),
            ({"currency": "cny"}, InvalidCurrency),
            ({"kind": "revenue"}, AccountInvalid),
            ({"code": ""}, AccountInvalid),
            ({"code": "has space"}, AccountInvalid),
            ({"code": "x" * 65}, AccountInvalid),
            ({"credits_must_not_exceed_debits": True}, AccountInvalid),  # both limit flags
            ({"debits_frozen": True}, AccountInvalid),  # frozen for no reason
            ({"debits_frozen": True, "debits_frozen_reason_code": "not a code"}, AccountInvalid),
            ({"debits_frozen_reason_code": "customers.freeze"}, AccountInvalid),  # not frozen
        ],
    )
    def test_refuses_an_invalid_account_and_stores_nothing(self, change, error):
        with pytest.raises(error):
            open_wallet(**change)

        assert Account.objects.count() == 0
        assert AuditEntry.objects.count() == 0

    def test_accepts_a_64_character_code(self):
        account, created = open_wallet(code="9" * 64)

        assert created
        assert account.code == "9" * 64


def move(debit, credit, amount: int) -> str:
    request = TransferRequest(
        id=uuid.uuid4(), debit_account_id=debit, credit_account_id=credit, amount=amount, code="t"
    )
    (result,) = transfers_create(
        transfers=[request], actor=SYSTEM, now=START_AT, business_date=BUSINESS_DATE
    )
    return result.result


FROZEN = {"debits_frozen": True, "debits_frozen_reason_code": "customers.freeze"}


@pytest.mark.django_db
class TestAccountCreateFrozen:
    """A module opening an account for an owner whose accounts are frozen opens it frozen, for
    the same reason, so that lifting that reason lifts it with the rest."""

    def test_opens_with_its_debits_frozen_and_takes_credits(self):
        open_wallet(debits_must_not_exceed_credits=False, **FROZEN)
        bank, _ = account_create(currency="CNY", code="1001.bank", kind="asset", actor=SYSTEM,
                                 now=START_AT)  # fmt: skip

        assert Account.objects.get(id=WALLET_ID).debits_frozen
        assert move(bank.id, WALLET_ID, 500) == Result.OK
        assert move(WALLET_ID, bank.id, 100) == Result.DEBITS_FROZEN

    def test_says_so_in_its_audit_entry_and_event_and_records_the_freeze(self):
        open_wallet(**FROZEN)

        created = AuditEntry.objects.get(action="ledger.account_create")
        event = OutboxEvent.objects.get(event_type="ledger.account_created")
        assert created.after["debits_frozen"] is True
        assert event.payload["debits_frozen"] is True
        freeze = AuditEntry.objects.get(action="ledger.account_debits_freeze")
        assert freeze.after["reason_code"] == "customers.freeze"
        assert freeze.id > created.id
        assert OutboxEvent.objects.filter(event_type="ledger.account_debits_frozen").count() == 1
        assert ledger_verify().ok

    def test_an_account_opened_unfrozen_says_so_too(self):
        open_wallet()

        assert AuditEntry.objects.get().after["debits_frozen"] is False
        assert OutboxEvent.objects.get().payload["debits_frozen"] is False
        assert not Account.objects.get(id=WALLET_ID).debits_frozen

    def test_lifting_its_reason_lets_it_be_debited(self):
        open_wallet(**FROZEN)

        account_debits_unfreeze(account_ids=[WALLET_ID], reason_code="customers.freeze",
                                actor=SYSTEM, now=START_AT)  # fmt: skip

        assert not Account.objects.get(id=WALLET_ID).debits_frozen
        assert ledger_verify().ok

    def test_the_same_request_again_returns_the_account_and_writes_nothing(self):
        open_wallet(**FROZEN)
        writes = (AuditEntry.objects.count(), OutboxEvent.objects.count())

        account, created = open_wallet(**FROZEN)

        assert (account.id, created, account.debits_frozen) == (WALLET_ID, False, True)
        assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == writes

    def test_asking_again_unfrozen_is_a_conflict(self):
        open_wallet(**FROZEN)

        with pytest.raises(AccountExistsWithDifferentFields):
            open_wallet()


@pytest.mark.django_db
class TestAccountSetClosed:
    def test_closing_marks_the_account_closed_and_is_audited(self):
        open_wallet()

        account = account_set_closed(account_id=WALLET_ID, closed=True, actor=SYSTEM, now=START_AT)

        assert account.closed
        assert Account.objects.get(id=WALLET_ID).closed
        audit = AuditEntry.objects.latest("id")
        assert (audit.action, audit.before, audit.after) == (
            "ledger.account_close",
            {"closed": False},
            {"closed": True},
        )
        assert OutboxEvent.objects.latest("id").event_type == "ledger.account_closed"

    def test_closing_a_closed_account_changes_nothing(self):
        open_wallet()
        account_set_closed(account_id=WALLET_ID, closed=True, actor=SYSTEM, now=START_AT)
        audits = AuditEntry.objects.count()

        account = account_set_closed(account_id=WALLET_ID, closed=True, actor=SYSTEM, now=START_AT)

        assert account.closed
        assert AuditEntry.objects.count() == audits

    def test_reopening_is_audited_as_a_reopening(self):
        open_wallet()
        account_set_closed(account_id=WALLET_ID, closed=True, actor=SYSTEM, now=START_AT)

        account = account_set_closed(account_id=WALLET_ID, closed=False, actor=SYSTEM, now=START_AT)

        assert not account.closed
        assert AuditEntry.objects.latest("id").action == "ledger.account_reopen"
        assert OutboxEvent.objects.latest("id").event_type == "ledger.account_reopened"

    def test_an_unknown_account_is_not_found(self):
        with pytest.raises(AccountNotFound):
            account_set_closed(account_id=uuid.uuid4(), closed=True, actor=SYSTEM, now=START_AT)
