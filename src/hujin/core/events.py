"""Domain events through the transactional outbox: the public face.

``event_emit`` writes an outbox row in the caller's transaction and, once that transaction
commits, requests a dispatch. ``outbox_dispatch`` (``hujin.core.outbox``) hands each event to the
subscribers registered with ``event_subscribe`` (``hujin.core.subscribers``), each on its own:

- at least once, per subscriber: a subscriber's database writes commit together with its
  delivery mark; one that raises is retried on its own (``hujin.core.deliveries``), so handlers
  must be idempotent (key them on ``event.event_id``);
- in order per aggregate, per subscriber: a subscriber that fails an event gets none of the later
  events of that aggregate until it succeeds; other subscribers and other aggregates carry on;
- a delivery that keeps failing is parked after ``HUJIN_EVENTS_MAX_ATTEMPTS`` tries, for a person
  to retry or discard (``hujin.core.event_status``, the console's dead-letter page);
- safe with several workers (``FOR NO KEY UPDATE SKIP LOCKED`` on PostgreSQL, one writer at a
  time on SQLite).

How a dispatch is requested after a commit is a hook: ``hujin.core.tasks`` installs the task
queue's (``dispatch_requester_set``) from ``CoreConfig.ready()``, so this module imports nothing
above it. A periodic task sweeps the outbox every minute, so an event whose request was lost
(queue down, process killed) is still delivered.
"""

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from hujin.core.deliveries import LAST_ERROR_MAX_CHARS, RETRY_BASE, RETRY_MAX
from hujin.core.ids import new_id
from hujin.core.models import OutboxEvent
from hujin.core.outbox import DispatchReport, outbox_dispatch
from hujin.core.sql import Dialect, hot_cursor
from hujin.core.subscribers import DomainEvent, Handler, event_subscribe, event_subscribers

__all__ = [
    "LAST_ERROR_MAX_CHARS",
    "RETRY_BASE",
    "RETRY_MAX",
    "DispatchReport",
    "DomainEvent",
    "Handler",
    "dispatch_after_commit",
    "dispatch_request",
    "dispatch_requester_set",
    "event_emit",
    "event_subscribe",
    "event_subscribers",
    "outbox_dispatch",
]

logger = logging.getLogger(__name__)


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


_requester: Callable[[], None] | None = None


def dispatch_requester_set(requester: Callable[[], None] | None) -> None:
    """How ``dispatch_request`` asks for a dispatch (``hujin.core.tasks`` sets the task queue's
    from ``CoreConfig.ready()``; None: nothing is requested, the periodic sweep delivers)."""
    global _requester
    _requester = requester


def dispatch_request() -> None:
    """Request a dispatch through the installed requester. Never raises: the periodic sweep
    catches anything missed."""
    requester = _requester
    if requester is None:
        return
    try:
        requester()
    except Exception:
        # The caller's write has committed; a queue outage (Redis down, queue file locked...) must
        # not turn it into an error. The sweep delivers the event within a minute.
        logger.warning("could not enqueue outbox dispatch; the periodic sweep will deliver it")
