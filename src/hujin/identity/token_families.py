"""The mobile app's log-ins (token families) as the login devices list sees them: which still
stand, and ending them. Below ``sessions`` and ``api_tokens``, which both use it."""

from datetime import datetime

from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.identity.models import User
from hujin.identity.models_tokens import CustomerToken, CustomerTokenFamily
from hujin.identity.security_events import user_actor


def families_end(families, *, user: User, now: datetime, reason: str) -> int:
    """End the still-open families in ``families`` (a queryset of ``user``'s): their tokens are
    spent, the log-in is gone from the devices list. Run inside the caller's transaction."""
    ids = list(families.filter(revoked_at__isnull=True).values_list("pk", flat=True))
    if not ids:
        return 0
    CustomerTokenFamily.objects.filter(pk__in=ids).update(revoked_at=now, revoked_reason=reason)
    CustomerToken.objects.filter(family_id__in=ids, spent_at__isnull=True).update(spent_at=now)
    for family_id in ids:
        audit_record(
            actor=user_actor(user),
            action="session.revoke",
            target_type="token_family",
            target_id=str(family_id),
            occurred_at=now,
            after={"revoked_at": now.isoformat(), "reason": reason},
        )
    event_emit(
        aggregate_type="user",
        aggregate_id=str(user.pk),
        event_type="identity.sessions_revoked",
        payload={"user_id": str(user.pk), "session_ids": [str(i) for i in ids], "reason": reason},
        occurred_at=now,
    )
    return len(ids)


def families_open(*, user: User, now: datetime):
    """``user``'s token families that still stand (for the login devices list)."""
    return CustomerTokenFamily.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=now
    ).order_by("-last_seen_at", "-created_at")
