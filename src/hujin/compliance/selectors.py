"""Compliance console reads: the audit trail, page by page. Pages get plain values.

Reading the trail needs ``core.view_audit``; the check is here, not only on the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from hujin.core.actors import Actor
from hujin.core.dates import business_time_zone
from hujin.core.errors import NotFound, PermissionDenied
from hujin.core.models import AuditEntry

VIEW_AUDIT = "core.view_audit"
PAGE_SIZE = 50


class AuditEntryNotFound(NotFound):
    code = "audit_entry_not_found"
    message = _("No such audit entry.")


@dataclass(frozen=True, slots=True)
class AuditFilters:
    actor: str = ""  # an actor's label or id, exactly
    action: str = ""  # exact, or a prefix ending in "." (e.g. "ledger.")
    target_type: str = ""
    target_id: str = ""
    request_id: str = ""
    date_from: date | None = None  # business dates, inclusive
    date_to: date | None = None


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    occurred_at: datetime
    actor_kind: str
    actor_id: str
    actor_label: str
    action: str
    target_type: str
    target_id: str
    ip: str
    request_id: str
    chain: int
    position: int


@dataclass(frozen=True, slots=True)
class AuditDetail:
    row: AuditRow
    before: Any
    after: Any
    prev_hash: str
    entry_hash: str


@dataclass(frozen=True, slots=True)
class AuditPage:
    rows: list[AuditRow]
    newer_cursor: int | None  # ?after=
    older_cursor: int | None  # ?before=


def _require_reader(actor: Actor) -> None:
    if not actor.has_scope(VIEW_AUDIT):
        raise PermissionDenied(details={"required_permission": VIEW_AUDIT})


def _row(entry: AuditEntry) -> AuditRow:
    return AuditRow(
        id=entry.id,
        occurred_at=entry.occurred_at,
        actor_kind=entry.actor_kind,
        actor_id=entry.actor_id,
        actor_label=entry.actor_label,
        action=entry.action,
        target_type=entry.target_type,
        target_id=entry.target_id,
        ip=entry.ip,
        request_id=entry.request_id,
        chain=entry.chain,
        position=entry.position,
    )


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=business_time_zone())


def _filtered(filters: AuditFilters):
    queryset = AuditEntry.objects.defer("before", "after", "prev_hash", "entry_hash")
    if filters.actor:
        by_label = queryset.filter(actor_label=filters.actor)
        by_id = queryset.filter(actor_id=filters.actor)
        queryset = by_label | by_id
    if filters.action:
        if filters.action.endswith("."):
            queryset = queryset.filter(action__startswith=filters.action)
        else:
            queryset = queryset.filter(action=filters.action)
    if filters.target_type:
        queryset = queryset.filter(target_type=filters.target_type)
    if filters.target_id:
        queryset = queryset.filter(target_id=filters.target_id)
    if filters.request_id:
        queryset = queryset.filter(request_id=filters.request_id)
    if filters.date_from:
        queryset = queryset.filter(occurred_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        queryset = queryset.filter(occurred_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    return queryset


def audit_entry_page(
    *,
    actor: Actor,
    filters: AuditFilters,
    before: int | None = None,
    after: int | None = None,
    limit: int = PAGE_SIZE,
) -> AuditPage:
    """Entries matching ``filters``, newest first (by id, the order they were written).

    ``before``: entries older than that id; ``after``: newer. Raises PermissionDenied.
    """
    _require_reader(actor)
    queryset = _filtered(filters)
    if after is not None:
        window = list(queryset.filter(id__gt=after).order_by("id")[: limit + 1])
        has_more_newer = len(window) > limit
        rows = list(reversed(window[:limit]))
        has_more_older = True
    else:
        if before is not None:
            queryset = queryset.filter(id__lt=before)
        window = list(queryset.order_by("-id")[: limit + 1])
        rows = window[:limit]
        has_more_older = len(window) > limit
        has_more_newer = before is not None
    if not rows:
        return AuditPage(rows=[], newer_cursor=None, older_cursor=None)
    return AuditPage(
        rows=[_row(entry) for entry in rows],
        newer_cursor=rows[0].id if has_more_newer else None,
        older_cursor=rows[-1].id if has_more_older else None,
    )


def audit_entry_get(*, actor: Actor, entry_id: int) -> AuditDetail:
    """One entry with its before/after values (masked by whoever wrote them) and its links.

    Raises PermissionDenied, AuditEntryNotFound.
    """
    _require_reader(actor)
    entry = AuditEntry.objects.filter(id=entry_id).first()
    if entry is None:
        raise AuditEntryNotFound(details={"id": entry_id})
    return AuditDetail(
        row=_row(entry),
        before=entry.before,
        after=entry.after,
        prev_hash=entry.prev_hash,
        entry_hash=entry.entry_hash,
    )
