"""Database rules that differ by vendor (triggers, sequences, storage settings), for migrations.

``vendor_sql(postgresql=..., sqlite=...)`` is a ``RunPython`` operation that runs the statements
written for the connection's database and nothing on any other. ``params`` is handed to
``schema_editor.execute``: the default ``()`` has ``%`` written as ``%%``; ``None`` runs the text
as it is.

``append_only(table, function=..., reason=...)`` is the operation that makes a table append-only
(UPDATE, DELETE and TRUNCATE refused); ``append_only_sql`` gives its statements.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import migrations

Statements = str | Sequence[str]


def _as_list(statements: Statements) -> list[str]:
    return [statements] if isinstance(statements, str) else list(statements)


def _runner(by_vendor: dict[str, list[str]], params):
    def run(apps, schema_editor):
        for sql in by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(sql, params=params)

    return run


def vendor_sql(
    *,
    postgresql: Statements = (),
    sqlite: Statements = (),
    postgresql_reverse: Statements = (),
    sqlite_reverse: Statements = (),
    params: tuple | None = (),
) -> migrations.RunPython:
    return migrations.RunPython(
        _runner({"postgresql": _as_list(postgresql), "sqlite": _as_list(sqlite)}, params),
        _runner(
            {"postgresql": _as_list(postgresql_reverse), "sqlite": _as_list(sqlite_reverse)},
            params,
        ),
    )


# --- append-only tables -------------------------------------------------------------------------

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")


@dataclass(frozen=True, slots=True)
class AppendOnlySql:
    """The statements that make one table append-only, as written (``%`` not doubled)."""

    postgresql: str
    postgresql_reverse: str
    sqlite: list[str]
    sqlite_reverse: list[str]

    def operation(self) -> migrations.RunPython:
        return vendor_sql(
            postgresql=self.postgresql,
            postgresql_reverse=self.postgresql_reverse,
            sqlite=self.sqlite,
            sqlite_reverse=self.sqlite_reverse,
            params=None,
        )


def append_only_sql(table: str, *, function: str, reason: str) -> AppendOnlySql:
    """Triggers that refuse UPDATE, DELETE and (PostgreSQL) TRUNCATE of ``table``.

    The error reads "<reason>: UPDATE on <table> refused" (PostgreSQL: SQLSTATE 23001,
    restrict_violation). A Django test database (``test_*``) may still be wiped between tests:
    TRUNCATE on PostgreSQL and DELETE on SQLite are let through when ``hujin_audit_wipe_allowed()``
    says so, which is true on test databases only (core migration 0003 creates the PostgreSQL
    function; ``hujin.core.models`` registers the SQLite one on each of Hujin's connections, so
    the sqlite3 shell cannot delete at all). A migration using this depends on core 0003.

    Core migration 0003 made the audit trail append-only with exactly these statements.
    """
    for name in (table, function):
        if not _IDENTIFIER.fullmatch(name):
            raise ValueError(f"not a plain lower-case SQL identifier: {name!r}")
    if "'" in reason or "%" in reason or "\\" in reason:
        raise ValueError(f"the reason may not hold quotes, % or backslashes: {reason!r}")
    postgresql = f"""
CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' AND hujin_audit_wipe_allowed() THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION '{reason}: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION {function}();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
  FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""
    postgresql_reverse = f"""
DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
DROP FUNCTION IF EXISTS {function}();
"""
    sqlite = [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN "
        f"SELECT RAISE(ABORT, '{reason}: UPDATE on {table} refused'); "
        "END;",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        "WHEN NOT hujin_audit_wipe_allowed() BEGIN "
        f"SELECT RAISE(ABORT, '{reason}: DELETE on {table} refused'); "
        "END;",
    ]
    sqlite_reverse = [
        f"DROP TRIGGER IF EXISTS {table}_no_update;",
        f"DROP TRIGGER IF EXISTS {table}_no_delete;",
    ]
    return AppendOnlySql(postgresql, postgresql_reverse, sqlite, sqlite_reverse)


def append_only(table: str, *, function: str, reason: str) -> migrations.RunPython:
    """The migration operation of ``append_only_sql`` (reversible)."""
    return append_only_sql(table, function=function, reason=reason).operation()
