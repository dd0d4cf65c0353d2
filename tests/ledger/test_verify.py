"""`ledger_verify` finds what a row written around the ledger's services breaks.

Transfers carry no database foreign keys (the engine guarantees the references under lock), so
verify is where a stray reference shows up.
"""

import uuid

import pytest

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
