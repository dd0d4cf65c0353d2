"""Transfers and burnt ids become append-only like the audit trail: UPDATE, DELETE and
(PostgreSQL) TRUNCATE refused, test databases still wiped between tests.

Migration 0002 refused UPDATE and DELETE of both tables on PostgreSQL but only UPDATE on SQLite,
and let TRUNCATE through (0003, 0005 and 0007 made the SQLite triggers again after rebuilding a
table, and 0005 stood the PostgreSQL one aside for its one UPDATE). Those triggers are replaced by
``hujin.core.ddl.append_only``'s; reversing puts 0002's back (their text is kept here, as 0002 ran
it), so the migrations before this one find the triggers they stand aside or make again.

- Accounts are not history: their balances change on every transfer. ``ledger_account`` keeps
  0002's rule that an account is never deleted (PostgreSQL), with 0002's ``ledger_refuse_change()``.
- The errors read as before: "ledger rows are immutable: UPDATE on ledger_transfer refused".
- SQLite drops a table's triggers when a migration rebuilds it: a later migration that rebuilds
  either table makes these again (``append_only_sql`` with the same arguments).
"""

from django.db import migrations

from hujin.core.ddl import append_only_sql, vendor_sql

REASON = "ledger rows are immutable"
TRANSFERS = append_only_sql(
    "ledger_transfer", function="ledger_transfer_refuse_change", reason=REASON
)
BURNT_IDS = append_only_sql(
    "ledger_failedtransfer", function="ledger_failedtransfer_refuse_change", reason=REASON
)

DROP_0002_POSTGRES = """
DROP TRIGGER IF EXISTS ledger_transfer_immutable ON ledger_transfer;
DROP TRIGGER IF EXISTS ledger_failedtransfer_immutable ON ledger_failedtransfer;
"""
RESTORE_0002_POSTGRES = """
CREATE TRIGGER ledger_transfer_immutable BEFORE UPDATE OR DELETE ON ledger_transfer
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_failedtransfer_immutable BEFORE UPDATE OR DELETE ON ledger_failedtransfer
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
"""
DROP_0002_SQLITE = [
    "DROP TRIGGER IF EXISTS ledger_transfer_immutable;",
    "DROP TRIGGER IF EXISTS ledger_failedtransfer_immutable;",
]
RESTORE_0002_SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS ledger_transfer_immutable BEFORE UPDATE ON ledger_transfer "
    "BEGIN SELECT RAISE(ABORT, 'ledger rows are immutable: UPDATE on ledger_transfer refused'); END;",
    "CREATE TRIGGER IF NOT EXISTS ledger_failedtransfer_immutable BEFORE UPDATE "
    "ON ledger_failedtransfer BEGIN SELECT RAISE(ABORT, "
    "'ledger rows are immutable: UPDATE on ledger_failedtransfer refused'); END;",
]


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0007_transfer_provenance"),
        ("core", "0003_audit_chain_and_approvals"),  # hujin_audit_wipe_allowed()
    ]

    operations = [
        vendor_sql(
            postgresql=DROP_0002_POSTGRES,
            postgresql_reverse=RESTORE_0002_POSTGRES,
            sqlite=DROP_0002_SQLITE,
            sqlite_reverse=RESTORE_0002_SQLITE,
            params=None,
        ),
        TRANSFERS.operation(),
        BURNT_IDS.operation(),
    ]
