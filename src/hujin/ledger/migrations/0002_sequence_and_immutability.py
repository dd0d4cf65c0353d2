"""Database-side rules for the ledger: the apply-order sequence and immutable history."""

from django.db import migrations

from hujin.core.ddl import vendor_sql

POSTGRES_UP = """
CREATE SEQUENCE IF NOT EXISTS ledger_transfer_seq_seq;
CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'ledger rows are immutable: %% on %% refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_transfer_immutable BEFORE UPDATE OR DELETE ON ledger_transfer
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_failedtransfer_immutable BEFORE UPDATE OR DELETE ON ledger_failedtransfer
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_account_never_deleted BEFORE DELETE ON ledger_account
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS ledger_account_never_deleted ON ledger_account;
DROP TRIGGER IF EXISTS ledger_failedtransfer_immutable ON ledger_failedtransfer;
DROP TRIGGER IF EXISTS ledger_transfer_immutable ON ledger_transfer;
DROP FUNCTION IF EXISTS ledger_refuse_change();
DROP SEQUENCE IF EXISTS ledger_transfer_seq_seq;
"""
# SQLite: refuse UPDATE; DELETE stays possible because test databases are flushed with DELETE.
SQLITE_UP = [
    "CREATE TRIGGER IF NOT EXISTS ledger_transfer_immutable BEFORE UPDATE ON ledger_transfer "
    "BEGIN SELECT RAISE(ABORT, 'ledger rows are immutable: UPDATE on ledger_transfer refused'); END;",
    "CREATE TRIGGER IF NOT EXISTS ledger_failedtransfer_immutable BEFORE UPDATE "
    "ON ledger_failedtransfer BEGIN SELECT RAISE(ABORT, "
    "'ledger rows are immutable: UPDATE on ledger_failedtransfer refused'); END;",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS ledger_transfer_immutable;",
    "DROP TRIGGER IF EXISTS ledger_failedtransfer_immutable;",
]


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [
        vendor_sql(
            postgresql=POSTGRES_UP,
            postgresql_reverse=POSTGRES_DOWN,
            sqlite=SQLITE_UP,
            sqlite_reverse=SQLITE_DOWN,
        )
    ]
