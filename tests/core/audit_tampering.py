"""Helpers for the audit tests: switch the append-only triggers off inside a test's transaction
(rolled back with it) and change rows the way an attacker with database access would."""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def append_only_triggers_off():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER core_auditentry_no_update")
            cursor.execute("DROP TRIGGER core_auditentry_no_delete")
    yield


def raw(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
