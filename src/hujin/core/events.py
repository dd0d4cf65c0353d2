"""Domain events through the transactional outbox.

``event_emit`` writes an outbox row in the caller's transaction; after commit the dispatcher
delivers events to subscribers, at least once, in order per aggregate.
"""

from datetime import datetime
from typing import Any

from django.db import connection

from hujin.core.ids import new_id
from hujin.core.models import OutboxEvent


def event_emit(
    *,
    aggregate_type: str,
    aggregate_id: str,
    event_type: str,
    payload: dict[str, Any],
    occurred_at: datetime,
) -> OutboxEvent:
    """Record a domain event. Must run inside the caller's transaction."""
    assert connection.in_atomic_block, "event_emit must run inside the write's transaction"
    return OutboxEvent.objects.create(
        event_id=new_id(),
        aggregate_type=aggregate_type,
        aggregate_id=str(aggregate_id),
        event_type=event_type,
        payload=payload,
        occurred_at=occurred_at,
    )
