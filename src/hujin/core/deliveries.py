"""Per-subscriber delivery state: the ``EventDelivery`` rows and the retries they drive.

The dispatcher (``hujin.core.outbox``) hands each new event to every subscriber at once. Only a
subscriber that did not get it gets a row:

- it raised: a **pending** row, retried after 15 s, 30 s, 1 min, ... at most an hour apart, and
  **parked** after ``HUJIN_EVENTS_MAX_ATTEMPTS`` failed tries (default 10) for a person to retry
  or discard (``hujin.core.event_status``);
- an earlier event of the same aggregate is still open for it: a **waiting** row.

A retry for a subscriber name this process has not registered (during a rolling deploy, a worker
still on the previous release meets a subscriber the new release added or renamed) is left
pending, untried and not counted towards parking, for a worker that knows the subscriber. A
subscriber removed or renamed for good leaves such deliveries for ever: the console's
event-deliveries page lists them and discards them all at once (``hujin.core.event_status``).

A subscriber's events of one aggregate form a lane. Its first open row is pending or parked,
every later one waits; when the first is delivered (or discarded) the next one is tried at once.
So one subscriber that keeps failing holds back only its own lane: other subscribers, and its
other aggregates, carry on.

Locks, on PostgreSQL (SQLite lets one writer in at a time): a retry worker takes due pending
rows with ``FOR NO KEY UPDATE SKIP LOCKED`` and then the waiting rows of their lanes; the
dispatcher locks the open rows of the lanes it is about to add to (so it waits for a retry
worker that holds one, and never adds behind a row that was just delivered). Outbox rows are
locked last, in id order, to sum up their deliveries.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q, QuerySet

from hujin.core.models import OPEN_DELIVERY_STATUSES, DeliveryStatus, EventDelivery, OutboxEvent
from hujin.core.subscribers import DomainEvent, Handler, subscriber_handler

logger = logging.getLogger("hujin.core.events")

# Retry delay after the n-th failed delivery: 15 s, 30 s, 1 min, ... at most one hour.
RETRY_BASE = timedelta(seconds=15)
RETRY_MAX = timedelta(hours=1)
LAST_ERROR_MAX_CHARS = 2000
DEFAULT_MAX_ATTEMPTS = 10


def max_attempts() -> int:
    """Failed tries after which a delivery is parked (``HUJIN_EVENTS_MAX_ATTEMPTS``)."""
    return max(1, int(getattr(settings, "HUJIN_EVENTS_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)))


def retry_delay(attempts: int) -> timedelta:
    return min(RETRY_BASE * 2 ** min(attempts - 1, 20), RETRY_MAX)


def locked(queryset: QuerySet, *, skip_locked: bool = False, of: tuple[str, ...] = ()) -> QuerySet:
    """``SELECT ... FOR NO KEY UPDATE`` where the database has row locks (not on SQLite, whose
    IMMEDIATE transactions already let one writer in at a time)."""
    if not connection.features.has_select_for_update:
        return queryset
    return queryset.select_for_update(skip_locked=skip_locked, no_key=True, of=of)


def handler_call(handler: Handler, event: DomainEvent) -> str | None:
    """Run ``handler`` in a savepoint: None when it returned, else what it raised (its writes
    rolled back)."""
    try:
        with transaction.atomic():
            handler(event)
    except Exception as exc:
        # A subscriber may fail in any way; its failure is recorded on its own delivery and
        # retried, rather than stopping delivery for anyone else.
        return f"{type(exc).__name__}: {exc}"[:LAST_ERROR_MAX_CHARS]
    return None


def delivery_failed(delivery: EventDelivery, error: str, *, now: datetime):
    """Count a failed try on ``delivery`` (not saved): retried later, or parked."""
    delivery.attempts += 1
    delivery.last_error = error
    if delivery.attempts >= max_attempts():
        delivery.status = DeliveryStatus.PARKED
        delivery.parked_at = now
        delivery.next_attempt_at = None
    else:
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    logger.warning(
        "event %s (%s) for %s failed on attempt %s%s",
        delivery.event_id,
        getattr(delivery.event, "event_type", "?"),
        delivery.subscriber,
        delivery.attempts,
        ", parked" if delivery.status == DeliveryStatus.PARKED else "",
    )


def _delivery_defer(delivery: EventDelivery, *, now: datetime) -> None:
    """Leave ``delivery`` (not saved) pending for a worker that knows its subscriber: retried
    after the delay its failures so far call for, and not counted as a failed try."""
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = now + retry_delay(max(delivery.attempts, 1))
    delivery.last_error = (
        f"no subscriber {delivery.subscriber} for {delivery.event.event_type} in this process"
    )[:LAST_ERROR_MAX_CHARS]
    logger.warning(
        "event %s (%s) for %s: no such subscriber in this process (older code?); left pending, "
        "not counted as a failed try (a subscriber gone for good: discard its deliveries on the "
        "console's event-deliveries page)",
        delivery.event_id,
        delivery.event.event_type,
        delivery.subscriber,
    )


_UPDATED = ["status", "attempts", "last_error", "next_attempt_at", "parked_at", "settled_at"]
# What delivery_attempt answers for a delivery it left untried (not a stored status).
DEFERRED = "deferred"


def delivery_attempt(delivery: EventDelivery, *, now: datetime) -> str:
    """Try ``delivery`` (locked, its event loaded) once and save the outcome: its new status, or
    ``DEFERRED`` when this process has no such subscriber (``_delivery_defer``)."""
    event_row = delivery.event
    handler = subscriber_handler(event_row.event_type, delivery.subscriber)
    if handler is None:
        _delivery_defer(delivery, now=now)
        delivery.save(update_fields=_UPDATED)
        return DEFERRED
    error = handler_call(handler, DomainEvent.from_row(event_row, attempts=delivery.attempts))
    if error is None:
        delivery.attempts += 1
        delivery.status = DeliveryStatus.DELIVERED
        delivery.settled_at = now
        delivery.next_attempt_at = None
    else:
        delivery_failed(delivery, error, now=now)
    delivery.save(update_fields=_UPDATED)
    return delivery.status


def lane_next(delivery: EventDelivery) -> EventDelivery | None:
    """The first waiting delivery behind ``delivery`` in its lane, locked, event loaded."""
    queryset = EventDelivery.objects.select_related("event").filter(
        subscriber=delivery.subscriber,
        aggregate_type=delivery.aggregate_type,
        aggregate_id=delivery.aggregate_id,
        status=DeliveryStatus.WAITING,
    )
    return locked(queryset.order_by("event_id", "id"), of=("self",)).first()


def lane_promote(delivery: EventDelivery, *, now: datetime) -> None:
    """Make a waiting delivery its lane's pending one, due at once."""
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = now
    delivery.save(update_fields=["status", "next_attempt_at"])


