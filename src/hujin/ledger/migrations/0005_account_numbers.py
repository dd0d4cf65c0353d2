"""Account numbers: every account gets one, every transfer names its accounts' numbers too, and
an account's history is indexed by number instead of by id.

A batch of thousands of transfers among thousands of accounts inserts into most leaf pages of
both history indexes, so the cost of a batch grows with their size. Keyed by an 8-byte number
instead of a UUID (16 bytes on PostgreSQL, 32 characters of text on SQLite), they are a third the
size on SQLite and three quarters on PostgreSQL.

- Existing accounts are numbered in the order they were opened; existing transfers get their
  accounts' numbers. History rows are immutable, so the trigger that says so stands aside for
  that one update (PostgreSQL disables it; SQLite's table is rebuilt, which drops its triggers,
  and they are made again at the end).
- PostgreSQL: new numbers come from ``ledger_account_number_seq``.
- ``ledger_transfer_create_one`` (migration 0004) writes the numbers as well:
  ``sql/0005_transfer_create_one.sql``, read by this migration only (and by 0006 to go back);
  going back restores 0004's from its own file.
"""

from pathlib import Path

from django.db import migrations, models

from hujin.core.ddl import vendor_sql

SQL = Path(__file__).with_name("sql")
# The SQLite triggers as migration 0002 made them (the table rebuild drops them).
SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS ledger_transfer_immutable BEFORE UPDATE ON ledger_transfer "
    "BEGIN SELECT RAISE(ABORT, 'ledger rows are immutable: UPDATE on ledger_transfer refused'); END;",
    "CREATE TRIGGER IF NOT EXISTS ledger_failedtransfer_immutable BEFORE UPDATE "
    "ON ledger_failedtransfer BEGIN SELECT RAISE(ABORT, "
    "'ledger rows are immutable: UPDATE on ledger_failedtransfer refused'); END;",
]

NUMBER_EXISTING = [
    "UPDATE ledger_account SET number = n.rn FROM (SELECT id, row_number() OVER "
    "(ORDER BY created_at, id) AS rn FROM ledger_account) AS n WHERE ledger_account.id = n.id",
    "UPDATE ledger_transfer SET "
    "debit_number = (SELECT number FROM ledger_account a WHERE a.id = debit_account_id), "
    "credit_number = (SELECT number FROM ledger_account a WHERE a.id = credit_account_id)",
]


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_transfer_create_one")]

    operations = [
        migrations.AddField("account", "number", models.BigIntegerField(null=True)),
        migrations.AddField("transfer", "debit_number", models.BigIntegerField(null=True)),
        migrations.AddField("transfer", "credit_number", models.BigIntegerField(null=True)),
        vendor_sql(
            postgresql=[
                "ALTER TABLE ledger_transfer DISABLE TRIGGER ledger_transfer_immutable",
                *NUMBER_EXISTING,
                "ALTER TABLE ledger_transfer ENABLE TRIGGER ledger_transfer_immutable",
                "CREATE SEQUENCE ledger_account_number_seq",
                "SELECT setval('ledger_account_number_seq', "
                "(SELECT COALESCE(MAX(number), 0) + 1 FROM ledger_account), false)",
            ],
            postgresql_reverse="DROP SEQUENCE IF EXISTS ledger_account_number_seq",
            sqlite=["DROP TRIGGER IF EXISTS ledger_transfer_immutable", *NUMBER_EXISTING],
            # Going back rebuilds the table without the columns, dropping its triggers again.
            sqlite_reverse=SQLITE_TRIGGERS,
        ),
        migrations.AlterField(
            "account", "number", models.BigIntegerField(editable=False, unique=True)
        ),
        migrations.AlterField("transfer", "debit_number", models.BigIntegerField()),
        migrations.AlterField("transfer", "credit_number", models.BigIntegerField()),
        migrations.RemoveIndex("transfer", "ledger_transfer_dr_seq"),
        migrations.RemoveIndex("transfer", "ledger_transfer_cr_seq"),
        migrations.AddIndex(
            "transfer",
            models.Index(fields=["debit_number", "seq"], name="ledger_transfer_dr_history"),
        ),
        migrations.AddIndex(
            "transfer",
            models.Index(fields=["credit_number", "seq"], name="ledger_transfer_cr_history"),
        ),
        vendor_sql(
            postgresql=(SQL / "0005_transfer_create_one.sql").read_text(),
            postgresql_reverse=(SQL / "0004_transfer_create_one.sql").read_text(),
            sqlite=SQLITE_TRIGGERS,
            params=None,
        ),
    ]
