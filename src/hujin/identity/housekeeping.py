"""Purging counters that no rule looks at any more, so the throttling tables stay small, and
the mobile app's tokens a day after they expired.

Every rule reads a bounded window (15 minutes for log-in failures, 24 hours or one business day
for codes and rate limits), so rows older than twice that window only take space. The audit
trail keeps the history (every send, failure and lock-out has its own audit entry).
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from hujin.core.actors import system_actor
from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.identity.models import (
    AccountThrottle,
    DevSmsMessage,
    LoginFailure,
    OtpChallenge,
    RateLimitHit,
)
from hujin.identity.models_tokens import CustomerToken

KEEP_LOGIN_FAILURES = timedelta(days=1)
KEEP_RATE_LIMIT_HITS = timedelta(days=2)
KEEP_OTP_CHALLENGES = timedelta(days=2)
KEEP_DEV_SMS = timedelta(days=7)
# An expired token opens nothing, whatever its row says; its log-in (the family) stays listed.
KEEP_EXPIRED_TOKENS = timedelta(days=1)


def identity_counters_purge(*, now: datetime) -> dict[str, int]:
    """Delete expired throttling rows; returns how many of each kind went."""
    with transaction.atomic():
        purged = {
            "login_failures": LoginFailure.objects.filter(
                occurred_at__lt=now - KEEP_LOGIN_FAILURES
            ).delete()[0],
            "account_throttles": AccountThrottle.objects.filter(
                Q(locked_until__isnull=True) | Q(locked_until__lt=now),
                last_failure_at__lt=now - KEEP_LOGIN_FAILURES,
            ).delete()[0],
            "rate_limit_hits": RateLimitHit.objects.filter(
                occurred_at__lt=now - KEEP_RATE_LIMIT_HITS
            ).delete()[0],
            "otp_challenges": OtpChallenge.objects.filter(
                created_at__lt=now - KEEP_OTP_CHALLENGES
            ).delete()[0],
            "dev_sms_messages": DevSmsMessage.objects.filter(
                sent_at__lt=now - KEEP_DEV_SMS
            ).delete()[0],
            "expired_tokens": CustomerToken.objects.filter(
                expires_at__lt=now - KEEP_EXPIRED_TOKENS
            ).delete()[0],
        }
        if any(purged.values()):
            audit_record(
                actor=system_actor("identity-housekeeping"),
                action="identity.counters_purged",
                target_type="identity_counters",
                target_id="-",
                occurred_at=now,
                after=purged,
            )
            event_emit(
                aggregate_type="identity_counters",
                aggregate_id="-",
                event_type="identity.counters_purged",
                payload=purged,
                occurred_at=now,
            )
    return purged
