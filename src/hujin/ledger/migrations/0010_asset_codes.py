"""Accounts and transfers in a product's units as well as money: the ``currency`` column holds
an ISO 4217 code or a product's unit asset code (``U:`` and the product's code, up to 34
characters; ``hujin.core.money.unit_asset``).

PostgreSQL widens the two columns in place (a longer ``varchar`` rewrites nothing). SQLite does
not enforce a ``varchar``'s length, so only Django's state changes there: altering a column on
SQLite rebuilds the table, which would drop the append-only triggers of ``ledger_transfer``.
"""

from django.db import migrations, models

from hujin.core.ddl import vendor_sql

WIDER = [
    "ALTER TABLE ledger_account ALTER COLUMN currency TYPE varchar(34)",
    "ALTER TABLE ledger_transfer ALTER COLUMN currency TYPE varchar(34)",
]
NARROWER = [
    "ALTER TABLE ledger_account ALTER COLUMN currency TYPE varchar(3)",
    "ALTER TABLE ledger_transfer ALTER COLUMN currency TYPE varchar(3)",
]


class Migration(migrations.Migration):
    dependencies = [("ledger", "0009_account_debit_freeze_reasons")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[vendor_sql(postgresql=WIDER, postgresql_reverse=NARROWER)],
            state_operations=[
                migrations.AlterField(
                    model_name="account", name="currency", field=models.CharField(max_length=34)
                ),
                migrations.AlterField(
                    model_name="transfer", name="currency", field=models.CharField(max_length=34)
                ),
            ],
        )
    ]
