"""Plain SQL for the hot write paths (ledger batches, audit entries, outbox events).

The ORM costs several times more per row than the statement itself; the few statements every
money movement runs go through here instead:

- ``hot_cursor()``: on PostgreSQL a psycopg cursor with server-side binding whose statements are
  prepared once per connection (``Dialect.execute``), errors translated by Django as usual; on
  SQLite Django's own cursor.
- ``Dialect``: how values go in and come out on each database (UUIDs, JSON, timestamps).
"""

import contextlib
import json
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

SQLITE_MAX_PARAMS = 30_000
_CURSOR_ATTR = "_hujin_hot_cursor"


class Dialect:
    """The differences between PostgreSQL and SQLite that the hot path cares about.

    ``conn`` is the default database's connection wrapper, resolved once: every access through
    ``django.db.connection`` looks it up again in a context-local registry.
    """

    __slots__ = ("conn", "postgres")

    def __init__(self) -> None:
        self.conn = connections[DEFAULT_DB_ALIAS]
        self.postgres = self.conn.vendor == "postgresql"

    def uuid_in(self, value: uuid.UUID | None) -> Any:
        if value is None:
            return None
        return value if self.postgres else value.hex

    def uuid_out(self, value: Any) -> uuid.UUID | None:
        if value is None or isinstance(value, uuid.UUID):
            return value
        return uuid.UUID(hex=value)

    def json_in(self, value: Any) -> Any:
        if value is None:
            return None
        if value == {}:
            return "{}"  # most rows carry no metadata: skip the encoder
        if self.postgres:
            from psycopg.types.json import Jsonb

            return Jsonb(value)
        return json.dumps(value, separators=(",", ":"), sort_keys=True)

    def json_out(self, value: Any) -> dict:
        return json.loads(value) if isinstance(value, str) else (value or {})

    def datetime_in(self, value: datetime | None) -> Any:
        if value is None or self.postgres:
            return value
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")

    def datetime_out(self, value: Any) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            value = datetime.fromisoformat(value)
        # SQLite hands back naive UTC (Django stores it so); PostgreSQL an aware value.
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)

    def date_in(self, value: date) -> Any:
        return value if self.postgres else value.isoformat()

    def execute(self, cursor, sql: str, params: Sequence[Any] | dict[str, Any]) -> None:
        if self.postgres:
            # Server-side binding, prepared once per connection: the hot statements are few and
            # their text never changes, so PostgreSQL parses and plans each of them only once.
            cursor.execute(sql, params, prepare=True)
        else:
            cursor.execute(sql, params)

    def select_in(self, cursor, sql: str, ids: Sequence[uuid.UUID], repeat: int = 1) -> list:
        """Run ``sql`` whose ``{ids}`` placeholders (``repeat`` of them) stand for a list of ids."""
        if not ids:
            return []
        if self.postgres:
            # A list of UUIDs goes as a binary array (%b): a third of the bytes of a text literal,
            # and neither side formats or parses 36-character strings. Named, it is sent once
            # however many placeholders stand for it.
            self.execute(cursor, sql.format(ids="= ANY(%(ids)b::uuid[])"), {"ids": list(ids)})
            return cursor.fetchall()
        rows: list[tuple] = []
        step = SQLITE_MAX_PARAMS // repeat
        for start in range(0, len(ids), step):
            chunk = [i.hex for i in ids[start : start + step]]
            marks = "IN (" + ",".join(["%s"] * len(chunk)) + ")"
            cursor.execute(sql.format(ids=marks), chunk * repeat)
            rows.extend(cursor.fetchall())
        return rows


@contextlib.contextmanager
def hot_cursor(d: Dialect) -> Iterator[Any]:
    """On PostgreSQL a plain psycopg cursor (server-side binding, prepared statements) whose
    errors Django translates as usual; on SQLite Django's cursor.

    The PostgreSQL cursor is kept on the connection and reused: callers fetch what they need
    before the next statement.
    """
    conn = d.conn
    if not d.postgres:
        with conn.cursor() as cursor:
            yield cursor
        return
    if conn.connection is None:
        conn.ensure_connection()
    raw = conn.connection
    cursor = getattr(conn, _CURSOR_ATTR, None)
    if cursor is None or cursor.closed or cursor.connection is not raw:
        import psycopg

        cursor = psycopg.Cursor(raw)
        setattr(conn, _CURSOR_ATTR, cursor)
    with conn.wrap_database_errors:
        yield cursor
