"""Provenance: every transfer records who made it and the call it came in.

- ``actor_kind`` and ``actor_id`` (``hujin.core.actors.Actor``, cut to 16 and 64 characters as
  the audit log cuts them) and ``batch_id``, the id shared by every transfer of one
  ``transfers_create`` call or expiry run; the same id is that call's audit entry's target id and
  its outbox event's aggregate id (and ``batch_id`` in the payload), so the three join.
- Existing transfers: the audit log names the first transfer of each call only
  (``after.first_id``), so the rest of a call cannot be told apart; rather than guess, every
  transfer made before this migration gets the placeholder actor kind ``unknown``, actor id ``""``
  and no batch id. The placeholders come from the columns' defaults (dropped once the columns
  exist): PostgreSQL stores such a default in the catalogue, so adding the columns rewrites no
  row, and no UPDATE runs (the immutability trigger refusing it stays in place). SQLite rebuilds
  the table to add a NOT NULL column, which drops its triggers: they are made again here.
- On the hot path the values are per call, not per row, and no index is added: an auditor reads
  them on a transfer, and a call's transfers are listed in its event. A batch's COPY carries two
  short texts and a UUID more per row.
- ``ledger_transfer_create_one`` writes them from the arguments it already takes for the audit
  entry (``sql/0007_transfer_create_one.sql``); going back restores 0006's.
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


class Migration(migrations.Migration):
    dependencies = [("ledger", "0006_account_debits_frozen")]

    operations = [
        # Going back, this runs last: after the columns are gone, whatever SQLite rebuilt.
        vendor_sql(sqlite_reverse=SQLITE_TRIGGERS),
        migrations.AddField(
            "transfer",
            "actor_kind",
            models.CharField(max_length=16, default="unknown"),
            preserve_default=False,
        ),
        migrations.AddField(
            "transfer",
            "actor_id",
            models.CharField(max_length=64, default=""),
            preserve_default=False,
        ),
        migrations.AddField("transfer", "batch_id", models.UUIDField(null=True, blank=True)),
        vendor_sql(
            postgresql=(SQL / "0007_transfer_create_one.sql").read_text(),
            postgresql_reverse=(SQL / "0006_transfer_create_one.sql").read_text(),
            sqlite=SQLITE_TRIGGERS,
            params=None,
        ),
    ]
