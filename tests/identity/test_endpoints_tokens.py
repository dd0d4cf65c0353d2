"""The customer's token API over HTTP: log in, refresh, log out; the access token and the
integrator's API key each work only where they are meant to; the login devices page lists the
app and ends it; the OpenAPI document names the customerToken scheme."""

import pytest
from django.test import Client
from django.urls import reverse

from hujin.identity.models_tokens import CustomerTokenFamily
from tests.identity.conftest import CUSTOMER_MOBILE_NATIONAL

pytestmark = pytest.mark.django_db

TOKENS = "/api/v1/me/tokens"
APP = "HujinApp/1.0 (Android 14)"


def _client(token: str | None = None) -> Client:
    headers = {"user-agent": APP}
    if token:
        headers["authorization"] = f"Bearer {token}"
    return Client(headers=headers)


def log_in(password: str, **extra):
    body = {"mobile": CUSTOMER_MOBILE_NATIONAL, "password": password, **extra}
    return _client().post(TOKENS, body, content_type="application/json")


@pytest.fixture
def tokens(registered_customer, customer_password) -> dict:
    response = log_in(customer_password)
    assert response.status_code == 201, response.content
    return response.json()


class TestLogIn:
    def test_the_right_password_answers_both_tokens(self, tokens):
        assert tokens["token_type"] == "Bearer"
        assert tokens["expires_in"] == 900
        assert tokens["access_token"].startswith("hja_")
        assert tokens["refresh_token"].startswith("hjr_")

    def test_a_wrong_password_answers_the_error_shape_with_a_stable_code(self, registered_customer):
        response = log_in("not-the-password")

        assert response.status_code == 400
        assert response.json()["error"]["code"] == "login_failed"

    def test_an_unknown_field_is_refused(self, registered_customer, customer_password):
        response = log_in(customer_password, remember_me=True)

        assert response.status_code == 422


class TestRefreshAndLogOut:
    def test_a_refresh_answers_a_new_pair_and_the_old_refresh_token_is_then_refused(self, tokens):
        old = {"refresh_token": tokens["refresh_token"]}
        refreshed = _client().post(TOKENS + "/refresh", old, content_type="application/json")
        again = _client().post(TOKENS + "/refresh", old, content_type="application/json")

        assert refreshed.status_code == 200
        assert refreshed.json()["refresh_token"] != tokens["refresh_token"]
        assert again.status_code == 401
        assert again.json()["error"]["code"] == "refresh_token_reused"

    def test_logging_out_ends_the_access_token(self, tokens):
        client = _client(tokens["access_token"])

        assert client.delete(TOKENS + "/current").status_code == 204
        response = client.get("/api/v1/me/cards")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"

    def test_logging_out_needs_an_access_token(self, db):
        assert _client().delete(TOKENS + "/current").status_code == 401


class TestCrossUse:
    def test_an_integrators_api_key_does_not_open_the_customers_paths(self, api_client):
        integrator = api_client("ledger:read")

        assert integrator.get("/api/v1/me/cards").status_code == 401
        assert integrator.get("/api/v1/me/wallet").status_code == 401
        assert integrator.delete(TOKENS + "/current").status_code == 401

    def test_a_customers_access_token_does_not_open_the_integrators_paths(self, tokens):
        response = _client(tokens["access_token"]).get("/api/v1/ledger/accounts")

        assert response.status_code == 401

    def test_a_refresh_token_is_not_an_access_token(self, tokens):
        assert _client(tokens["refresh_token"]).get("/api/v1/me/cards").status_code == 401


class TestLoginDevicesPage:
    def test_the_app_is_listed_and_can_be_ended_there(self, tokens, registered_customer):
        browser = Client()
        browser.force_login(registered_customer)
        family = CustomerTokenFamily.objects.get(user=registered_customer)

        page = browser.get(reverse("identity:sessions"))
        assert "API (mobile app)" in page.content.decode()
        browser.post(reverse("identity:session_revoke", args=[family.id]))

        assert _client(tokens["access_token"]).get("/api/v1/me/cards").status_code == 401

    def test_the_app_reads_in_chinese_on_the_chinese_page(self, tokens, registered_customer):
        browser = Client(headers={"accept-language": "zh-hans"})
        browser.force_login(registered_customer)

        page = browser.get(reverse("identity:sessions")).content.decode()

        assert "API（手机应用）" in page
        assert "手机应用的每次登录" in page


class TestOpenApi:
    def test_the_document_has_the_customer_token_scheme_on_the_customers_paths(self, db):
        document = Client().get("/api/v1/openapi.json").json()

        schemes = document["components"]["securitySchemes"]
        assert schemes["customerToken"] == {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "access token",
            "description": schemes["customerToken"]["description"],
        }
        cards = document["paths"]["/api/v1/me/cards"]["get"]
        assert cards["security"] == [{"customerToken": []}]
        assert "security" not in document["paths"]["/api/v1/me/tokens"]["post"]
        ledger = document["paths"]["/api/v1/ledger/accounts"]["get"]
        assert ledger["security"] == [{"ApiKeyAuth": []}]


class TestUnauthenticatedAnswers:
    def test_the_customers_paths_ask_for_an_access_token_in_the_callers_language(self, db):
        response = _client().get("/api/v1/me/cards", headers={"accept-language": "zh-hans"})

        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"
        assert "访问令牌" in response.json()["error"]["message"]
