"""Domain events through the transactional outbox.

``event_emit`` writes an outbox row in the caller's transaction and, once that transaction
commits, asks the task queue to dispatch. ``outbox_dispatch`` delivers undispatched events to the
handlers registered with ``event_subscribe``:

- at least once: an event is marked dispatched only in the same transaction as its handlers'
  database writes; a crash or a failing handler means it is delivered again later, so handlers
  must be idempotent (key them on ``event.event_id``);
- in order per aggregate: events are delivered in id order, and when one fails, every later event
  of the same aggregate waits until it succeeds (other aggregates carry on);
- safe with several workers: on PostgreSQL each worker locks its batch with
  ``SELECT ... FOR UPDATE SKIP LOCKED`` and holds back an aggregate whose earlier event another
  worker holds; on SQLite the IMMEDIATE transaction lets one worker in at a time.

A periodic task sweeps the outbox every minute, so an event whose after-commit enqueue was lost
(queue down, process killed) is still delivered.
"""

import logging
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction

from hujin.core.ids import new_id
from hujin.core.models import OutboxEvent
from hujin.core.sql import Dialect, hot_cursor

logger = logging.getLogger(__name__)

# Retry delay after the n-th failed delivery: 15 s, 30 s, 1 min, ... at most one hour.
RETRY_BASE = timedelta(seconds=15)
RETRY_MAX = timedelta(hours=1)
LAST_ERROR_MAX_CHARS = 2000


@dataclass(frozen=True, slots=True)
class DomainEvent:
    """What a subscriber receives: a read-only copy of one outbox row."""

    id: int
    event_id: uuid.UUID
    aggregate_type: str
    aggregate_id: str
    event_type: str
    payload: dict[str, Any]
    occurred_at: datetime
    attempts: int  # deliveries tried before this one

    @classmethod
    def from_row(cls, row: OutboxEvent) -> "DomainEvent":
        return cls(
            id=row.id,
            event_id=row.event_id,
            aggregate_type=row.aggregate_type,
            aggregate_id=row.aggregate_id,
            event_type=row.event_type,
            payload=row.payload,
            occurred_at=row.occurred_at,
            attempts=row.attempts,
        )


Handler = Callable[[DomainEvent], None]

_subscribers: dict[str, list[Handler]] = defaultdict(list)


def event_subscribe(event_type: str, handler: Handler) -> None:
    """Deliver every event of ``event_type`` to ``handler``. Call from AppConfig.ready().

    A handler runs inside the dispatcher's transaction (in a savepoint): its database writes
    commit together with the event's "dispatched" mark, or roll back if it raises. Registering the
    same handler twice has no effect.
    """
    handlers = _subscribers[event_type]
    if handler not in handlers:
        handlers.append(handler)


def event_subscribers(event_type: str) -> tuple[Handler, ...]:
    return tuple(_subscribers.get(event_type, ()))


def event_emit(
    *,
    aggregate_type: str,
    aggregate_id: str,
    event_type: str,
    payload: dict[str, Any],
    occurred_at: datetime,
) -> OutboxEvent:
    """Record a domain event. Must run inside the caller's transaction.

    Dispatch is requested after that transaction commits; if it rolls back, the event is gone.
    """
    d = Dialect()
    assert d.conn.in_atomic_block, "event_emit must run inside the write's transaction"
    event = OutboxEvent(
        event_id=new_id(),
        aggregate_type=aggregate_type,
        aggregate_id=str(aggregate_id),
        event_type=event_type,
        payload=payload,
        occurred_at=occurred_at,
    )
    _insert(d, event)
    dispatch_after_commit(d)
    return event


def dispatch_after_commit(d: Dialect) -> None:
    """Request a dispatch once the current transaction commits (at once outside a transaction:
    for a database function that wrote its own outbox rows in one autocommitted statement)."""
    # One request per transaction is enough, however many events it emits. Django keeps the
    # pending callbacks as (savepoint ids, callable, robust); callbacks of a rolled-back savepoint
    # are dropped from that list, so a request is only skipped when one is still pending.
    if not any(entry[1] is dispatch_request for entry in d.conn.run_on_commit):
        d.conn.on_commit(dispatch_request, robust=True)


_INSERT_SQL = (
    "INSERT INTO core_outboxevent (event_id, aggregate_type, aggregate_id, event_type, payload, "
    "occurred_at, attempts, last_error) VALUES (%s, %s, %s, %s, %s, %s, 0, '')"
)


def _insert(d: Dialect, event: OutboxEvent) -> None:
    """One plain INSERT (every write path emits events; the ORM's save costs several times more)."""
    params = [
        d.uuid_in(event.event_id),
        event.aggregate_type,
        event.aggregate_id,
        event.event_type,
        d.json_in(event.payload),
        d.datetime_in(event.occurred_at),
    ]
    with hot_cursor(d) as cursor:
        if d.postgres:
            d.execute(cursor, _INSERT_SQL + " RETURNING id", params)
            event.id = cursor.fetchone()[0]
        else:
            cursor.execute(_INSERT_SQL, params)
            event.id = cursor.lastrowid
    event._state.adding = False
    event._state.db = d.conn.alias


