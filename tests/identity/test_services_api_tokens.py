"""The customer's API tokens: issue, refresh with rotation, reuse detection, log-out, expiry,
and the portal's lock-out rules in front of them. Time is passed in."""

from datetime import timedelta

import pyotp
import pytest

from hujin.core.actors import SYSTEM
from hujin.identity.api_tokens import (
    ACCESS_TOKEN_LIFETIME,
    REFRESH_TOKEN_LIFETIME,
    token_authenticate,
    token_family_end,
    token_issue,
    token_refresh,
)
from hujin.identity.errors import (
    AccountLocked,
    LoginDelayed,
    LoginFailed,
    MfaCodeRequired,
    RefreshTokenReused,
    SessionNotFound,
    TokenInvalid,
)
from hujin.identity.housekeeping import identity_counters_purge
from hujin.identity.mfa.errors import MfaCodeInvalid
from hujin.identity.models import SecurityEvent
from hujin.identity.models_tokens import CustomerToken, CustomerTokenFamily
from hujin.identity.personal_data import user_anonymise, user_personal_data
from hujin.identity.sessions import session_list, session_revoke, sessions_revoke_all
from tests.conftest import STAFF_TOTP_SECRET, _totp_device_confirmed
from tests.identity.conftest import CUSTOMER_MOBILE_NATIONAL

pytestmark = pytest.mark.django_db

IP = "203.0.113.30"
UA = "HujinApp/1.0 (iPhone; iOS 17)"


def issue(now, password, *, totp_code="", mobile=CUSTOMER_MOBILE_NATIONAL, ip=IP):
    return token_issue(
        mobile=mobile, password=password, totp_code=totp_code, ip=ip, user_agent=UA, now=now
    )


def refresh(now, token):
    return token_refresh(refresh_token=token, ip=IP, user_agent=UA, now=now)


class TestTokenIssue:
    def test_the_right_mobile_and_password_give_an_access_and_a_refresh_token(
        self, now, registered_customer, customer_password
    ):
        issued = issue(now, customer_password)

        holder = token_authenticate(token=issued.access_token, now=now)
        assert holder.actor.kind == "customer"
        assert holder.actor.id == str(registered_customer.pk)
        assert holder.family_id == issued.family_id
        assert issued.expires_in == 15 * 60

    def test_only_hashes_of_the_tokens_are_stored(
        self, now, registered_customer, customer_password
    ):
        issued = issue(now, customer_password)

        stored = set(CustomerToken.objects.values_list("token_sha256", flat=True))
        assert issued.access_token not in stored and issued.refresh_token not in stored
        assert len(stored) == 2

    def test_a_wrong_password_gets_the_portals_answer_and_no_token(self, now, registered_customer):
        with pytest.raises(LoginFailed):
            issue(now, "not-the-password")

        assert not CustomerTokenFamily.objects.exists()

    def test_the_portals_lock_out_applies(self, now, registered_customer, customer_password):
        for i in range(10):
            with pytest.raises((LoginFailed, LoginDelayed, AccountLocked)):
                issue(now + timedelta(minutes=i), "wrong-password")

        with pytest.raises(AccountLocked):
            issue(now + timedelta(minutes=11), customer_password)
        assert not CustomerTokenFamily.objects.exists()

    def test_two_step_verification_asks_for_the_code_then_takes_it(
        self, now, registered_customer, customer_password
    ):
        _totp_device_confirmed(registered_customer)

        with pytest.raises(MfaCodeRequired):
            issue(now, customer_password)
        with pytest.raises(MfaCodeInvalid):
            issue(now, customer_password, totp_code="000000")
        code = pyotp.TOTP(STAFF_TOTP_SECRET).at(now)
        issued = issue(now, customer_password, totp_code=code)

        assert CustomerTokenFamily.objects.get(pk=issued.family_id).mfa_verified

    def test_a_log_in_from_a_new_device_is_a_security_event(
        self, now, registered_customer, customer_password
    ):
        issue(now, customer_password)
        issue(now, customer_password, ip="198.51.100.7")

        kinds = list(SecurityEvent.objects.values_list("kind", flat=True))
        assert kinds == [SecurityEvent.Kind.NEW_DEVICE_OR_IP]


