"""The SQL of a set-based fan (``fan``), for PostgreSQL and SQLite, in either direction: one
account on one side of every transfer (the fan-out's debit account, the fan-in's credit account),
the lines' accounts on the other side.

The lines classified (why a line is refused, with the engine's checks of an account on the lines'
side in the engine's order), the summary, the refused lines, the transfers' INSERT with their
balances after each, and the accounts' UPDATEs. Built once per dialect and direction.
"""

from dataclasses import dataclass

from hujin.ledger.errors import Result

MAX_BALANCE = 2**63 - 1
BALANCES = ("debits_pending", "debits_posted", "credits_pending", "credits_posted")


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a transfer, as the engine checks and books an account on it."""

    name: str  # debit or credit: the transfer's <name>_account_id and <name>_number
    prefix: str  # dr or cr: the transfer's snapshot of that account, <prefix>_<balance>
    raises: str  # debits or credits: the balances a transfer on this side raises
    against: str  # the other balances, which the limit flag caps them by
    stops_when_frozen: bool  # frozen debits refuse the account on this side (debits only)
    limit: str  # the flag that caps this side's balances by the other side's posted ones
    exceeds: str  # the result code of crossing that cap


DEBIT = Side(
    "debit", "dr", "debits", "credits", True, "debits_must_not_exceed_credits",
    Result.EXCEEDS_CREDITS,
)  # fmt: skip
CREDIT = Side(
    "credit", "cr", "credits", "debits", False, "credits_must_not_exceed_debits",
    Result.EXCEEDS_DEBITS,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Direction:
    """Which side the one account is on, which the lines' accounts, and the lines' table."""

    one: Side
    many: Side
    lines_table: str  # a temporary table: (rn, account_id, amount)


FAN_OUT = Direction(one=DEBIT, many=CREDIT, lines_table="ledger_fan_out_lines")
FAN_IN = Direction(one=CREDIT, many=DEBIT, lines_table="ledger_fan_in_lines")


@dataclass(frozen=True, slots=True)
class Statements:
    summary: str
    refused: str
    insert: str  # PostgreSQL: with the lines' accounts' UPDATE
    update_many: str  # SQLite only: the lines' accounts' balances
    update_one: str  # the one account's balance


_STATEMENTS: dict[tuple[Direction, bool], Statements] = {}


def statements(direction: Direction, postgres: bool) -> Statements:
    key = (direction, postgres)
    if key not in _STATEMENTS:
        _STATEMENTS[key] = _makestatements(direction, postgres)
    return _STATEMENTS[key]


def _refusal(many: Side, postgres: bool) -> str:
    """Why a line is not written (a result code), or NULL: the engine's checks of an account on
    the lines' side in the engine's order (the one account's are made once, over the total). One
    placeholder: the one account's currency. The amount is taken as at least 0 in the overflow
    check so that a line that is refused for its amount later cannot overflow the arithmetic
    first."""
    at_least_zero = "greatest(l.amount, 0)" if postgres else "max(l.amount, 0)"
    raised = f"a.{many.raises}_pending + a.{many.raises}_posted"
    frozen = (
        f"WHEN a.debits_frozen THEN '{Result.DEBITS_FROZEN}' " if many.stops_when_frozen else ""
    )
    return (
        f"CASE WHEN a.id IS NULL THEN '{Result.ACCOUNT_NOT_FOUND}' "
        f"WHEN a.currency <> %s THEN '{Result.CURRENCY_MISMATCH}' "
        f"WHEN a.closed THEN '{Result.ACCOUNT_CLOSED}' "
        f"{frozen}"
        f"WHEN {raised} > {MAX_BALANCE} - {at_least_zero} THEN '{Result.OVERFLOWS_BALANCE}' "
        f"WHEN a.{many.limit} AND {raised} + l.amount > a.{many.against}_posted "
        f"THEN '{many.exceeds}' END"
    )


def _snapshot(side: Side, *, one: bool) -> list[str]:
    """The transfer's snapshot of its account on ``side`` after it: the one account's from the
    placeholders (its posted balance running across the fan with a window sum), a line's
    account's from its row plus the line's amount."""
    values = []
    for balance in BALANCES:
        value = "%s" if one else f"w.{balance}"
        if balance == f"{side.raises}_posted":
            value = "%s + sum(w.amount) OVER n" if one else f"w.{balance} + w.amount"
        values.append(value)
    return values


def _makestatements(direction: Direction, postgres: bool) -> Statements:
    one, many, table = direction.one, direction.many, direction.lines_table
    refusal = _refusal(many, postgres)
    classified = (
        f"SELECT l.rn, l.account_id, l.amount, a.id AS found_id, {refusal} AS refused "
        f"FROM {table} l LEFT JOIN ledger_account a ON a.id = l.account_id"
    )
    # SQLite stores what the caller's query gave: a whole amount must be an integer there (on
    # PostgreSQL the column's type says so, fan._lines_into_table). Placeholders: the one
    # account's id, then its currency.
    not_integer = "FALSE" if postgres else "typeof(amount) <> 'integer'"
    summary = (
        "SELECT count(*), count(*) - count(account_id), count(*) - count(amount), "
        f"min(amount), count(*) FILTER (WHERE {not_integer}), count(found_id), "
        "count(*) FILTER (WHERE account_id = %s), "
        "count(*) FILTER (WHERE found_id IS NULL), "
        "count(DISTINCT account_id) FILTER (WHERE found_id IS NULL), "
        "count(*) FILTER (WHERE refused IS NOT NULL), "
        f"COALESCE(sum(amount) FILTER (WHERE refused IS NULL AND NOT {not_integer}), 0) "
        f"FROM ({classified}) AS c"
    )
    refused = (
        f"SELECT account_id, refused, amount FROM ({classified}) AS c "
        "WHERE refused IS NOT NULL ORDER BY rn"
    )
    # The written lines, with their account's balances (locked since fan._lock_accounts).
    written = (
        "SELECT l.rn, l.amount, a.id, a.number, a.debits_pending, a.debits_posted, "
        "a.credits_pending, a.credits_posted "
        f"FROM {table} l JOIN ledger_account a ON a.id = l.account_id "
        f"WHERE ({refusal}) IS NULL"
    )
    # A time-ordered id (see fan._Fan._write): a prefix, the written line's number, 8 random hex
    # digits.
    if postgres:
        new_id_sql = (
            "(%s || lpad(to_hex(row_number() OVER n), 7, '0') "
            "|| lpad(to_hex((random() * 4294967295)::bigint), 8, '0'))::uuid"
        )
    else:
        new_id_sql = "%s || printf('%%07x', row_number() OVER n) || lower(hex(randomblob(4)))"
    # The engine's row of a posted transfer between the one account and w's account: the one
    # account's posted balance on its side runs across the fan, w's account's is after its one
    # transfer. The window numbers and sums the written lines in the lines' order. Placeholders
    # in order: the id's prefix, the one account's id, number and currency, code, metadata,
    # business date, created at, the one account's four balances, actor kind and id, batch id.
    ids = {one.name: "%s", many.name: "w.id"}
    numbers = {one.name: "%s", many.name: "w.number"}
    snapshots = {one.name: _snapshot(one, one=True), many.name: _snapshot(many, one=False)}
    values = ", ".join([
        new_id_sql, "'single'", ids["debit"], ids["credit"], numbers["debit"],
        numbers["credit"], "%s", "w.amount", "NULL", "FALSE", "NULL", "NULL",
        "%s", "%s::jsonb" if postgres else "%s", "%s", "%s",
        *snapshots["debit"], *snapshots["credit"], "%s", "%s", "%s",
    ])  # fmt: skip
    window = "WINDOW n AS (ORDER BY w.rn ROWS UNBOUNDED PRECEDING) ORDER BY w.rn"
    many_posted = f"{many.raises}_posted"
    many_snapshot = f"{many.prefix}_{many_posted}"
    if postgres:
        # seq comes from the column's default (nextval), taken as the ordered rows are inserted,
        # as the engine's COPY takes it. The lines' accounts' balances are the inserted rows'.
        insert = (
            f"WITH w AS ({written}), inserted AS ("
            f"INSERT INTO ledger_transfer ({COLUMNS}) SELECT {values} FROM w {window} "
            f"RETURNING {many.name}_number, {many_snapshot}) "
            f"UPDATE ledger_account AS a SET {many_posted} = i.{many_snapshot} "
            # By number: the lines usually come in the accounts' order, which is the order of
            # their numbers' index and of their rows, whereas ids can be anything (uuid5).
            f"FROM inserted AS i WHERE a.number = i.{many.name}_number"
        )
        update_many = ""
    else:
        # SQLite's IMMEDIATE transaction holds the only write lock: seq is the highest one's
        # successor, and every transfer after it is this fan's.
        insert = (
            f"INSERT INTO ledger_transfer ({COLUMNS}, seq) "
            f"SELECT {values}, %s + row_number() OVER n FROM ({written}) AS w {window}"
        )
        update_many = (
            f"UPDATE ledger_account SET {many_posted} = t.{many_snapshot} "
            "FROM ledger_transfer AS t "
            f"WHERE t.seq > %s AND ledger_account.id = t.{many.name}_account_id"
        )
    one_posted = f"{one.raises}_posted"
    update_one = f"UPDATE ledger_account SET {one_posted} = {one_posted} + %s WHERE id = %s"
    return Statements(summary, refused, insert, update_many, update_one)


COLUMNS = (
    "id, kind, debit_account_id, credit_account_id, debit_number, credit_number, currency, "
    "amount, pending_id, linked, timeout_seconds, expires_at, code, metadata, business_date, "
    "created_at, "
    "dr_debits_pending, dr_debits_posted, dr_credits_pending, dr_credits_posted, "
    "cr_debits_pending, cr_debits_posted, cr_credits_pending, cr_credits_posted, "
    "actor_kind, actor_id, batch_id"
)
