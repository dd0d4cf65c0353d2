import hashlib

import pytest

from hujin.core.actors import Actor
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.identity.access import staff_actor
from hujin.identity.errors import (
    ApiKeyExpiryInvalid,
    ApiKeyManagementDenied,
    ApiKeyNameInvalid,
    ApiKeyScopesInvalid,
)
from hujin.identity.models import ApiKey
from hujin.identity.services import api_key_create

pytestmark = pytest.mark.django_db


class TestApiKeyCreate:
    def test_returns_the_key_and_a_secret_shaped_hk_prefix_secret(self, staff_actor, now):
        key, secret = api_key_create(
            name="Reconciliation job", scopes=["ledger:read"], actor=staff_actor, now=now
        )

        marker, prefix, rest = secret.split("_", 2)
        assert marker == "hk"
        assert prefix == key.prefix
        assert len(rest) >= 43  # 32 random bytes, URL-safe base64
        assert key.name == "Reconciliation job"
        assert key.scopes == ["ledger:read"]
        assert key.created_at == now
        assert key.revoked_at is None and key.last_used_at is None and key.expires_at is None

    def test_the_database_never_holds_the_secret(self, staff_actor, now):
        key, secret = api_key_create(
            name="Recon", scopes=["ledger:read", "ledger:write"], actor=staff_actor, now=now
        )

        stored = ApiKey.objects.filter(pk=key.pk).values().get()
        secret_part = secret.split("_", 2)[2]
        assert stored["secret_sha256"] == hashlib.sha256(secret.encode()).hexdigest()
        for value in stored.values():
            assert secret_part not in str(value)
        for entry in AuditEntry.objects.all():
            assert secret_part not in f"{entry.before} {entry.after}"
            assert stored["secret_sha256"] not in f"{entry.before} {entry.after}"
        for event in OutboxEvent.objects.all():
            assert secret_part not in str(event.payload)

    def test_every_key_gets_its_own_prefix_and_secret(self, staff_actor, now):
        made = [
            api_key_create(name=f"k{i}", scopes=["ledger:read"], actor=staff_actor, now=now)
            for i in range(5)
        ]

        assert len({key.prefix for key, _ in made}) == 5
        assert len({secret for _, secret in made}) == 5

    def test_records_who_created_it(self, staff_actor, staff_user, now):
        key, _ = api_key_create(name="Recon", scopes=["ledger:read"], actor=staff_actor, now=now)

        assert key.created_by == staff_user
        assert key.created_by_label == "staff"

    def test_is_audited_and_emits_an_event_in_the_same_transaction(self, staff_actor, now):
        key, _ = api_key_create(name="Recon", scopes=["ledger:read"], actor=staff_actor, now=now)

        entry = AuditEntry.objects.get(action="api_key.create")
        assert entry.target_type == "api_key" and entry.target_id == str(key.id)
        assert entry.actor_kind == "staff" and entry.actor_label == "staff"
        assert entry.after["scopes"] == ["ledger:read"]
        assert entry.occurred_at == now
        event = OutboxEvent.objects.get(event_type="identity.api_key_created")
        assert event.aggregate_id == str(key.id)
        assert event.payload["name"] == "Recon"

    def test_sorts_and_deduplicates_scopes(self, staff_actor, now):
        key, _ = api_key_create(
            name="Recon",
            scopes=["ledger:write", "ledger:read", "ledger:write"],
            actor=staff_actor,
            now=now,
        )

        assert key.scopes == ["ledger:read", "ledger:write"]

    def test_keeps_an_expiry_in_the_future(self, staff_actor, now):
        from datetime import timedelta

        key, _ = api_key_create(
            name="Recon",
            scopes=["ledger:read"],
            expires_at=now + timedelta(days=30),
            actor=staff_actor,
            now=now,
        )

        assert key.expires_at == now + timedelta(days=30)

    def test_the_system_may_create_keys(self, cli_actor, now):
        key, _ = api_key_create(name="Recon", scopes=["ledger:read"], actor=cli_actor, now=now)

        assert key.created_by is None
        assert key.created_by_label == "test"


class TestApiKeyCreateRefuses:
    @pytest.mark.parametrize("name", ["", "   ", "x" * 101])
    def test_a_missing_or_overlong_name(self, staff_actor, now, name):
        with pytest.raises(ApiKeyNameInvalid):
            api_key_create(name=name, scopes=["ledger:read"], actor=staff_actor, now=now)

    def test_no_scopes(self, staff_actor, now):
        with pytest.raises(ApiKeyScopesInvalid):
            api_key_create(name="Recon", scopes=[], actor=staff_actor, now=now)

    def test_a_scope_outside_the_catalogue(self, staff_actor, now):
        with pytest.raises(ApiKeyScopesInvalid) as caught:
            api_key_create(
                name="Recon", scopes=["ledger:read", "ledger:admin"], actor=staff_actor, now=now
            )

        assert caught.value.details == {"unknown_scopes": ["ledger:admin"]}
        assert caught.value.code == "api_key_scopes_invalid"

    def test_an_expiry_that_has_passed(self, staff_actor, now):
        with pytest.raises(ApiKeyExpiryInvalid):
            api_key_create(
                name="Recon", scopes=["ledger:read"], expires_at=now, actor=staff_actor, now=now
            )

    def test_staff_without_the_manage_api_keys_permission(self, clerk_user, now):
        with pytest.raises(ApiKeyManagementDenied):
            api_key_create(
                name="Recon", scopes=["ledger:read"], actor=staff_actor(clerk_user), now=now
            )

    def test_an_api_key(self, now):
        integrator = Actor(kind="api_key", id="x", label="x", scopes=frozenset({"ledger:write"}))

        with pytest.raises(ApiKeyManagementDenied):
            api_key_create(name="Recon", scopes=["ledger:read"], actor=integrator, now=now)

    def test_and_writes_nothing(self, staff_actor, now):
        with pytest.raises(ApiKeyScopesInvalid):
            api_key_create(name="Recon", scopes=["nope:nope"], actor=staff_actor, now=now)

        assert not ApiKey.objects.exists()
        assert not AuditEntry.objects.filter(action="api_key.create").exists()
