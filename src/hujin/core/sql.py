"""Plain SQL for the hot paths (ledger batches, audit entries, outbox events, the reads of a
credit decision).

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

    def date_out(self, value: Any) -> date | None:
        if value is None or isinstance(value, date):
            return value
        return date.fromisoformat(value)

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


def hot_rows(d: Dialect, sql: str, params: Sequence[Any] | dict[str, Any]) -> list[tuple]:
    """The rows of one read on a hot path (a credit decision reads a dozen): prepared once per
    connection on PostgreSQL, and none of the ORM's building of the statement on every call,
    which costs more than the statement itself. Values come back raw: ``d``'s ``*_out``."""
    with hot_cursor(d) as cursor:
        d.execute(cursor, sql, params)
        return cursor.fetchall()


def hot_models(d: Dialect, model: type, where: str, params: Sequence[Any]) -> list:
    """Instances of ``model`` from one plain statement ``SELECT <its columns> FROM <its table>
    WHERE <where>`` on a hot path: the values converted as the ORM converts them, without the
    ORM's building of the statement on every call."""
    columns, converters = _model_reading(d, model)
    rows = hot_rows(d, f"SELECT {columns} FROM {model._meta.db_table} WHERE {where}", params)
    instances = []
    for row in rows:
        values = list(row)
        for index, field_converters in converters:
            for expression, convert in field_converters:
                values[index] = convert(values[index], expression, d.conn)
        instances.append(model.from_db(d.conn.alias, None, values))
    return instances


def hot_insert(d: Dialect, instance: Any) -> None:
    """Insert a new ``instance`` whose primary key is already set, in one plain statement: its
    values prepared for the database as the ORM's ``save(force_insert=True)`` prepares them (no
    signals: Hujin registers none). Raises IntegrityError as the ORM does."""
    meta = type(instance)._meta
    assert instance.pk is not None, "hot_insert needs the primary key set"
    fields = meta.concrete_fields
    values = [f.get_db_prep_save(f.pre_save(instance, True), connection=d.conn) for f in fields]
    columns = ", ".join(d.conn.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with hot_cursor(d) as cursor:
        d.execute(cursor, f"INSERT INTO {meta.db_table} ({columns}) VALUES ({marks})", values)
    instance._state.adding = False
    instance._state.db = d.conn.alias


def hot_insert_rows(
    d: Dialect, table: str, columns: Sequence[str], rows: Sequence[Sequence]
) -> None:
    """Insert ``rows`` (values already in the database's form: ``d``'s ``*_in``) into ``table``
    in one plain statement. For rows a hot path writes by the handful, where the ORM's
    preparing of each value (its JSON encoder above all) costs more than the statement."""
    hot_insert_tables(d, [(table, columns, rows)])


def hot_insert_tables(d: Dialect, inserts: Sequence[tuple[str, Sequence[str], Sequence]]) -> None:
    """``hot_insert_rows`` for several tables, each ``(table, columns, rows)``: in one statement
    on PostgreSQL (each insert but the last a ``WITH`` of the one statement), one each on
    SQLite."""
    inserts = [(table, columns, rows) for table, columns, rows in inserts if rows]
    statements = []
    for table, columns, rows in inserts:
        one = f"({', '.join(['%s'] * len(columns))})"
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([one] * len(rows))}"
        statements.append((sql, [value for row in rows for value in row]))
    if d.postgres and len(statements) > 1:
        heads = [f"w{n} AS ({sql})" for n, (sql, _) in enumerate(statements[:-1])]
        sql = f"WITH {', '.join(heads)} {statements[-1][0]}"
        statements = [(sql, [value for _, params in statements for value in params])]
    with hot_cursor(d) as cursor:
        for sql, params in statements:
            d.execute(cursor, sql, params)


_readings: dict[tuple[type, str], tuple[str, list]] = {}


def _model_reading(d: Dialect, model: type) -> tuple[str, list]:
    """A model's column list and, per column that needs them, the converters the ORM applies
    to what the database returns (decimals, booleans and JSON on SQLite, JSON on PostgreSQL)."""
    key = (model, d.conn.vendor)
    if key not in _readings:
        fields = model._meta.concrete_fields
        columns = ", ".join(d.conn.ops.quote_name(f.column) for f in fields)
        converters = []
        for index, field in enumerate(fields):
            expression = field.get_col(model._meta.db_table)
            found = d.conn.ops.get_db_converters(expression) + expression.get_db_converters(d.conn)
            if found:
                converters.append((index, [(expression, convert) for convert in found]))
        _readings[key] = (columns, converters)
    return _readings[key]


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
