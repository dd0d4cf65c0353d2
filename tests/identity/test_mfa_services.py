"""TOTP enrolment, verification, recovery codes and switching off (hujin.identity.mfa.services)."""

import re
from datetime import timedelta

import pyotp
import pytest
from django.db import connection

from hujin.core.models import AuditEntry, OutboxEvent
from hujin.identity.mfa import services
from hujin.identity.mfa.errors import (
    MfaAlreadyEnabled,
    MfaCodeInvalid,
    MfaCodeReused,
    MfaEnrolmentNotStarted,
    MfaLocked,
    MfaNotEnrolled,
    MfaPasswordWrong,
    MfaRequiredForStaff,
)
from hujin.identity.mfa.models import RecoveryCode, TotpDevice

pytestmark = pytest.mark.django_db


def code_at(secret, when, steps=0):
    return pyotp.TOTP(secret).at(when, counter_offset=steps)


@pytest.fixture
def enrolled_customer(customer_user, now):
    """customer_user with TOTP on; returns (user, secret, recovery codes)."""
    device = services.totp_enrol_begin(user=customer_user, now=now - timedelta(minutes=5))
    codes = services.totp_enrol_confirm(
        user=customer_user,
        code=code_at(device.secret, now - timedelta(minutes=5)),
        now=now - timedelta(minutes=5),
    )
    return customer_user, device.secret, codes


def audit_text():
    return " ".join(str((e.action, e.before, e.after)) for e in AuditEntry.objects.all())


def events_text():
    return " ".join(str((e.event_type, e.payload)) for e in OutboxEvent.objects.all())


class TestMfaRequiredFor:
    def test_staff_always_need_a_second_factor(self, clerk_user):
        assert services.mfa_required_for(clerk_user)

    def test_customers_need_one_only_once_they_turned_it_on(self, customer_user, now):
        assert not services.mfa_required_for(customer_user)
        device = services.totp_enrol_begin(user=customer_user, now=now)
        assert not services.mfa_required_for(customer_user)  # not confirmed yet

        services.totp_enrol_confirm(user=customer_user, code=code_at(device.secret, now), now=now)

        assert services.mfa_required_for(customer_user)


class TestTotpEnrolBegin:
    def test_gives_an_unconfirmed_device_with_a_160_bit_base32_secret(self, customer_user, now):
        device = services.totp_enrol_begin(user=customer_user, now=now)

        assert re.fullmatch(r"[A-Z2-7]{32}", device.secret)
        assert device.confirmed_at is None

    def test_keeps_the_secret_encrypted_in_the_database(self, customer_user, now):
        device = services.totp_enrol_begin(user=customer_user, now=now)

        with connection.cursor() as cursor:
            cursor.execute("SELECT secret FROM mfa_totpdevice")
            (stored,) = cursor.fetchone()
        assert device.secret not in stored
        assert stored.startswith("v1:")

    def test_starting_again_replaces_an_unconfirmed_secret(self, customer_user, now):
        first = services.totp_enrol_begin(user=customer_user, now=now)
        second = services.totp_enrol_begin(user=customer_user, now=now + timedelta(minutes=1))

        assert TotpDevice.objects.filter(user=customer_user).count() == 1
        assert second.secret != first.secret

    def test_refuses_when_a_confirmed_device_exists(self, enrolled_customer, now):
        user, secret, _ = enrolled_customer

        with pytest.raises(MfaAlreadyEnabled):
            services.totp_enrol_begin(user=user, now=now)
        assert TotpDevice.objects.get(user=user).secret == secret

    def test_records_the_start_without_the_secret(self, customer_user, now):
        device = services.totp_enrol_begin(user=customer_user, now=now)

        assert AuditEntry.objects.filter(action="mfa.enrolment_started").count() == 1
        assert device.secret not in audit_text()
        assert device.secret not in events_text()


