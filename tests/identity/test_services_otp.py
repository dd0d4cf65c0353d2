from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from hujin.core.models import AuditEntry, OutboxEvent
from hujin.identity.errors import (
    OtpDailyLimit,
    OtpExpired,
    OtpInvalid,
    OtpNotVerified,
    OtpResendTooSoon,
    OtpTooManyAttempts,
)
from hujin.identity.models import DevSmsMessage, OtpChallenge
from hujin.identity.otp import otp_consume, otp_resend_wait, otp_send, otp_verify
from hujin.identity.sms import dev_sms_code, dev_sms_latest
from tests.identity.conftest import sms_code

pytestmark = pytest.mark.django_db

MOBILE = "+8613900001111"
OTHER = "+8613900002222"
IP = "203.0.113.7"
SIGNUP = OtpChallenge.Purpose.SIGNUP


def send(now, mobile=MOBILE, ip=IP, purpose=SIGNUP, **kwargs):
    return otp_send(purpose=purpose, mobile_e164=mobile, ip=ip, now=now, **kwargs)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


class TestOtpSend:
    def test_a_six_digit_code_is_texted_and_only_its_hash_is_kept(self, now):
        challenge = send(now)

        code = sms_code(MOBILE, "signup")
        assert len(code) == 6 and code.isdigit()
        assert code not in challenge.code_hash
        assert challenge.expires_at == now + timedelta(minutes=5)
        message = dev_sms_latest(mobile_e164=MOBILE, purpose="signup")
        assert "5" in message.text and code in message.text

    def test_the_text_message_is_stored_encrypted(self, now):
        send(now)

        with connection.cursor() as cursor:
            cursor.execute('SELECT "to", text FROM identity_devsmsmessage')
            to, text = cursor.fetchone()
        assert DevSmsMessage.objects.get().to == MOBILE
        assert "13900001111" not in to and to.startswith("v1:")
        assert sms_code(MOBILE, "signup") not in text

    def test_the_send_is_audited_with_the_number_masked_and_announced(self, now):
        challenge = send(now)

        entry = AuditEntry.objects.get(action="otp.send")
        assert entry.target_id == str(challenge.id)
        assert entry.after["mobile"] == "139****1111"
        assert "13900001111" not in str(entry.after)
        event = OutboxEvent.objects.get(event_type="identity.otp_sent")
        assert event.payload == {"challenge_id": str(challenge.id), "purpose": "signup"}

    def test_a_second_code_within_a_minute_is_refused_with_the_seconds_to_wait(self, now):
        send(now)

        with pytest.raises(OtpResendTooSoon) as refused:
            send(now + timedelta(seconds=20))

        assert refused.value.code == "otp_resend_too_soon"
        assert refused.value.details["retry_after_seconds"] == 41
        assert "41 seconds" in refused.value.message
        assert OtpChallenge.objects.count() == 1

    def test_a_new_code_after_a_minute_replaces_the_old_one(self, now):
        send(now)
        old_code = sms_code(MOBILE, "signup")
        send(now + timedelta(seconds=61))
        new_code = sms_code(MOBILE, "signup")

        if old_code != new_code:
            with pytest.raises(OtpInvalid):
                otp_verify(purpose=SIGNUP, mobile_e164=MOBILE, code=old_code, now=now)
        otp_verify(
            purpose=SIGNUP, mobile_e164=MOBILE, code=new_code, now=now + timedelta(seconds=62)
        )

    def test_a_number_gets_at_most_ten_codes_a_day(self, now):
        for i in range(10):
            send(now + timedelta(minutes=2 * i), ip=f"198.51.100.{i}")

        with pytest.raises(OtpDailyLimit) as refused:
            send(now + timedelta(minutes=30), ip="198.51.100.99")

        assert refused.value.code == "otp_daily_limit"
        assert refused.value.status == 429

    def test_an_ip_address_gets_at_most_ten_codes_a_day(self, now):
        for i in range(10):
            send(now + timedelta(minutes=2 * i), mobile=f"+86139000011{i:02d}")

        with pytest.raises(OtpDailyLimit):
            send(now + timedelta(minutes=30), mobile=OTHER)

    def test_the_day_is_the_calendar_day_in_shanghai(self):
        # 15:59 UTC is 23:59 in Shanghai; 16:01 UTC is the next day there.
        evening = datetime(2025, 3, 14, 15, 0, tzinfo=UTC)
        for i in range(10):
            send(evening + timedelta(minutes=2 * i, seconds=i), ip=f"198.51.100.{i}")
        with pytest.raises(OtpDailyLimit) as refused:
            send(datetime(2025, 3, 14, 15, 59, tzinfo=UTC))
        assert refused.value.details["retry_after_seconds"] == 61

        send(datetime(2025, 3, 14, 16, 1, tzinfo=UTC))

    def test_deliver_false_records_a_challenge_but_sends_nothing(self, now):
        send(now, purpose=OtpChallenge.Purpose.RESET, deliver=False)

        assert OtpChallenge.objects.count() == 1
        assert dev_sms_code(mobile_e164=MOBILE, purpose="reset") is None


