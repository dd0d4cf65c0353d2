"""The demo's staff logins: one per role, each with a working authenticator."""

from io import StringIO

import pyotp
import pytest
from django.core.management import call_command

from hujin.demo.loader import STAFF, demo_load
from hujin.identity.mfa import services as mfa
from hujin.identity.models import User
from hujin.identity.roles import ROLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(now, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return demo_load(now=now)


class TestDemoStaff:
    def test_there_is_one_login_per_role(self, loaded):
        assert sorted(login.role for login in loaded.staff) == sorted(ROLES)
        for login in loaded.staff:
            user = User.objects.get(username=login.username)
            assert user.kind == User.Kind.STAFF
            assert user.check_password(login.password)
            assert login.password == f"hujin-{login.username}-demo"
            assert list(user.groups.values_list("name", flat=True)) == [login.role]

    def test_each_login_has_a_confirmed_authenticator_with_the_printed_secret(self, loaded, now):
        for login in loaded.staff:
            user = User.objects.get(username=login.username)
            code = pyotp.TOTP(login.totp_secret).at(now)

            assert mfa.totp_verify(user=user, code=code, now=now).method == "totp"
            assert login.otpauth_uri.startswith("otpauth://totp/Hujin:")
            assert f"secret={login.totp_secret}" in login.otpauth_uri

    def test_each_login_has_recovery_codes_so_the_console_does_not_warn(self, loaded):
        from hujin.identity.mfa.selectors import mfa_status

        for login in loaded.staff:
            status = mfa_status(User.objects.get(username=login.username))

            assert status.recovery_codes_left == 10, login.username

    def test_the_secrets_are_fixed_for_the_demo(self, loaded):
        assert {s.username: s.totp_secret for s in STAFF} == {
            login.username: login.totp_secret for login in loaded.staff
        }

    def test_loading_again_changes_nothing(self, loaded, now):
        again = demo_load(now=now)

        assert again.staff == loaded.staff
        assert User.objects.filter(kind=User.Kind.STAFF).count() == len(STAFF)
        assert again.accounts_created == 0


def test_the_command_prints_how_to_log_in_as_each_role(settings, tmp_path, db):
    settings.VAR_DIR = tmp_path
    out = StringIO()

    call_command("demo", "load", stdout=out)

    text = out.getvalue()
    for spec in STAFF:
        assert spec.username in text and spec.password in text and spec.totp_secret in text
    assert "hujin mfa code <username>" in text
