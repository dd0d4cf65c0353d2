import uuid
from datetime import timedelta

import pytest
from django.db import connection

from hujin.core.models import AuditEntry, OutboxEvent
from hujin.identity.errors import (
    MobileAlreadyRegistered,
    MobileInvalid,
    OtpNotVerified,
    PasswordInvalid,
    PasswordsDiffer,
    RateLimited,
    TermsChanged,
    TermsNotAccepted,
)
from hujin.identity.models import OtpChallenge, User
from hujin.identity.signup import signup_complete, signup_start, signup_verify
from hujin.identity.signup_terms import signup_terms_current
from tests.identity.conftest import CUSTOMER_MOBILE, sms_code

pytestmark = pytest.mark.django_db

MOBILE = "+8613700001234"
IP = "203.0.113.9"
GOOD_PASSWORD = "jade-lantern-harbour-9"


def verified(now, mobile=MOBILE, ip=IP):
    signup_start(mobile=mobile.removeprefix("+86"), ip=ip, now=now)
    return signup_verify(mobile_e164=mobile, code=sms_code(mobile, "signup"), now=now)


def complete(now, challenge, password=GOOD_PASSWORD, confirm=None, mobile=MOBILE, ip=IP):
    return signup_complete(
        mobile_e164=mobile,
        challenge_id=challenge.id,
        password=password,
        password_confirm=password if confirm is None else confirm,
        ip=ip,
        now=now,
        terms_accepted=[term.id for term in signup_terms_current()],
    )


class TestSignupStart:
    def test_a_valid_number_gets_a_code_and_comes_back_in_e164_form(self, now):
        assert signup_start(mobile="137 0000 1234", ip=IP, now=now) == MOBILE
        assert sms_code(MOBILE, "signup")

    def test_an_invalid_number_is_refused_and_nothing_is_sent(self, now):
        with pytest.raises(MobileInvalid):
            signup_start(mobile="010 1234 5678", ip=IP, now=now)

        assert not AuditEntry.objects.filter(action="otp.send").exists()

    def test_a_registered_number_is_not_revealed_before_the_code_is_typed(
        self, now, registered_customer
    ):
        assert signup_start(mobile=CUSTOMER_MOBILE, ip=IP, now=now) == CUSTOMER_MOBILE


class TestSignupVerify:
    def test_a_registered_number_is_told_so_once_the_code_proves_it_is_theirs(
        self, now, registered_customer
    ):
        signup_start(mobile=CUSTOMER_MOBILE, ip=IP, now=now)

        with pytest.raises(MobileAlreadyRegistered) as refused:
            signup_verify(
                mobile_e164=CUSTOMER_MOBILE, code=sms_code(CUSTOMER_MOBILE, "signup"), now=now
            )
        assert refused.value.code == "mobile_already_registered"


