"""PostgreSQL: ``ledger_transfer_resolve_one``, a pending transfer posted or voided in full in
one call, for the database functions of modules above that finish a payment in one statement
(payments' channel callbacks).

It writes only what the engine would write for the same request on a clean path: the resolving
transfer with the accounts' balances after it, the accounts' new balances, the audit entry
(``core_audit_append``) and the outbox event. Whenever the engine would have anything to say — the
id already used or burnt, the pending transfer missing, not pending, resolved, expired or due to
expire, a post onto a closed account or frozen debits — it returns ``'engine'`` having written
nothing, and the caller asks the engine (``transfers_create``), which records the outcome as
always. The request id's claim and the accounts' locks in id order are the engine's.

The function's text is ``sql/0011_transfer_resolve_one.sql``, read by this migration only: later
versions are new files, never edits of this one.
"""

from pathlib import Path

from django.db import migrations

from hujin.core.ddl import vendor_sql

FUNCTION = (Path(__file__).with_name("sql") / "0011_transfer_resolve_one.sql").read_text()
SIGNATURE = (
    "uuid, text, uuid, text, jsonb, date, timestamptz, int, int, int, text, text, text, text, "
    "text, text, jsonb, text, uuid, jsonb, text, text, text"
)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0010_asset_codes")]

    operations = [
        vendor_sql(
            postgresql=FUNCTION,
            postgresql_reverse=f"DROP FUNCTION IF EXISTS ledger_transfer_resolve_one({SIGNATURE})",
            params=None,
        )
    ]
