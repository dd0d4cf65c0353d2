"""Who receives which domain events: the subscriber registry and the event they receive.

Apps subscribe through ``hujin.core.events.event_subscribe`` (re-exported there). A subscriber is
known by a stable name ("customers.wallet_on_kyc"): its delivery state (``EventDelivery`` rows)
is kept under that name, so renaming or removing a subscriber leaves the old name's open
deliveries behind: no worker tries them any more (each leaves them pending for one that knows
the name) and they are never parked. ``hujin events status`` and the console's event-deliveries
page list them as deliveries for subscribers this deployment does not know; the page's
"discard all for this subscriber" gives them up (``event_subscriber_deliveries_discard`` in
``hujin.core.event_status``).
"""

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from hujin.core.models import OutboxEvent

SUBSCRIBER_NAME = re.compile(r"[A-Za-z0-9_.:#-]{1,100}")


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
    attempts: int  # this subscriber's deliveries of it tried before this one

    @classmethod
    def from_row(cls, row: OutboxEvent, *, attempts: int | None = None) -> "DomainEvent":
        return cls(
            id=row.id,
            event_id=row.event_id,
            aggregate_type=row.aggregate_type,
            aggregate_id=row.aggregate_id,
            event_type=row.event_type,
            payload=row.payload,
            occurred_at=row.occurred_at,
            attempts=row.attempts if attempts is None else attempts,
        )


Handler = Callable[[DomainEvent], None]

# event type -> subscriber name -> handler, in the order they subscribed.
_subscribers: dict[str, dict[str, Handler]] = {}


def _derived_name(handler: Handler) -> str:
    module = getattr(handler, "__module__", None) or type(handler).__module__
    qualname = getattr(handler, "__qualname__", None) or type(handler).__qualname__
    return f"{module}.{qualname}".replace("<", "").replace(">", "")[:100]


def event_subscribe(event_type: str, handler: Handler, *, name: str | None = None) -> str:
    """Deliver every event of ``event_type`` to ``handler``. Call from AppConfig.ready().

    ``name`` identifies the subscriber for good: its deliveries, retries and lag are kept under
    it, and one name may subscribe to several event types (its events of one aggregate still go
    out in order). Without a name, one is made from the handler's module and qualified name,
    which changes when the code is renamed: production subscribers pass a name. Returns it.

    The handler runs inside the dispatcher's transaction (in a savepoint): its database writes
    commit together with its delivery mark, or roll back if it raises. Subscribing the same
    handler again has no effect (the same function under its name again replaces it: a module
    reload); another function under a name already taken for this event type is a configuration
    error.
    """
    handlers = _subscribers.setdefault(event_type, {})
    if name is None:
        for existing_name, existing in handlers.items():
            if existing == handler:
                return existing_name
        base = _derived_name(handler)
        name, n = base, 1
        while name in handlers:  # e.g. two lists' append methods: handy in tests
            n += 1
            name = f"{base[:95]}#{n}"
    if not SUBSCRIBER_NAME.fullmatch(name):
        raise ImproperlyConfigured(f"subscriber name {name!r}: 1-100 of A-Z a-z 0-9 _ . : # -")
    existing = handlers.get(name)
    # The same function under its name again (a module reload) replaces it.
    if existing not in (None, handler) and _derived_name(existing) != _derived_name(handler):
        raise ImproperlyConfigured(
            f"{event_type}: subscriber {name!r} is already {_derived_name(existing)}"
        )
    handlers[name] = handler
    return name


def event_subscribers(event_type: str) -> tuple[Handler, ...]:
    """The handlers of ``event_type``, in the order they subscribed."""
    return tuple(_subscribers.get(event_type, {}).values())


def subscriptions(event_type: str) -> tuple[tuple[str, Handler], ...]:
    """(subscriber name, handler) of ``event_type``, in the order they subscribed."""
    return tuple(_subscribers.get(event_type, {}).items())


def subscriber_handler(event_type: str, name: str) -> Handler | None:
    return _subscribers.get(event_type, {}).get(name)


def subscriber_event_types() -> dict[str, tuple[str, ...]]:
    """Every subscriber name -> the event types it receives (sorted)."""
    by_name: dict[str, set[str]] = {}
    for event_type, handlers in _subscribers.items():
        for name in handlers:
            by_name.setdefault(name, set()).add(event_type)
    return {name: tuple(sorted(types)) for name, types in sorted(by_name.items())}
