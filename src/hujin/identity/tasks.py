"""Identity's background work (huey discovers this module): hourly counter housekeeping."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from hujin.identity.housekeeping import identity_counters_purge


@db_periodic_task(crontab(minute="17"))
def identity_counters_purge_task() -> None:
    identity_counters_purge(now=timezone.now())
