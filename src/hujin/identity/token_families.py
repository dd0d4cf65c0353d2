"""The mobile app's log-ins (token families) as the login devices list sees them: which still
stand, and ending them. Below ``sessions`` and ``api_tokens``, which both use it."""

from datetime import datetime

from hujin.identity.models import User
from hujin.identity.models_tokens import CustomerToken, CustomerTokenFamily
from hujin.identity.session_records import sessions_revoked_record


def families_end(families, *, user: User, now: datetime, reason: str) -> int:
    """End the still-open families in ``families`` (a queryset of ``user``'s): their tokens are
    spent, the log-in is gone from the devices list. Run inside the caller's transaction."""
    ids = list(families.filter(revoked_at__isnull=True).values_list("pk", flat=True))
    if not ids:
        return 0
    CustomerTokenFamily.objects.filter(pk__in=ids).update(revoked_at=now, revoked_reason=reason)
    CustomerToken.objects.filter(family_id__in=ids, spent_at__isnull=True).update(spent_at=now)
    sessions_revoked_record(
        user=user, target_type="token_family", session_ids=ids, now=now, reason=reason
    )
    return len(ids)


def families_open(*, user: User, now: datetime):
    """``user``'s token families that still stand (for the login devices list)."""
    return CustomerTokenFamily.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=now
    ).order_by("-last_seen_at", "-created_at")
