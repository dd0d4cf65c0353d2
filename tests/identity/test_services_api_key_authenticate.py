from datetime import timedelta

import pytest

from hujin.core.actors import Actor
from hujin.identity.models import ApiKey
from hujin.identity.services import LAST_USED_RESOLUTION, api_key_authenticate, api_key_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def made(staff_actor, now):
    return api_key_create(
        name="Recon", scopes=["ledger:read", "ledger:write"], actor=staff_actor, now=now
    )


class TestApiKeyAuthenticate:
    def test_returns_the_keys_actor_with_its_scopes(self, made, now):
        key, secret = made

        actor = api_key_authenticate(secret=secret, now=now)

        assert actor == Actor(
            kind="api_key",
            id=str(key.id),
            label="Recon",
            scopes=frozenset({"ledger:read", "ledger:write"}),
        )
        assert actor.has_scope("ledger:write")

    def test_a_key_holds_only_the_scopes_it_was_given(self, staff_actor, now):
        _, secret = api_key_create(
            name="Reader", scopes=["ledger:read"], actor=staff_actor, now=now
        )

        actor = api_key_authenticate(secret=secret, now=now)

        assert actor.scopes == frozenset({"ledger:read"})
        assert not actor.has_scope("ledger:write")

    def test_a_scope_withdrawn_from_the_catalogue_grants_nothing(self, made, now):
        key, secret = made
        ApiKey.objects.filter(pk=key.pk).update(scopes=["ledger:read", "retired:scope"])

        assert api_key_authenticate(secret=secret, now=now).scopes == frozenset({"ledger:read"})

    def test_an_unexpired_key_is_accepted_until_its_expiry(self, staff_actor, now):
        expires_at = now + timedelta(days=1)
        _, secret = api_key_create(
            name="Temp", scopes=["ledger:read"], expires_at=expires_at, actor=staff_actor, now=now
        )

        assert api_key_authenticate(secret=secret, now=expires_at - timedelta(seconds=1))
        assert api_key_authenticate(secret=secret, now=expires_at) is None


class TestApiKeyAuthenticateRefuses:
    def test_a_revoked_key(self, made, now):
        key, secret = made
        ApiKey.objects.filter(pk=key.pk).update(revoked_at=now)

        assert api_key_authenticate(secret=secret, now=now) is None

    def test_a_wrong_secret_with_a_real_prefix(self, made, now):
        _, secret = made
        forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")

        assert api_key_authenticate(secret=forged, now=now) is None

    @pytest.mark.parametrize(
        "presented",
        ["", "hk_", "hk__x", "xx_0123456789ab_secret", "hk_short_secret", "hk_" + "a" * 500, "🙂"],
    )
    def test_anything_not_shaped_like_a_key(self, made, now, presented):
        assert api_key_authenticate(secret=presented, now=now) is None

    def test_and_records_no_use(self, made, now):
        key, secret = made
        ApiKey.objects.filter(pk=key.pk).update(revoked_at=now)

        api_key_authenticate(secret=secret, now=now)

        key.refresh_from_db()
        assert key.last_used_at is None


class TestLastUsedIsRecordedAtMostOnceAMinute:
    def test_the_first_use_is_recorded(self, made, now):
        key, secret = made

        api_key_authenticate(secret=secret, now=now)

        key.refresh_from_db()
        assert key.last_used_at == now

    def test_a_use_within_the_minute_writes_nothing(self, made, now, django_assert_num_queries):
        key, secret = made
        api_key_authenticate(secret=secret, now=now)

        with django_assert_num_queries(1):  # the lookup; no UPDATE
            api_key_authenticate(secret=secret, now=now + timedelta(seconds=59))

        key.refresh_from_db()
        assert key.last_used_at == now

    def test_a_use_a_minute_later_is_recorded(self, made, now):
        key, secret = made
        api_key_authenticate(secret=secret, now=now)

        api_key_authenticate(secret=secret, now=now + LAST_USED_RESOLUTION)

        key.refresh_from_db()
        assert key.last_used_at == now + LAST_USED_RESOLUTION

    def test_a_stale_reading_does_not_move_last_used_backwards(self, made, now):
        key, secret = made
        # Another process recorded a later use after this one read the row.
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now + timedelta(minutes=5))

        api_key_authenticate(secret=secret, now=now + timedelta(minutes=5, seconds=10))

        key.refresh_from_db()
        assert key.last_used_at == now + timedelta(minutes=5)
