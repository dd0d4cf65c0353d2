"""Helpers for the audit tests: switch the triggers that keep entries append-only and heads
advance-only off inside a test's transaction (rolled back with it) and change rows the way an
attacker with database access would."""

from contextlib import contextmanager

from django.db import connection

# Where hujin.core.audit.chain remembers the chain of the current transaction.
_CHAIN_ATTR = "hujin_audit_chain"


@contextmanager
def append_only_triggers_off():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE core_auditchainhead DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_delete")
            cursor.execute("DROP TRIGGER IF EXISTS core_auditchainhead_advance_only")
            cursor.execute("DROP TRIGGER IF EXISTS core_auditchainhead_no_delete")
    yield


def raw(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


@contextmanager
def as_a_production_database():
    """``hujin_audit_wipe_allowed()`` answers no, as on every database but a test one."""
    if connection.vendor == "postgresql":
        # Rolled back with the test's transaction.
        raw(
            "CREATE OR REPLACE FUNCTION hujin_audit_wipe_allowed() RETURNS boolean "
            "LANGUAGE sql STABLE AS $$ SELECT false $$"
        )
        yield
    else:
        connection.ensure_connection()
        sqlite = connection.connection
        sqlite.create_function("hujin_audit_wipe_allowed", 0, lambda: False)
        try:
            yield
        finally:
            sqlite.create_function("hujin_audit_wipe_allowed", 0, lambda: True)


@contextmanager
def on_chain(chain: int):
    """The entries written inside go to ``chain`` (a test transaction never commits, so it would
    otherwise keep one chain throughout)."""
    before = getattr(connection, _CHAIN_ATTR, None)
    setattr(connection, _CHAIN_ATTR, chain)
    try:
        yield
    finally:
        setattr(connection, _CHAIN_ATTR, before)
