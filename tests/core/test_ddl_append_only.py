"""Every append-only table refuses UPDATE, DELETE and (PostgreSQL) TRUNCATE, through the triggers
of ``hujin.core.ddl.append_only``; and the helper yields exactly what core migration 0003 ran.

Test databases may be wiped between tests (TRUNCATE on PostgreSQL, DELETE on SQLite), which the
triggers allow through ``hujin_audit_wipe_allowed()``; here that function answers "no", as it does
on every other database.
"""

import importlib
import uuid
from collections.abc import Callable
from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connection, transaction

from hujin.core.actors import system_actor
from hujin.core.audit import audit_record
from hujin.core.ddl import append_only_sql
from hujin.ledger.models import AccountDebitFreezeChange
from hujin.ledger.services import account_create, account_debits_freeze, transfers_create
from hujin.ledger.types import TransferRequest
from tests.suitability.conftest import answers, make_customer

pytestmark = pytest.mark.django_db

# What migration 0003 ran before the helper existed, character for character: a database migrated
# then has exactly the triggers the helper writes today.
MIGRATION_0003_POSTGRES_UP = """
CREATE FUNCTION hujin_audit_wipe_allowed() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT current_database() LIKE 'test\\_%'
$$;
CREATE FUNCTION core_audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' AND hujin_audit_wipe_allowed() THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE OR DELETE ON core_auditentry
  FOR EACH ROW EXECUTE FUNCTION core_audit_refuse_change();
CREATE TRIGGER core_auditentry_no_truncate BEFORE TRUNCATE ON core_auditentry
  FOR EACH STATEMENT EXECUTE FUNCTION core_audit_refuse_change();
"""
MIGRATION_0003_POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry;
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS core_audit_refuse_change();
DROP FUNCTION IF EXISTS hujin_audit_wipe_allowed();
"""
MIGRATION_0003_SQLITE_UP = [
    "CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry BEGIN "
    "SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE on core_auditentry refused'); "
    "END;",
    "CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry "
    "WHEN NOT hujin_audit_wipe_allowed() BEGIN "
    "SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE on core_auditentry refused'); "
    "END;",
]
MIGRATION_0003_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_update;",
    "DROP TRIGGER IF EXISTS core_auditentry_no_delete;",
]


class TestAppendOnlyHelper:
    def test_migration_0003_runs_the_same_statements_it_always_ran(self):
        migration = importlib.import_module("hujin.core.migrations.0003_audit_chain_and_approvals")

        assert migration.POSTGRES_UP == MIGRATION_0003_POSTGRES_UP
        assert migration.POSTGRES_DOWN == MIGRATION_0003_POSTGRES_DOWN
        assert migration.SQLITE_UP == MIGRATION_0003_SQLITE_UP
        assert migration.SQLITE_DOWN == MIGRATION_0003_SQLITE_DOWN

    @pytest.mark.parametrize(
        ("table", "function", "reason"),
        [
            ("bad-table", "f", "why"),
            ("t", "f(); DROP", "why"),
            ("t", "f", "it's"),
            ("t", "f", "100%"),
        ],
    )
    def test_refuses_names_and_reasons_that_would_break_the_sql(self, table, function, reason):
        with pytest.raises(ValueError):
            append_only_sql(table, function=function, reason=reason)


def _audit_entry(now) -> int:
    return audit_record(
        actor=system_actor("test"),
        action="test.written",
        target_type="test.thing",
        target_id="1",
        occurred_at=now,
    ).id


def _assessment(now) -> str:
    from hujin.identity.access import customer_actor
    from hujin.suitability.services import assessment_submit

    customer = make_customer("append-only")
    assessment = assessment_submit(
        user_id=customer.pk, answers=answers(), actor=customer_actor(customer), now=now
    )
    return assessment.pk.hex if connection.vendor == "sqlite" else str(assessment.pk)


def _ledger_payment(now, *, wallet_may_go_below_zero: bool) -> tuple[str, str]:
    """A wallet pays a shop 1.00 CNY: (the result code, the transfer's id)."""
    actor = system_actor("test")
    shop, _ = account_create(
        currency="CNY", code="2101.shop", kind="liability", actor=actor, now=now
    )
    wallet, _ = account_create(
        currency="CNY",
        code="2001.wallet",
        kind="liability",
        debits_must_not_exceed_credits=not wallet_may_go_below_zero,
        actor=actor,
        now=now,
    )
    payment = TransferRequest(
        id=uuid.uuid4(), debit_account_id=wallet.id, credit_account_id=shop.id, amount=100
    )
    [result] = transfers_create(transfers=[payment], actor=actor, now=now, business_date=now.date())
    return result.result, payment.id.hex if connection.vendor == "sqlite" else str(payment.id)


def _ledger_transfer(now) -> str:
    result, transfer_id = _ledger_payment(now, wallet_may_go_below_zero=True)
    assert result == "ok"
    return transfer_id


def _ledger_burnt_id(now) -> str:
    result, transfer_id = _ledger_payment(now, wallet_may_go_below_zero=False)
    assert result == "exceeds_credits"
    return transfer_id


def _ledger_debit_freeze_change(now) -> int:
    """A wallet's debits frozen for a reason: the history row that records it."""
    wallet, _ = account_create(
        currency="CNY", code="2001.wallet", kind="liability", actor=system_actor("test"), now=now
    )
    account_debits_freeze(
        account_ids=[wallet.id], reason_code="risk.block", actor=system_actor("test"), now=now
    )
    return AccountDebitFreezeChange.objects.get(account_id=wallet.id).id


# table -> (reason in its error, a function writing one row at `now`, returning its primary key)
APPEND_ONLY_TABLES: dict[str, tuple[str, Callable[[object], object]]] = {
    "core_auditentry": ("the audit trail is append-only", _audit_entry),
    "suitability_assessment": ("risk assessments are history", _assessment),
    "ledger_transfer": ("ledger rows are immutable", _ledger_transfer),
    "ledger_failedtransfer": ("ledger rows are immutable", _ledger_burnt_id),
    "ledger_accountdebitfreezechange": ("ledger rows are immutable", _ledger_debit_freeze_change),
}


@pytest.fixture(params=sorted(APPEND_ONLY_TABLES))
def row(request, now):
    table = request.param
    reason, make = APPEND_ONLY_TABLES[table]
    return table, reason, make(now)


@contextmanager
def as_a_production_database():
    """``hujin_audit_wipe_allowed()`` answers "no" (rolled back, or restored, after the test)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION hujin_audit_wipe_allowed() RETURNS boolean "
                "LANGUAGE sql STABLE AS $$ SELECT false $$"
            )
            yield
            return
    sqlite = connection.connection
    sqlite.create_function("hujin_audit_wipe_allowed", 0, lambda: False)
    try:
        yield
    finally:
        sqlite.create_function("hujin_audit_wipe_allowed", 0, lambda: True)


def _count(table: str, pk) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _refused(sql: str, params: list, match: str) -> None:
    with (
        as_a_production_database(),
        pytest.raises(DatabaseError, match=match),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


class TestEveryAppendOnlyTable:
    def test_refuses_an_update(self, row):
        table, reason, pk = row

        _refused(f"UPDATE {table} SET id = id WHERE id = %s", [pk], f"{reason}: UPDATE")

        assert _count(table, pk) == 1

    def test_refuses_a_delete(self, row):
        table, reason, pk = row

        _refused(f"DELETE FROM {table} WHERE id = %s", [pk], f"{reason}: DELETE")

        assert _count(table, pk) == 1

    @pytest.mark.postgres
    def test_refuses_truncate(self, row):
        table, reason, pk = row
        with connection.cursor() as cursor:  # the row's foreign keys are checked now, not at commit
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

        _refused(f"TRUNCATE {table} CASCADE", [], f"{reason}: TRUNCATE")

        assert _count(table, pk) == 1
