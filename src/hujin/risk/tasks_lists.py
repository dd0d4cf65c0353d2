"""The screening lists' background work (imported by ``RiskConfig.ready()`` so that every
process, the workers included, knows the tasks): every customer screened against a new list
version after its import commits, and every ten minutes the current versions that were not
screened yet (a queue that was down when the import committed)."""

import uuid
from datetime import timedelta

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from hujin.risk.lists_screening import watchlist_version_screen
from hujin.risk.models_lists import CURRENT, WatchListVersion

PENDING_AFTER = timedelta(minutes=5)  # a queued screening normally starts well within it


@db_task()
def watchlist_screen_task(version_id: str) -> None:
    watchlist_version_screen(version_id=uuid.UUID(version_id), now=timezone.now())


@db_periodic_task(crontab(minute="*/10"))
def watchlist_screen_pending() -> int:
    now = timezone.now()
    pending = WatchListVersion.objects.filter(
        state=CURRENT, screened_at__isnull=True, imported_at__lt=now - PENDING_AFTER
    ).values_list("id", flat=True)
    for version_id in pending:
        watchlist_version_screen(version_id=version_id, now=now)
    return len(pending)
