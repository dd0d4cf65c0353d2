"""The ledger's background work: expiring pending transfers whose timeout has passed.

Runs as a close-of-business step for the business date, and every minute between closes so a
hold never outlives its timeout by much.
"""

from datetime import date, datetime

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from hujin.core.actors import system_actor
from hujin.core.dates import business_date_get
from hujin.ledger.services import pending_transfers_expire

ACTOR = system_actor("ledger")


def cob_expire_pending(business_date: date, now: datetime) -> dict:
    """COB step: idempotent for the date — a second run finds nothing left to expire."""
    return {"expired": pending_transfers_expire(now=now, business_date=business_date, actor=ACTOR)}


@db_periodic_task(crontab(minute="*"))
def expire_pending_transfers() -> int:
    now = timezone.now()
    return pending_transfers_expire(now=now, business_date=business_date_get(now=now), actor=ACTOR)
