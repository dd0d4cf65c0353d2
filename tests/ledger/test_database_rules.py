"""The database's own guard rails, beneath the services: what a stray UPDATE or DELETE meets.

History is immutable (triggers refuse to change, delete or truncate a transfer or a burnt id; a
test database may still be wiped between tests, by DELETE on SQLite, so the DELETE cases here run
on PostgreSQL and ``tests/core/test_ddl_append_only.py`` tries them on both), accounts are never
deleted on PostgreSQL, and CHECK constraints refuse balances that the engine would never write.
"""

import uuid

import pytest
from django.db import IntegrityError, connection, transaction

from hujin.ledger.models import Account, FailedTransfer, Transfer
from tests.ledger.conftest import Book


@pytest.fixture
def book(db):
    """These tests write behind the ledger's back, so its tables are not audited afterwards."""
    return Book()


@pytest.fixture
def paid(book):
    """A 10.00 CNY payment from the bank to a wallet, and a burnt id."""
    bank = book.open("1001.bank", kind="asset")
    wallet = book.open("2001.wallet", debits_must_not_exceed_credits=True)
    payment = book.single(bank, wallet, 1_000)
    refused = book.single(wallet, bank, 5_000)
    assert book.apply(payment, refused) == ["ok", "exceeds_credits"]
    return payment


def refused(statement) -> str:
    """Run ``statement`` in a savepoint, where it must fail with an IntegrityError; the message."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        statement()
    return str(caught.value)


class TestHistoryIsImmutable:
    def test_a_transfer_cannot_be_updated(self, paid):
        message = refused(lambda: Transfer.objects.filter(id=paid.id).update(amount=1))

        assert "immutable" in message
        assert Transfer.objects.get(id=paid.id).amount == 1_000

    def test_a_transfer_cannot_be_updated_in_raw_sql_either(self, paid):
        def raw_update():
            with connection.cursor() as cursor:
                cursor.execute("UPDATE ledger_transfer SET code = 'tampered'")

        assert "immutable" in refused(raw_update)

    def test_a_burnt_id_cannot_be_updated(self, paid):
        assert "immutable" in refused(lambda: FailedTransfer.objects.update(code="ok"))

    @pytest.mark.postgres
    def test_a_transfer_cannot_be_deleted_on_postgres(self, paid):
        def raw_delete():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM ledger_transfer")

        assert "immutable" in refused(raw_delete)
        assert Transfer.objects.filter(id=paid.id).exists()

    @pytest.mark.postgres
    def test_a_burnt_id_cannot_be_deleted_on_postgres(self, paid):
        assert "immutable" in refused(lambda: FailedTransfer.objects.all().delete())

    @pytest.mark.postgres
    def test_an_account_cannot_be_deleted_on_postgres_even_without_history(self, book):
        unused = book.open("9999.unused")

        def raw_delete():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM ledger_account WHERE id = %s", [unused])

        assert "immutable" in refused(raw_delete)
        assert Account.objects.filter(id=unused).exists()


class TestAccountChecks:
    def test_a_negative_balance_is_refused(self, book):
        account = book.open("2101.merchant")

        for name in ("debits_pending", "debits_posted", "credits_pending", "credits_posted"):
            message = refused(lambda n=name: Account.objects.filter(id=account).update(**{n: -1}))
            assert "ledger_account_balances_not_negative" in message

    def test_debits_beyond_credits_are_refused_on_a_limited_account(self, book):
        wallet = book.open("2001.wallet", debits_must_not_exceed_credits=True)
        Account.objects.filter(id=wallet).update(credits_posted=100, debits_posted=60)

        message = refused(lambda: Account.objects.filter(id=wallet).update(debits_pending=41))

        assert "ledger_account_debits_within_credits" in message
        Account.objects.filter(id=wallet).update(debits_pending=40)  # exactly at the limit

    def test_credits_beyond_debits_are_refused_on_a_limited_account(self, book):
        loan = book.open("1201.loan", kind="asset", credits_must_not_exceed_debits=True)
        Account.objects.filter(id=loan).update(debits_posted=100, credits_posted=100)

        message = refused(lambda: Account.objects.filter(id=loan).update(credits_pending=1))

        assert "ledger_account_credits_within_debits" in message

    def test_an_account_takes_at_most_one_limit_flag(self, book):
        wallet = book.open("2001.wallet", debits_must_not_exceed_credits=True)

        message = refused(
            lambda: Account.objects.filter(id=wallet).update(credits_must_not_exceed_debits=True)
        )

        assert "ledger_account_one_limit_flag" in message

    def test_the_limits_do_not_bind_an_account_without_the_flag(self, book):
        bank = book.open("1001.bank", kind="asset")

        Account.objects.filter(id=bank).update(debits_posted=500, credits_pending=7)

        assert book.balances(bank) == {"debits_posted": 500, "credits_pending": 7}


class TestTransferChecks:
    """Rows inserted behind the engine's back still meet the table's constraints."""

    @pytest.fixture
    def insert(self, paid):
        template = Transfer.objects.get(id=paid.id)

        def insert(**fields):
            row = {f.attname: getattr(template, f.attname) for f in Transfer._meta.concrete_fields}
            row.update(id=uuid.uuid4(), seq=template.seq + 100)
            row.update(fields)
            return Transfer.objects.create(**row)

        return insert

    def test_the_row_a_test_inserts_is_otherwise_valid(self, insert):
        assert insert().amount == 1_000

    @pytest.mark.parametrize("amount", [0, -1])
    def test_an_amount_that_is_not_positive_is_refused(self, insert, amount):
        assert "ledger_transfer_amount_positive" in refused(lambda: insert(amount=amount))

    def test_a_transfer_from_an_account_to_itself_is_refused(self, insert, paid):
        message = refused(lambda: insert(credit_account_id=paid.debit_account_id))

        assert "ledger_transfer_accounts_differ" in message

    def test_a_resolution_must_name_its_pending_and_others_must_not(self, insert, paid):
        assert "ledger_transfer_resolution_has_pending" in refused(
            lambda: insert(kind="post_pending")
        )
        assert "ledger_transfer_resolution_has_pending" in refused(
            lambda: insert(kind="single", pending_id=paid.id)
        )

    def test_a_pending_transfer_is_resolved_at_most_once(self, book, insert):
        bank, shop = book.open("1001.bank", kind="asset"), book.open("2101.merchant")
        hold = book.pending(bank, shop, 300)
        book.apply(hold, book.post(hold))

        refused(
            lambda: insert(
                kind="void_pending",
                pending_id=hold.id,
                debit_account_id=bank,
                credit_account_id=shop,
            )
        )

    def test_two_transfers_cannot_share_a_place_in_the_order(self, insert, paid):
        seq = Transfer.objects.get(id=paid.id).seq

        refused(lambda: insert(seq=seq))
