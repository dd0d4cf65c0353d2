import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = "/auth/login/"


def log_in(client, username, password, next_url=""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


class TestConsoleLogin:
    def test_the_login_page_has_a_username_and_password_form(self, client):
        response = client.get(LOGIN)

        assert response.status_code == 200
        assert b'name="username"' in response.content
        assert b'name="password"' in response.content
        assert "互金".encode() in response.content

    def test_staff_with_the_right_password_are_asked_for_their_second_factor(
        self, client, staff_user, staff_password
    ):
        response = log_in(client, "staff", staff_password, next_url="/auth/api-keys/")

        assert response.status_code == 302
        assert response["Location"] == "/auth/mfa/verify/?next=%2Fauth%2Fapi-keys%2F"
        assert "_auth_user_id" not in client.session
        assert client.session["mfa_pending_user_id"] == str(staff_user.pk)

    def test_staff_log_in_and_land_on_the_console_home(
        self, client, staff_user, staff_password, no_mfa
    ):
        response = log_in(client, "staff", staff_password)

        assert response.status_code == 302
        assert response["Location"] == reverse("web:home")
        assert client.session["_auth_user_id"] == str(staff_user.pk)

    def test_staff_are_sent_back_to_the_page_they_asked_for(
        self, client, staff_user, staff_password, no_mfa
    ):
        response = log_in(client, "staff", staff_password, next_url="/auth/api-keys/")

        assert response["Location"] == "/auth/api-keys/"

    def test_a_next_address_on_another_site_is_ignored(
        self, client, staff_user, staff_password, no_mfa
    ):
        response = log_in(client, "staff", staff_password, next_url="https://evil.example/")

        assert response["Location"] == reverse("web:home")

    def test_a_wrong_password_is_refused(self, client, staff_user):
        response = log_in(client, "staff", "wrong")

        assert response.status_code == 200
        assert b"Please enter a correct username and password" in response.content
        assert "_auth_user_id" not in client.session

    def test_a_customer_with_the_right_password_is_refused(
        self, client, customer_user, staff_password
    ):
        response = log_in(client, "customer", staff_password)

        assert response.status_code == 200
        assert b"cannot sign in to the staff console" in response.content
        assert "_auth_user_id" not in client.session

    def test_a_deactivated_staff_member_is_refused(self, client, clerk_user, staff_password):
        clerk_user.is_active = False
        clerk_user.save()

        response = log_in(client, "clerk", staff_password)

        assert response.status_code == 200
        assert "_auth_user_id" not in client.session

    def test_repeated_failures_lock_the_account_and_the_page_says_until_when(
        self, client, staff_user, staff_password, monkeypatch
    ):
        from datetime import UTC, datetime, timedelta

        from django.utils import timezone

        start = datetime(2025, 3, 14, 2, 0, tzinfo=UTC)
        clock = iter(start + timedelta(minutes=i) for i in range(10))
        monkeypatch.setattr(timezone, "now", lambda: next(clock))
        for _ in range(4):
            log_in(client, "staff", "wrong")

        response = log_in(client, "staff", "wrong")
        assert response.status_code == 429
        assert "This account is locked until 10:19." in response.content.decode()

        response = log_in(client, "staff", staff_password)
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_the_page_says_how_long_to_wait_after_three_failures(self, client, staff_user):
        for _ in range(2):
            log_in(client, "staff", "wrong")

        response = log_in(client, "staff", "wrong")

        assert response.status_code == 429
        assert "Wait 5 seconds before trying again." in response.content.decode()


class TestConsoleLogout:
    def test_logging_out_takes_a_post(self, staff_client):
        response = staff_client.post("/auth/logout/")

        assert response.status_code == 302
        assert response["Location"] == LOGIN
        assert staff_client.get("/").status_code == 302

    def test_a_get_does_not_log_out(self, staff_client):
        assert staff_client.get("/auth/logout/").status_code == 405
        assert staff_client.get("/").status_code == 200

    def test_the_console_offers_a_logout_button(self, staff_client):
        content = staff_client.get("/").content.decode()

        assert 'action="/auth/logout/"' in content
        assert 'method="post"' in content
