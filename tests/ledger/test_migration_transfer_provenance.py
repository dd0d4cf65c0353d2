"""Migration 0007 adds the provenance columns to a ledger that already holds transfers.

Transfers made before it get the placeholder actor (kind ``unknown``, id ``""``) and no batch id,
without an UPDATE of the immutable rows; afterwards they are as immutable as before, on both
databases (SQLite rebuilds the table and loses its triggers, which the migration makes again).
"""

import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from hujin.core.actors import SYSTEM
from hujin.ledger.errors import Result
from hujin.ledger.models import Transfer
from hujin.ledger.services import account_create, transfers_create
from hujin.ledger.types import TransferRequest
from hujin.ledger.verify import ledger_verify
from tests.ledger.conftest import BUSINESS_DATE, START_AT

BEFORE = ("ledger", "0006_account_debits_frozen")
AFTER = ("ledger", "0007_transfer_provenance")


def migrate_to(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture(autouse=True)
def back_to_the_latest_migrations():
    """Today's code reads today's columns: every test ends at the latest state."""
    yield
    migrate_to_latest()


def a_payment_at_0006(apps) -> uuid.UUID:
    account = apps.get_model("ledger", "Account")
    bank = account.objects.create(
        id=uuid.UUID(int=1), number=1, currency="CNY", code="1001.bank", kind="asset",
        created_at=START_AT, debits_posted=700,
    )  # fmt: skip
    wallet = account.objects.create(
        id=uuid.UUID(int=2), number=2, currency="CNY", code="2001.wallet", kind="liability",
        created_at=START_AT, credits_posted=700,
    )  # fmt: skip
    payment = apps.get_model("ledger", "Transfer").objects.create(
        id=uuid.UUID(int=77), seq=1, kind="single", debit_account_id=bank.id,
        credit_account_id=wallet.id, debit_number=1, credit_number=2, currency="CNY",
        amount=700, code="topup", business_date=BUSINESS_DATE, created_at=START_AT,
        dr_debits_pending=0, dr_debits_posted=700, dr_credits_pending=0, dr_credits_posted=0,
        cr_debits_pending=0, cr_debits_posted=0, cr_credits_pending=0, cr_credits_posted=700,
    )  # fmt: skip
    return payment.id


def assert_immutable(payment: uuid.UUID) -> None:
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
        Transfer.objects.filter(id=payment).update(code="changed")


@pytest.mark.django_db(transaction=True)
def test_existing_transfers_get_the_placeholder_actor_and_no_batch():
    payment = a_payment_at_0006(migrate_to(BEFORE))

    apps = migrate_to(AFTER)

    row = apps.get_model("ledger", "Transfer").objects.get(id=payment)
    assert (row.actor_kind, row.actor_id, row.batch_id) == ("unknown", "", None)
    migrate_to_latest()
    assert ledger_verify().problems == []


@pytest.mark.django_db(transaction=True)
def test_transfers_stay_immutable_after_it_and_after_going_back_and_forth():
    payment = a_payment_at_0006(migrate_to(BEFORE))

    migrate_to(AFTER)
    assert_immutable(payment)
    migrate_to(BEFORE)
    migrate_to_latest()

    assert_immutable(payment)


@pytest.mark.django_db(transaction=True)
def test_new_transfers_record_their_actor_after_it():
    migrate_to(BEFORE)
    migrate_to_latest()
    bank, _ = account_create(currency="CNY", code="1001.bank", kind="asset", actor=SYSTEM,
                             now=START_AT)  # fmt: skip
    shop, _ = account_create(currency="CNY", code="2101.shop", kind="liability", actor=SYSTEM,
                             now=START_AT)  # fmt: skip
    payment = TransferRequest(
        id=uuid.uuid4(), debit_account_id=bank.id, credit_account_id=shop.id, amount=5
    )

    [result] = transfers_create(
        transfers=[payment], actor=SYSTEM, now=START_AT, business_date=BUSINESS_DATE
    )

    assert result.result == Result.OK
    row = Transfer.objects.get(id=payment.id)
    assert (row.actor_kind, row.actor_id) == ("system", "system")
    assert row.batch_id is not None


def table_file() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_filenode('ledger_transfer')")
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_adds_the_columns_without_rewriting_the_table():
    a_payment_at_0006(migrate_to(BEFORE))
    before = table_file()

    migrate_to(AFTER)

    assert table_file() == before  # rewriting the table would have made a new file