class TestTotpEnrolConfirm:
    def test_a_right_code_turns_it_on_and_returns_ten_distinct_recovery_codes(
        self, customer_user, now
    ):
        device = services.totp_enrol_begin(user=customer_user, now=now)

        codes = services.totp_enrol_confirm(
            user=customer_user, code=code_at(device.secret, now), now=now
        )

        device.refresh_from_db()
        assert device.confirmed_at == now
        assert len(set(codes)) == 10
        assert all(re.fullmatch(r"[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}", c) for c in codes)
        assert RecoveryCode.objects.filter(user=customer_user).count() == 10

    def test_keeps_only_hashes_of_the_recovery_codes(self, customer_user, now):
        device = services.totp_enrol_begin(user=customer_user, now=now)
        codes = services.totp_enrol_confirm(
            user=customer_user, code=code_at(device.secret, now), now=now
        )

        stored = " ".join(RecoveryCode.objects.values_list("code_hash", flat=True))
        assert not any(code in stored or code.replace("-", "") in stored for code in codes)
        assert not any(code in audit_text() for code in codes)

    def test_accepts_the_code_of_the_previous_30_seconds_for_a_slow_phone_clock(
        self, customer_user, now
    ):
        device = services.totp_enrol_begin(user=customer_user, now=now)

        services.totp_enrol_confirm(
            user=customer_user, code=code_at(device.secret, now, steps=-1), now=now
        )

        assert TotpDevice.objects.get(user=customer_user).confirmed_at == now

    def test_refuses_a_code_from_two_steps_ago_and_changes_nothing(self, customer_user, now):
        device = services.totp_enrol_begin(user=customer_user, now=now)

        with pytest.raises(MfaCodeInvalid):
            services.totp_enrol_confirm(
                user=customer_user, code=code_at(device.secret, now, steps=-2), now=now
            )
        assert TotpDevice.objects.get(user=customer_user).confirmed_at is None
        assert not RecoveryCode.objects.exists()

    @pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "１２３４５６"])
    def test_refuses_malformed_codes(self, customer_user, now, code):
        services.totp_enrol_begin(user=customer_user, now=now)

        with pytest.raises(MfaCodeInvalid):
            services.totp_enrol_confirm(user=customer_user, code=code, now=now)

    def test_needs_a_started_enrolment(self, customer_user, now):
        with pytest.raises(MfaEnrolmentNotStarted):
            services.totp_enrol_confirm(user=customer_user, code="123456", now=now)

    def test_records_mfa_enabled_in_audit_and_events(self, customer_user, now):
        device = services.totp_enrol_begin(user=customer_user, now=now)
        services.totp_enrol_confirm(user=customer_user, code=code_at(device.secret, now), now=now)

        entry = AuditEntry.objects.get(action="mfa.enabled")
        assert entry.target_id == str(customer_user.pk)
        assert OutboxEvent.objects.filter(event_type="identity.mfa_enabled").count() == 1
        assert device.secret not in audit_text()


class TestTotpVerify:
    def test_accepts_the_current_code(self, enrolled_customer, now):
        user, secret, _ = enrolled_customer

        verified = services.totp_verify(user=user, code=code_at(secret, now), now=now)

        assert verified.method == "totp"

    def test_accepts_a_code_typed_with_spaces(self, enrolled_customer, now):
        user, secret, _ = enrolled_customer
        code = code_at(secret, now)

        assert services.totp_verify(user=user, code=f" {code[:3]} {code[3:]} ", now=now)

    def test_refuses_the_same_code_twice(self, enrolled_customer, now):
        user, secret, _ = enrolled_customer
        code = code_at(secret, now)
        services.totp_verify(user=user, code=code, now=now)

        with pytest.raises(MfaCodeReused):
            services.totp_verify(user=user, code=code, now=now + timedelta(seconds=5))

    def test_refuses_an_older_step_once_a_newer_one_was_used(self, enrolled_customer, now):
        user, secret, _ = enrolled_customer
        services.totp_verify(user=user, code=code_at(secret, now), now=now)

        with pytest.raises(MfaCodeReused):
            services.totp_verify(user=user, code=code_at(secret, now, steps=-1), now=now)

    def test_the_code_that_confirmed_enrolment_cannot_log_in(self, customer_user, now):
        device = services.totp_enrol_begin(user=customer_user, now=now)
        code = code_at(device.secret, now)
        services.totp_enrol_confirm(user=customer_user, code=code, now=now)

        with pytest.raises(MfaCodeReused):
            services.totp_verify(user=customer_user, code=code, now=now)

    def test_refuses_a_wrong_code_and_counts_it(self, enrolled_customer, now):
        user, secret, _ = enrolled_customer
        wrong = code_at(secret, now, steps=5)

        with pytest.raises(MfaCodeInvalid):
            services.totp_verify(user=user, code=wrong, now=now)
        assert TotpDevice.objects.get(user=user).failed_attempts == 1
        assert AuditEntry.objects.filter(action="mfa.verify_failed").count() == 1
        assert wrong not in audit_text()

    def test_five_wrong_codes_lock_the_factor_even_for_the_right_code(self, enrolled_customer, now):
        user, secret, _ = enrolled_customer
        for _ in range(4):
            with pytest.raises(MfaCodeInvalid):
                services.totp_verify(user=user, code="000000", now=now)

        with pytest.raises(MfaLocked) as locked:
            services.totp_verify(user=user, code="000000", now=now)

        assert locked.value.details["retry_after_s"] == 15 * 60
        with pytest.raises(MfaLocked):
            services.totp_verify(
                user=user, code=code_at(secret, now), now=now + timedelta(minutes=1)
            )
        assert OutboxEvent.objects.filter(event_type="identity.mfa_locked").count() == 1

    def test_the_lock_ends_after_fifteen_minutes(self, enrolled_customer, now):
        user, secret, _ = enrolled_customer
        for _ in range(5):
            with pytest.raises((MfaCodeInvalid, MfaLocked)):
                services.totp_verify(user=user, code="000000", now=now)
        later = now + timedelta(minutes=15)

        assert services.totp_verify(user=user, code=code_at(secret, later), now=later)

    def test_a_right_code_resets_the_count_of_wrong_ones(self, enrolled_customer, now):
        user, secret, _ = enrolled_customer
        for _ in range(4):
            with pytest.raises(MfaCodeInvalid):
                services.totp_verify(user=user, code="000000", now=now)
        services.totp_verify(user=user, code=code_at(secret, now), now=now)

        with pytest.raises(MfaCodeInvalid):
            services.totp_verify(user=user, code="000000", now=now)
        assert TotpDevice.objects.get(user=user).locked_until is None

    def test_a_recovery_code_works_once(self, enrolled_customer, now):
        user, _, codes = enrolled_customer

        verified = services.totp_verify(user=user, code=codes[3], now=now)

        assert verified.method == "recovery_code"
        assert verified.recovery_codes_left == 9
        with pytest.raises(MfaCodeInvalid):
            services.totp_verify(user=user, code=codes[3], now=now)
        assert AuditEntry.objects.filter(action="mfa.recovery_code_used").count() == 1
        assert codes[3] not in audit_text()

    def test_a_recovery_code_may_be_typed_in_lower_case_without_the_hyphen(
        self, enrolled_customer, now
    ):
        user, _, codes = enrolled_customer

        assert services.totp_verify(user=user, code=codes[0].replace("-", "").lower(), now=now)

    def test_another_users_recovery_code_does_not_work(self, enrolled_customer, clerk_user, now):
        _, _, codes = enrolled_customer
        device = services.totp_enrol_begin(user=clerk_user, now=now)
        services.totp_enrol_confirm(user=clerk_user, code=code_at(device.secret, now), now=now)

        with pytest.raises(MfaCodeInvalid):
            services.totp_verify(user=clerk_user, code=codes[0], now=now)

    def test_needs_a_confirmed_device(self, customer_user, now):
        services.totp_enrol_begin(user=customer_user, now=now)

        with pytest.raises(MfaNotEnrolled):
            services.totp_verify(user=customer_user, code="123456", now=now)


