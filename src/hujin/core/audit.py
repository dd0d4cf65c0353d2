"""The audit trail: every write records who did what to which object, in the same transaction."""

from datetime import datetime
from typing import Any

from django.db import connection

from hujin.core import context
from hujin.core.actors import Actor
from hujin.core.models import AuditEntry


def audit_record(
    *,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: str,
    occurred_at: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry. Must run inside the caller's transaction."""
    assert connection.in_atomic_block, "audit_record must run inside the write's transaction"
    ctx = context.current()
    return AuditEntry.objects.create(
        occurred_at=occurred_at,
        actor_kind=actor.kind,
        actor_id=str(actor.id)[:64],
        actor_label=actor.label[:150],
        action=action,
        target_type=target_type,
        target_id=str(target_id)[:64],
        before=before,
        after=after,
        ip=ctx.ip,
        request_id=ctx.request_id,
    )


def audit_personal_data_viewed(
    *,
    actor: Actor,
    target_type: str,
    target_id: str,
    fields: list[str],
    occurred_at: datetime,
) -> AuditEntry:
    """Record that ``actor`` saw the unmasked ``fields`` of one object (never the values)."""
    return audit_record(
        actor=actor,
        action="personal_data.viewed",
        target_type=target_type,
        target_id=target_id,
        occurred_at=occurred_at,
        after={"fields": sorted(fields)},
    )
