"""How far behind each subscriber is, and the dead letters: parked deliveries a person retries or
discards.

``event_lag`` serves ``hujin events status`` and the console; ``dead_letters_get``,
``event_delivery_retry`` and ``event_delivery_discard`` serve the console's dead-letter page
(permission ``core.manage_events``). Retry and discard are audited in their own transaction and
idempotent: a delivery that is no longer parked is left as it is and reported unchanged.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Min
from django.utils.translation import gettext_lazy as _

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.deliveries import lane_next, lane_promote, locked, outbox_rows_sum_up
from hujin.core.errors import NotFound, PermissionDenied
from hujin.core.events import event_emit
from hujin.core.models import OPEN_DELIVERY_STATUSES, DeliveryStatus, EventDelivery, OutboxEvent
from hujin.core.subscribers import subscriber_event_types

MANAGE_EVENTS = "core.manage_events"
PAGE_SIZE = 50
ERROR_SHOWN_CHARS = 300


class EventDeliveryNotFound(NotFound):
    code = "event_delivery_not_found"
    message = _("No such event delivery.")


@dataclass(frozen=True, slots=True)
class SubscriberLag:
    subscriber: str
    event_types: tuple[str, ...]
    registered: bool  # False: open deliveries under a name no longer subscribed in this process
    undelivered: int  # events it has not had yet: not handed out, or its delivery still open
    oldest_undelivered_at: datetime | None  # when the oldest of them occurred
    age_seconds: int | None  # how long ago that was (at `now`)
    pending: int  # failed, retried when due
    waiting: int  # behind an earlier event of the same aggregate
    parked: int  # failed for good until someone retries or discards them

    def as_dict(self) -> dict[str, Any]:
        oldest = self.oldest_undelivered_at
        return {
            "subscriber": self.subscriber,
            "event_types": list(self.event_types),
            "registered": self.registered,
            "undelivered": self.undelivered,
            "oldest_undelivered_at": oldest.isoformat() if oldest else None,
            "age_seconds": self.age_seconds,
            "pending": self.pending,
            "waiting": self.waiting,
            "parked": self.parked,
        }


def event_lag(*, now: datetime) -> list[SubscriberLag]:
    """Per subscriber: how many events it has not had yet and how old the oldest is.

    Two grouped reads of small sets: events not yet handed out (a partial index) and open
    deliveries.
    """
    types_of = subscriber_event_types()
    new_by_type = {
        row["event_type"]: (row["n"], row["oldest"])
        for row in OutboxEvent.objects.filter(
            dispatched_at__isnull=True, fanned_out_at__isnull=True
        )
        .values("event_type")
        .annotate(n=Count("id"), oldest=Min("occurred_at"))
        .order_by()
    }
    open_counts: dict[str, dict[str, int]] = {}
    open_oldest: dict[str, datetime] = {}
    for row in (
        EventDelivery.objects.filter(status__in=OPEN_DELIVERY_STATUSES)
        .values("subscriber", "status")
        .annotate(n=Count("id"), oldest=Min("event__occurred_at"))
        .order_by()
    ):
        name = row["subscriber"]
        open_counts.setdefault(name, {})[row["status"]] = row["n"]
        earliest = min(filter(None, [open_oldest.get(name), row["oldest"]]), default=None)
        if earliest is not None:
            open_oldest[name] = earliest
    lags = []
    for name in sorted(set(types_of) | set(open_counts)):
        counts = open_counts.get(name, {})
        new = [new_by_type[t] for t in types_of.get(name, ()) if t in new_by_type]
        times = [oldest for _, oldest in new] + [open_oldest.get(name)]
        oldest = min(filter(None, times), default=None)
        lags.append(
            SubscriberLag(
                subscriber=name,
                event_types=types_of.get(name, ()),
                registered=name in types_of,
                undelivered=sum(n for n, _ in new) + sum(counts.values()),
                oldest_undelivered_at=oldest,
                age_seconds=max(0, int((now - oldest).total_seconds())) if oldest else None,
                pending=counts.get(DeliveryStatus.PENDING, 0),
                waiting=counts.get(DeliveryStatus.WAITING, 0),
                parked=counts.get(DeliveryStatus.PARKED, 0),
            )
        )
    return lags


@dataclass(frozen=True, slots=True)
class ParkedDelivery:
    id: int
    subscriber: str
    event_id: int  # the outbox row
    event_type: str
    aggregate_type: str
    aggregate_id: str
    occurred_at: datetime
    attempts: int
    last_error: str  # at most ERROR_SHOWN_CHARS characters
    parked_at: datetime | None
    waiting_behind: int  # later events of its aggregate held back for this subscriber


@dataclass(frozen=True, slots=True)
class DeadLetters:
    lags: list[SubscriberLag]
    parked: list[ParkedDelivery]  # oldest first
    parked_total: int
    next_cursor: int | None  # ?after=


def _require_manager(actor: Actor) -> None:
    if not actor.has_scope(MANAGE_EVENTS):
        raise PermissionDenied(details={"required_permission": MANAGE_EVENTS})


def dead_letters_get(
    *, actor: Actor, now: datetime, after: int | None = None, limit: int = PAGE_SIZE
) -> DeadLetters:
    """The lag of every subscriber and a page of parked deliveries, oldest first (``after``: the
    last id of the previous page). Raises PermissionDenied."""
    _require_manager(actor)
    parked = EventDelivery.objects.filter(status=DeliveryStatus.PARKED)
    page_rows = parked.filter(id__gt=after or 0).select_related("event").order_by("id")
    window = list(page_rows[: limit + 1])
    rows = window[:limit]
    behind = _waiting_behind(rows)
    return DeadLetters(
        lags=event_lag(now=now),
        parked=[
            ParkedDelivery(
                id=d.id,
                subscriber=d.subscriber,
                event_id=d.event_id,
                event_type=d.event.event_type,
                aggregate_type=d.aggregate_type,
                aggregate_id=d.aggregate_id,
                occurred_at=d.event.occurred_at,
                attempts=d.attempts,
                last_error=_shorten(d.last_error),
                parked_at=d.parked_at,
                waiting_behind=behind.get((d.subscriber, d.aggregate_type, d.aggregate_id), 0),
            )
            for d in rows
        ],
        parked_total=parked.count(),
        next_cursor=rows[-1].id if len(window) > limit else None,
    )


def _shorten(text: str) -> str:
    return text if len(text) <= ERROR_SHOWN_CHARS else text[: ERROR_SHOWN_CHARS - 1] + "…"


def _waiting_behind(rows: list[EventDelivery]) -> dict[tuple[str, str, str], int]:
    if not rows:
        return {}
    counts = (
        EventDelivery.objects.filter(
            status=DeliveryStatus.WAITING,
            aggregate_id__in={d.aggregate_id for d in rows},
            subscriber__in={d.subscriber for d in rows},
        )
        .values("subscriber", "aggregate_type", "aggregate_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(c["subscriber"], c["aggregate_type"], c["aggregate_id"]): c["n"] for c in counts}


@dataclass(frozen=True, slots=True)
class DeliveryActionResult:
    delivery_id: int
    changed: bool  # False: it was no longer parked, nothing was done
    status: str  # its status now


def event_delivery_retry(*, actor: Actor, delivery_id: int, now: datetime) -> DeliveryActionResult:
    """Queue a parked delivery again, due at once (that delivery only: the later events of its
    lane follow once it goes through). One more failure parks it again.

    Raises PermissionDenied, EventDeliveryNotFound.
    """
    _require_manager(actor)
    with transaction.atomic():
        delivery, unchanged = _parked_lock(delivery_id)
        if unchanged is not None:
            return unchanged
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = now
        delivery.parked_at = None
        delivery.save(update_fields=["status", "next_attempt_at", "parked_at"])
        outbox_rows_sum_up({delivery.event_id: None}, now=now)
        _record(delivery, actor=actor, action="retried", now=now)
    return DeliveryActionResult(delivery.id, changed=True, status=delivery.status)


def event_delivery_discard(
    *, actor: Actor, delivery_id: int, now: datetime
) -> DeliveryActionResult:
    """Give up a parked delivery: the subscriber never gets that event (the outbox row stays), and
    the next event of its lane is tried at once.

    Raises PermissionDenied, EventDeliveryNotFound.
    """
    _require_manager(actor)
    with transaction.atomic():
        delivery, unchanged = _parked_lock(delivery_id)
        if unchanged is not None:
            return unchanged
        delivery.status = DeliveryStatus.DISCARDED
        delivery.settled_at = now
        delivery.next_attempt_at = None
        delivery.save(update_fields=["status", "settled_at", "next_attempt_at"])
        touched: dict[int, str | None] = {delivery.event_id: None}
        following = lane_next(delivery)
        if following is not None:
            lane_promote(following, now=now)
            touched[following.event_id] = None
        outbox_rows_sum_up(touched, now=now)
        _record(delivery, actor=actor, action="discarded", now=now)
    return DeliveryActionResult(delivery.id, changed=True, status=delivery.status)


def _parked_lock(delivery_id: int) -> tuple[EventDelivery, DeliveryActionResult | None]:
    """The delivery, locked, and the answer to give at once when it is no longer parked (retry
    and discard then change nothing), else None. Raises EventDeliveryNotFound."""
    queryset = EventDelivery.objects.select_related("event").filter(id=delivery_id)
    delivery = locked(queryset, of=("self",)).first()
    if delivery is None:
        raise EventDeliveryNotFound(details={"id": delivery_id})
    if delivery.status != DeliveryStatus.PARKED:
        return delivery, DeliveryActionResult(delivery.id, changed=False, status=delivery.status)
    return delivery, None


def _record(delivery: EventDelivery, *, actor: Actor, action: str, now: datetime) -> None:
    """The audit entry and the event: names and ids only (a failure's text may hold anything)."""
    facts = {
        "subscriber": delivery.subscriber,
        "event_id": str(delivery.event.event_id),
        "event_type": delivery.event.event_type,
        "attempts": delivery.attempts,
    }
    audit_record(
        actor=actor,
        action=f"events.delivery_{action}",
        target_type="event_delivery",
        target_id=str(delivery.id),
        occurred_at=now,
        before={"status": DeliveryStatus.PARKED.value},
        after={"status": delivery.status, **facts},
    )
    event_emit(
        aggregate_type="event_delivery",
        aggregate_id=str(delivery.id),
        event_type=f"core.event_delivery_{action}",
        payload={"delivery_id": delivery.id, **facts},
        occurred_at=now,
    )
