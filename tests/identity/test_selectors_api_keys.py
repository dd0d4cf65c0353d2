from datetime import timedelta

import pytest

from hujin.identity.access import staff_actor
from hujin.identity.errors import ApiKeyManagementDenied, ApiKeyNotFound
from hujin.identity.models import ApiKey
from hujin.identity.selectors import api_key_get, api_key_page
from hujin.identity.services import api_key_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_keys(staff_actor, now):
    """k0 (oldest) .. k4 (newest), a second apart."""
    return [
        api_key_create(
            name=f"k{i}", scopes=["ledger:read"], actor=staff_actor, now=now + timedelta(seconds=i)
        )[0]
        for i in range(5)
    ]


def names(page):
    return [row.name for row in page.rows]


class TestApiKeyPage:
    def test_lists_newest_first_with_an_older_cursor(self, five_keys, staff_actor, now):
        page = api_key_page(actor=staff_actor, now=now, limit=2)

        assert names(page) == ["k4", "k3"]
        assert page.newer_cursor is None
        assert page.older_cursor == str(five_keys[3].id)

    def test_walks_older_and_back_newer(self, five_keys, staff_actor, now):
        second = api_key_page(actor=staff_actor, now=now, limit=2, before=five_keys[3].id)
        last = api_key_page(actor=staff_actor, now=now, limit=2, before=five_keys[1].id)
        back = api_key_page(actor=staff_actor, now=now, limit=2, after=five_keys[2].id)

        assert names(second) == ["k2", "k1"]
        assert second.newer_cursor == str(five_keys[2].id)
        assert second.older_cursor == str(five_keys[1].id)
        assert names(last) == ["k0"]
        assert last.older_cursor is None
        assert names(back) == ["k4", "k3"]
        assert back.newer_cursor is None

    def test_pages_through_keys_created_at_the_same_instant_without_loss(self, staff_actor, now):
        made = {
            api_key_create(name=f"t{i}", scopes=["ledger:read"], actor=staff_actor, now=now)[0].id
            for i in range(7)
        }
        seen, before = [], None
        while True:
            page = api_key_page(actor=staff_actor, now=now, limit=3, before=before)
            seen += [row.id for row in page.rows]
            if page.older_cursor is None:
                break
            before = page.older_cursor

        assert len(seen) == 7 and set(seen) == made

    def test_a_cursor_naming_no_key_gives_the_first_page(self, five_keys, staff_actor, now):
        import uuid

        page = api_key_page(actor=staff_actor, now=now, limit=2, before=uuid.uuid4())

        assert names(page) == ["k4", "k3"]

    def test_tells_the_status_of_each_key(self, five_keys, staff_actor, now):
        ApiKey.objects.filter(pk=five_keys[0].pk).update(revoked_at=now)
        ApiKey.objects.filter(pk=five_keys[1].pk).update(expires_at=now + timedelta(hours=1))

        later = now + timedelta(hours=2)
        statuses = {r.name: r.status for r in api_key_page(actor=staff_actor, now=later).rows}

        assert statuses == {
            "k0": "revoked",
            "k1": "expired",
            "k2": "active",
            "k3": "active",
            "k4": "active",
        }

    def test_is_refused_to_staff_without_the_permission(self, clerk_user, now):
        with pytest.raises(ApiKeyManagementDenied):
            api_key_page(actor=staff_actor(clerk_user), now=now)


class TestApiKeyGet:
    def test_returns_one_key_as_plain_values(self, five_keys, staff_actor, now):
        row = api_key_get(actor=staff_actor, api_key_id=five_keys[0].id, now=now)

        assert row.name == "k0" and row.scopes == ("ledger:read",) and row.is_active

    @pytest.mark.parametrize("api_key_id", ["00000000-0000-0000-0000-000000000000", "nope"])
    def test_refuses_an_unknown_key(self, staff_actor, now, api_key_id):
        with pytest.raises(ApiKeyNotFound):
            api_key_get(actor=staff_actor, api_key_id=api_key_id, now=now)
