"""``hujin keys status`` and ``hujin keys rotate``: which data key seals which rows, and
re-encryption of every personal-data column under the active key.

Rotation runbook (docs/modules/compliance.md): put the new key first in ``HUJIN_DATA_KEYS`` (keep
the old ones), restart the app processes, run ``hujin keys rotate``, check ``hujin keys status``
shows no row under an old key (run rotate again if a process still had the old keyring), then drop
the old keys. In development ``hujin keys rotate --new-key`` does the first two steps itself.

Rotation is safe while the platform runs: each batch is its own short transaction, a row is
rewritten only if its ciphertext is still the one that was read (compare-and-set), and old keys
keep decrypting throughout. It is resumable: a second run only touches rows not yet under the
active key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from hujin.core import crypto
from hujin.core.actors import Actor, system_actor
from hujin.core.audit import audit_record
from hujin.core.events import event_emit

DEFAULT_BATCH_SIZE = 500
UNREADABLE = "?"  # not a Hujin ciphertext


@dataclass(frozen=True, slots=True)
class EncryptedColumn:
    field: crypto.EncryptedTextField

    @property
    def label(self) -> str:
        return f"{self.field.model._meta.label_lower}.{self.field.name}"

    @property
    def table(self) -> str:
        return connection.ops.quote_name(self.field.model._meta.db_table)

    @property
    def column(self) -> str:
        return connection.ops.quote_name(self.field.column)

    @property
    def pk(self) -> str:
        return connection.ops.quote_name(self.field.model._meta.pk.column)


def encrypted_columns() -> list[EncryptedColumn]:
    return sorted((EncryptedColumn(f) for f in crypto.encrypted_fields()), key=lambda c: c.label)


def key_usage(column: EncryptedColumn) -> dict[str, int]:
    """Non-empty rows of ``column`` per key id (``"?"`` for values that are not ciphertexts)."""
    col = column.column
    if connection.vendor == "postgresql":
        key_expr = f"split_part({col}, ':', 2)"
    else:
        key_expr = f"substr({col}, 4, instr(substr({col}, 4), ':') - 1)"
    sql = (
        f"SELECT CASE WHEN substr({col}, 1, 3) = 'v1:' THEN {key_expr} ELSE '{UNREADABLE}' END, "
        f"count(*) FROM {column.table} WHERE {col} IS NOT NULL AND {col} <> '' GROUP BY 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {key_id: count for key_id, count in cursor.fetchall()}


@dataclass(slots=True)
class RotateResult:
    column: str
    rotated: int = 0
    changed_meanwhile: int = 0  # rewritten by the platform between our read and write
    failed_ids: list[str] = field(default_factory=list)  # could not decrypt (key not configured)


def _batch(column: EncryptedColumn, *, prefix: str, after, batch_size: int) -> list[tuple]:
    col, pk = column.column, column.pk
    sql = (
        f"SELECT {pk}, {col} FROM {column.table} WHERE {col} IS NOT NULL AND {col} <> '' "
        f"AND substr({col}, 1, %s) <> %s"
    )
    params: list = [len(prefix), prefix]
    if after is not None:
        sql += f" AND {pk} > %s"
        params.append(after)
    sql += f" ORDER BY {pk} LIMIT %s"
    params.append(batch_size)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def rotate_column(
    column: EncryptedColumn, *, actor: Actor, now: datetime, batch_size: int = DEFAULT_BATCH_SIZE
) -> RotateResult:
    """Re-encrypt every row of ``column`` not sealed with the active key, batch by batch."""
    ring = crypto.keyring()
    prefix = f"{crypto.PREFIX}:{ring.active_id}:"
    result = RotateResult(column=column.label)
    after = None
    while rows := _batch(column, prefix=prefix, after=after, batch_size=batch_size):
        after = rows[-1][0]
        rotated, from_keys = 0, set()
        with transaction.atomic():
            for pk, token in rows:
                try:
                    plaintext = ring.decrypt(token, purpose=column.field.purpose)
                except crypto.DecryptionFailed:
                    result.failed_ids.append(str(pk))
                    continue
                sealed = ring.encrypt(plaintext, purpose=column.field.purpose)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {column.table} SET {column.column} = %s "
                        f"WHERE {column.pk} = %s AND {column.column} = %s",
                        [sealed, pk, token],
                    )
                    if cursor.rowcount == 1:
                        rotated += 1
                        from_keys.add(crypto.key_id_of(token))
                    else:
                        result.changed_meanwhile += 1
            if rotated:
                details = {"rows": rotated, "key_id": ring.active_id, "from": sorted(from_keys)}
                audit_record(
                    actor=actor, action="keys.rotated", target_type="core.encrypted_column",
                    target_id=column.label, occurred_at=now, after=details,
                )  # fmt: skip
                event_emit(
                    aggregate_type="core.encrypted_column", aggregate_id=column.label,
                    event_type="keys.rotated", payload=details, occurred_at=now,
                )  # fmt: skip
        result.rotated += rotated
    return result


def dev_key_add(*, now: datetime) -> str:
    """Development only: a new data key, first in the dev key file, then reload. Its id."""
    if os.environ.get("HUJIN_DATA_KEYS"):
        raise CommandError(
            "HUJIN_DATA_KEYS is set: keys come from the environment. Put the new key first "
            "there, restart the app processes, then run `hujin keys rotate` without --new-key."
        )
    existing = crypto.keyring().keys  # creates the dev key file on first use
    key_id = f"k{now:%Y%m%d%H%M%S}"
    suffix = 1
    while key_id in existing:
        suffix += 1
        key_id = f"k{now:%Y%m%d%H%M%S}-{suffix}"
    path = crypto.dev_keys_file()
    spec = f"{key_id}:{crypto.new_key_material()}," + path.read_text().strip()
    crypto.parse_data_keys(spec)  # refuse to write anything unreadable
    tmp = path.with_suffix(".tmp")
    tmp.write_text(spec + "\n")
    tmp.chmod(0o600)
    os.replace(tmp, path)
    crypto.reload_keyring()
    return key_id


class Command(BaseCommand):
    help = "Personal-data keys: status (rows per key), rotate (re-encrypt under the active key)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("status", help="configured keys and, per encrypted column, rows per key")
        rotate = sub.add_parser("rotate", help="re-encrypt every row not under the active key")
        rotate.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
        rotate.add_argument(
            "--new-key",
            action="store_true",
            help="development only: generate a key, make it active, then rotate",
        )

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "status":
            return self.status()
        return self.rotate(batch_size=options["batch_size"], new_key=options["new_key"])

    def status(self) -> None:
        ring = crypto.keyring()
        self.stdout.write(f"active key: {ring.active_id}")
        self.stdout.write(f"configured keys: {', '.join(ring.keys)}")
        behind = unreadable = 0
        for column in encrypted_columns():
            usage = key_usage(column)
            parts = []
            for key_id, count in sorted(usage.items()):
                note = ""
                if key_id == ring.active_id:
                    note = " (active)"
                elif key_id in ring.keys:
                    behind += count
                else:
                    note = " (NOT CONFIGURED: unreadable)"
                    unreadable += count
                parts.append(f"{key_id}: {count}{note}")
            self.stdout.write(f"  {column.label}: {'; '.join(parts) if parts else 'no rows'}")
        if unreadable:
            self.stdout.write(self.style.ERROR(f"{unreadable} rows are under keys not configured"))
        if behind:
            self.stdout.write(f"{behind} rows under older keys: run `hujin keys rotate`")
        elif not unreadable:
            self.stdout.write(self.style.SUCCESS("every row is under the active key"))

    def rotate(self, *, batch_size: int, new_key: bool) -> None:
        if not 1 <= batch_size <= 10_000:
            raise CommandError("--batch-size must be between 1 and 10000")
        now = timezone.now()
        if new_key:
            self.stdout.write(f"new active key: {dev_key_add(now=now)}")
        actor = system_actor("keys rotate")
        failed = 0
        for column in encrypted_columns():
            result = rotate_column(column, actor=actor, now=now, batch_size=batch_size)
            failed += len(result.failed_ids)
            line = f"  {column.label}: {result.rotated} rows re-encrypted"
            if result.changed_meanwhile:
                line += f", {result.changed_meanwhile} changed meanwhile (run again)"
            if result.failed_ids:
                line += f", {len(result.failed_ids)} unreadable (ids {result.failed_ids[:5]})"
            self.stdout.write(line)
        if failed:
            raise CommandError(
                f"{failed} rows could not be decrypted: is every old key configured?"
            )
        self.stdout.write(
            self.style.SUCCESS(f"rotation done; active key {crypto.keyring().active_id}")
        )
