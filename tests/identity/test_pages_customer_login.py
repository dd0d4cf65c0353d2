import pytest
from django.test import Client

from hujin.identity.models import SecurityEvent, UserSession
from tests.identity.conftest import CUSTOMER_MOBILE_NATIONAL

pytestmark = pytest.mark.django_db

LOGIN = "/auth/signin/"
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Safari/604.1"
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0 Safari/537.36"


def log_in(client, password, mobile=CUSTOMER_MOBILE_NATIONAL, **extra):
    return client.post(LOGIN, {"mobile": mobile, "password": password}, **extra)


class TestCustomerLoginPage:
    def test_the_page_asks_for_mobile_and_password_and_links_sign_up_and_reset(self, client):
        content = client.get(LOGIN).content.decode()

        assert 'name="mobile"' in content and 'name="password"' in content
        assert 'href="/auth/signup/"' in content
        assert 'href="/auth/reset/"' in content

    def test_the_page_does_not_point_customers_to_the_staff_console(self, client):
        content = client.get(LOGIN).content.decode()

        assert 'href="/auth/login/"' not in content
        assert "Staff" not in content

    def test_a_customer_logs_in_and_lands_on_the_portal(
        self, client, registered_customer, customer_password, no_mfa
    ):
        response = log_in(client, customer_password)

        assert response.status_code == 302
        assert response["Location"] == "/me/"
        assert client.session["_auth_user_id"] == str(registered_customer.pk)
        assert client.session["mfa_verified"] is False

    def test_a_customer_with_a_second_factor_is_asked_for_it(
        self, client, registered_customer, customer_password, monkeypatch
    ):
        from hujin.identity import views_auth

        monkeypatch.setattr(views_auth, "_mfa_required", lambda user: True)

        response = log_in(client, customer_password)

        assert response["Location"].startswith("/auth/mfa/verify/?next=")
        assert "_auth_user_id" not in client.session
        assert client.session["mfa_pending_user_id"] == str(registered_customer.pk)

    def test_a_wrong_password_is_refused_plainly(self, client, registered_customer):
        response = log_in(client, "not-it-at-all")

        assert response.status_code == 200
        assert "The mobile number or password is not right." in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_brute_force_locks_the_account_and_the_right_password_then_fails(
        self, client, registered_customer, customer_password, monkeypatch
    ):
        from datetime import UTC, datetime, timedelta

        from django.utils import timezone

        start = datetime(2025, 3, 14, 2, 0, tzinfo=UTC)
        clock = iter(start + timedelta(minutes=i) for i in range(100))
        monkeypatch.setattr(timezone, "now", lambda: next(clock))
        statuses = [log_in(client, f"guess-{i}").status_code for i in range(5)]

        response = log_in(client, customer_password)

        assert statuses == [200, 200, 429, 429, 429]
        assert response.status_code == 429
        assert "This account is locked until" in response.content.decode()
        assert "_auth_user_id" not in client.session
        assert SecurityEvent.objects.filter(kind="account_locked").count() == 1

    def test_a_log_in_from_a_new_device_is_a_security_event(
        self, registered_customer, customer_password, no_mfa
    ):
        log_in(Client(), customer_password, HTTP_USER_AGENT=IPHONE)
        log_in(Client(), customer_password, HTTP_USER_AGENT=IPHONE)
        assert not SecurityEvent.objects.exists()

        log_in(Client(), customer_password, HTTP_USER_AGENT=DESKTOP)

        event = SecurityEvent.objects.get()
        assert event.kind == "new_device_or_ip"
        assert event.details["new_device"] is True and event.details["new_ip"] is False
        assert UserSession.objects.filter(user=registered_customer).count() == 3

    def test_a_log_in_from_a_new_ip_is_a_security_event(
        self, registered_customer, customer_password, no_mfa
    ):
        log_in(Client(), customer_password, REMOTE_ADDR="198.51.100.10")

        log_in(Client(), customer_password, REMOTE_ADDR="198.51.100.11")

        event = SecurityEvent.objects.get()
        assert event.details["new_ip"] is True
        assert event.ip == "198.51.100.11"

    def test_a_logged_in_customer_visiting_the_page_goes_to_the_portal(
        self, client, registered_customer
    ):
        client.force_login(registered_customer)

        assert client.get(LOGIN)["Location"] == "/me/"

    def test_staff_credentials_do_not_work_here(self, client, staff_user, staff_password):
        response = log_in(client, staff_password, mobile="staff")

        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
