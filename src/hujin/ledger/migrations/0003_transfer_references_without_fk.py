"""Transfers on the hot path: no foreign-key checks, sequence numbers assigned by the database.

- Accounts and pending transfers are referenced without database foreign keys (see the model);
  ``hujin ledger verify`` checks every reference.
- A pending transfer's single resolution is enforced by a partial unique index, so ordinary
  transfers (pending_id NULL) add nothing to it.
- PostgreSQL numbers rows from ``ledger_transfer_seq_seq`` by column default, so a batch can be
  written with COPY.
- PostgreSQL leaves 30% of each account page free, so balance updates stay HOT.
- SQLite rebuilds the table for these changes, which drops its triggers: they are made again.
"""

import django.db.models.deletion
from django.db import migrations, models

from hujin.core.ddl import vendor_sql

# The SQLite triggers as migration 0002 made them (the table rebuild drops them).
SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS ledger_transfer_immutable BEFORE UPDATE ON ledger_transfer "
    "BEGIN SELECT RAISE(ABORT, 'ledger rows are immutable: UPDATE on ledger_transfer refused'); END;",
    "CREATE TRIGGER IF NOT EXISTS ledger_failedtransfer_immutable BEFORE UPDATE "
    "ON ledger_failedtransfer BEGIN SELECT RAISE(ABORT, "
    "'ledger rows are immutable: UPDATE on ledger_failedtransfer refused'); END;",
]


def _reference(to: str, **kwargs):
    return models.ForeignKey(
        db_constraint=False,
        db_index=False,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to=to,
        **kwargs,
    )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_sequence_and_immutability")]

    operations = [
        migrations.AlterField("transfer", "credit_account", _reference("ledger.account")),
        migrations.AlterField("transfer", "debit_account", _reference("ledger.account")),
        migrations.AlterField(
            "transfer", "pending", _reference("ledger.transfer", blank=True, null=True)
        ),
        migrations.AddConstraint(
            model_name="transfer",
            constraint=models.UniqueConstraint(
                condition=models.Q(("pending__isnull", False)),
                fields=("pending",),
                name="ledger_transfer_one_resolution",
            ),
        ),
        vendor_sql(
            postgresql=[
                "ALTER TABLE ledger_transfer ALTER COLUMN seq "
                "SET DEFAULT nextval('ledger_transfer_seq_seq')",
                # Balances change on every transfer: room on each page keeps those updates HOT
                # (no index entries written), most of the cost of a batch touching many accounts.
                "ALTER TABLE ledger_account SET (fillfactor = 70)",
            ],
            postgresql_reverse=[
                "ALTER TABLE ledger_transfer ALTER COLUMN seq DROP DEFAULT",
                "ALTER TABLE ledger_account RESET (fillfactor)",
            ],
            sqlite=SQLITE_TRIGGERS,
        ),
    ]
