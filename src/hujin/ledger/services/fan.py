"""One account against many, set-based: the writer behind ``transfers_fan_out`` (one debit
account to many credit accounts) and ``transfers_fan_in`` (many debit accounts to one credit
account).

The close of business posts one transfer per holding or per loan between one house account and
each customer's account, up to millions of them. The engine decides transfer by transfer in
Python; here the database does the whole fan in a handful of statements, writing exactly the rows
the engine would have written for the same transfers in the same order (numbers, balance
snapshots, provenance). A ``Fan`` says which way: the direction (``fan_sql.Direction``: which side
the one account is on), the type of the lines, the audit action, the event and the error raised
when the one account refuses.

The caller's lines query runs once, into a temporary table (the direction's ``lines_table``,
dropped before the call returns, or with the rollback): every later statement reads the same
lines in the same order however the caller's tables change meanwhile. Then, in one transaction:

1. lock the one account and every line's account in one statement, in id order, as the engine
   and ``ledger_transfer_create_one`` lock them (so a customer's own transfer, which locks the
   same two accounts in id order, waits instead of deadlocking);
2. check the one account (Python, once, over the total) and the lines (one aggregate query): a
   line whose account is missing, in another currency, closed, (on the debit side) frozen, would
   overflow or cross its limit is refused, the rest are written;
3. one ``INSERT ... SELECT`` with window functions for the one account's running snapshot, the
   lines' accounts' balances in one ``UPDATE`` (on PostgreSQL in the same statement, from the
   inserted rows), the one account's in another;
4. one audit entry and one outbox event for the whole fan.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.db import DatabaseError, transaction

from hujin.core.actors import Actor
from hujin.core.audit import audit_append, audit_prepare
from hujin.core.dates import business_date_get
from hujin.core.errors import Conflict
from hujin.core.events import event_emit
from hujin.core.ids import new_id
from hujin.core.models import AuditEntry
from hujin.core.sql import Dialect, hot_cursor
from hujin.ledger import store
from hujin.ledger.errors import AccountNotFound, Result, TransferInvalid
from hujin.ledger.services._retries import with_retries
from hujin.ledger.services.fan_sql import BALANCES, MAX_BALANCE, Direction, statements
from hujin.ledger.services.transfers import BATCH_TARGET
from hujin.ledger.types import FanOutResult
from hujin.ledger.validation import CODE_RE, metadata_problem

FAN_WORK_MEM = "256MB"
MAX_LINES = 16**7 - 1  # the line's number takes 7 hex digits of its transfer's id


class FanRefused(Conflict):
    """The one account refuses the whole fan; nothing was written. ``code`` is the ledger's
    result code for why (``errors.Result``)."""

    code = "fan_refused"
    message = "The account refuses the transfers."

    def __init__(self, result: str, **details):
        super().__init__(details={"result": result, **details})
        self.code = result


@dataclass(frozen=True, slots=True)
class Fan:
    """A fan's direction and names."""

    direction: Direction
    lines_type: type  # FanOutLines or FanInLines
    action: str  # its audit entry's
    event: str  # its outbox event's
    refused: type[FanRefused]  # raised when the one account refuses the whole fan
    noun: str  # "fan-out", "fan-in": for messages


# PostgreSQL type oids the lines' two columns may have: uuid; smallint, integer, bigint.
_UUID_OID = 2950
_INTEGER_OIDS = frozenset({20, 21, 23})


def fan_write(
    fan: Fan,
    *,
    batch_id: uuid.UUID,
    account_id: uuid.UUID,
    lines,
    code: str,
    metadata: dict | None,
    actor: Actor,
    now: datetime,
    business_date: date | None,
) -> FanOutResult:
    """Post one transfer (kind ``single``) per line between ``account_id`` (on the side
    ``fan.direction.one``) and the line's account, numbered in the lines' order, all in one
    transaction (the caller's when there is one). See ``transfers_fan_out`` and
    ``transfers_fan_in`` for what each direction checks and raises."""
    _check_arguments(fan, batch_id, account_id, lines, code, metadata)
    if business_date is None:
        business_date = business_date_get(now=now)
    work = _Fan(
        fan, batch_id=batch_id, account_id=account_id, lines=lines, code=code,
        metadata=metadata, actor=actor, now=now, business_date=business_date,
    )  # fmt: skip

    def attempt() -> FanOutResult:
        with transaction.atomic():
            return work.run()

    return with_retries(attempt)


