"""Logins provisioned by the system (hujin.identity.provisioning, through identity.services)."""

from datetime import timedelta

import pyotp
import pytest

from hujin.core.actors import Actor
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.identity.errors import (
    MobileAlreadyRegistered,
    MobileInvalid,
    PasswordInvalid,
    ProvisioningDenied,
)
from hujin.identity.mfa import services as mfa
from hujin.identity.mfa.models import TotpDevice
from hujin.identity.models import User
from hujin.identity.selectors import user_id_for_mobile
from hujin.identity.services import customer_login_create, staff_login_provision

pytestmark = pytest.mark.django_db

SECRET = pyotp.random_base32(length=32)
PASSWORD = "jade-lantern-harbour-9"


def provision(actor, now, **overrides):
    arguments = {
        "username": "ops1",
        "display_name": "Operations",
        "role": "operations",
        "password": PASSWORD,
        "superuser": False,
        "totp_secret": SECRET,
        "actor": actor,
        "now": now,
    }
    return staff_login_provision(**(arguments | overrides))


class TestStaffLoginProvision:
    def test_makes_a_staff_login_with_its_role_and_a_working_authenticator(self, cli_actor, now):
        login = provision(cli_actor, now)

        user = User.objects.get(pk=login.user_id)
        assert login.created and login.totp_secret == SECRET
        assert user.kind == User.Kind.STAFF and user.is_staff and not user.is_superuser
        assert user.check_password(PASSWORD)
        assert list(user.groups.values_list("name", flat=True)) == ["operations"]
        code = pyotp.TOTP(SECRET).at(now)
        assert mfa.totp_verify(user=user, code=code, now=now).method == "totp"

    def test_records_the_login_and_the_authenticator_without_their_secrets(self, cli_actor, now):
        login = provision(cli_actor, now)

        entries = AuditEntry.objects.filter(target_id=str(login.user_id)).order_by("id")
        assert [e.action for e in entries] == ["staff.created", "mfa.enabled"]
        assert not [e for e in entries if SECRET in str(e.after) or PASSWORD in str(e.after)]

    def test_provisioning_again_keeps_the_login_and_its_authenticator(self, cli_actor, now):
        first = provision(cli_actor, now)

        again = provision(
            cli_actor,
            now + timedelta(days=1),
            password="another-password-77",
            totp_secret=pyotp.random_base32(length=32),
        )

        assert (again.user_id, again.created, again.totp_secret) == (first.user_id, False, SECRET)
        assert User.objects.get(pk=first.user_id).check_password(PASSWORD)
        assert AuditEntry.objects.filter(target_id=str(first.user_id)).count() == 2

    def test_gives_back_a_role_that_was_taken_away(self, cli_actor, now):
        login = provision(cli_actor, now)
        User.objects.get(pk=login.user_id).groups.clear()

        provision(cli_actor, now)

        user = User.objects.get(pk=login.user_id)
        assert list(user.groups.values_list("name", flat=True)) == ["operations"]
        assert AuditEntry.objects.filter(action="staff.role_provisioned").count() == 1

    def test_replaces_an_unconfirmed_authenticator(self, cli_actor, now):
        user = User.objects.create(username="ops1", kind=User.Kind.STAFF, is_staff=True)
        TotpDevice.objects.create(user=user, secret="A" * 32, created_at=now)

        login = provision(cli_actor, now)

        device = TotpDevice.objects.get(user=user)
        assert login.totp_secret == device.secret == SECRET
        assert device.confirmed_at == now

    def test_only_the_system_provisions(self, now):
        staff = Actor(kind="staff", id="x", label="admin", scopes=frozenset({"auth.add_user"}))

        with pytest.raises(ProvisioningDenied):
            provision(staff, now)
        assert not User.objects.filter(username="ops1").exists()

    def test_refuses_a_role_that_does_not_exist(self, cli_actor, now):
        with pytest.raises(ValueError, match="janitor"):
            provision(cli_actor, now, role="janitor")


class TestCustomerLoginCreate:
    def test_makes_a_customer_login_found_by_its_mobile(self, cli_actor, now):
        user_id = customer_login_create(
            mobile="137 0000 1234", password=PASSWORD, actor=cli_actor, now=now
        )

        user = User.objects.get(pk=user_id)
        assert user.kind == User.Kind.CUSTOMER and user.mobile == "+8613700001234"
        assert user.check_password(PASSWORD) and user.date_joined == now
        assert user_id_for_mobile(mobile="+86 137-0000-1234") == user_id

    def test_is_recorded_and_announced_like_a_sign_up(self, cli_actor, now):
        user_id = customer_login_create(
            mobile="13700001234", password=PASSWORD, actor=cli_actor, now=now
        )

        entry = AuditEntry.objects.get(action="customer.register", target_id=str(user_id))
        assert entry.actor_kind == "system"
        assert entry.after["mobile"] == "137****1234"
        event = OutboxEvent.objects.get(event_type="identity.customer_registered")
        assert event.payload == {"user_id": str(user_id)}

    def test_refuses_a_number_already_registered(self, cli_actor, now):
        customer_login_create(mobile="13700001234", password=PASSWORD, actor=cli_actor, now=now)

        with pytest.raises(MobileAlreadyRegistered):
            customer_login_create(
                mobile="+8613700001234", password=PASSWORD, actor=cli_actor, now=now
            )

    @pytest.mark.parametrize(
        ("mobile", "password", "error"),
        [("12345", PASSWORD, MobileInvalid), ("13700001234", "123", PasswordInvalid)],
    )
    def test_refuses_a_bad_number_or_a_weak_password(self, cli_actor, now, mobile, password, error):
        with pytest.raises(error):
            customer_login_create(mobile=mobile, password=password, actor=cli_actor, now=now)
        assert not User.objects.filter(kind=User.Kind.CUSTOMER).exists()

    def test_only_the_system_creates_customer_logins(self, now):
        customer = Actor(kind="customer", id="x", label="someone")

        with pytest.raises(ProvisioningDenied):
            customer_login_create(mobile="13700001234", password=PASSWORD, actor=customer, now=now)
