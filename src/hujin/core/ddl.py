"""Database rules that differ by vendor (triggers, sequences, storage settings), for migrations.

``vendor_sql(postgresql=..., sqlite=...)`` is a ``RunPython`` operation that runs the statements
written for the connection's database and nothing on any other. ``params`` is handed to
``schema_editor.execute``: the default ``()`` has ``%`` written as ``%%``; ``None`` runs the text
as it is.
"""

from collections.abc import Sequence

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
