"""PostgreSQL: ``ledger_transfer_create_one``, one single or pending transfer in one call.

A payment usually moves money once per request, and most of its cost on PostgreSQL was round
trips: lock the accounts, read the id, write, audit, emit, commit. This function does all of it
inside one statement, so an autocommitted call is one round trip and one transaction. It applies
the same rules as ``hujin.ledger.engine`` (which still serves batches, two-phase resolutions and
linked chains, and SQLite); the reference-model property test drives both on PostgreSQL.

- The request id's claim (``pg_advisory_xact_lock(class, bucket)``, as ``store.ID_CLAIM_BUCKETS``)
  comes first: a concurrent writer of the same id commits before we read the id.
- ``p_shape_result`` is ``engine.creation_problem(request)``: the request-only failure, returned
  once the id is known to be new, so those rules live only in Python.
- Accounts are locked in id order (``FOR UPDATE``), as the engine's store does.
- The audit entry (``core_audit_append``) and the outbox event are written by the function; the
  caller computes both possible audit contents (applied, burnt) and their hashes, and names the
  action, the target type (also the event's aggregate type) and the event type.

The function's text is ``sql/0004_transfer_create_one.sql``, read by this migration only (and by
0005 to go back): later versions are new files, never edits of this one.
"""

from pathlib import Path

from django.db import migrations

from hujin.core.ddl import vendor_sql

TRANSFER_CREATE_ONE = (Path(__file__).with_name("sql") / "0004_transfer_create_one.sql").read_text()
TRANSFER_CREATE_ONE_SIGNATURE = (
    "uuid, text, uuid, uuid, bigint, text, int, text, jsonb, text, date, timestamptz, int, int, "
    "int, text, text, text, text, text, text, jsonb, text, jsonb, text, uuid, jsonb, text, text, text"
)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0003_transfer_references_without_fk"),
        ("core", "0004_audit_append_function"),
    ]

    operations = [
        vendor_sql(
            postgresql=TRANSFER_CREATE_ONE,
            postgresql_reverse="DROP FUNCTION IF EXISTS ledger_transfer_create_one("
            f"{TRANSFER_CREATE_ONE_SIGNATURE})",
            params=None,
        )
    ]
