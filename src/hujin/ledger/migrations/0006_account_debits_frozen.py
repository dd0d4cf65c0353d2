"""Frozen debits: an account flag the ledger itself enforces.

- ``ledger_account.debits_frozen`` (false for every existing account). While it is set, a single
  or pending transfer that debits the account, or a post of a hold that debits it, fails with
  the result ``debits_frozen`` (and burns its id, like ``account_closed``); voids and expiries
  still release holds, and credits still arrive.
- ``ledger_transfer_create_one`` (the single-transfer path on PostgreSQL) gets the same rule:
  ``sql/0006_transfer_create_one.sql``; going back restores 0005's from its own frozen file.
- The flag is read with the account's other columns in the statement that locks it: nothing
  more on the hot path.
"""

from pathlib import Path

from django.db import migrations, models

from hujin.core.ddl import vendor_sql

SQL = Path(__file__).with_name("sql")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_account_numbers")]

    operations = [
        migrations.AddField("account", "debits_frozen", models.BooleanField(default=False)),
        vendor_sql(
            postgresql=(SQL / "0006_transfer_create_one.sql").read_text(),
            postgresql_reverse=(SQL / "0005_transfer_create_one.sql").read_text(),
            params=None,
        ),
    ]