class TestRecoveryCodesRegenerate:
    def test_new_codes_replace_the_old_ones(self, enrolled_customer, staff_password, now):
        user, _, old = enrolled_customer

        new = services.recovery_codes_regenerate(user=user, password=staff_password, now=now)

        assert len(new) == 10 and not set(new) & set(old)
        with pytest.raises(MfaCodeInvalid):
            services.totp_verify(user=user, code=old[0], now=now)
        assert services.totp_verify(user=user, code=new[0], now=now).method == "recovery_code"

    def test_needs_the_password(self, enrolled_customer, now):
        user, _, old = enrolled_customer

        with pytest.raises(MfaPasswordWrong):
            services.recovery_codes_regenerate(user=user, password="wrong", now=now)
        assert services.totp_verify(user=user, code=old[0], now=now)

    def test_needs_two_step_verification_on(self, customer_user, staff_password, now):
        with pytest.raises(MfaNotEnrolled):
            services.recovery_codes_regenerate(user=customer_user, password=staff_password, now=now)


class TestTotpDisable:
    def test_a_customer_can_switch_it_off_with_their_password(
        self, enrolled_customer, staff_password, now
    ):
        user, _, _ = enrolled_customer

        services.totp_disable(user=user, password=staff_password, now=now)

        assert not TotpDevice.objects.filter(user=user).exists()
        assert not RecoveryCode.objects.filter(user=user).exists()
        assert not services.mfa_required_for(user)
        assert AuditEntry.objects.filter(action="mfa.disabled").count() == 1
        assert OutboxEvent.objects.filter(event_type="identity.mfa_disabled").count() == 1

    def test_a_wrong_password_changes_nothing(self, enrolled_customer, now):
        user, _, _ = enrolled_customer

        with pytest.raises(MfaPasswordWrong):
            services.totp_disable(user=user, password="not-it", now=now)
        assert services.mfa_required_for(user)

    def test_staff_cannot_switch_it_off(self, staff_user, staff_password, now):
        with pytest.raises(MfaRequiredForStaff):
            services.totp_disable(user=staff_user, password=staff_password, now=now)
        assert TotpDevice.objects.filter(user=staff_user, confirmed_at__isnull=False).exists()
