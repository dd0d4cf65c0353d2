"""How far behind each event subscriber is: what it has not had yet, and how old the oldest is;
and the names with open deliveries that this process does not register.

``event_lag`` serves ``hujin events status`` and the console's event-deliveries page
(``hujin.core.event_status``, which re-exports these names).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Min

from hujin.core.models import OPEN_DELIVERY_STATUSES, DeliveryStatus, EventDelivery, OutboxEvent
from hujin.core.subscribers import subscriber_event_types


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
class UnknownSubscriber:
    """A subscriber name with open deliveries that this deployment does not register."""

    subscriber: str
    deliveries: int  # its open deliveries: pending, waiting and parked
    oldest_at: datetime | None  # when the oldest of their events occurred
    age_seconds: int | None  # how long ago that was

    def as_dict(self) -> dict[str, Any]:
        return {
            "subscriber": self.subscriber,
            "deliveries": self.deliveries,
            "oldest_at": self.oldest_at.isoformat() if self.oldest_at else None,
            "age_seconds": self.age_seconds,
        }


def unknown_subscribers(lags: list[SubscriberLag]) -> list[UnknownSubscriber]:
    """The names in ``lags`` (``event_lag``) that this process does not register: only their
    open deliveries count for them."""
    return [
        UnknownSubscriber(
            subscriber=lag.subscriber,
            deliveries=lag.pending + lag.waiting + lag.parked,
            oldest_at=lag.oldest_undelivered_at,
            age_seconds=lag.age_seconds,
        )
        for lag in lags
        if not lag.registered
    ]
