import io
import re
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from hujin.core.models import AuditEntry
from hujin.identity.models import ApiKey
from hujin.identity.services import api_key_authenticate

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("apikey", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def created_secret(output: str) -> str:
    return re.search(r"^secret:\s+(\S+)$", output, re.MULTILINE).group(1)


class TestApikeyCreate:
    def test_prints_a_secret_that_authenticates_with_the_given_scopes(self):
        out, err = run("create", "--name", "Recon", "--scope", "ledger:read", "--scope",
                       "ledger:write")  # fmt: skip

        actor = api_key_authenticate(secret=created_secret(out), now=timezone.now())
        assert actor.label == "Recon"
        assert actor.scopes == frozenset({"ledger:read", "ledger:write"})
        assert "cannot be shown again" in err

    def test_is_audited_as_the_system(self):
        run("create", "--name", "Recon", "--scope", "ledger:read")

        entry = AuditEntry.objects.get(action="api_key.create")
        assert entry.actor_kind == "system"
        assert entry.actor_label == "hujin apikey"

    def test_can_set_an_expiry(self):
        before = timezone.now()

        run("create", "--name", "Temp", "--scope", "ledger:read", "--expires-in-days", "7")

        key = ApiKey.objects.get()
        assert before + timedelta(days=7) <= key.expires_at <= timezone.now() + timedelta(days=7)

    def test_refuses_an_unknown_scope(self):
        with pytest.raises(CommandError, match="api_key_scopes_invalid"):
            run("create", "--name", "Recon", "--scope", "ledger:admin")

        assert not ApiKey.objects.exists()

    def test_refuses_a_non_positive_expiry(self):
        with pytest.raises(CommandError, match="positive"):
            run("create", "--name", "Recon", "--scope", "ledger:read", "--expires-in-days", "0")


class TestApikeyList:
    def test_lists_keys_without_their_secrets(self):
        out, _ = run("create", "--name", "Recon", "--scope", "ledger:read")
        secret = created_secret(out)
        key = ApiKey.objects.get()

        listing, _ = run("list")

        assert str(key.id) in listing and "Recon" in listing and "active" in listing
        assert f"hk_{key.prefix}" in listing
        assert secret not in listing

    def test_says_so_when_there_are_none(self):
        assert run("list")[0].strip() == "no API keys"


class TestApikeyRevoke:
    def test_revokes_the_key(self):
        out, _ = run("create", "--name", "Recon", "--scope", "ledger:read")
        key = ApiKey.objects.get()

        revoked, _ = run("revoke", str(key.id))

        assert f"revoked {key.id}" in revoked
        assert api_key_authenticate(secret=created_secret(out), now=timezone.now()) is None
        assert "revoked" in run("list")[0]

    def test_refuses_an_unknown_id(self):
        with pytest.raises(CommandError, match="api_key_not_found"):
            run("revoke", "00000000-0000-0000-0000-000000000000")
