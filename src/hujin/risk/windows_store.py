"""The window aggregates' shared state: every event under each of its keys, in the database, so
that every app process on every machine reads the same windows.

It is held to the in-memory reference model (``windows.Windows``): the same events recorded
give the same aggregates (``tests/risk/test_windows_store.py`` checks it on random histories).

- **One evaluation reads a few rows.** The aggregates of one event are one statement
  (``windows_sql``): each aggregate a ``FILTER`` over the rows of its subject inside the longest
  window asked, found by the index on (per, subject, occurred_at); a customer's older history is
  never read.
- **Many processes.** ``subjects_lock`` takes a transaction-level advisory lock per subject
  (PostgreSQL), all of one event's in one statement and in one order, before the aggregates are
  read; the event is recorded in the same transaction as the movement it describes. Two
  movements of one customer therefore take turns, and the second reads the first: no customer
  slips past a window limit however many processes serve it. On SQLite the IMMEDIATE
  transactions Hujin uses already let one writer in at a time.
- **No personal data in the clear.** A device and an IP address are kept as blind indexes
  (``subject_of``); a customer and a card by their ids.
- **Kept for ``KEEP``**: the longest window the rules' language allows, and a day; the COB step
  ``risk.windows_prune`` deletes what is older.
"""

import hashlib
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import connection

from hujin.core.crypto import blind_index
from hujin.core.dates import business_time_zone
from hujin.core.sql import Dialect, hot_insert_rows, hot_rows
from hujin.risk.expressions import MAX_WINDOW_SECONDS
from hujin.risk.inforce import STAMP_SQL
from hujin.risk.models import WindowEntry
from hujin.risk.types import Aggregate
from hujin.risk.windows import WindowEvent
from hujin.risk.windows_sql import side_read

KEEP = timedelta(seconds=MAX_WINDOW_SECONDS) + timedelta(days=1)
BLIND = ("device", "ip")  # kept as blind indexes
LOCK_CLASS = 0x524B  # the first key of the risk module's advisory locks ("RK")


def subject_of(per: str, value: str) -> str:
    """How ``value`` is kept as a subject under ``per``: a device or an IP as a blind index."""
    return blind_index(value, purpose=f"risk.window.{per}") if per in BLIND else value


def subjects_lock(subjects: Iterable[tuple[str, str]]) -> tuple | None:
    """Make the transactions of events sharing a subject take turns (inside the transaction;
    PostgreSQL only). All the locks of one event are taken in one statement, in one order,
    which also reads the rules' generation in force (``inforce.STAMP_SQL``'s row, returned;
    None on SQLite)."""
    if connection.vendor != "postgresql":
        return None
    keys = sorted({_lock_key(per, subject) for per, subject in subjects if subject})
    (row,) = hot_rows(Dialect(), _LOCK_SQL, [LOCK_CLASS, keys])  # prepared once per connection
    return row[:2]


# COUNT(*) takes every lock (in the keys' order); the generation is read beside them.
_LOCK_SQL = (
    "SELECT s.generation, s.token, l.n FROM (SELECT COUNT(*) AS n FROM (SELECT "
    "pg_advisory_xact_lock(%s, k) FROM unnest(%s::int[]) AS k ORDER BY k) t) l "
    f"LEFT JOIN ({STAMP_SQL}) s ON true"
)


def _lock_key(per: str, subject: str) -> int:
    digest = hashlib.blake2b(f"{per}:{subject}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


def aggregates_read(
    aggregates: Iterable[Aggregate], keys: dict[str, str], now: datetime
) -> dict[Aggregate, int]:
    """Each aggregate over the events of its subject (``keys[a.per]``) in ``(now - window,
    now]``, in one statement (``windows_sql``); an aggregate whose subject the event has not
    is 0."""
    return side_read(tuple(dict.fromkeys(aggregates)), keys, now).aggregates


def entries_record(*events: WindowEvent, event_id: uuid.UUID) -> None:
    """Keep each event under each of its keys (subjects as ``subject_of`` keeps them), in one
    plain statement."""
    hot_insert_rows(Dialect(), *entries_insert(*events, event_id=event_id))


def entries_insert(*events: WindowEvent, event_id: uuid.UUID) -> tuple:
    """``entries_record``'s insert as ``(table, columns, rows)``, for a caller that writes it in
    a statement of its own (``hujin.core.sql.hot_insert_tables``)."""
    zone, d = business_time_zone(), Dialect()
    return "risk_windowentry", _ENTRY_COLUMNS, [
        (per, subject, d.datetime_in(e.occurred_at), e.kind, e.direction, e.amount,
         e.counterparty, e.occurred_at.astimezone(zone).hour, d.uuid_in(event_id))
        for e in events for per, subject in e.keys.items() if subject
    ]  # fmt: skip


_ENTRY_COLUMNS = (
    "per",
    "subject",
    "occurred_at",
    "kind",
    "direction",
    "amount",
    "counterparty",
    "hour",
    "event",
)


def entries_counted(*, event_id: uuid.UUID, direction: str) -> bool:
    """Whether the windows hold an entry of the event in ``direction``."""
    return WindowEntry.objects.filter(event=event_id, direction=direction).exists()


def entries_forget(*, event_id: uuid.UUID) -> int:
    """Delete one event's entries (money that did not move after all); returns how many."""
    deleted, _ = WindowEntry.objects.filter(event=event_id).delete()
    return deleted


def entries_prune(*, now: datetime) -> int:
    """Delete the entries no window can read any more; returns how many."""
    deleted, _ = WindowEntry.objects.filter(occurred_at__lt=now - KEEP).delete()
    return deleted
