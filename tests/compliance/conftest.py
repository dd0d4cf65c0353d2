"""Staff members holding chosen permissions, and their logged-in (MFA-verified) clients."""

import pytest
from django.contrib.auth.models import Permission

from hujin.core import approvals
from tests.conftest import _mfa_verified_client, _totp_device_confirmed


@pytest.fixture
def staff_with(db, staff_password):
    """``staff_with("core.view_audit", username="auditor") -> (user, client)``."""
    from hujin.identity.models import User

    def make(*permissions: str, username: str = "officer"):
        user = User.objects.create_user(
            username=username, password=staff_password, kind=User.Kind.STAFF, is_staff=True
        )
        for name in permissions:
            app_label, codename = name.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        user = User.objects.get(pk=user.pk)  # drop the permission cache
        _totp_device_confirmed(user)
        return user, _mfa_verified_client(user)

    return make


@pytest.fixture
def empty_approval_registry(monkeypatch):
    monkeypatch.setattr(approvals.registry, "_actions", {})
