import pytest
from django.test import Client

from hujin.identity.models import UserSession
from tests.identity.conftest import CUSTOMER_MOBILE, CUSTOMER_MOBILE_NATIONAL, sms_code

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "new-camellia-bridge-77"


class TestPasswordResetPages:
    def test_the_journey_sets_the_password_and_logs_out_every_browser(
        self, client, registered_customer, customer_password, no_mfa
    ):
        other_browser = Client()
        other_browser.post(
            "/auth/signin/", {"mobile": CUSTOMER_MOBILE_NATIONAL, "password": customer_password}
        )
        assert other_browser.get("/auth/sessions/").status_code == 200

        assert (
            client.post("/auth/reset/", {"mobile": CUSTOMER_MOBILE_NATIONAL})["Location"]
            == "/auth/reset/verify/"
        )
        code = sms_code(CUSTOMER_MOBILE, "reset")
        assert (
            client.post("/auth/reset/verify/", {"code": code})["Location"]
            == "/auth/reset/password/"
        )
        response = client.post(
            "/auth/reset/password/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )

        assert response["Location"] == "/auth/signin/"
        assert (
            "every session of your account has been ended"
            in client.get("/auth/signin/").content.decode()
        )
        assert other_browser.get("/auth/sessions/").status_code == 302
        assert not UserSession.objects.filter(revoked_at__isnull=True).exists()
        logged_in = client.post(
            "/auth/signin/", {"mobile": CUSTOMER_MOBILE_NATIONAL, "password": NEW_PASSWORD}
        )
        assert logged_in.status_code == 302

    def test_an_unregistered_number_sees_the_same_next_page(self, client):
        response = client.post("/auth/reset/", {"mobile": "13911112222"})

        assert response["Location"] == "/auth/reset/verify/"
        page = client.get("/auth/reset/verify/").content.decode()
        assert "If 139****2222 has a Hujin account" in page

    def test_the_new_password_page_needs_a_verified_code(self, client, registered_customer):
        client.post("/auth/reset/", {"mobile": CUSTOMER_MOBILE_NATIONAL})

        assert client.get("/auth/reset/password/")["Location"] == "/auth/reset/"
