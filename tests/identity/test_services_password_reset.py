from datetime import timedelta

import pytest

from hujin.core.models import OutboxEvent
from hujin.identity.errors import OtpInvalid, OtpNotVerified, PasswordInvalid, RateLimited
from hujin.identity.models import AccountThrottle, SecurityEvent, UserSession
from hujin.identity.password_reset import (
    password_reset_complete,
    password_reset_start,
    password_reset_verify,
)
from hujin.identity.sms import dev_sms_code
from tests.identity.conftest import CUSTOMER_MOBILE, sms_code

pytestmark = pytest.mark.django_db

IP = "203.0.113.30"
NEW_PASSWORD = "new-camellia-bridge-77"


def verified(now, mobile=CUSTOMER_MOBILE):
    password_reset_start(mobile=mobile, ip=IP, now=now)
    return password_reset_verify(mobile_e164=mobile, code=sms_code(mobile, "reset"), now=now)


def complete(now, challenge, password=NEW_PASSWORD, mobile=CUSTOMER_MOBILE):
    return password_reset_complete(
        mobile_e164=mobile,
        challenge_id=challenge.id,
        password=password,
        password_confirm=password,
        ip=IP,
        now=now,
    )


def open_session(user, now) -> UserSession:
    return UserSession.objects.create(
        user=user, session_key_hash="x" * 64, created_at=now, last_seen_at=now
    )


class TestPasswordReset:
    def test_a_customer_sets_a_new_password_with_a_texted_code(self, now, registered_customer):
        user = complete(now, verified(now))

        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)
        event = OutboxEvent.objects.get(event_type="identity.password_reset")
        assert event.payload["user_id"] == str(user.pk)

    def test_every_session_of_the_account_ends(self, now, registered_customer):
        sessions = [open_session(registered_customer, now) for _ in range(2)]

        complete(now, verified(now))

        assert all(UserSession.objects.get(pk=s.pk).revoked_at == now for s in sessions)
        security = SecurityEvent.objects.get(kind="password_reset")
        assert security.details == {"sessions_ended": 2}

    def test_a_lock_out_is_lifted(self, now, registered_customer):
        AccountThrottle.objects.create(
            user=registered_customer, failures=5, locked_until=now + timedelta(minutes=10)
        )

        complete(now, verified(now))

        assert not AccountThrottle.objects.exists()

    def test_an_unregistered_number_gets_the_same_answer_but_no_text(self, now):
        mobile = "+8613911112222"

        assert password_reset_start(mobile=mobile, ip=IP, now=now) == mobile

        assert dev_sms_code(mobile_e164=mobile, purpose="reset") is None
        with pytest.raises(OtpInvalid):
            password_reset_verify(mobile_e164=mobile, code="123456", now=now)

    def test_the_new_password_follows_the_same_rules(self, now, registered_customer):
        challenge = verified(now)

        with pytest.raises(PasswordInvalid):
            complete(now, challenge, password="12345678")
        with pytest.raises(PasswordInvalid):
            complete(now, challenge, password="pass13812345678")

    def test_the_code_resets_once(self, now, registered_customer):
        challenge = verified(now)
        complete(now, challenge)

        with pytest.raises(OtpNotVerified):
            complete(now, challenge, password="another-fine-password-5")

    def test_an_account_can_be_reset_at_most_three_times_a_day(self, now, registered_customer):
        for i in range(3):
            at = now + timedelta(minutes=2 * i)
            complete(at, verified(at), password=f"{NEW_PASSWORD}-{i}")
        at = now + timedelta(minutes=10)

        with pytest.raises(RateLimited):
            complete(at, verified(at), password=f"{NEW_PASSWORD}-x")