def outbox_rows_sum_up(errors: dict[int, str | None], *, now: datetime) -> None:
    """Bring each outbox row's summary up to date with its deliveries (``errors``: event id ->
    the failure to record as its last error, or None). Locks the rows in id order."""
    for event_id in sorted(errors):
        row = locked(OutboxEvent.objects.filter(id=event_id)).only(
            "id", "attempts", "last_error", "next_attempt_at", "dispatched_at"
        )[0]
        totals = EventDelivery.objects.filter(event_id=event_id).aggregate(
            still_open=Count("id", filter=Q(status__in=OPEN_DELIVERY_STATUSES)),
            most_attempts=Max("attempts"),
            next_attempt_at=Min("next_attempt_at", filter=Q(status=DeliveryStatus.PENDING)),
        )
        row.attempts = max(row.attempts, totals["most_attempts"] or 0)
        row.next_attempt_at = totals["next_attempt_at"]
        if errors[event_id] is not None:
            row.last_error = errors[event_id]
        if not totals["still_open"] and row.dispatched_at is None:
            row.dispatched_at = now
        row.save(update_fields=["attempts", "last_error", "next_attempt_at", "dispatched_at"])


@dataclass(frozen=True, slots=True)
class RetryRun:
    taken: int  # deliveries tried
    delivered: int
    failed: int  # of which `parked` were parked
    parked: int
    held_back: int  # waiting, not yet due (counted up to the limit), or left for another worker


def deliveries_retry_due(*, now: datetime, limit: int) -> RetryRun:
    """Try up to ``limit`` deliveries whose time has come, each lane's in event order.

    A lane whose pending delivery goes through carries on with its waiting ones in the same
    transaction (within ``limit``; the next one left is made pending, due at once).
    """
    delivered = failed = parked = taken = deferred = 0
    errors: dict[int, str | None] = {}
    tried: list[int] = []
    with transaction.atomic():
        due = EventDelivery.objects.select_related("event").filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        )
        heads = list(
            locked(due.order_by("next_attempt_at", "id"), skip_locked=True, of=("self",))[:limit]
        )
        heads.sort(key=lambda d: (d.event_id, d.id))
        for head in heads:
            if taken >= limit:
                break
            delivery: EventDelivery | None = head
            while delivery is not None:
                taken += 1
                tried.append(delivery.id)
                status = delivery_attempt(delivery, now=now)
                if status == DEFERRED:
                    deferred += 1
                    errors.setdefault(delivery.event_id, None)  # its next try moved
                    break
                failure = None if status == DeliveryStatus.DELIVERED else delivery.last_error
                errors[delivery.event_id] = failure or errors.get(delivery.event_id)
                if status != DeliveryStatus.DELIVERED:
                    failed += 1
                    parked += status == DeliveryStatus.PARKED
                    break
                delivered += 1
                delivery = lane_next(delivery)
                if delivery is not None and taken >= limit:
                    lane_promote(delivery, now=now)
                    delivery = None
        held_back = deferred + (
            EventDelivery.objects.filter(
                Q(status=DeliveryStatus.WAITING)
                | Q(status=DeliveryStatus.PENDING, next_attempt_at__gt=now)
            )
            .exclude(id__in=tried)[:limit]
            .count()
        )
        outbox_rows_sum_up(errors, now=now)
    return RetryRun(
        taken=taken, delivered=delivered, failed=failed, parked=parked, held_back=held_back
    )
