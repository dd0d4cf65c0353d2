"""Migration 0008 makes transfers and burnt ids append-only with ``hujin.core.ddl.append_only``.

0002's triggers (UPDATE and DELETE refused on PostgreSQL, UPDATE only on SQLite, TRUNCATE let
through) give way to the helper's; going back puts 0002's back, so the migrations before it still
find the triggers they stand aside. Accounts keep their own rule: never deleted (PostgreSQL).
``tests/core/test_ddl_append_only.py`` checks the refusals of every append-only table.
"""

import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from hujin.ledger.verify import ledger_verify
from tests.ledger.conftest import BUSINESS_DATE, START_AT

BEFORE = ("ledger", "0007_transfer_provenance")
AFTER = ("ledger", "0008_history_append_only")
HISTORY = ("ledger_transfer", "ledger_failedtransfer")
TRIGGERS_OF_0002 = {table: {f"{table}_immutable"} for table in HISTORY}
TRIGGERS_OF_THE_HELPER = {
    "postgresql": {table: {f"{table}_append_only", f"{table}_no_truncate"} for table in HISTORY},
    "sqlite": {table: {f"{table}_no_update", f"{table}_no_delete"} for table in HISTORY},
}


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


def triggers(table: str) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
            )
        return {name for (name,) in cursor.fetchall()}


def history_at_0007(apps) -> tuple[uuid.UUID, uuid.UUID]:
    """A payment and a burnt id, written as the models were at 0007."""
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
        actor_kind="system", actor_id="system", batch_id=uuid.UUID(int=500),
    )  # fmt: skip
    burnt = apps.get_model("ledger", "FailedTransfer").objects.create(
        id=uuid.UUID(int=78), code="exceeds_credits", failed_at=START_AT
    )
    return payment.id, burnt.id


def refused(sql: str, row_id: uuid.UUID, match: str) -> None:
    """``sql`` fails as it would on a production database: there ``hujin_audit_wipe_allowed()``
    answers no (swapped inside a transaction that is rolled back, or for the statement)."""
    param = row_id.hex if connection.vendor == "sqlite" else row_id
    with (
        pytest.raises(DatabaseError, match=match),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION hujin_audit_wipe_allowed() RETURNS boolean "
                "LANGUAGE sql STABLE AS $$ SELECT false $$"
            )
            cursor.execute(sql, [param] if "%s" in sql else [])
            return
        sqlite = connection.connection
        sqlite.create_function("hujin_audit_wipe_allowed", 0, lambda: False)
        try:
            cursor.execute(sql, [param] if "%s" in sql else [])
        finally:
            sqlite.create_function("hujin_audit_wipe_allowed", 0, lambda: True)


def count(table: str, row_id: uuid.UUID) -> int:
    param = row_id.hex if connection.vendor == "sqlite" else row_id
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE id = %s", [param])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_helper_s_triggers_replace_0002_s_and_going_back_restores_them():
    migrate_to(BEFORE)
    assert {table: triggers(table) for table in HISTORY} == TRIGGERS_OF_0002

    migrate_to(AFTER)
    assert {table: triggers(table) for table in HISTORY} == TRIGGERS_OF_THE_HELPER[
        connection.vendor
    ]

    migrate_to(BEFORE)
    assert {table: triggers(table) for table in HISTORY} == TRIGGERS_OF_0002


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_accounts_keep_their_never_deleted_rule():
    migrate_to(AFTER)

    assert triggers("ledger_account") == {"ledger_account_never_deleted"}


@pytest.mark.django_db(transaction=True)
def test_history_written_before_it_refuses_every_change_after_going_back_and_forth():
    payment, burnt = history_at_0007(migrate_to(BEFORE))
    migrate_to(AFTER)
    migrate_to(BEFORE)
    migrate_to_latest()

    for table, row_id in (("ledger_transfer", payment), ("ledger_failedtransfer", burnt)):
        refused(
            f"UPDATE {table} SET code = 'changed' WHERE id = %s",
            row_id,
            f"ledger rows are immutable: UPDATE on {table} refused",
        )
        refused(
            f"DELETE FROM {table} WHERE id = %s",
            row_id,
            f"ledger rows are immutable: DELETE on {table} refused",
        )
        if connection.vendor == "postgresql":
            refused(f"TRUNCATE {table}", row_id, f"ledger rows are immutable: TRUNCATE on {table}")
        assert count(table, row_id) == 1
    assert ledger_verify().problems == []
