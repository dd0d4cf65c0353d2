import pytest
from django.test import RequestFactory
from django.utils import timezone

from hujin.identity.api_auth import ApiKeyAuth
from hujin.identity.models import ApiKey
from hujin.identity.services import api_key_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def made(staff_actor):
    return api_key_create(
        name="Recon", scopes=["ledger:read"], actor=staff_actor, now=timezone.now()
    )


def _auth(**headers):
    return ApiKeyAuth()(RequestFactory().get("/api/v1/ledger/", headers=headers))


class TestApiKeyAuth:
    def test_accepts_a_bearer_token(self, made):
        key, secret = made

        actor = _auth(authorization=f"Bearer {secret}")

        assert actor.kind == "api_key" and actor.id == str(key.id)
        assert actor.scopes == frozenset({"ledger:read"})

    def test_accepts_the_bearer_scheme_in_any_case(self, made):
        _, secret = made

        assert _auth(authorization=f"bearer {secret}") is not None

    def test_accepts_an_x_api_key_header(self, made):
        key, secret = made

        assert _auth(x_api_key=secret).id == str(key.id)

    def test_falls_back_to_x_api_key_when_authorization_is_another_scheme(self, made):
        _, secret = made

        assert _auth(authorization="Basic dXNlcjpwYXNz", x_api_key=secret) is not None

    def test_records_the_use(self, made):
        key, secret = made

        _auth(authorization=f"Bearer {secret}")

        key.refresh_from_db()
        assert key.last_used_at is not None

    @pytest.mark.parametrize(
        "headers",
        [
            {},
            {"authorization": "Bearer"},
            {"authorization": "Bearer "},
            {"authorization": "Bearer hk_000000000000_nope"},
            {"authorization": "Token abc"},
            {"x_api_key": ""},
            {"x_api_key": "hk_000000000000_nope"},
        ],
    )
    def test_refuses_missing_or_unknown_keys(self, made, headers):
        assert _auth(**headers) is None

    def test_refuses_a_revoked_key(self, made):
        key, secret = made
        ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())

        assert _auth(authorization=f"Bearer {secret}") is None


class TestApiKeyAuthOnANinjaOperation:
    """ninja puts the Actor in request.auth, and answers 401 when the key is refused."""

    @pytest.fixture
    def api_client(self):
        from ninja import NinjaAPI
        from ninja.testing import TestClient

        api = NinjaAPI(urls_namespace="identity-api-auth-test")

        @api.get("/whoami", auth=ApiKeyAuth())
        def whoami(request):
            return {"kind": request.auth.kind, "label": request.auth.label}

        return TestClient(api)

    def test_a_valid_key_reaches_the_operation_as_its_actor(self, api_client, made):
        _, secret = made

        response = api_client.get("/whoami", headers={"Authorization": f"Bearer {secret}"})

        assert response.status_code == 200
        assert response.json() == {"kind": "api_key", "label": "Recon"}

    def test_a_revoked_key_gets_401(self, api_client, made):
        key, secret = made
        ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())

        response = api_client.get("/whoami", headers={"X-API-Key": secret})

        assert response.status_code == 401
