"""`ledger_verify` finds what a row written around the ledger's services breaks.

Transfers carry no database foreign keys (the engine guarantees the references under lock), so
verify is where a stray reference shows up.
"""

import io
import uuid

import pytest
from django.core.management import call_command

from hujin.ledger.engine import MAX_BALANCE
from hujin.ledger.models import Account, Transfer
from hujin.ledger.verify import ledger_verify
from tests.ledger.conftest import Book


@pytest.fixture
def book(db):
    """These tests damage the ledger on purpose, so it is not checked afterwards."""
    return Book()


@pytest.fixture
def paid(book):
    bank = book.open("1001.bank", kind="asset")
    wallet = book.open("2001.wallet", debits_must_not_exceed_credits=True)
    payment = book.single(bank, wallet, 1_000)
    assert book.apply(payment) == ["ok"]
    return Transfer.objects.get(id=payment.id)


def copy_of(transfer: Transfer, **fields) -> Transfer:
    row = {f.attname: getattr(transfer, f.attname) for f in Transfer._meta.concrete_fields}
    row.update(id=uuid.uuid4(), seq=transfer.seq + 100, **fields)
    return Transfer.objects.create(**row)


def test_a_ledger_written_by_its_services_verifies(paid):
    report = ledger_verify()

    assert report.problems == []
    assert (report.accounts_checked, report.transfers_checked) == (2, 1)


def test_a_transfer_naming_a_missing_account_is_reported(paid):
    ghost = uuid.uuid4()
    stray = copy_of(paid, debit_account_id=ghost)

    problems = ledger_verify().problems

    assert f"transfer {stray.id}: debit_account_id names no account" in problems


def test_a_transfer_naming_an_account_by_another_account_s_number_is_reported(paid):
    stray = copy_of(paid, credit_number=paid.debit_number)

    problems = ledger_verify().problems

    assert f"transfer {stray.id}: credit_number is not the number of its credit_account_id" in (
        problems
    )


def test_a_resolution_of_a_missing_pending_transfer_is_reported(paid):
    stray = copy_of(paid, kind="void_pending", pending_id=uuid.uuid4())

    problems = ledger_verify().problems

    assert f"transfer {stray.id}: its pending transfer does not exist" in problems


def test_a_stored_balance_that_is_not_the_sum_of_transfers_is_reported(paid):
    Account.objects.filter(id=paid.credit_account_id).update(credits_posted=999)

    problems = ledger_verify().problems

    assert any(
        p.startswith(f"account {paid.credit_account_id}: stored credits_posted 999")
        for p in problems
    )


class TestSumsPastTheLargestBalance:
    """Each balance fits in 63 bits, but sums over accounts or over an account's history of
    holds need not: SQLite's SUM() raises ``integer overflow`` where PostgreSQL's gives a numeric.
    Verify sums what can pass 2**63 - 1 in Python's integers, and reports instead of crashing."""

    @pytest.fixture
    def huge(self, book):
        a, b = book.open("1001.bank", kind="asset"), book.open("2101.merchant")
        c, d = book.open("1002.bank", kind="asset"), book.open("2102.merchant")
        assert book.apply(book.single(a, b, MAX_BALANCE)) == ["ok"]
        assert book.apply(book.single(c, d, 1)) == ["ok"]  # posted debits now total 2**63
        for _ in range(2):  # holds made and released on one account total 2 * (2**62)
            hold = book.pending(c, d, 2**62)
            assert book.apply(hold) == ["ok"]
            assert book.apply(book.void(hold)) == ["ok"]
        return a, b, c, d

    def test_a_ledger_whose_sums_pass_2_63_verifies(self, huge):
        report = ledger_verify()

        assert report.problems == []
        assert (report.accounts_checked, report.transfers_checked) == (4, 6)

    def test_a_wrong_balance_among_them_is_still_reported(self, huge):
        _, b, _, _ = huge
        Account.objects.filter(id=b).update(credits_posted=MAX_BALANCE - 1)

        problems = ledger_verify().problems

        assert any(
            p.startswith(
                f"account {b}: stored credits_posted {MAX_BALANCE - 1} != sum of transfers"
            )
            for p in problems
        )
        assert f"CNY: posted debits {2**63} != posted credits {2**63 - 1}" in problems

    def test_the_command_says_ok(self, huge):
        out = io.StringIO()

        call_command("ledger", "verify", stdout=out)

        assert "ledger verify OK: 4 accounts, 6 transfers checked" in out.getvalue()
