import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from hujin.identity.models import ApiKey
from hujin.identity.services import api_key_authenticate, api_key_create

pytestmark = pytest.mark.django_db

LIST = "/auth/api-keys/"
NEW = "/auth/api-keys/new/"


def revoke_url(key):
    return f"/auth/api-keys/{key.id}/revoke/"


def logged_in(user):
    """A console session that has passed the second factor (see tests/identity/test_mfa_*)."""
    client = Client()
    client.force_login(user)
    session = client.session
    session["mfa_verified"] = True
    session.save()
    return client


def shown_secret(content: bytes) -> str:
    return re.search(rb"hk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}", content).group().decode()


@pytest.fixture
def key(staff_actor, now):
    return api_key_create(name="Recon job", scopes=["ledger:read"], actor=staff_actor, now=now)[0]


class TestWhoMaySeeApiKeys:
    @pytest.mark.parametrize("url", [LIST, NEW])
    def test_anonymous_visitors_are_sent_to_log_in(self, client, url):
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"].startswith("/auth/login/?next=")

    def test_customers_get_the_403_page(self, customer_user):
        response = logged_in(customer_user).get(LIST)

        assert response.status_code == 403
        assert b"You cannot open this page" in response.content

    def test_staff_without_the_permission_get_the_403_page(self, clerk_user):
        assert logged_in(clerk_user).get(LIST).status_code == 403
        assert logged_in(clerk_user).post(NEW, {"name": "x"}).status_code == 403

    def test_staff_granted_manage_api_keys_may(self, clerk_user):
        clerk_user.user_permissions.add(Permission.objects.get(codename="manage_api_keys"))

        assert logged_in(clerk_user).get(LIST).status_code == 200


class TestApiKeyList:
    def test_shows_an_empty_state_with_a_way_to_create_one(self, staff_client):
        response = staff_client.get(LIST)

        assert response.status_code == 200
        assert b"No API keys here" in response.content
        assert f'href="{NEW}"'.encode() in response.content

    def test_shows_name_scopes_created_last_used_and_status(self, staff_client, key):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=key.created_at)

        content = staff_client.get(LIST).content.decode()

        assert "Recon job" in content
        assert "ledger:read" in content
        assert f"hk_{key.prefix}_…" in content
        assert content.count("2025-03-14 10:00") == 2  # created and last used, Shanghai time
        assert 'data-status="active">Active<' in content
        assert f'action="{revoke_url(key)}"' in content

    def test_a_revoked_key_shows_as_revoked_without_a_revoke_button(self, staff_client, key):
        ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())

        content = staff_client.get(LIST).content.decode()

        assert 'data-status="revoked">Revoked<' in content
        assert revoke_url(key) not in content

    def test_pages_with_newer_and_older_links(self, staff_client, staff_actor, now):
        from datetime import timedelta

        for i in range(27):
            api_key_create(
                name=f"key {i:02}",
                scopes=["ledger:read"],
                actor=staff_actor,
                now=now + timedelta(seconds=i),
            )

        first = staff_client.get(LIST).content.decode()
        older = re.search(r'href="(\?before=[^"]+)"', first).group(1)
        second = staff_client.get(LIST + older).content.decode()

        assert "key 26" in first and "key 02" in first and "key 01" not in first
        assert "key 01" in second and "key 00" in second and "key 02" not in second
        assert 'rel="prev" href="?after=' in second

    def test_a_mangled_cursor_shows_the_first_page(self, staff_client, key):
        response = staff_client.get(LIST + "?before=nonsense")

        assert response.status_code == 200
        assert b"Recon job" in response.content


class TestApiKeyCreatePage:
    def test_offers_every_scope_in_the_catalogue_as_a_checkbox(self, staff_client):
        content = staff_client.get(NEW).content.decode()

        assert 'type="checkbox" name="scopes" value="ledger:read"' in content
        assert 'type="checkbox" name="scopes" value="ledger:write"' in content

    def test_shows_the_new_secret_exactly_once(self, staff_client):
        response = staff_client.post(
            NEW, {"name": "Recon job", "scopes": ["ledger:read", "ledger:write"]}
        )

        assert response.status_code == 200
        secret = shown_secret(response.content)
        assert "no-store" in response["Cache-Control"]
        actor = api_key_authenticate(secret=secret, now=timezone.now())
        assert actor.label == "Recon job"
        assert actor.scopes == frozenset({"ledger:read", "ledger:write"})
        listing = staff_client.get(LIST).content.decode()
        assert "Recon job" in listing
        assert secret not in listing
        assert secret.split("_", 2)[2] not in listing

    def test_can_give_the_key_an_expiry(self, staff_client):
        staff_client.post(NEW, {"name": "Temp", "scopes": ["ledger:read"], "expires_in_days": "30"})

        key = ApiKey.objects.get()
        assert (key.expires_at - key.created_at).days == 30

    def test_shows_the_form_again_when_no_scope_is_chosen(self, staff_client):
        response = staff_client.post(NEW, {"name": "Recon job"})

        assert response.status_code == 200
        assert b"This field is required" in response.content
        assert not ApiKey.objects.exists()

    def test_refuses_a_scope_outside_the_catalogue(self, staff_client):
        response = staff_client.post(NEW, {"name": "x", "scopes": ["ledger:admin"]})

        assert response.status_code == 200
        assert b"Select a valid choice" in response.content
        assert not ApiKey.objects.exists()


class TestApiKeyRevokePage:
    def test_revoking_redirects_to_the_list_with_a_message(self, staff_client, key):
        response = staff_client.post(revoke_url(key), follow=True)

        assert response.redirect_chain == [(LIST, 302)]
        assert "API key “Recon job” revoked." in response.content.decode()
        key.refresh_from_db()
        assert key.revoked_at is not None

    def test_an_htmx_revoke_answers_with_the_updated_row(self, staff_client, key):
        response = staff_client.post(revoke_url(key), headers={"HX-Request": "true"})

        content = response.content.decode()
        assert response.status_code == 200
        assert content.lstrip().startswith(f'<tr id="api-key-{key.id}">')
        assert "Revoked" in content
        assert "<html" not in content

    def test_revoking_twice_says_it_is_revoked_already(self, staff_client, key):
        staff_client.post(revoke_url(key))

        response = staff_client.post(revoke_url(key), follow=True)

        assert "already been revoked" in response.content.decode()

    def test_an_htmx_revoke_of_a_revoked_key_reloads_the_list(self, staff_client, key):
        staff_client.post(revoke_url(key))

        response = staff_client.post(revoke_url(key), headers={"HX-Request": "true"})

        assert response["HX-Redirect"] == LIST

    def test_a_get_revokes_nothing(self, staff_client, key):
        assert staff_client.get(revoke_url(key)).status_code == 405
        key.refresh_from_db()
        assert key.revoked_at is None

    def test_needs_the_csrf_token(self, staff_user, key):
        client = Client(enforce_csrf_checks=True)
        client.force_login(staff_user)

        assert client.post(revoke_url(key)).status_code == 403
        key.refresh_from_db()
        assert key.revoked_at is None