def _check_arguments(fan: Fan, batch_id, account_id, lines, code, metadata) -> None:
    account_field = f"{fan.direction.one.name}_account_id"
    for name, value in (("batch_id", batch_id), (account_field, account_id)):
        if not isinstance(value, uuid.UUID):
            raise TransferInvalid("Must be a UUID.", details={"field": name})
    if not isinstance(lines, fan.lines_type) or not isinstance(lines.sql, str):
        raise TransferInvalid(
            f"The lines are a {fan.lines_type.__name__} query.", details={"field": "lines"}
        )
    if not isinstance(code, str) or (code and not CODE_RE.match(code)):
        raise TransferInvalid(
            "Code must be 1-64 letters, digits or _.:- characters.", details={"field": "code"}
        )
    problem = metadata_problem(metadata)
    if problem is not None:
        raise TransferInvalid(problem, details={"field": "metadata"})


@dataclass(slots=True)
class _Account:
    """The one account as locked: its number, currency, flags and balances."""

    number: int
    currency: str
    closed: bool
    debits_frozen: bool
    limited: bool  # its side's limit flag (Side.limit)
    debits_pending: int
    debits_posted: int
    credits_pending: int
    credits_posted: int


@dataclass(slots=True)
class _Summary:
    """The lines as the aggregate query counts them (``fan_sql``'s summary)."""

    lines: int
    without_account_id: int
    without_amount: int
    min_amount: int | None
    not_integers: int
    on_accounts: int
    naming_the_one: int
    on_no_account: int
    distinct_on_no_account: int
    refused: int
    written_total: int


