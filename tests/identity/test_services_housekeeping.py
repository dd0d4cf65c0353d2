from datetime import timedelta

import pytest

from hujin.core.models import AuditEntry
from hujin.identity.housekeeping import identity_counters_purge
from hujin.identity.models import AccountThrottle, LoginFailure, OtpChallenge, RateLimitHit

pytestmark = pytest.mark.django_db


def challenge(at):
    return OtpChallenge.objects.create(
        purpose="signup",
        mobile_index="i",
        code_hash="h",
        created_at=at,
        expires_at=at + timedelta(minutes=5),
    )


class TestIdentityCountersPurge:
    def test_old_counters_go_and_recent_ones_stay(self, now, customer_user):
        LoginFailure.objects.create(ip="192.0.2.1", occurred_at=now - timedelta(days=2))
        recent_failure = LoginFailure.objects.create(
            ip="192.0.2.1", occurred_at=now - timedelta(minutes=5)
        )
        RateLimitHit.objects.create(
            bucket="signup", key_hash="k", occurred_at=now - timedelta(days=3)
        )
        RateLimitHit.objects.create(
            bucket="signup", key_hash="k", occurred_at=now - timedelta(hours=3)
        )
        challenge(now - timedelta(days=3))
        recent_challenge = challenge(now - timedelta(hours=1))

        purged = identity_counters_purge(now=now)

        assert purged["login_failures"] == 1 and purged["rate_limit_hits"] == 1
        assert purged["otp_challenges"] == 1
        assert list(LoginFailure.objects.all()) == [recent_failure]
        assert list(OtpChallenge.objects.all()) == [recent_challenge]
        assert RateLimitHit.objects.count() == 1
        assert AuditEntry.objects.get(action="identity.counters_purged").after == purged

    def test_a_lock_still_running_is_kept(self, now, customer_user):
        AccountThrottle.objects.create(
            user=customer_user,
            failures=5,
            last_failure_at=now - timedelta(days=2),
            locked_until=now + timedelta(minutes=1),
        )

        identity_counters_purge(now=now)

        assert AccountThrottle.objects.exists()

    def test_nothing_to_purge_writes_nothing(self, now):
        assert not any(identity_counters_purge(now=now).values())
        assert not AuditEntry.objects.exists()
