import uuid
from datetime import timedelta

import pytest

from hujin.core.models import AuditEntry, OutboxEvent
from hujin.identity.access import staff_actor
from hujin.identity.errors import ApiKeyAlreadyRevoked, ApiKeyManagementDenied, ApiKeyNotFound
from hujin.identity.services import api_key_authenticate, api_key_create, api_key_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture
def made(staff_actor, now):
    return api_key_create(name="Recon", scopes=["ledger:read"], actor=staff_actor, now=now)


class TestApiKeyRevoke:
    def test_marks_the_key_revoked_by_whom_and_when(self, made, staff_actor, staff_user, now):
        key, _ = made
        later = now + timedelta(hours=1)

        revoked = api_key_revoke(api_key_id=key.id, actor=staff_actor, now=later)

        assert revoked.revoked_at == later
        assert revoked.revoked_by == staff_user
        key.refresh_from_db()
        assert key.revoked_at == later

    def test_the_revoked_key_no_longer_authenticates(self, made, staff_actor, now):
        key, secret = made

        api_key_revoke(api_key_id=key.id, actor=staff_actor, now=now + timedelta(seconds=1))

        assert api_key_authenticate(secret=secret, now=now + timedelta(seconds=2)) is None

    def test_is_audited_and_emits_an_event(self, made, staff_actor, now):
        key, _ = made

        api_key_revoke(api_key_id=key.id, actor=staff_actor, now=now)

        entry = AuditEntry.objects.get(action="api_key.revoke")
        assert entry.target_id == str(key.id)
        assert entry.before["revoked_at"] is None
        assert entry.after["revoked_at"] == now.isoformat()
        assert OutboxEvent.objects.filter(
            event_type="identity.api_key_revoked", aggregate_id=str(key.id)
        ).exists()

    def test_accepts_the_id_as_text(self, made, staff_actor, now):
        key, _ = made

        assert api_key_revoke(api_key_id=str(key.id), actor=staff_actor, now=now).revoked_at


class TestApiKeyRevokeRefuses:
    def test_a_key_revoked_already(self, made, staff_actor, now):
        key, _ = made
        api_key_revoke(api_key_id=key.id, actor=staff_actor, now=now)

        with pytest.raises(ApiKeyAlreadyRevoked):
            api_key_revoke(api_key_id=key.id, actor=staff_actor, now=now + timedelta(minutes=1))

        assert AuditEntry.objects.filter(action="api_key.revoke").count() == 1

    @pytest.mark.parametrize("api_key_id", [uuid.uuid4(), "not-a-uuid"])
    def test_an_unknown_key(self, staff_actor, now, api_key_id):
        with pytest.raises(ApiKeyNotFound):
            api_key_revoke(api_key_id=api_key_id, actor=staff_actor, now=now)

    def test_staff_without_the_permission(self, made, clerk_user, now):
        key, _ = made

        with pytest.raises(ApiKeyManagementDenied):
            api_key_revoke(api_key_id=key.id, actor=staff_actor(clerk_user), now=now)