class _Fan:
    """One attempt's work, inside its transaction."""

    def __init__(self, fan: Fan, *, batch_id, account_id, lines, code, metadata, actor, now,
                 business_date):  # fmt: skip
        self.fan, self.direction = fan, fan.direction
        self.batch_id, self.account_id, self.lines = batch_id, account_id, lines
        self.code, self.metadata, self.actor = code, metadata, actor
        self.now, self.business_date = now, business_date

    def run(self) -> FanOutResult:
        done = _already_done(self.fan, self.batch_id)
        if done is not None:
            return done
        d = Dialect()
        sql = statements(self.direction, d.postgres)
        with hot_cursor(d) as cursor:
            work_mem = _sort_in_memory(cursor, d)
            _lines_into_table(cursor, d, self.direction, self.lines)
            named_again = _lock_accounts(cursor, d, self.direction, self.account_id)
            account = self._account(cursor, d)
            # A fan with this batch id that held these locks before us has committed now.
            done = _already_done(self.fan, self.batch_id)
            if done is not None:
                _drop_lines_table(cursor, d, self.direction, work_mem)
                return done
            cursor.execute(sql.summary, [d.uuid_in(self.account_id), account.currency])
            row = cursor.fetchone()
            summary = _Summary(*row[:10], written_total=int(row[10]))
            self._check_lines(summary, named_again=named_again)
            self._check_account(account, summary.written_total)
            refused = ()
            if summary.refused:
                cursor.execute(sql.refused, [account.currency])
                refused = tuple(
                    (d.uuid_out(account_id), code, int(amount))
                    for account_id, code, amount in cursor.fetchall()
                )
            created = summary.lines - summary.refused
            if created:
                self._write(cursor, d, account, total=summary.written_total)
            _drop_lines_table(cursor, d, self.direction, work_mem)
        if created or refused:
            self._record(created, summary.written_total, len(refused))
        return FanOutResult(
            batch_id=self.batch_id, created=created, total=summary.written_total,
            already_done=False, refused=refused,
        )  # fmt: skip

    def _account(self, cursor, d: Dialect) -> _Account:
        cursor.execute(
            "SELECT number, currency, closed, debits_frozen, "
            f"{self.direction.one.limit}, {', '.join(BALANCES)} "
            "FROM ledger_account WHERE id = %s",
            [d.uuid_in(self.account_id)],
        )
        row = cursor.fetchone()
        if row is None:
            raise AccountNotFound(details={"account_id": str(self.account_id)})
        number, currency, closed, frozen, limited, *balances = row
        return _Account(number, currency, bool(closed), bool(frozen), bool(limited), *balances)

    def _check_lines(self, s: _Summary, *, named_again: int) -> None:
        """Raise TransferInvalid for a line the caller's query should never have made."""
        one, many = self.direction.one.name, self.direction.many.name

        def invalid(message: str, **details) -> TransferInvalid:
            return TransferInvalid(message, details={"field": "lines", **details})

        if s.lines > MAX_LINES:
            raise invalid(f"A {self.fan.noun} has at most {MAX_LINES} lines.", lines=s.lines)
        if s.without_account_id or s.without_amount or s.not_integers:
            raise invalid(f"Every line names a {many} account and a whole amount.")
        if s.lines and s.min_amount <= 0:
            raise invalid("Every line's amount is above 0.", min_amount=s.min_amount)
        if s.naming_the_one:
            raise invalid(f"A line {many}s the {one} account itself.")
        # Existing accounts counted as they were locked, the few lines on no account among
        # themselves.
        if named_again or s.distinct_on_no_account < s.on_no_account:
            raise invalid(f"A {many} account appears on more than one line.")

    def _check_account(self, account: _Account, total: int) -> None:
        """Raise the fan's refusal when the one account refuses the fan as a whole: the engine's
        checks of an account on its side, in the engine's order, over the total of the lines to
        write."""
        if not total:
            return
        one, refused = self.direction.one, self.fan.refused
        if account.closed:
            raise refused(Result.ACCOUNT_CLOSED)
        if one.stops_when_frozen and account.debits_frozen:
            raise refused(Result.DEBITS_FROZEN)
        raised = getattr(account, f"{one.raises}_pending") + getattr(
            account, f"{one.raises}_posted"
        )
        if raised + total > MAX_BALANCE:
            raise refused(Result.OVERFLOWS_BALANCE, total=total)
        cap = getattr(account, f"{one.against}_posted")
        if account.limited and raised + total > cap:
            raise refused(one.exceeds, total=total, available=cap - raised)

    def _write(self, cursor, d: Dialect, account: _Account, *, total: int) -> None:
        # Time-ordered ids, as new_id() makes them: the first 17 hex digits of a fresh one
        # (millisecond, version, variant), the line's number among the written ones (7 digits),
        # 8 random digits (two fans in one millisecond may share the prefix). They sort after
        # every id stored so far (the id index grows at its end and the next batch keeps its
        # shortcut, store.load._all_newer_than_any_stored) and in the order of the transfers.
        id_prefix = new_id().hex[:17]
        made_by = store.Provenance.of(self.actor, self.batch_id)  # cut as the audit log cuts it
        head = [id_prefix, d.uuid_in(self.account_id), account.number, account.currency,
                self.code, d.json_in(self.metadata or {}), d.date_in(self.business_date),
                d.datetime_in(self.now), *(getattr(account, b) for b in BALANCES),
                made_by.actor_kind, made_by.actor_id, d.uuid_in(self.batch_id)]  # fmt: skip
        sql = statements(self.direction, d.postgres)
        if d.postgres:
            cursor.execute(sql.insert, [account.currency, *head])
        else:
            cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM ledger_transfer")
            after_seq = cursor.fetchone()[0]
            cursor.execute(sql.insert, [*head, after_seq, account.currency])
            cursor.execute(sql.update_many, [after_seq])
        cursor.execute(sql.update_one, [total, d.uuid_in(self.account_id)])

    def _record(self, created: int, total: int, refused: int) -> None:
        batch_id = str(self.batch_id)
        after = {
            "created": created,
            "total": total,
            "refused": refused,
            f"{self.direction.one.name}_account_id": str(self.account_id),
            "business_date": self.business_date.isoformat(),
        }
        audit_append(
            *audit_prepare(
                actor=self.actor, action=self.fan.action, target_type=BATCH_TARGET,
                target_id=batch_id, occurred_at=self.now, after=after,
            )
        )  # fmt: skip
        if created:
            event_emit(
                aggregate_type=BATCH_TARGET, aggregate_id=batch_id, event_type=self.fan.event,
                occurred_at=self.now, payload={"batch_id": batch_id, "code": self.code, **after},
            )  # fmt: skip


# -- statements ------------------------------------------------------------------------------


