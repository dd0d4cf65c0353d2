"""The two-step verification pages and the console's MFA gate."""

import re

import pyotp
import pytest
from django.test import Client
from django.utils import timezone

from hujin.identity.access import MFA_VERIFIED_SESSION_KEY
from hujin.identity.mfa import services
from hujin.identity.mfa.models import TotpDevice
from hujin.identity.mfa.views import PENDING_SESSION_KEY
from hujin.identity.models import UserSession

pytestmark = pytest.mark.django_db


def current_code(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def logged_in_unverified(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def half_logged_in(user) -> Client:
    """A browser that got past the password of ``user`` and now owes the second factor."""
    client = Client()
    session = client.session
    session[PENDING_SESSION_KEY] = str(user.pk)
    session.save()
    return client


def enrol_customer(user) -> tuple[str, list[str]]:
    now = timezone.now()
    device = services.totp_enrol_begin(user=user, now=now)
    codes = services.totp_enrol_confirm(
        user=user, code=pyotp.TOTP(device.secret).at(now, counter_offset=-1), now=now
    )
    return device.secret, codes


class TestTheConsoleGate:
    def test_sends_staff_whose_session_has_not_passed_totp_to_verify(self, staff_user):
        response = logged_in_unverified(staff_user).get("/auth/api-keys/")

        assert response.status_code == 302
        assert response["Location"] == "/auth/mfa/verify/?next=/auth/api-keys/"

    def test_sends_staff_without_a_device_to_enrol(self, clerk_user):
        response = logged_in_unverified(clerk_user).get("/")

        assert response.status_code == 302
        assert response["Location"].startswith("/auth/mfa/enrol/?next=/")

    def test_lets_a_verified_staff_session_in(self, staff_client):
        assert staff_client.get("/").status_code == 200


class TestVerifyPage:
    def test_a_right_code_marks_the_session_and_goes_on(self, staff_user, staff_totp_secret):
        client = logged_in_unverified(staff_user)

        response = client.post(
            "/auth/mfa/verify/",
            {"code": current_code(staff_totp_secret), "next": "/auth/api-keys/"},
        )

        assert response.status_code == 302
        assert response["Location"] == "/auth/api-keys/"
        assert client.session[MFA_VERIFIED_SESSION_KEY] is True
        assert client.get("/auth/api-keys/").status_code == 200

    def test_completes_a_half_done_login_with_a_recorded_session(
        self, staff_user, staff_totp_secret
    ):
        client = half_logged_in(staff_user)

        response = client.post("/auth/mfa/verify/", {"code": current_code(staff_totp_secret)})

        assert response.status_code == 302
        assert PENDING_SESSION_KEY not in client.session
        assert UserSession.objects.get(user=staff_user).mfa_verified is True
        assert client.get("/").status_code == 200

    def test_a_wrong_code_shows_the_form_again_with_a_message(self, staff_user):
        client = half_logged_in(staff_user)

        response = client.post("/auth/mfa/verify/", {"code": "000000"})

        assert response.status_code == 200
        assert "not right" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_five_wrong_codes_send_the_login_back_to_the_password(self, staff_user):
        client = half_logged_in(staff_user)
        for _ in range(4):
            client.post("/auth/mfa/verify/", {"code": "000000"})

        response = client.post("/auth/mfa/verify/", {"code": "000000"}, follow=True)

        assert response.redirect_chain[0][0] == "/auth/login/"
        assert PENDING_SESSION_KEY not in client.session
        assert "Too many wrong codes" in response.content.decode()

    def test_a_recovery_code_logs_in_and_says_how_many_are_left(self, customer_user):
        _, codes = enrol_customer(customer_user)
        client = half_logged_in(customer_user)

        client.post("/auth/mfa/verify/", {"code": codes[0]})

        assert client.session["_auth_user_id"] == str(customer_user.pk)
        assert "9 are left" in client.get("/auth/mfa/").content.decode()

    def test_ignores_a_next_address_on_another_site(self, staff_user, staff_totp_secret):
        client = half_logged_in(staff_user)

        response = client.post(
            "/auth/mfa/verify/",
            {"code": current_code(staff_totp_secret), "next": "https://evil.example/"},
        )

        assert response["Location"] == "/"

    def test_without_a_login_in_progress_sends_to_the_login_page(self):
        response = Client().get("/auth/mfa/verify/")

        assert response.status_code == 302
        assert response["Location"].startswith("/auth/login/")


class TestEnrolPage:
    def test_a_staff_member_without_a_device_enrols_on_first_login(self, clerk_user):
        client = half_logged_in(clerk_user)
        assert client.get("/auth/mfa/verify/")["Location"].startswith("/auth/mfa/enrol/")

        client.post("/auth/mfa/enrol/", {"action": "start"})
        page = client.get("/auth/mfa/enrol/").content.decode()
        secret = TotpDevice.objects.get(user=clerk_user).secret
        response = client.post("/auth/mfa/enrol/", {"code": current_code(secret)})

        assert 'src="data:image/svg+xml' in page
        assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in page
        assert response.status_code == 200
        assert (
            len(re.findall(r"<code>[2-9A-Z]{5}-[2-9A-Z]{5}</code>", response.content.decode()))
            == 10
        )
        assert response["Cache-Control"].startswith("max-age=0")
        assert client.session[MFA_VERIFIED_SESSION_KEY] is True
        assert client.get("/").status_code == 200

    def test_the_page_obeys_the_content_security_policy(self, clerk_user):
        client = half_logged_in(clerk_user)
        client.post("/auth/mfa/enrol/", {"action": "start"})

        response = client.get("/auth/mfa/enrol/")
        html = response.content.decode()

        assert "style=" not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)

    def test_a_wrong_first_code_leaves_it_off(self, clerk_user):
        client = half_logged_in(clerk_user)
        client.post("/auth/mfa/enrol/", {"action": "start"})

        response = client.post("/auth/mfa/enrol/", {"code": "000000"})

        assert response.status_code == 200
        assert "not right" in response.content.decode()
        assert TotpDevice.objects.get(user=clerk_user).confirmed_at is None
        assert "_auth_user_id" not in client.session

    def test_a_customer_half_way_through_login_cannot_enrol_a_new_device(self, customer_user):
        enrol_customer(customer_user)
        client = half_logged_in(customer_user)

        response = client.post("/auth/mfa/enrol/", {"action": "start"})

        assert response["Location"].startswith("/auth/mfa/verify/")
        assert TotpDevice.objects.get(user=customer_user).confirmed_at is not None

    def test_a_logged_in_customer_turns_it_on(self, customer_user):
        client = logged_in_unverified(customer_user)
        assert "Off" in client.get("/auth/mfa/").content.decode()

        client.post("/auth/mfa/enrol/", {"action": "start"})
        secret = TotpDevice.objects.get(user=customer_user).secret
        response = client.post("/auth/mfa/enrol/", {"code": current_code(secret)})

        assert response.status_code == 200
        assert services.mfa_required_for(customer_user)


class TestManagePage:
    def test_a_customer_switches_it_off_with_their_password(self, customer_user, staff_password):
        enrol_customer(customer_user)
        client = logged_in_unverified(customer_user)

        response = client.post("/auth/mfa/disable/", {"password": staff_password}, follow=True)

        assert "Two-step verification is off." in response.content.decode()
        assert not services.mfa_required_for(customer_user)

    def test_a_wrong_password_leaves_it_on(self, customer_user):
        enrol_customer(customer_user)
        client = logged_in_unverified(customer_user)

        response = client.post("/auth/mfa/disable/", {"password": "wrong"}, follow=True)

        assert "The password is not right." in response.content.decode()
        assert services.mfa_required_for(customer_user)

    def test_staff_see_no_way_to_switch_it_off_and_cannot(self, staff_client, staff_password):
        page = staff_client.get("/auth/mfa/").content.decode()
        response = staff_client.post(
            "/auth/mfa/disable/", {"password": staff_password}, follow=True
        )

        assert "/auth/mfa/disable/" not in page
        assert "cannot turn off two-step verification" in response.content.decode()

    def test_new_recovery_codes_are_shown_once(self, staff_client, staff_password):
        response = staff_client.post("/auth/mfa/recovery-codes/", {"password": staff_password})

        assert response.status_code == 200
        assert (
            len(re.findall(r"<code>[2-9A-Z]{5}-[2-9A-Z]{5}</code>", response.content.decode()))
            == 10
        )

    def test_an_unverified_staff_session_must_verify_before_managing(self, staff_user):
        response = logged_in_unverified(staff_user).get("/auth/mfa/")

        assert response["Location"].startswith("/auth/mfa/verify/")

    def test_anonymous_visitors_are_sent_to_log_in(self):
        response = Client().get("/auth/mfa/")

        assert response.status_code == 302
        assert response["Location"].startswith("/auth/login/")


class TestLoggingInWithTheSecondFactor:
    def test_staff_log_in_with_password_then_code(
        self, staff_user, staff_password, staff_totp_secret
    ):
        client = Client()

        after_password = client.post(
            "/auth/login/", {"username": staff_user.username, "password": staff_password}
        )
        assert after_password.status_code == 302
        assert after_password["Location"].startswith("/auth/mfa/verify/")
        assert "_auth_user_id" not in client.session  # not logged in before the code
        assert client.get("/").status_code == 302

        after_code = client.post(
            after_password["Location"], {"code": current_code(staff_totp_secret)}
        )

        assert after_code.status_code == 302
        assert client.get("/").status_code == 200
        assert UserSession.objects.get(user=staff_user).mfa_verified is True

    def test_a_half_done_login_expires_after_ten_minutes(self, staff_user, monkeypatch):
        client = half_logged_in(staff_user)
        assert client.get("/auth/mfa/verify/").status_code == 200
        later = timezone.now() + timezone.timedelta(minutes=11)
        monkeypatch.setattr(timezone, "now", lambda: later)

        response = client.get("/auth/mfa/verify/")

        assert response.status_code == 302
        assert response["Location"].startswith("/auth/login/")
        assert PENDING_SESSION_KEY not in client.session


class TestInChinese:
    def test_the_enrol_page_speaks_chinese(self, clerk_user):
        client = half_logged_in(clerk_user)
        client.post("/auth/mfa/enrol/", {"action": "start"})

        html = client.get("/auth/mfa/enrol/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

        assert "设置两步验证" in html and "用应用扫描此二维码" in html

    def test_errors_speak_chinese(self, staff_user):
        client = half_logged_in(staff_user)

        response = client.post(
            "/auth/mfa/verify/", {"code": "000000"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
        )

        assert "验证码不正确" in response.content.decode()


class TestNavigation:
    def test_the_user_menu_links_to_two_step_verification(self, staff_client):
        assert 'href="/auth/mfa/"' in staff_client.get("/").content.decode()

    def test_the_console_links_the_staff_page_for_those_who_may_see_it(self, role_client):
        assert 'href="/auth/staff/"' in role_client("auditor").get("/").content.decode()
        assert 'href="/auth/staff/"' not in role_client("operations").get("/").content.decode()
