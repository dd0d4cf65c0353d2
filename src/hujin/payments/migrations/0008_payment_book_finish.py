"""PostgreSQL: a top-up in as few round trips as a transfer between customers.

- ``payments_payment_book`` books any allowed payment without a fee in one statement — running
  totals, screening decision, payment, the ledger's transfer (``ledger_transfer_create_one``),
  audit entry and event: a transfer between customers posted at once (``succeeded``), or a
  top-up's pending credit of the wallet (``created``, then at the channel). It replaces 0007's
  ``payments_transfer_book``, which served transfers only.
- Both write the payment's audit entry and event with ``payments_payment_record``, in the
  general way's order: a payment at a channel before the ledger locks the channel's clearing
  account (which every such payment shares), a transfer between customers after its ledger
  transfer.
- ``payments_payment_finish`` applies a channel's callback on the clean path in one statement:
  the payment made final, its hold posted or voided (``ledger_transfer_resolve_one``, ledger
  0011), the audit entry and the event; anything else rolls back and goes the general way.

The rules stay in Python (``services/topup_in_one_call``, ``services/transfer_in_one_call``,
``services/callback_in_one_call``); the functions write. The functions' text is
``sql/0008_payment_book_finish.sql``, read by this migration only: later versions are new files,
never edits of this one.
"""

from pathlib import Path

from django.db import migrations

from hujin.core.ddl import vendor_sql

SQL = Path(__file__).with_name("sql")
FUNCTIONS = (SQL / "0008_payment_book_finish.sql").read_text()
LEDGER_CREATE_ONE = (
    "uuid, text, uuid, uuid, bigint, text, int, text, jsonb, text, date, timestamptz, int, int, "
    "int, text, text, text, text, text, text, jsonb, text, jsonb, text, uuid, jsonb, text, text, "
    "text"
)
LEDGER_RESOLVE_ONE = (
    "uuid, text, uuid, text, jsonb, date, timestamptz, int, int, int, text, text, text, text, "
    "text, text, jsonb, text, uuid, jsonb, text, text, text"
)
OLD_BOOK_SIGNATURE = (
    "uuid, text, date, date, bigint, bigint, bigint, uuid, uuid, uuid, text, text, text, text, "
    f"text, jsonb, uuid, text, jsonb, {LEDGER_CREATE_ONE}"
)
BOOK_SIGNATURE = (
    "uuid, text, date, date, bigint, bigint, bigint, uuid, uuid, uuid, uuid, text, text, text, "
    f"text, text, jsonb, uuid, text, jsonb, {LEDGER_CREATE_ONE}"
)
RECORD_SIGNATURE = (
    "uuid, int, text, timestamptz, text, text, text, text, jsonb, jsonb, text, text, uuid, text, "
    "jsonb"
)
FINISH_SIGNATURE = (
    "uuid, text, text, text, text, text, text, jsonb, jsonb, uuid, text, jsonb, "
    f"{LEDGER_RESOLVE_ONE}"
)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0007_transfer_one_call"),
        ("ledger", "0011_transfer_resolve_one"),
        ("customers", "0004_user_of_customer_function"),
    ]

    operations = [
        vendor_sql(
            postgresql=[
                FUNCTIONS,
                f"DROP FUNCTION IF EXISTS payments_transfer_book({OLD_BOOK_SIGNATURE})",
            ],
            postgresql_reverse=[
                (SQL / "0007_transfer_one_call.sql").read_text(),
                f"DROP FUNCTION IF EXISTS payments_payment_book({BOOK_SIGNATURE})",
                f"DROP FUNCTION IF EXISTS payments_payment_finish({FINISH_SIGNATURE})",
                f"DROP FUNCTION IF EXISTS payments_payment_record({RECORD_SIGNATURE})",
            ],
            params=None,
        )
    ]