def _already_done(fan: Fan, batch_id: uuid.UUID) -> FanOutResult | None:
    """The fan written under ``batch_id`` before, from its audit entry, or None.

    The audit entry, not the transfers: ``batch_id`` is not indexed on ``ledger_transfer``
    (nothing on the hot path reads it), and the entry is written in the same transaction as the
    transfers, so it exists with ``created`` > 0 exactly when they do.
    """
    entries = AuditEntry.objects.filter(
        target_type=BATCH_TARGET, target_id=str(batch_id), action=fan.action
    ).values_list("after", flat=True)
    for after in entries:
        if (after or {}).get("created"):
            return FanOutResult(
                batch_id=batch_id, created=0, total=int(after.get("total") or 0),
                already_done=True, refused=(),
            )  # fmt: skip
    return None


def _lines_into_table(cursor, d: Dialect, direction: Direction, lines) -> None:
    """Run the caller's query once, into the direction's lines table (line number ``rn``, in the
    query's order). Raises TransferInvalid when it fails or selects other columns."""
    failures: tuple[type[Exception], ...] = (DatabaseError,)
    if d.postgres:  # hot_cursor's psycopg cursor: Django translates its errors only on leaving
        import psycopg

        failures += (psycopg.Error,)
    many, table = direction.many.name, direction.lines_table
    try:
        cursor.execute(f"SELECT * FROM ({lines.sql}) AS fan_lines LIMIT 0", lines.params)
        columns = cursor.description
        if len(columns) != 2:
            raise TransferInvalid(
                f"The lines query selects two columns: {many}_account_id and amount.",
                details={"field": "lines", "columns": len(columns)},
            )
        if d.postgres and (
            columns[0].type_code != _UUID_OID or columns[1].type_code not in _INTEGER_OIDS
        ):
            raise TransferInvalid(
                "The lines query selects a uuid and an integer (bigint) amount.",
                details={"field": "lines"},
            )
        if d.postgres:
            create = (
                f"CREATE TEMPORARY TABLE {table} ON COMMIT DROP AS "
                "SELECT row_number() OVER () AS rn, account_id, amount "
                f"FROM ({lines.sql}) AS fan_lines(account_id, amount)"
            )
        else:  # no column names for a subquery there: a common table expression's
            create = (
                f"CREATE TEMPORARY TABLE {table} AS "
                f"WITH fan_lines(account_id, amount) AS ({lines.sql}) "
                "SELECT row_number() OVER () AS rn, account_id, amount FROM fan_lines"
            )
        cursor.execute(create, lines.params)
        if d.postgres:  # a temporary table has no statistics until it is analysed
            cursor.execute(f"ANALYZE {table}")
    except failures as exc:
        raise TransferInvalid(
            "The lines query failed.",
            details={"field": "lines", "error": str(exc).splitlines()[0] if str(exc) else ""},
        ) from exc


def _sort_in_memory(cursor, d: Dialect) -> str | None:
    """PostgreSQL: give this transaction's sorts and hashes ``FAN_WORK_MEM`` (a million lines
    sort in memory instead of in temporary files); returns the setting to restore."""
    if not d.postgres:
        return None
    cursor.execute(
        "SELECT current_setting('work_mem'), set_config('work_mem', %s, true)", [FAN_WORK_MEM]
    )
    return cursor.fetchone()[0]


def _drop_lines_table(cursor, d: Dialect, direction: Direction, work_mem: str | None) -> None:
    cursor.execute(f"DROP TABLE {direction.lines_table}")
    if work_mem is not None:  # (a rollback restores it by itself)
        cursor.execute("SELECT set_config('work_mem', %s, true)", [work_mem])


def _lock_accounts(cursor, d: Dialect, direction: Direction, account_id: uuid.UUID) -> int:
    """Lock the one account and every line's account (PostgreSQL: in id order, one statement;
    SQLite's IMMEDIATE transaction holds the one write lock). Returns how many lines name an
    existing account that an earlier line (in id order) names too."""
    # A join, not "IN (...) OR id = one": PostgreSQL would test every account against the lines
    # one by one once their hash no longer fits in work_mem. The locked rows come out in id
    # order; an account named twice comes out twice (locked once), next to itself.
    cursor.execute(
        "SELECT count(*) FILTER (WHERE id = before) FROM (SELECT id, lag(id) OVER (ORDER BY id) "
        "AS before FROM (SELECT a.id FROM ledger_account a JOIN (SELECT account_id AS id "
        f"FROM {direction.lines_table} UNION ALL SELECT %s) AS named ON a.id = named.id "
        + ("ORDER BY a.id FOR UPDATE OF a" if d.postgres else "")
        + ") AS locked) AS ordered",
        [d.uuid_in(account_id)],
    )
    return cursor.fetchone()[0]
