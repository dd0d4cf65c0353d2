"""Migration 0005 numbers the accounts and transfers a ledger already holds."""

import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from hujin.core.actors import SYSTEM
from hujin.ledger.models import Transfer
from hujin.ledger.services import account_create
from hujin.ledger.verify import ledger_verify
from tests.ledger.conftest import BUSINESS_DATE, START_AT

BEFORE = ("ledger", "0004_transfer_create_one")
AFTER = ("ledger", "0005_account_numbers")


def migrate_to(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.fixture(autouse=True)
def back_to_the_latest_migrations():
    """Today's code reads today's columns: every test ends (and reads) at the latest state."""
    yield
    migrate_to_latest()


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def a_ledger_at_0004(apps) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """Two accounts opened a minute apart (the later one with the smaller id) and a payment."""
    old_account = apps.get_model("ledger", "Account")
    old_transfer = apps.get_model("ledger", "Transfer")
    bank = old_account.objects.create(
        id=uuid.UUID(int=9), currency="CNY", code="1001.bank", kind="asset",
        created_at=START_AT, debits_posted=700,
    )  # fmt: skip
    wallet = old_account.objects.create(
        id=uuid.UUID(int=5), currency="CNY", code="2001.wallet", kind="liability",
        created_at=START_AT + timedelta(minutes=1), credits_posted=700,
    )  # fmt: skip
    payment = old_transfer.objects.create(
        id=uuid.UUID(int=77), seq=1, kind="single", debit_account_id=bank.id,
        credit_account_id=wallet.id, currency="CNY", amount=700, code="topup",
        business_date=BUSINESS_DATE, created_at=START_AT,
        dr_debits_pending=0, dr_debits_posted=700, dr_credits_pending=0, dr_credits_posted=0,
        cr_debits_pending=0, cr_debits_posted=0, cr_credits_pending=0, cr_credits_posted=700,
    )  # fmt: skip
    return bank.id, wallet.id, payment.id


@pytest.mark.django_db(transaction=True)
def test_existing_accounts_are_numbered_in_opening_order_and_their_transfers_follow():
    bank, wallet, payment = a_ledger_at_0004(migrate_to(BEFORE))

    apps = migrate_to(AFTER)

    numbers = dict(apps.get_model("ledger", "Account").objects.values_list("id", "number"))
    assert (numbers[bank], numbers[wallet]) == (1, 2)
    row = apps.get_model("ledger", "Transfer").objects.get(id=payment)
    assert (row.debit_number, row.credit_number) == (1, 2)
    migrate_to_latest()  # what follows is today's code
    assert ledger_verify().problems == []
    opened, _ = account_create(
        currency="CNY", code="2001.wallet", kind="liability", actor=SYSTEM, now=START_AT
    )
    assert opened.number == 3


@pytest.mark.django_db(transaction=True)
def test_transfers_are_still_immutable_after_it():
    _, _, payment = a_ledger_at_0004(migrate_to(BEFORE))

    migrate_to(AFTER)

    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
        Transfer.objects.filter(id=payment).update(code="changed")