class TestOtpVerify:
    def test_the_right_code_verifies_the_challenge(self, now):
        challenge = send(now)

        verified = otp_verify(
            purpose=SIGNUP, mobile_e164=MOBILE, code=sms_code(MOBILE, "signup"), now=now
        )

        assert verified.id == challenge.id
        assert verified.verified_at == now

    def test_spaces_in_the_typed_code_do_not_matter(self, now):
        send(now)
        code = sms_code(MOBILE, "signup")

        otp_verify(purpose=SIGNUP, mobile_e164=MOBILE, code=f" {code[:3]} {code[3:]} ", now=now)

    def test_a_wrong_code_is_refused_and_counts_an_attempt(self, now):
        challenge = send(now)

        with pytest.raises(OtpInvalid) as refused:
            otp_verify(
                purpose=SIGNUP, mobile_e164=MOBILE, code=wrong(sms_code(MOBILE, "signup")), now=now
            )

        assert refused.value.code == "otp_invalid"
        challenge.refresh_from_db()
        assert challenge.attempts == 1
        assert challenge.verified_at is None

    def test_five_wrong_codes_kill_the_challenge_even_for_the_right_code(self, now):
        send(now)
        code = sms_code(MOBILE, "signup")
        for _ in range(4):
            with pytest.raises(OtpInvalid):
                otp_verify(purpose=SIGNUP, mobile_e164=MOBILE, code=wrong(code), now=now)
        with pytest.raises(OtpTooManyAttempts):
            otp_verify(purpose=SIGNUP, mobile_e164=MOBILE, code=wrong(code), now=now)

        with pytest.raises(OtpTooManyAttempts) as refused:
            otp_verify(purpose=SIGNUP, mobile_e164=MOBILE, code=code, now=now)
        assert refused.value.code == "otp_too_many_attempts"

    def test_a_code_is_refused_after_five_minutes(self, now):
        send(now)

        with pytest.raises(OtpExpired) as refused:
            otp_verify(
                purpose=SIGNUP,
                mobile_e164=MOBILE,
                code=sms_code(MOBILE, "signup"),
                now=now + timedelta(minutes=5),
            )
        assert refused.value.code == "otp_expired"

    def test_a_code_for_another_number_or_purpose_does_not_verify(self, now):
        send(now)
        code = sms_code(MOBILE, "signup")

        with pytest.raises(OtpInvalid):
            otp_verify(purpose=SIGNUP, mobile_e164=OTHER, code=code, now=now)
        with pytest.raises(OtpInvalid):
            otp_verify(purpose=OtpChallenge.Purpose.RESET, mobile_e164=MOBILE, code=code, now=now)

    def test_without_any_code_sent_nothing_verifies(self, now):
        with pytest.raises(OtpInvalid):
            otp_verify(purpose=SIGNUP, mobile_e164=MOBILE, code="123456", now=now)


class TestOtpConsume:
    def verified(self, now):
        send(now)
        return otp_verify(
            purpose=SIGNUP, mobile_e164=MOBILE, code=sms_code(MOBILE, "signup"), now=now
        )

    def test_a_verified_challenge_is_spent_once(self, now):
        challenge = self.verified(now)

        otp_consume(challenge_id=challenge.id, purpose=SIGNUP, mobile_e164=MOBILE, now=now)
        with pytest.raises(OtpNotVerified):
            otp_consume(challenge_id=challenge.id, purpose=SIGNUP, mobile_e164=MOBILE, now=now)

    def test_an_unverified_challenge_cannot_be_spent(self, now):
        challenge = send(now)

        with pytest.raises(OtpNotVerified):
            otp_consume(challenge_id=challenge.id, purpose=SIGNUP, mobile_e164=MOBILE, now=now)

    def test_a_challenge_verified_over_15_minutes_ago_cannot_be_spent(self, now):
        challenge = self.verified(now)

        with pytest.raises(OtpNotVerified):
            otp_consume(
                challenge_id=challenge.id,
                purpose=SIGNUP,
                mobile_e164=MOBILE,
                now=now + timedelta(minutes=15),
            )

    def test_another_numbers_challenge_or_a_malformed_id_cannot_be_spent(self, now):
        challenge = self.verified(now)

        with pytest.raises(OtpNotVerified):
            otp_consume(challenge_id=challenge.id, purpose=SIGNUP, mobile_e164=OTHER, now=now)
        with pytest.raises(OtpNotVerified):
            otp_consume(challenge_id="not-a-uuid", purpose=SIGNUP, mobile_e164=MOBILE, now=now)


class TestOtpResendWait:
    def test_counts_down_the_minute_after_a_code_was_sent(self, now):
        send(now)

        assert otp_resend_wait(mobile_e164=MOBILE, now=now) == 60
        assert otp_resend_wait(mobile_e164=MOBILE, now=now + timedelta(seconds=20.5)) == 40
        assert otp_resend_wait(mobile_e164=MOBILE, now=now + timedelta(seconds=60)) == 0

    def test_agrees_with_what_otp_send_allows(self, now):
        send(now)
        wait = otp_resend_wait(mobile_e164=MOBILE, now=now + timedelta(seconds=30))

        with pytest.raises(OtpResendTooSoon):
            send(now + timedelta(seconds=30 + wait - 1))
        send(now + timedelta(seconds=30 + wait))

    def test_a_number_without_a_code_need_not_wait(self, now):
        send(now)

        assert otp_resend_wait(mobile_e164=OTHER, now=now) == 0