# A busy process commits thousands of transactions a second; one queued dispatch per short
# window serves them all (it drains the whole outbox), instead of one queue write per commit.
DISPATCH_DEBOUNCE_S = 0.5
_dispatch_lock = threading.Lock()
_dispatch_due_at = 0.0  # monotonic time at which this process's last queued dispatch runs


def dispatch_request() -> None:
    """Queue a dispatch task. Never raises: the periodic sweep catches anything missed."""
    global _dispatch_due_at
    try:
        from huey.contrib.djhuey import HUEY

        from hujin.core.tasks import outbox_dispatch_task

        if HUEY.immediate:
            outbox_dispatch_task()
            return
        with _dispatch_lock:
            now = time.monotonic()
            if now < _dispatch_due_at - 0.05:
                return  # a dispatch already queued runs after this commit and will see it
            _dispatch_due_at = now + DISPATCH_DEBOUNCE_S
        outbox_dispatch_task.schedule(delay=DISPATCH_DEBOUNCE_S)
    except Exception:
        # The caller's write has committed; a queue outage (Redis down, queue file locked...) must
        # not turn it into an error. The sweep delivers the event within a minute.
        logger.warning("could not enqueue outbox dispatch; the periodic sweep will deliver it")


@dataclass(frozen=True, slots=True)
class DispatchReport:
    selected: int  # undispatched events this run looked at (at most `limit`)
    delivered: int  # marked dispatched (including events nobody subscribes to)
    failed: int  # a handler raised: attempts and last_error recorded, retried later
    held_back: int  # waiting behind an earlier event of the same aggregate, or not yet due


def outbox_dispatch(*, now: datetime, limit: int = 500) -> DispatchReport:
    """Deliver up to ``limit`` undispatched events, in id order, at least once.

    A handler that raises leaves its event undispatched (attempts, last_error and the next retry
    time recorded) and holds back every later event of the same aggregate in this run.
    """
    delivered = failed = held_back = 0
    with transaction.atomic():
        batch = _batch_lock(limit)
        blocked = _aggregates_held_elsewhere(batch)
        for row in batch:
            key = (row.aggregate_type, row.aggregate_id)
            if key in blocked:
                held_back += 1
                continue
            if row.next_attempt_at is not None and row.next_attempt_at > now:
                blocked.add(key)
                held_back += 1
                continue
            if _deliver(row, now=now):
                delivered += 1
            else:
                blocked.add(key)
                failed += 1
    report = DispatchReport(
        selected=len(batch), delivered=delivered, failed=failed, held_back=held_back
    )
    if failed:
        logger.warning("outbox dispatch: %s", report)
    return report


def _batch_lock(limit: int) -> list[OutboxEvent]:
    queryset = OutboxEvent.objects.filter(dispatched_at__isnull=True).order_by("id")
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True)
    return list(queryset[:limit])


def _aggregates_held_elsewhere(batch: list[OutboxEvent]) -> set[tuple[str, str]]:
    """Aggregates with an undispatched event before our first one that is not in our batch.

    Only possible with SKIP LOCKED: another worker holds that earlier event, so delivering ours
    now could overtake it.
    """
    if not batch or not connection.features.has_select_for_update_skip_locked:
        return set()
    first_in_batch: dict[tuple[str, str], int] = {}
    for row in batch:
        first_in_batch.setdefault((row.aggregate_type, row.aggregate_id), row.id)
    elsewhere = (
        OutboxEvent.objects.filter(dispatched_at__isnull=True, id__lt=batch[-1].id)
        .exclude(id__in=[row.id for row in batch])
        .values_list("aggregate_type", "aggregate_id", "id")
    )
    return {
        (agg_type, agg_id)
        for agg_type, agg_id, event_id in elsewhere
        if event_id < first_in_batch.get((agg_type, agg_id), -1)
    }


def _deliver(row: OutboxEvent, *, now: datetime) -> bool:
    event = DomainEvent.from_row(row)
    try:
        with transaction.atomic():
            for handler in event_subscribers(row.event_type):
                handler(event)
    except Exception as exc:
        # A subscriber may fail in any way; the dispatcher records it and retries later rather
        # than letting one event stop delivery for every other aggregate.
        row.attempts += 1
        row.last_error = f"{type(exc).__name__}: {exc}"[:LAST_ERROR_MAX_CHARS]
        row.next_attempt_at = now + _retry_delay(row.attempts)
        row.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        logger.warning(
            "event %s (%s) failed on attempt %s: %s",
            row.id,
            row.event_type,
            row.attempts,
            type(exc).__name__,
        )
        return False
    row.attempts += 1
    row.dispatched_at = now
    row.next_attempt_at = None
    row.save(update_fields=["attempts", "dispatched_at", "next_attempt_at"])
    return True


def _retry_delay(attempts: int) -> timedelta:
    return min(RETRY_BASE * 2 ** min(attempts - 1, 20), RETRY_MAX)
