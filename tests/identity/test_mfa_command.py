"""hujin mfa code <username>: the development helper that prints a user's current code."""

import time
from io import StringIO

import pyotp
import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("mfa", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


class TestMfaCode:
    def test_prints_the_current_code_of_the_user(self, staff_user, staff_totp_secret):
        code = run("code", staff_user.username)

        # The 30-second step may turn between the command and this line.
        totp = pyotp.TOTP(staff_totp_secret)
        assert code in {totp.now(), totp.at(time.time(), counter_offset=-1)}

    def test_refuses_a_user_without_an_authenticator(self, clerk_user):
        with pytest.raises(CommandError, match="no confirmed authenticator"):
            run("code", clerk_user.username)

    def test_refuses_in_production(self, staff_user):
        with override_settings(PROD=True), pytest.raises(CommandError, match="production"):
            run("code", staff_user.username)


class TestMfaReset:
    def test_removes_the_authenticator_and_ends_the_sessions(self, staff_user, now):
        from hujin.core.models import AuditEntry
        from hujin.identity.mfa.models import RecoveryCode, TotpDevice

        out = run("reset", staff_user.username)

        assert "Removed the authenticator of staff" in out
        assert not TotpDevice.objects.filter(user=staff_user).exists()
        assert not RecoveryCode.objects.filter(user=staff_user).exists()
        entry = AuditEntry.objects.get(action="mfa.reset")
        assert entry.actor_label == "hujin mfa" and entry.target_id == str(staff_user.pk)

    def test_logs_the_member_out_everywhere(self, staff_user, staff_totp_secret):
        from django.test import Client

        client = Client()
        session = client.session
        session["mfa_pending_user_id"] = str(staff_user.pk)
        session.save()
        client.post("/auth/mfa/verify/", {"code": pyotp.TOTP(staff_totp_secret).now()})
        assert client.get("/").status_code == 200

        run("reset", staff_user.username)

        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/auth/login/")

    def test_says_so_when_there_is_nothing_to_reset(self, clerk_user):
        with pytest.raises(CommandError, match="not set up"):
            run("reset", clerk_user.username)

    def test_refuses_an_unknown_user(self, db):
        with pytest.raises(CommandError, match="no user"):
            run("reset", "nobody")
