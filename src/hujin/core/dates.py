"""The business date: its own value, moved forward only by the close of business.

Services never read the wall clock. The edge (a view, a task, a command) reads it once and passes
``now`` in; the only place ``now`` matters here is the very first use, when the business date is
created from the calendar date of ``now`` in ``settings.HUJIN_BUSINESS_TIME_ZONE``.
"""

import calendar
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from hujin.core.actors import Actor, system_actor
from hujin.core.audit import audit_record
from hujin.core.errors import BusinessDateNotForward, BusinessDateNotSet
from hujin.core.events import event_emit
from hujin.core.models import BusinessDate

DEFAULT_NAME = "default"
AGGREGATE_TYPE = "business_date"


def business_time_zone() -> ZoneInfo:
    return ZoneInfo(getattr(settings, "HUJIN_BUSINESS_TIME_ZONE", "Asia/Shanghai"))


def calendar_date_at(now: datetime) -> date:
    """The calendar date of the instant ``now`` in the business time zone."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(business_time_zone()).date()


def business_date_get(*, now: datetime | None = None) -> date:
    """The current business date.

    On first use the date is created from ``now`` (the calendar date in the business time zone),
    with an audit entry and a ``core.business_date.initialised`` event. Callers that may be first
    (tasks, commands, pages) pass ``now``; without it a missing date raises BusinessDateNotSet.
    """
    current = (
        BusinessDate.objects.filter(name=DEFAULT_NAME)
        .values_list("current_date", flat=True)
        .first()
    )
    if current is not None:
        return current
    if now is None:
        raise BusinessDateNotSet(
            "The business date has not been set yet; pass `now` so it can be created."
        )
    return _business_date_initialise(to_date=calendar_date_at(now), actor=None, now=now)


def business_date_set(*, to_date: date, actor: Actor, now: datetime) -> date:
    """Move the business date forward to ``to_date`` (normally by the COB, one day at a time).

    If no business date exists yet, ``to_date`` becomes the first one.

    Raises BusinessDateNotForward when ``to_date`` is not after the current business date.
    """
    with transaction.atomic():
        row = _lock_row()
        if row is None:
            if _business_date_initialise(to_date=to_date, actor=actor, now=now) == to_date:
                return to_date
            row = _lock_row()  # created concurrently by someone else: move forward from theirs
        before = row.current_date
        if to_date <= before:
            raise BusinessDateNotForward(
                f"The business date is {before.isoformat()}; it cannot move to "
                f"{to_date.isoformat()}.",
                details={"current_date": before.isoformat(), "to_date": to_date.isoformat()},
            )
        row.current_date = to_date
        row.updated_at = now
        row.save(update_fields=["current_date", "updated_at"])
        audit_record(
            actor=actor,
            action="business_date.set",
            target_type=AGGREGATE_TYPE,
            target_id=DEFAULT_NAME,
            occurred_at=now,
            before={"current_date": before.isoformat()},
            after={"current_date": to_date.isoformat()},
        )
        event_emit(
            aggregate_type=AGGREGATE_TYPE,
            aggregate_id=DEFAULT_NAME,
            event_type="core.business_date.advanced",
            payload={"from_date": before.isoformat(), "to_date": to_date.isoformat()},
            occurred_at=now,
        )
        return to_date


def _lock_row() -> BusinessDate | None:
    # On SQLite the IMMEDIATE transaction already holds the write lock; on PostgreSQL lock the row.
    return BusinessDate.objects.select_for_update().filter(name=DEFAULT_NAME).first()


def _business_date_initialise(*, to_date: date, actor: Actor | None, now: datetime) -> date:
    actor = actor or system_actor("business-date")
    with transaction.atomic():
        row, created = BusinessDate.objects.get_or_create(
            name=DEFAULT_NAME, defaults={"current_date": to_date, "updated_at": now}
        )
        if not created:
            # Someone else created it a moment ago: theirs stands.
            return row.current_date
        audit_record(
            actor=actor,
            action="business_date.initialise",
            target_type=AGGREGATE_TYPE,
            target_id=DEFAULT_NAME,
            occurred_at=now,
            after={"current_date": to_date.isoformat()},
        )
        event_emit(
            aggregate_type=AGGREGATE_TYPE,
            aggregate_id=DEFAULT_NAME,
            event_type="core.business_date.initialised",
            payload={"to_date": to_date.isoformat()},
            occurred_at=now,
        )
        return to_date


def month_add(start: date, months: int, *, day: int | None = None) -> date:
    """``start`` moved ``months`` calendar months on, on ``day`` (default ``start.day``),
    clamped to the month's last day."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day or start.day, last))
