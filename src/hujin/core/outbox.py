"""The outbox dispatcher: every new event to every subscriber, then each subscriber's retries.

``outbox_dispatch`` (re-exported by ``hujin.core.events``) runs two short transactions:

1. retries: deliveries whose retry time has come, each lane in event order
   (``hujin.core.deliveries``);
2. fan-out: the oldest events not yet handed out, in id order. Each subscriber's handler runs in
   a savepoint; a subscriber that raises, or that still has an earlier event of the same
   aggregate open, gets an ``EventDelivery`` row of its own and the others carry on. An event
   every subscriber took (or that nobody subscribes to) is marked dispatched at once, so the
   common case writes no delivery rows at all.

Several workers: on PostgreSQL each takes its events with ``FOR NO KEY UPDATE SKIP LOCKED`` and
holds back an aggregate whose earlier event another worker holds, so it never overtakes it; on
SQLite the IMMEDIATE transaction lets one worker in at a time.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest

from hujin.core.deliveries import deliveries_retry_due, delivery_failed, handler_call, locked
from hujin.core.models import OPEN_DELIVERY_STATUSES, DeliveryStatus, EventDelivery, OutboxEvent
from hujin.core.subscribers import DomainEvent, subscriptions

logger = logging.getLogger("hujin.core.events")

Lane = tuple[str, str, str]  # subscriber, aggregate_type, aggregate_id


@dataclass(frozen=True, slots=True)
class DispatchReport:
    selected: int  # new events and due deliveries this run took (at most `limit` of each)
    delivered: int  # events every subscriber took, and retried deliveries that went through
    failed: int  # events some subscriber failed, and retried deliveries that failed again
    held_back: int  # behind an earlier event of the same aggregate, or not yet due
    parked: int = 0  # deliveries that failed for the last time: see the dead-letter page


def outbox_dispatch(*, now: datetime, limit: int = 500) -> DispatchReport:
    """Retry up to ``limit`` due deliveries, then hand up to ``limit`` new events out.

    At least once, per subscriber: a subscriber's database writes commit together with its
    delivery mark; one that raises is retried on its own, later, and holds back only its own later
    events of the same aggregate.
    """
    retry = deliveries_retry_due(now=now, limit=limit)
    fan = _fan_out(now=now, limit=limit)
    report = DispatchReport(
        selected=retry.taken + fan.selected,
        delivered=retry.delivered + fan.delivered,
        failed=retry.failed + fan.failed,
        held_back=retry.held_back + fan.held_back,
        parked=retry.parked + fan.parked,
    )
    if report.failed:
        logger.warning("outbox dispatch: %s", report)
    return report


def _fan_out(*, now: datetime, limit: int) -> DispatchReport:
    delivered = failed = held_back = parked = 0
    with transaction.atomic():
        batch = _batch_lock(limit)
        blocked = _aggregates_held_elsewhere(batch)
        open_lanes = _open_lanes(batch)
        done: list[int] = []
        deliveries: list[EventDelivery] = []
        for row in batch:
            if (row.aggregate_type, row.aggregate_id) in blocked:
                held_back += 1
                continue
            created = _hand_out(row, open_lanes, now=now)
            if not created:
                done.append(row.id)
                delivered += 1
                continue
            deliveries.extend(created)
            failures = [d for d in created if d.status != DeliveryStatus.WAITING]
            failed += bool(failures)
            held_back += not failures
            parked += sum(d.status == DeliveryStatus.PARKED for d in failures)
            _mark_handed_out(row, created, now=now)
        EventDelivery.objects.bulk_create(deliveries)
        if done:
            OutboxEvent.objects.filter(id__in=done).update(
                fanned_out_at=now,
                dispatched_at=now,
                next_attempt_at=None,
                attempts=Greatest(F("attempts"), Value(1)),
            )
    return DispatchReport(
        selected=len(batch), delivered=delivered, failed=failed, held_back=held_back, parked=parked
    )


def _hand_out(row: OutboxEvent, open_lanes: set[Lane], *, now: datetime) -> list[EventDelivery]:
    """Call every subscriber of ``row`` whose lane is clear; the deliveries of the others."""
    event = DomainEvent.from_row(row)
    created: list[EventDelivery] = []
    for name, handler in subscriptions(row.event_type):
        lane = (name, row.aggregate_type, row.aggregate_id)
        if lane in open_lanes:
            created.append(_delivery(row, name, DeliveryStatus.WAITING, now=now))
            continue
        error = handler_call(handler, event)
        if error is None:
            continue
        delivery = _delivery(row, name, DeliveryStatus.PENDING, now=now)
        delivery_failed(delivery, error, now=now)
        created.append(delivery)
        open_lanes.add(lane)
    return created


def _delivery(row: OutboxEvent, subscriber: str, status: str, *, now: datetime) -> EventDelivery:
    return EventDelivery(
        event=row,
        subscriber=subscriber,
        aggregate_type=row.aggregate_type,
        aggregate_id=row.aggregate_id,
        status=status,
        created_at=now,
    )


def _mark_handed_out(row: OutboxEvent, created: list[EventDelivery], *, now: datetime) -> None:
    """An event some subscriber did not take: handed out, not dispatched; its summary."""
    errors = [d.last_error for d in created if d.last_error]
    retries = [d.next_attempt_at for d in created if d.next_attempt_at is not None]
    row.fanned_out_at = now
    row.attempts = max(row.attempts, 1)
    row.next_attempt_at = min(retries) if retries else None
    if errors:
        row.last_error = errors[-1]
    row.save(update_fields=["fanned_out_at", "attempts", "next_attempt_at", "last_error"])


def _batch_lock(limit: int) -> list[OutboxEvent]:
    queryset = OutboxEvent.objects.filter(
        dispatched_at__isnull=True, fanned_out_at__isnull=True
    ).order_by("id")
    return list(locked(queryset, skip_locked=True)[:limit])


def _aggregates_held_elsewhere(batch: list[OutboxEvent]) -> set[tuple[str, str]]:
    """Aggregates with an event not handed out yet, before our first one, not in our batch.

    Only possible with SKIP LOCKED: another worker holds that earlier event, so handing ours
    out now could overtake it.
    """
    if not batch or not connection.features.has_select_for_update_skip_locked:
        return set()
    first_in_batch: dict[tuple[str, str], int] = {}
    for row in batch:
        first_in_batch.setdefault((row.aggregate_type, row.aggregate_id), row.id)
    elsewhere = (
        OutboxEvent.objects.filter(
            dispatched_at__isnull=True, fanned_out_at__isnull=True, id__lt=batch[-1].id
        )
        .exclude(id__in=[row.id for row in batch])
        .values_list("aggregate_type", "aggregate_id", "id")
    )
    return {
        (agg_type, agg_id)
        for agg_type, agg_id, event_id in elsewhere
        if event_id < first_in_batch.get((agg_type, agg_id), -1)
    }


def _open_lanes(batch: list[OutboxEvent]) -> set[Lane]:
    """The lanes of this batch's aggregates that still have an open delivery.

    Locked: a retry worker delivering a lane's pending row finishes first, so its outcome (and
    the next row it made pending) is what we see, never a row it has just delivered.
    """
    keys = {(row.aggregate_type, row.aggregate_id) for row in batch}
    if not keys:
        return set()
    rows = locked(
        EventDelivery.objects.filter(
            status__in=OPEN_DELIVERY_STATUSES,
            aggregate_id__in=sorted({aggregate_id for _, aggregate_id in keys}),
        ).order_by("id")
    ).values_list("subscriber", "aggregate_type", "aggregate_id")
    return {lane for lane in rows if (lane[1], lane[2]) in keys}
