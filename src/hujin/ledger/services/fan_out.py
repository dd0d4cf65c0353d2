"""One debit account to many credit accounts, set-based: ``transfers_fan_out``.

The close of business pays a fund's daily income to every holder as units: one posted transfer per
holding, from the product's house account to each holder's unit account, up to millions of them.
The engine decides transfer by transfer in Python; here the database does the whole fan-out in a
handful of statements, writing exactly the rows the engine would have written for the same
transfers in the same order (numbers, balance snapshots, provenance).

The caller's lines query runs once, into a temporary table (``ledger_fan_out_lines``, dropped
before the call returns, or with the rollback): every later statement reads the same lines in the
same order however the caller's tables change meanwhile. Then, in one transaction:

1. lock the debit account and every credited account in one statement, in id order, as the
   engine and ``ledger_transfer_create_one`` lock them (so a customer's redemption, which locks
   the same two accounts in id order, waits instead of deadlocking);
2. check the debit account (Python) and the lines (one aggregate query): a line whose credit
   account is missing, closed, in another currency or would cross its limit is refused, the
   rest are written;
3. one ``INSERT ... SELECT`` with window functions for the debit account's running snapshot,
   the credit accounts' balances in one ``UPDATE`` (on PostgreSQL in the same statement, from the
   inserted rows), the debit account's in another;
4. one audit entry and one outbox event for the whole fan-out.
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
from hujin.ledger.services.fan_out_sql import (
    LINES_TABLE,
    MAX_BALANCE,
    UPDATE_DEBIT,
    statements,
)
from hujin.ledger.services.transfers import BATCH_TARGET
from hujin.ledger.types import FanOutLines, FanOutResult
from hujin.ledger.validation import CODE_RE, metadata_problem

FAN_OUT_ACTION = "ledger.transfers_fan_out"
FAN_OUT_EVENT = "ledger.transfers_fanned_out"
FAN_OUT_WORK_MEM = "256MB"
MAX_LINES = 16**7 - 1  # the line's number takes 7 hex digits of its transfer's id


class FanOutRefused(Conflict):
    """The debit account refuses the whole fan-out; nothing was written. ``code`` is the
    ledger's result code for why (``errors.Result``): account_closed, debits_frozen,
    exceeds_credits or overflows_balance."""

    code = "fan_out_refused"
    message = "The debit account refuses the fan-out."

    def __init__(self, result: str, **details):
        super().__init__(details={"result": result, **details})
        self.code = result


# PostgreSQL type oids the lines' two columns may have: uuid; smallint, integer, bigint.
_UUID_OID = 2950
_INTEGER_OIDS = frozenset({20, 21, 23})


def transfers_fan_out(
    *,
    batch_id: uuid.UUID,
    debit_account_id: uuid.UUID,
    lines: FanOutLines,
    code: str,
    metadata: dict,
    actor: Actor,
    now: datetime,
    business_date: date | None = None,
) -> FanOutResult:
    """Post one transfer (kind ``single``) per line of ``lines``, from ``debit_account_id`` to
    the line's credit account, numbered in the lines' order, all in one transaction (the
    caller's when there is one).

    Every transfer carries ``code``, ``metadata``, ``actor`` and ``batch_id``, which is also the
    target id of the fan-out's one audit entry (``ledger.transfers_fan_out``) and the aggregate
    id of its one outbox event (``ledger.transfers_fanned_out``, when it wrote anything).
    Idempotent by ``batch_id``: a fan-out that wrote transfers under it before is not written
    again (``already_done``, with that fan-out's count and total).

    A line whose credit account does not exist, is closed, holds another currency, would pass
    2**63 - 1 or cross ``credits_must_not_exceed_debits`` is not written: it comes back in
    ``refused`` with its result code (``errors.Result``); the other lines are written.

    Raises AccountNotFound (no debit account); FanOutRefused, nothing written, when the debit
    account refuses the whole fan-out (its ``code``: ``account_closed``, ``debits_frozen``,
    ``exceeds_credits``, ``overflows_balance``); TransferInvalid, nothing written, for a lines
    query that fails or does not select (credit_account_id uuid, amount integer), a line with no
    account or an amount <= 0, an account named twice or the debit account credited, a bad
    ``code`` or ``metadata``.
    """
    _check_arguments(batch_id, debit_account_id, lines, code, metadata)
    if business_date is None:
        business_date = business_date_get(now=now)
    fan_out = _FanOut(
        batch_id=batch_id, debit_account_id=debit_account_id, lines=lines, code=code,
        metadata=metadata, actor=actor, now=now, business_date=business_date,
    )  # fmt: skip

    def attempt() -> FanOutResult:
        with transaction.atomic():
            return fan_out.run()

    return with_retries(attempt)


def _check_arguments(batch_id, debit_account_id, lines, code, metadata) -> None:
    for name, value in (("batch_id", batch_id), ("debit_account_id", debit_account_id)):
        if not isinstance(value, uuid.UUID):
            raise TransferInvalid("Must be a UUID.", details={"field": name})
    if not isinstance(lines, FanOutLines) or not isinstance(lines.sql, str):
        raise TransferInvalid("The lines are a FanOutLines query.", details={"field": "lines"})
    if not isinstance(code, str) or (code and not CODE_RE.match(code)):
        raise TransferInvalid(
            "Code must be 1-64 letters, digits or _.:- characters.", details={"field": "code"}
        )
    problem = metadata_problem(metadata)
    if problem is not None:
        raise TransferInvalid(problem, details={"field": "metadata"})


@dataclass(slots=True)
class _Debit:
    """The debit account as locked: its number, currency, flags and balances."""

    number: int
    currency: str
    closed: bool
    debits_frozen: bool
    debits_must_not_exceed_credits: bool
    debits_pending: int
    debits_posted: int
    credits_pending: int
    credits_posted: int


@dataclass(slots=True)
class _Summary:
    """The lines as the aggregate query counts them (see ``_summary_sql``)."""

    lines: int
    without_account_id: int
    without_amount: int
    min_amount: int | None
    not_integers: int
    on_accounts: int
    crediting_the_debit: int
    on_no_account: int
    distinct_on_no_account: int
    refused: int
    written_total: int


class _FanOut:
    """One attempt's work, inside its transaction."""

    def __init__(self, *, batch_id, debit_account_id, lines, code, metadata, actor, now,
                 business_date):  # fmt: skip
        self.batch_id, self.debit_account_id, self.lines = batch_id, debit_account_id, lines
        self.code, self.metadata, self.actor = code, metadata, actor
        self.now, self.business_date = now, business_date

    def run(self) -> FanOutResult:
        done = _already_done(self.batch_id)
        if done is not None:
            return done
        d = Dialect()
        with hot_cursor(d) as cursor:
            work_mem = _sort_in_memory(cursor, d)
            _lines_into_table(cursor, d, self.lines)
            named_again = _lock_accounts(cursor, d, self.debit_account_id)
            debit = _debit(cursor, d, self.debit_account_id)
            # A fan-out with this batch id that held these locks before us has committed now.
            done = _already_done(self.batch_id)
            if done is not None:
                _drop_lines_table(cursor, d, work_mem)
                return done
            summary = _summary(cursor, d, self.debit_account_id, debit.currency)
            _check_lines(summary, named_again=named_again)
            _check_debit(debit, summary.written_total)
            refused = _refused(cursor, d, debit.currency) if summary.refused else ()
            created = summary.lines - summary.refused
            if created:
                self._write(cursor, d, debit, total=summary.written_total)
            _drop_lines_table(cursor, d, work_mem)
        if created or refused:
            self._record(created, summary.written_total, len(refused))
        return FanOutResult(
            batch_id=self.batch_id, created=created, total=summary.written_total,
            already_done=False, refused=refused,
        )  # fmt: skip

    def _write(self, cursor, d: Dialect, debit: _Debit, *, total: int) -> None:
        # Time-ordered ids, as new_id() makes them: the first 17 hex digits of a fresh one
        # (millisecond, version, variant), the line's number among the written ones (7 digits),
        # 8 random digits (two fan-outs in one millisecond may share the prefix). They sort after
        # every id stored so far (the id index grows at its end and the next batch keeps its
        # shortcut, store.load._all_newer_than_any_stored) and in the order of the transfers.
        id_prefix = new_id().hex[:17]
        made_by = store.Provenance.of(self.actor, self.batch_id)  # cut as the audit log cuts it
        head = [id_prefix, d.uuid_in(self.debit_account_id), debit.number, debit.currency,
                self.code, d.json_in(self.metadata or {}), d.date_in(self.business_date),
                d.datetime_in(self.now), debit.debits_pending, debit.debits_posted,
                debit.credits_pending, debit.credits_posted, made_by.actor_kind,
                made_by.actor_id, d.uuid_in(self.batch_id)]  # fmt: skip
        sql = statements(d.postgres)
        if d.postgres:
            cursor.execute(sql.insert, [debit.currency, *head])
        else:
            cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM ledger_transfer")
            after_seq = cursor.fetchone()[0]
            cursor.execute(sql.insert, [*head, after_seq, debit.currency])
            cursor.execute(sql.update_credits, [after_seq])
        cursor.execute(UPDATE_DEBIT, [total, d.uuid_in(self.debit_account_id)])

    def _record(self, created: int, total: int, refused: int) -> None:
        batch_id = str(self.batch_id)
        after = {
            "created": created,
            "total": total,
            "refused": refused,
            "debit_account_id": str(self.debit_account_id),
            "business_date": self.business_date.isoformat(),
        }
        audit_append(
            *audit_prepare(
                actor=self.actor, action=FAN_OUT_ACTION, target_type=BATCH_TARGET,
                target_id=batch_id, occurred_at=self.now, after=after,
            )
        )  # fmt: skip
        if created:
            event_emit(
                aggregate_type=BATCH_TARGET, aggregate_id=batch_id, event_type=FAN_OUT_EVENT,
                occurred_at=self.now, payload={"batch_id": batch_id, "code": self.code, **after},
            )  # fmt: skip


# -- statements ------------------------------------------------------------------------------


def _already_done(batch_id: uuid.UUID) -> FanOutResult | None:
    """The fan-out written under ``batch_id`` before, from its audit entry, or None.

    The audit entry, not the transfers: ``batch_id`` is not indexed on ``ledger_transfer``
    (nothing on the hot path reads it), and the entry is written in the same transaction as the
    transfers, so it exists with ``created`` > 0 exactly when they do.
    """
    entries = AuditEntry.objects.filter(
        target_type=BATCH_TARGET, target_id=str(batch_id), action=FAN_OUT_ACTION
    ).values_list("after", flat=True)
    for after in entries:
        if (after or {}).get("created"):
            return FanOutResult(
                batch_id=batch_id, created=0, total=int(after.get("total") or 0),
                already_done=True, refused=(),
            )  # fmt: skip
    return None


def _lines_into_table(cursor, d: Dialect, lines: FanOutLines) -> None:
    """Run the caller's query once, into ``ledger_fan_out_lines`` (line number ``rn``, in the
    query's order). Raises TransferInvalid when it fails or selects other columns."""
    failures: tuple[type[Exception], ...] = (DatabaseError,)
    if d.postgres:  # hot_cursor's psycopg cursor: Django translates its errors only on leaving
        import psycopg

        failures += (psycopg.Error,)
    try:
        cursor.execute(f"SELECT * FROM ({lines.sql}) AS fan_out_lines LIMIT 0", lines.params)
        columns = cursor.description
        if len(columns) != 2:
            raise TransferInvalid(
                "The lines query selects two columns: credit_account_id and amount.",
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
                f"CREATE TEMPORARY TABLE {LINES_TABLE} ON COMMIT DROP AS "
                "SELECT row_number() OVER () AS rn, credit_account_id, amount "
                f"FROM ({lines.sql}) AS fan_out_lines(credit_account_id, amount)"
            )
        else:  # no column names for a subquery there: a common table expression's
            create = (
                f"CREATE TEMPORARY TABLE {LINES_TABLE} AS "
                f"WITH fan_out_lines(credit_account_id, amount) AS ({lines.sql}) "
                "SELECT row_number() OVER () AS rn, credit_account_id, amount FROM fan_out_lines"
            )
        cursor.execute(create, lines.params)
        if d.postgres:  # a temporary table has no statistics until it is analysed
            cursor.execute(f"ANALYZE {LINES_TABLE}")
    except failures as exc:
        raise TransferInvalid(
            "The lines query failed.",
            details={"field": "lines", "error": str(exc).splitlines()[0] if str(exc) else ""},
        ) from exc


def _sort_in_memory(cursor, d: Dialect) -> str | None:
    """PostgreSQL: give this transaction's sorts and hashes ``FAN_OUT_WORK_MEM`` (a million lines
    sort in memory instead of in temporary files); returns the setting to restore."""
    if not d.postgres:
        return None
    cursor.execute(
        "SELECT current_setting('work_mem'), set_config('work_mem', %s, true)", [FAN_OUT_WORK_MEM]
    )
    return cursor.fetchone()[0]


def _drop_lines_table(cursor, d: Dialect, work_mem: str | None) -> None:
    cursor.execute(f"DROP TABLE {LINES_TABLE}")
    if work_mem is not None:  # (a rollback restores it by itself)
        cursor.execute("SELECT set_config('work_mem', %s, true)", [work_mem])


def _lock_accounts(cursor, d: Dialect, debit_account_id: uuid.UUID) -> int:
    """Lock the debit account and every credited account (PostgreSQL: in id order, one
    statement; SQLite's IMMEDIATE transaction holds the one write lock). Returns how many lines
    name an existing account that an earlier line (in id order) names too."""
    # A join, not "IN (...) OR id = debit": PostgreSQL would test every account against the
    # lines one by one once their hash no longer fits in work_mem. The locked rows come out in id
    # order; an account named twice comes out twice (locked once), next to itself.
    cursor.execute(
        "SELECT count(*) FILTER (WHERE id = before) FROM (SELECT id, lag(id) OVER (ORDER BY id) "
        "AS before FROM (SELECT a.id FROM ledger_account a JOIN (SELECT credit_account_id AS id "
        f"FROM {LINES_TABLE} UNION ALL SELECT %s) AS named ON a.id = named.id "
        + ("ORDER BY a.id FOR UPDATE OF a" if d.postgres else "")
        + ") AS locked) AS ordered",
        [d.uuid_in(debit_account_id)],
    )
    return cursor.fetchone()[0]


def _debit(cursor, d: Dialect, debit_account_id: uuid.UUID) -> _Debit:
    cursor.execute(
        "SELECT number, currency, closed, debits_frozen, debits_must_not_exceed_credits, "
        "debits_pending, debits_posted, credits_pending, credits_posted "
        "FROM ledger_account WHERE id = %s",
        [d.uuid_in(debit_account_id)],
    )
    row = cursor.fetchone()
    if row is None:
        raise AccountNotFound(details={"account_id": str(debit_account_id)})
    number, currency, closed, frozen, limited, *balances = row
    return _Debit(number, currency, bool(closed), bool(frozen), bool(limited), *balances)


def _check_lines(s: "_Summary", *, named_again: int) -> None:
    """Raise TransferInvalid for a line the caller's query should never have made."""

    def invalid(message: str, **details) -> TransferInvalid:
        return TransferInvalid(message, details={"field": "lines", **details})

    if s.lines > MAX_LINES:
        raise invalid(f"A fan-out has at most {MAX_LINES} lines.", lines=s.lines)
    if s.without_account_id or s.without_amount or s.not_integers:
        raise invalid("Every line names a credit account and a whole amount.")
    if s.lines and s.min_amount <= 0:
        raise invalid("Every line's amount is above 0.", min_amount=s.min_amount)
    if s.crediting_the_debit:
        raise invalid("A line credits the debit account itself.")
    # Existing accounts counted as they were locked, the few lines on no account among
    # themselves.
    if named_again or s.distinct_on_no_account < s.on_no_account:
        raise invalid("A credit account appears on more than one line.")


def _check_debit(debit: _Debit, total: int) -> None:
    """Raise FanOutRefused when the debit account refuses the fan-out as a whole: the engine's
    checks of the debit account, in its order, over the total of the lines to write."""
    if not total:
        return
    if debit.closed:
        raise FanOutRefused(Result.ACCOUNT_CLOSED)
    if debit.debits_frozen:
        raise FanOutRefused(Result.DEBITS_FROZEN)
    debits = debit.debits_pending + debit.debits_posted
    if debits + total > MAX_BALANCE:
        raise FanOutRefused(Result.OVERFLOWS_BALANCE, total=total)
    if debit.debits_must_not_exceed_credits and debits + total > debit.credits_posted:
        raise FanOutRefused(
            Result.EXCEEDS_CREDITS, total=total, available=debit.credits_posted - debits
        )


def _summary(cursor, d: Dialect, debit_account_id: uuid.UUID, currency: str) -> _Summary:
    cursor.execute(statements(d.postgres).summary, [d.uuid_in(debit_account_id), currency])
    row = cursor.fetchone()
    return _Summary(*row[:10], written_total=int(row[10]))


def _refused(cursor, d: Dialect, currency: str) -> tuple[tuple[uuid.UUID, str, int], ...]:
    cursor.execute(statements(d.postgres).refused, [currency])
    return tuple(
        (d.uuid_out(account_id), code, int(amount))
        for account_id, code, amount in cursor.fetchall()
    )
