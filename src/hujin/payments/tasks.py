"""The payments module's background work: the recovery of payments whose channel answer never
came (a COB step, and a task every five minutes), and the sandbox channel's callbacks (every
minute, only while the sandbox is the configured channel)."""

from datetime import date, datetime

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from hujin.payments.services import payments_unknown_resolve


def cob_resolve_unknown(business_date: date, now: datetime) -> dict:
    """COB step: every open payment older than the recovery delay is asked about."""
    return payments_unknown_resolve(now=now)


@db_periodic_task(crontab(minute="*/5"))
def resolve_unknown_payments() -> dict:
    return payments_unknown_resolve(now=timezone.now())


@db_periodic_task(crontab(minute="*"))
def sandbox_callbacks_deliver() -> int:
    if settings.PROD:  # the sandbox never runs in production
        return 0
    from hujin.payments.channels.sandbox import sandbox_callbacks_run

    return sandbox_callbacks_run(now=timezone.now())
