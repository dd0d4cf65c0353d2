"""PostgreSQL: a transfer between customers in two round trips (``services/transfer_in_one_call``):
``payments_transfer_facts`` reads everything the transfer decides on, and
``payments_transfer_book`` books it in one autocommitted statement — running totals, screening
decision, payment, the ledger's transfer (``ledger_transfer_create_one``), audit entry and
event. The rules stay in Python (limits, fees, standing); the functions read and write.

Other modules' rows are reached through their own database functions: ``core_business_date``
(core 0009), ``identity_user_for_mobile_index`` (identity 0006), ``customers_standing_of_user``
(customers 0003), ``ledger_transfer_create_one`` and ``core_audit_append``.

The functions' text is ``sql/0007_transfer_one_call.sql``, read by this migration only: later
versions are new files, never edits of this one.
"""

from pathlib import Path

from django.db import migrations

from hujin.core.ddl import vendor_sql

FUNCTIONS = (Path(__file__).with_name("sql") / "0007_transfer_one_call.sql").read_text()
FACTS_SIGNATURE = "uuid, text, text, text, date, date, text"
BOOK_SIGNATURE = (
    "uuid, text, date, date, bigint, bigint, bigint, uuid, uuid, uuid, text, text, text, text, "
    "text, jsonb, uuid, text, jsonb, "
    "uuid, text, uuid, uuid, bigint, text, int, text, jsonb, text, date, timestamptz, int, int, "
    "int, text, text, text, text, text, text, jsonb, text, jsonb, text, uuid, jsonb, text, text, "
    "text"
)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0006_channels"),
        ("core", "0009_business_date_function"),
        ("identity", "0006_user_for_mobile_index_function"),
        ("customers", "0003_standing_of_user_function"),
        ("ledger", "0009_account_debit_freeze_reasons"),
    ]

    operations = [
        vendor_sql(
            postgresql=FUNCTIONS,
            postgresql_reverse=[
                f"DROP FUNCTION IF EXISTS payments_transfer_facts({FACTS_SIGNATURE})",
                f"DROP FUNCTION IF EXISTS payments_transfer_book({BOOK_SIGNATURE})",
            ],
            params=None,
        )
    ]
