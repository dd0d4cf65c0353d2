import pytest
from django.test import Client

from hujin.identity.models import User, UserSession
from tests.identity.conftest import CUSTOMER_MOBILE_NATIONAL

pytestmark = pytest.mark.django_db

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Safari/604.1"
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0 Safari/537.36"


@pytest.fixture
def browser(registered_customer, customer_password, no_mfa):
    """Factory: a new browser logged in as the customer through the log-in page."""

    def open_browser(user_agent=IPHONE, ip="198.51.100.7") -> Client:
        client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip)
        response = client.post(
            "/auth/signin/", {"mobile": CUSTOMER_MOBILE_NATIONAL, "password": customer_password}
        )
        assert response.status_code == 302
        return client

    return open_browser


def session_id(client) -> str:
    return client.session["user_session_id"]


class TestSessionList:
    def test_lists_the_customers_sessions_with_device_and_masked_ip(self, browser):
        phone = browser()
        browser(user_agent=DESKTOP, ip="203.0.113.44")

        content = phone.get("/auth/sessions/").content.decode()

        assert "Safari · iPhone" in content
        assert "Chrome · Windows" in content
        assert "203.0.113.x" in content and "203.0.113.44" not in content
        assert "This browser" in content

    def test_anonymous_visitors_are_sent_to_log_in(self, client):
        response = client.get("/auth/sessions/")

        assert response["Location"].startswith("/auth/signin/?next=")

    def test_staff_see_their_own_sessions_in_the_console(self, staff_client):
        response = staff_client.get("/auth/sessions/")

        assert response.status_code == 200
        assert "console-nav" in response.content.decode()


class TestSessionRevoke:
    def test_ending_another_session_logs_that_browser_out(self, browser):
        phone = browser()
        desktop = browser(user_agent=DESKTOP)

        response = phone.post(f"/auth/sessions/{session_id(desktop)}/revoke/")

        assert response["Location"] == "/auth/sessions/"
        assert desktop.get("/auth/sessions/").status_code == 302
        assert "_auth_user_id" not in desktop.session
        assert phone.get("/auth/sessions/").status_code == 200

    def test_logging_out_everywhere_else_keeps_this_browser(self, browser):
        phone = browser()
        others = [browser(user_agent=DESKTOP), browser(ip="203.0.113.5")]

        phone.post("/auth/sessions/revoke-others/")

        assert phone.get("/auth/sessions/").status_code == 200
        assert all(o.get("/auth/sessions/").status_code == 302 for o in others)
        assert UserSession.objects.filter(revoked_at__isnull=True).count() == 1

    def test_ending_this_session_logs_out_here(self, browser):
        phone = browser()

        response = phone.post(f"/auth/sessions/{session_id(phone)}/revoke/")

        assert response["Location"] == "/auth/signin/"
        assert phone.get("/auth/sessions/").status_code == 302

    def test_a_customer_cannot_end_another_customers_session(self, browser):
        victim = browser()
        other = User.objects.create(
            username="c_other", kind=User.Kind.CUSTOMER, mobile="+8613500009999"
        )
        attacker = Client()
        attacker.force_login(other)

        response = attacker.post(f"/auth/sessions/{session_id(victim)}/revoke/")

        assert response.status_code == 404
        assert victim.get("/auth/sessions/").status_code == 200
        assert UserSession.objects.filter(revoked_at__isnull=False).count() == 0

    def test_an_unknown_session_is_404(self, browser):
        phone = browser()

        response = phone.post("/auth/sessions/00000000-0000-0000-0000-000000000000/revoke/")

        assert response.status_code == 404

    def test_revoking_takes_a_post(self, browser):
        phone = browser()

        assert phone.get(f"/auth/sessions/{session_id(phone)}/revoke/").status_code == 405


class TestLogOut:
    def test_a_customer_logging_out_lands_on_the_customer_log_in_and_the_session_ends(
        self, browser
    ):
        phone = browser()
        recorded = session_id(phone)

        response = phone.post("/auth/logout/")

        assert response["Location"] == "/auth/signin/"
        assert UserSession.objects.get(pk=recorded).revoked_at is not None
        assert phone.get("/auth/sessions/").status_code == 302

    def test_sessions_idle_longer_than_the_cookie_age_are_not_listed(self, browser):
        from datetime import timedelta

        from django.conf import settings
        from django.utils import timezone

        phone = browser()
        desktop = browser(user_agent=DESKTOP)
        UserSession.objects.filter(pk=session_id(desktop)).update(
            last_seen_at=timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
        )

        content = phone.get("/auth/sessions/").content.decode()

        assert "Chrome · Windows" not in content
        assert "Safari · iPhone" in content