class TestTokenRefresh:
    def test_a_refresh_gives_a_new_pair_and_spends_the_old_refresh_token(
        self, now, registered_customer, customer_password
    ):
        first = issue(now, customer_password)
        later = now + timedelta(minutes=20)

        second = refresh(later, first.refresh_token)

        assert second.refresh_token != first.refresh_token
        assert second.family_id == first.family_id
        assert token_authenticate(token=second.access_token, now=later) is not None
        with pytest.raises(RefreshTokenReused):
            refresh(later, first.refresh_token)

    def test_reusing_a_spent_refresh_token_ends_the_whole_family(
        self, now, registered_customer, customer_password
    ):
        first = issue(now, customer_password)
        second = refresh(now + timedelta(minutes=1), first.refresh_token)

        with pytest.raises(RefreshTokenReused):
            refresh(now + timedelta(minutes=2), first.refresh_token)

        later = now + timedelta(minutes=3)
        assert token_authenticate(token=second.access_token, now=later) is None
        with pytest.raises(TokenInvalid):
            refresh(later, second.refresh_token)
        event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.REFRESH_TOKEN_REUSED)
        assert event.user == registered_customer

    def test_an_unknown_refresh_token_is_invalid(self, now, registered_customer):
        with pytest.raises(TokenInvalid):
            refresh(now, "hjr_not-a-token")
        with pytest.raises(TokenInvalid):
            refresh(now, "hk_abc_an-api-key")

    def test_a_refresh_token_expires_after_thirty_days(
        self, now, registered_customer, customer_password
    ):
        issued = issue(now, customer_password)

        with pytest.raises(TokenInvalid):
            refresh(now + REFRESH_TOKEN_LIFETIME, issued.refresh_token)


class TestAccessToken:
    def test_an_access_token_expires_after_fifteen_minutes(
        self, now, registered_customer, customer_password
    ):
        issued = issue(now, customer_password)
        just_before = now + ACCESS_TOKEN_LIFETIME - timedelta(seconds=1)

        assert token_authenticate(token=issued.access_token, now=just_before) is not None
        assert (
            token_authenticate(token=issued.access_token, now=now + ACCESS_TOKEN_LIFETIME) is None
        )

    def test_a_refresh_token_is_not_an_access_token(
        self, now, registered_customer, customer_password
    ):
        issued = issue(now, customer_password)

        assert token_authenticate(token=issued.refresh_token, now=now) is None

    def test_logging_out_ends_the_access_and_refresh_tokens(
        self, now, registered_customer, customer_password
    ):
        issued = issue(now, customer_password)
        holder = token_authenticate(token=issued.access_token, now=now)

        token_family_end(actor=holder.actor, family_id=holder.family_id, now=now)

        assert token_authenticate(token=issued.access_token, now=now) is None
        with pytest.raises(TokenInvalid):
            refresh(now, issued.refresh_token)

    def test_a_deactivated_customers_token_stops_working(
        self, now, registered_customer, customer_password
    ):
        issued = issue(now, customer_password)
        registered_customer.is_active = False
        registered_customer.save(update_fields=["is_active"])

        assert token_authenticate(token=issued.access_token, now=now) is None


class TestAmongTheSessions:
    def test_the_app_is_listed_with_the_browsers_and_ends_like_one(
        self, now, registered_customer, customer_password
    ):
        issued = issue(now, customer_password)
        rows = session_list(user=registered_customer, current_session_id=None, now=now)
        assert [(r.id, r.device) for r in rows] == [(issued.family_id, "API (mobile app)")]

        session_revoke(user=registered_customer, session_id=issued.family_id, now=now)

        assert session_list(user=registered_customer, current_session_id=None, now=now) == []
        assert token_authenticate(token=issued.access_token, now=now) is None

    def test_a_password_reset_ends_the_apps_log_ins(
        self, now, registered_customer, customer_password
    ):
        issued = issue(now, customer_password)

        ended = sessions_revoke_all(user=registered_customer, now=now, reason="password_reset")

        assert ended == 1
        with pytest.raises(TokenInvalid):
            refresh(now, issued.refresh_token)

    def test_another_customer_cannot_end_the_apps_log_in(
        self, now, registered_customer, customer_password, customer_user
    ):
        issued = issue(now, customer_password)

        with pytest.raises(SessionNotFound):
            session_revoke(user=customer_user, session_id=issued.family_id, now=now)
        assert token_authenticate(token=issued.access_token, now=now) is not None


class TestPersonalData:
    def test_the_apps_log_ins_are_in_the_export_among_the_login_devices(
        self, now, registered_customer, customer_password
    ):
        issue(now, customer_password)

        data = user_personal_data(user_id=registered_customer.pk)

        assert [(s["device"], s["ip"]) for s in data["sessions"]] == [(UA, IP)]

    def test_anonymising_ends_the_apps_log_ins_and_forgets_where_they_came_from(
        self, now, registered_customer, customer_password
    ):
        issued = issue(now, customer_password)

        user_anonymise(actor=SYSTEM, user_id=registered_customer.pk, now=now)

        family = CustomerTokenFamily.objects.get(pk=issued.family_id)
        assert (family.ip, family.user_agent) == (None, "")
        assert family.revoked_at == now
        assert token_authenticate(token=issued.access_token, now=now) is None


class TestHousekeeping:
    def test_tokens_go_a_day_after_they_expire_and_the_log_in_stays(
        self, now, registered_customer, customer_password
    ):
        issued = issue(now, customer_password)

        purged = identity_counters_purge(
            now=now + ACCESS_TOKEN_LIFETIME + timedelta(days=1, seconds=1)
        )

        assert purged["expired_tokens"] == 1
        assert list(CustomerToken.objects.values_list("kind", flat=True)) == ["refresh"]
        assert CustomerTokenFamily.objects.filter(pk=issued.family_id).exists()
