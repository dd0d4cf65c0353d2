"""Core background work on huey: outbox dispatch and the scheduled close of business.

Tasks are the edge: they read the clock and pass ``now`` to the services.

- ``outbox_dispatch_task``: enqueued after every commit that emitted events;
- ``outbox_sweep``: every minute, delivers whatever an enqueue missed and retries failures;
- ``cob_scheduled``: closes the business day on ``settings.HUJIN_COB_CRONTAB`` (five crontab
  fields read in ``HUJIN_BUSINESS_TIME_ZONE``; default "5 0 * * *", 00:05 every day).
"""

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from hujin.core.actors import system_actor
from hujin.core.cob import cob_run_due
from hujin.core.dates import business_time_zone
from hujin.core.errors import CobAlreadyRunning
from hujin.core.events import outbox_dispatch

logger = logging.getLogger(__name__)

DEFAULT_COB_CRONTAB = "5 0 * * *"
DISPATCH_BATCH = 500
DISPATCH_MAX_BATCHES = 20  # per task run; the next enqueue or sweep takes the rest


def outbox_drain() -> int:
    """Dispatch batches until the outbox is drained (or MAX_BATCHES); the number delivered."""
    delivered = 0
    for _ in range(DISPATCH_MAX_BATCHES):
        report = outbox_dispatch(now=timezone.now(), limit=DISPATCH_BATCH)
        delivered += report.delivered
        if report.selected < DISPATCH_BATCH or report.delivered + report.failed == 0:
            break
    return delivered


@db_task()
def outbox_dispatch_task() -> None:
    outbox_drain()


@db_periodic_task(crontab(minute="*"))
def outbox_sweep() -> None:
    outbox_drain()


def business_crontab(expression: str) -> Callable[[datetime], bool]:
    """A huey periodic-task test for a five-field crontab read in the business time zone.

    Huey hands the test a naive UTC timestamp; it is converted before matching.
    """
    fields = expression.split()
    if len(fields) != 5:
        raise ImproperlyConfigured(
            f"HUJIN_COB_CRONTAB needs five fields (minute hour day month weekday): {expression!r}"
        )
    try:
        matches = crontab(*fields, strict=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"HUJIN_COB_CRONTAB {expression!r}: {exc}") from exc
    zone = business_time_zone()

    def validate(timestamp: datetime) -> bool:
        if timestamp.tzinfo is None:
            timestamp = timestamp.replace(tzinfo=UTC)
        return matches(timestamp.astimezone(zone))

    return validate


# No huey lock_task here: a huey lock outlives a killed worker, the COB's own lock does not.
@db_periodic_task(business_crontab(getattr(settings, "HUJIN_COB_CRONTAB", DEFAULT_COB_CRONTAB)))
def cob_scheduled() -> None:
    """Close every business day that has ended; a COB already running makes this a no-op."""
    try:
        runs = cob_run_due(now=timezone.now(), actor=system_actor("cob-scheduler"))
    except CobAlreadyRunning:
        logger.info("scheduled COB skipped: another close of business is running")
        return
    for run in runs:
        logger.info("scheduled COB for %s: %s", run.business_date, run.status)