class TestSignupComplete:
    def test_creates_a_customer_with_an_opaque_username_and_the_mobile(self, now):
        user = complete(now, verified(now))

        assert user.kind == User.Kind.CUSTOMER
        assert user.mobile == MOBILE
        assert "13700001234" not in user.username
        assert user.username.startswith("c_") and len(user.username) > 12
        assert user.check_password(GOOD_PASSWORD)
        assert user.password.startswith("argon2")

    def test_the_mobile_is_encrypted_in_the_database_and_found_by_its_index(self, now):
        user = complete(now, verified(now))

        with connection.cursor() as cursor:
            cursor.execute("SELECT mobile, mobile_index FROM identity_user")
            stored, index = cursor.fetchone()
        assert "13700001234" not in stored and stored.startswith("v1:")
        assert User.objects.get(mobile_index=index) == user

    def test_records_the_registration_in_the_audit_trail_and_the_outbox(self, now):
        user = complete(now, verified(now))

        event = OutboxEvent.objects.get(event_type="identity.customer_registered")
        assert event.payload == {"user_id": str(user.pk)}
        entry = AuditEntry.objects.get(action="customer.register")
        assert entry.target_id == str(user.pk)
        assert entry.after["mobile"] == "137****1234"
        assert "13700001234" not in str(entry.after)

    def test_the_code_opens_the_door_once(self, now):
        challenge = verified(now)
        complete(now, challenge)

        with pytest.raises((OtpNotVerified, MobileAlreadyRegistered)):
            complete(now, challenge)
        assert User.objects.count() == 1

    def test_without_a_verified_code_no_account_is_made(self, now):
        signup_start(mobile=MOBILE, ip=IP, now=now)

        with pytest.raises(OtpNotVerified):
            complete(now, OtpChallenge.objects.get())
        assert not User.objects.exists()

    @pytest.mark.parametrize(
        ("password", "reason"),
        [
            ("short1!", "too short"),
            ("password123", "too common"),
            ("58203948571", "entirely numeric"),
            ("me13700001234", "mobile number"),
            ("x-00001234-y", "mobile number"),  # the last 8 digits
        ],
    )
    def test_weak_or_personal_passwords_are_refused_and_the_code_stays_usable(
        self, now, password, reason
    ):
        challenge = verified(now)

        with pytest.raises(PasswordInvalid) as refused:
            complete(now, challenge, password=password)

        assert reason in refused.value.message
        assert refused.value.code == "password_invalid"
        assert not User.objects.exists()
        complete(now, challenge)  # the code was not spent

    def test_the_two_passwords_must_match(self, now):
        with pytest.raises(PasswordsDiffer):
            complete(now, verified(now), confirm="something-else-entirely")

    def test_one_ip_address_creates_at_most_ten_accounts_a_day(self, now):
        for i in range(10):
            at = now + timedelta(minutes=i)
            mobile = f"+86137000012{i:02d}"
            complete(at, verified(at, mobile=mobile, ip=f"198.51.100.{i}"), mobile=mobile)
        mobile = "+8613700001299"
        at = now + timedelta(minutes=30)

        with pytest.raises(RateLimited) as refused:
            complete(at, verified(at, mobile=mobile, ip="198.51.100.50"), mobile=mobile)

        assert refused.value.status == 429
        assert User.objects.count() == 10


class TestSignupTerms:
    """The documents privacy registers (signup_terms): accepted with the login, or no login."""

    def test_the_new_customer_has_accepted_each_current_document(self, now):
        from hujin.privacy.selectors import consents_outstanding

        user = complete(now, verified(now))

        assert consents_outstanding(user_id=user.pk) == []
        assert OutboxEvent.objects.filter(event_type="privacy.consent_given").count() == 2

    def test_without_accepting_them_no_account_is_made_and_the_code_stays_usable(self, now):
        challenge = verified(now)

        with pytest.raises(TermsNotAccepted):
            signup_complete(
                mobile_e164=MOBILE, challenge_id=challenge.id, password=GOOD_PASSWORD,
                password_confirm=GOOD_PASSWORD, ip=IP, now=now,
            )  # fmt: skip

        assert not User.objects.exists()
        complete(now, challenge)

    def test_versions_other_than_the_current_ones_are_refused(self, now):
        challenge = verified(now)
        outdated = [str(uuid.uuid4()), str(uuid.uuid4())]

        with pytest.raises(TermsChanged):
            signup_complete(
                mobile_e164=MOBILE, challenge_id=challenge.id, password=GOOD_PASSWORD,
                password_confirm=GOOD_PASSWORD, ip=IP, now=now, terms_accepted=outdated,
            )  # fmt: skip

        assert not User.objects.exists()

    def test_a_refusal_to_record_them_leaves_no_account(self, now, monkeypatch):
        from hujin.identity import signup_terms
        from hujin.privacy.errors import ConsentDocumentOutdated

        hook = signup_terms._hooks[0]

        def refuse(**kwargs):
            raise ConsentDocumentOutdated()

        monkeypatch.setattr(signup_terms, "_hooks", [signup_terms._Hook(hook.current, refuse)])
        challenge = verified(now)

        with pytest.raises(ConsentDocumentOutdated):
            complete(now, challenge)

        assert not User.objects.exists()
        assert not AuditEntry.objects.filter(action="customer.register").exists()
