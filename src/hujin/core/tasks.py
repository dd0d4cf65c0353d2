"""Core background work on huey: outbox dispatch and the scheduled close of business.

Tasks are the edge: they read the clock and pass ``now`` to the services.

- ``outbox_dispatch_task``: enqueued after every commit that emitted events, through
  ``outbox_dispatch_request``, the hook ``CoreConfig.ready()`` installs in ``hujin.core.events``;
- ``outbox_sweep``: every minute, delivers whatever an enqueue missed and retries failures;
- ``cob_scheduled``: closes the business day on ``settings.HUJIN_COB_CRONTAB`` (five crontab
  fields read in ``HUJIN_BUSINESS_TIME_ZONE``; default "5 0 * * *", 00:05 every day).
"""

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

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


# A busy process commits thousands of transactions a second; one queued dispatch per short
# window serves them all (it drains the whole outbox), instead of one queue write per commit.
DISPATCH_DEBOUNCE_S = 0.5
_dispatch_lock = threading.Lock()
_dispatch_due_at = 0.0  # monotonic time at which this process's last queued dispatch runs


def outbox_dispatch_request() -> None:
    """Queue a dispatch (at once when huey runs tasks immediately). May raise when the queue is
    down: ``hujin.core.events.dispatch_request`` logs that and the sweep delivers."""
    global _dispatch_due_at
    if HUEY.immediate:
        outbox_dispatch_task()
        return
    with _dispatch_lock:
        now = time.monotonic()
        if now < _dispatch_due_at - 0.05:
            return  # a dispatch already queued runs after this commit and will see it
        _dispatch_due_at = now + DISPATCH_DEBOUNCE_S
    outbox_dispatch_task.schedule(delay=DISPATCH_DEBOUNCE_S)


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
