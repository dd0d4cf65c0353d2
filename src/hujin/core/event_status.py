"""How far behind each subscriber is, and the dead letters: parked deliveries a person retries or
discards, and the deliveries of subscribers this deployment does not know.

``event_lag`` and ``unknown_subscribers`` (``hujin.core.event_lag``, re-exported here) serve
``hujin events status`` and the console; ``dead_letters_get``, ``event_delivery_retry``,
``event_delivery_discard`` and ``event_subscriber_deliveries_discard`` serve the console's
dead-letter page (permission ``core.manage_events``). Each action is audited in its own
transaction and idempotent: what is no longer there to act on is left as it is and reported
unchanged.

A delivery whose subscriber no process registers any more (removed or renamed for good) is never
tried and never parked: every worker leaves it pending for one that knows the subscriber
(``hujin.core.deliveries``). So the page lists the names with open deliveries that this process
(the web app: the same code as the workers) does not know, and discards all of one name's.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.deliveries import lane_next, lane_promote, locked, outbox_rows_sum_up
from hujin.core.errors import Conflict, NotFound, PermissionDenied
from hujin.core.event_lag import SubscriberLag, UnknownSubscriber, event_lag, unknown_subscribers
from hujin.core.events import event_emit
from hujin.core.models import OPEN_DELIVERY_STATUSES, DeliveryStatus, EventDelivery
from hujin.core.subscribers import subscriber_event_types

__all__ = [
    "ERROR_SHOWN_CHARS",
    "MANAGE_EVENTS",
    "PAGE_SIZE",
    "DeadLetters",
    "DeliveryActionResult",
    "EventDeliveryNotFound",
    "EventSubscriberRegistered",
    "ParkedDelivery",
    "SubscriberDiscardResult",
    "SubscriberLag",
    "UnknownSubscriber",
    "dead_letters_get",
    "event_delivery_discard",
    "event_delivery_retry",
    "event_lag",
    "event_subscriber_deliveries_discard",
    "unknown_subscribers",
]

MANAGE_EVENTS = "core.manage_events"
PAGE_SIZE = 50
ERROR_SHOWN_CHARS = 300
DISCARD_BATCH = 500  # open deliveries of one subscriber locked and discarded per statement


class EventDeliveryNotFound(NotFound):
    code = "event_delivery_not_found"
    message = _("No such event delivery.")


class EventSubscriberRegistered(Conflict):
    code = "event_subscriber_registered"
    message = _(
        "This subscriber is registered in this deployment, so its deliveries are still tried: "
        "retry or discard its parked deliveries one at a time."
    )


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
    unknown: list[UnknownSubscriber]  # open deliveries no code in this deployment takes
    parked: list[ParkedDelivery]  # oldest first
    parked_total: int
    next_cursor: int | None  # ?after=


def _require_manager(actor: Actor) -> None:
    if not actor.has_scope(MANAGE_EVENTS):
        raise PermissionDenied(details={"required_permission": MANAGE_EVENTS})


def dead_letters_get(
    *, actor: Actor, now: datetime, after: int | None = None, limit: int = PAGE_SIZE
) -> DeadLetters:
    """The lag of every subscriber, the names with open deliveries this deployment does not
    know, and a page of parked deliveries, oldest first (``after``: the last id of the previous
    page). Raises PermissionDenied."""
    _require_manager(actor)
    parked = EventDelivery.objects.filter(status=DeliveryStatus.PARKED)
    page_rows = parked.filter(id__gt=after or 0).select_related("event").order_by("id")
    window = list(page_rows[: limit + 1])
    rows = window[:limit]
    behind = _waiting_behind(rows)
    lags = event_lag(now=now)
    return DeadLetters(
        lags=lags,
        unknown=unknown_subscribers(lags),
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


def parked_count() -> int:
    """How many deliveries wait for a person (the console counts them in its menu)."""
    return EventDelivery.objects.filter(status=DeliveryStatus.PARKED).count()


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


@dataclass(frozen=True, slots=True)
class SubscriberDiscardResult:
    subscriber: str
    discarded: int  # 0: it had no open deliveries, nothing was done

    @property
    def changed(self) -> bool:
        return self.discarded > 0


def event_subscriber_deliveries_discard(
    *, actor: Actor, subscriber: str, now: datetime
) -> SubscriberDiscardResult:
    """Give up every open delivery (pending, waiting or parked) of a subscriber this deployment
    does not register: it never gets those events (the outbox rows stay), and an event no other
    subscriber still waits for counts as dispatched. One audit entry and one event, in the same
    transaction; a name with no open deliveries changes nothing.

    A name this process registers is refused: its workers still try its deliveries (retry or
    discard its parked ones one at a time). During a rolling deploy, a subscriber only the newer
    release has looks unknown to a process on the older one: wait until the deploy is done.

    Raises PermissionDenied, EventSubscriberRegistered.
    """
    _require_manager(actor)
    if subscriber in subscriber_event_types():
        raise EventSubscriberRegistered(details={"subscriber": subscriber})
    open_rows = EventDelivery.objects.filter(
        subscriber=subscriber, status__in=OPEN_DELIVERY_STATUSES
    ).order_by("id")
    by_status = dict.fromkeys(OPEN_DELIVERY_STATUSES, 0)
    touched: dict[int, str | None] = {}
    with transaction.atomic():
        # Each statement sees what committed before it (PostgreSQL's READ COMMITTED): a row a
        # worker on the newer release added meanwhile is taken by the next round.
        while batch := list(
            locked(open_rows).values_list("id", "event_id", "status")[:DISCARD_BATCH]
        ):
            EventDelivery.objects.filter(id__in=[row[0] for row in batch]).update(
                status=DeliveryStatus.DISCARDED, settled_at=now, next_attempt_at=None
            )
            for _id, event_id, status in batch:
                by_status[status] += 1
                touched[event_id] = None
        discarded = sum(by_status.values())
        if not discarded:
            return SubscriberDiscardResult(subscriber, discarded=0)
        outbox_rows_sum_up(touched, now=now)
        _record_subscriber_discard(subscriber, by_status, events=len(touched), actor=actor, now=now)
    return SubscriberDiscardResult(subscriber, discarded=discarded)


def _subscriber_ref(subscriber: str) -> str:
    """The name as an audit target or aggregate id (at most 64 characters): a longer name keeps
    its start and a digest of the whole."""
    if len(subscriber) <= 64:
        return subscriber
    return f"{subscriber[:47]}~{hashlib.sha256(subscriber.encode()).hexdigest()[:16]}"


def _record_subscriber_discard(
    subscriber: str, by_status: dict[str, int], *, events: int, actor: Actor, now: datetime
) -> None:
    facts = {"subscriber": subscriber, "discarded": sum(by_status.values()), "events": events}
    audit_record(
        actor=actor,
        action="events.subscriber_deliveries_discarded",
        target_type="event_subscriber",
        target_id=_subscriber_ref(subscriber),
        occurred_at=now,
        before={"registered": False, "open": by_status},
        after={"status": DeliveryStatus.DISCARDED.value, **facts},
    )
    event_emit(
        aggregate_type="event_subscriber",
        aggregate_id=_subscriber_ref(subscriber),
        event_type="core.event_subscriber_deliveries_discarded",
        payload=facts,
        occurred_at=now,
    )
