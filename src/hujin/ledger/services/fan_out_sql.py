"""The SQL of a fan-out (``fan_out``), for PostgreSQL and SQLite: the lines classified (why a
line is refused, with the engine's checks of a credit account in the engine's order), the
summary, the refused lines, the transfers' INSERT with their balances after each, and the
accounts' UPDATEs. Built once per dialect."""

from dataclasses import dataclass

MAX_BALANCE = 2**63 - 1
LINES_TABLE = "ledger_fan_out_lines"


@dataclass(frozen=True, slots=True)
class Statements:
    summary: str
    refused: str
    insert: str  # PostgreSQL: with the credit accounts' UPDATE
    update_credits: str  # SQLite only


_STATEMENTS: dict[bool, Statements] = {}


def statements(postgres: bool) -> Statements:
    if postgres not in _STATEMENTS:
        _STATEMENTS[postgres] = _makestatements(postgres)
    return _STATEMENTS[postgres]


def _makestatements(postgres: bool) -> Statements:
    # Why a line is not written (a result code), or NULL: the engine's checks of a credit account
    # in the engine's order (the debit account's are made once, _check_debit). One placeholder:
    # the debit account's currency. The amount is taken as at least 0 in the overflow check so
    # that a line that is refused for its amount later cannot overflow the arithmetic first.
    at_least_zero = "greatest(l.amount, 0)" if postgres else "max(l.amount, 0)"
    refusal = (
        "CASE WHEN a.id IS NULL THEN 'account_not_found' "
        "WHEN a.currency <> %s THEN 'currency_mismatch' "
        "WHEN a.closed THEN 'account_closed' "
        f"WHEN a.credits_pending + a.credits_posted > {MAX_BALANCE} - {at_least_zero} "
        "THEN 'overflows_balance' "
        "WHEN a.credits_must_not_exceed_debits "
        "AND a.credits_pending + a.credits_posted + l.amount > a.debits_posted "
        "THEN 'exceeds_debits' END"
    )
    classified = (
        f"SELECT l.rn, l.credit_account_id, l.amount, a.id AS account_id, {refusal} AS refused "
        f"FROM {LINES_TABLE} l LEFT JOIN ledger_account a ON a.id = l.credit_account_id"
    )
    # SQLite stores what the caller's query gave: a whole amount must be an integer there (on
    # PostgreSQL the column's type says so, _lines_into_table).
    not_integer = "FALSE" if postgres else "typeof(amount) <> 'integer'"
    summary = (
        "SELECT count(*), count(*) - count(credit_account_id), count(*) - count(amount), "
        f"min(amount), count(*) FILTER (WHERE {not_integer}), count(account_id), "
        "count(*) FILTER (WHERE credit_account_id = %s), "
        "count(*) FILTER (WHERE account_id IS NULL), "
        "count(DISTINCT credit_account_id) FILTER (WHERE account_id IS NULL), "
        "count(*) FILTER (WHERE refused IS NOT NULL), "
        f"COALESCE(sum(amount) FILTER (WHERE refused IS NULL AND NOT {not_integer}), 0) "
        f"FROM ({classified}) AS c"
    )
    refused = (
        f"SELECT credit_account_id, refused, amount FROM ({classified}) AS c "
        "WHERE refused IS NOT NULL ORDER BY rn"
    )
    # The written lines, with their account's balances (locked since _lock_accounts).
    written = (
        "SELECT l.rn, l.amount, a.id, a.number, a.debits_pending, a.debits_posted, "
        "a.credits_pending, a.credits_posted "
        f"FROM {LINES_TABLE} l JOIN ledger_account a ON a.id = l.credit_account_id "
        f"WHERE ({refusal}) IS NULL"
    )
    # A time-ordered id (see _FanOut._write): a prefix, the written line's number, 8 random hex
    # digits.
    if postgres:
        new_id_sql = (
            "(%s || lpad(to_hex(row_number() OVER n), 7, '0') "
            "|| lpad(to_hex((random() * 4294967295)::bigint), 8, '0'))::uuid"
        )
    else:
        new_id_sql = "%s || printf('%%07x', row_number() OVER n) || lower(hex(randomblob(4)))"
    # The engine's row of a posted transfer from the debit account to w's account: the debit
    # account's posted debits run across the fan-out, the credit account's credits are after its
    # one credit. The window numbers and sums the written lines in the lines' order.
    values = (
        f"{new_id_sql}, 'single', %s, w.id, %s, w.number, %s, w.amount, NULL, FALSE, NULL, NULL, "
        f"%s, {'%s::jsonb' if postgres else '%s'}, %s, %s, %s, %s + sum(w.amount) OVER n, %s, %s, "
        "w.debits_pending, w.debits_posted, w.credits_pending, w.credits_posted + w.amount, "
        "%s, %s, %s"
    )
    window = "WINDOW n AS (ORDER BY w.rn ROWS UNBOUNDED PRECEDING) ORDER BY w.rn"
    if postgres:
        # seq comes from the column's default (nextval), taken as the ordered rows are inserted,
        # as the engine's COPY takes it. The credit accounts' balances are the inserted rows'.
        insert = (
            f"WITH w AS ({written}), inserted AS ("
            f"INSERT INTO ledger_transfer ({COLUMNS}) SELECT {values} FROM w {window} "
            "RETURNING credit_number, cr_credits_posted) "
            "UPDATE ledger_account AS a SET credits_posted = i.cr_credits_posted "
            # By number: the lines usually come in the accounts' order, which is the order of
            # their numbers' index and of their rows, whereas ids can be anything (uuid5).
            "FROM inserted AS i WHERE a.number = i.credit_number"
        )
        update_credits = ""
    else:
        # SQLite's IMMEDIATE transaction holds the only write lock: seq is the highest one's
        # successor, and every transfer after it is this fan-out's.
        insert = (
            f"INSERT INTO ledger_transfer ({COLUMNS}, seq) "
            f"SELECT {values}, %s + row_number() OVER n FROM ({written}) AS w {window}"
        )
        update_credits = (
            "UPDATE ledger_account SET credits_posted = t.cr_credits_posted "
            "FROM ledger_transfer AS t WHERE t.seq > %s AND ledger_account.id = t.credit_account_id"
        )
    return Statements(summary, refused, insert, update_credits)


COLUMNS = (
    "id, kind, debit_account_id, credit_account_id, debit_number, credit_number, currency, "
    "amount, pending_id, linked, timeout_seconds, expires_at, code, metadata, business_date, "
    "created_at, "
    "dr_debits_pending, dr_debits_posted, dr_credits_pending, dr_credits_posted, "
    "cr_debits_pending, cr_debits_posted, cr_credits_pending, cr_credits_posted, "
    "actor_kind, actor_id, batch_id"
)
UPDATE_DEBIT = "UPDATE ledger_account SET debits_posted = debits_posted + %s WHERE id = %s"
