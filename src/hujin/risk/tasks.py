"""The risk module's scheduled work."""

from datetime import date, datetime

from django.db import transaction

from hujin.risk import windows_store


def cob_windows_prune(business_date: date, now: datetime) -> dict:
    """COB step: the window entries no rule's window can read any more are deleted."""
    with transaction.atomic():
        return {"deleted": windows_store.entries_prune(now=now)}
