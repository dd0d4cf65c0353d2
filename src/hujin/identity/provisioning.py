"""Identity's writes for provisioning logins without the interactive flows: a staff login ready to
use (role and authenticator), and a customer login whose mobile number is already known (the
demo, an import from another system). Re-exported by ``hujin.identity.services``.

Only the system provisions (``actor.kind == "system"``): a person creates a customer login by
signing up with an SMS code, and a staff member's roles change by maker-checker
(``hujin.identity.role_grants``). Every write records its audit entry in the same transaction;
passwords and authenticator secrets never reach the audit trail or events.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import Group
from django.db import transaction

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.identity.errors import MobileAlreadyRegistered, ProvisioningDenied
from hujin.identity.mfa.models import TotpDevice
from hujin.identity.models import User
from hujin.identity.phones import mobile_normalise
from hujin.identity.roles import ROLES, roles_sync
from hujin.identity.signup import customer_user_create, mobile_is_registered


@dataclass(frozen=True, slots=True)
class StaffLoginProvisioned:
    user_id: uuid.UUID
    created: bool
    totp_secret: str  # of the login's confirmed authenticator


def _require_system(actor: Actor) -> None:
    if actor.kind != "system":
        raise ProvisioningDenied()


def staff_login_provision(
    *,
    username: str,
    display_name: str,
    role: str,
    password: str,
    superuser: bool,
    totp_secret: str,
    actor: Actor,
    now: datetime,
) -> StaffLoginProvisioned:
    """A staff login holding ``role``, with a confirmed authenticator. Idempotent: an existing
    login keeps its password and its confirmed authenticator (whose secret is returned); a
    missing role is added; an unconfirmed authenticator is replaced by one on ``totp_secret``
    (a hardware token's seed, or the demo's fixed secret).

    Raises ProvisioningDenied (not the system), ValueError for a role that does not exist.
    """
    _require_system(actor)
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    if not Group.objects.filter(name=role).exists():
        roles_sync()
    with transaction.atomic():
        user = User.objects.select_for_update(no_key=True).filter(username=username).first()
        created = user is None
        if created:
            user = User(username=username, first_name=display_name, is_staff=True,
                        is_superuser=superuser, kind=User.Kind.STAFF)  # fmt: skip
            user.set_password(password)
            user.save()
            audit_record(actor=actor, action="staff.created", target_type="user",
                         target_id=str(user.pk), occurred_at=now,
                         after={"username": username, "role": role})  # fmt: skip
        if not user.groups.filter(name=role).exists():
            user.groups.add(Group.objects.get(name=role))
            if not created:
                audit_record(actor=actor, action="staff.role_provisioned", target_type="user",
                             target_id=str(user.pk), occurred_at=now,
                             after={"username": username, "role": role})  # fmt: skip
        device = _confirmed_device(user, totp_secret, actor=actor, now=now)
    return StaffLoginProvisioned(user_id=user.pk, created=created, totp_secret=device.secret)


def _confirmed_device(user: User, secret: str, *, actor: Actor, now: datetime) -> TotpDevice:
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is not None and device.confirmed_at is not None:
        return device
    if device is not None:
        device.delete()
    device = TotpDevice.objects.create(user=user, secret=secret, created_at=now, confirmed_at=now)
    audit_record(actor=actor, action="mfa.enabled", target_type="user", target_id=str(user.pk),
                 occurred_at=now,
                 after={"mfa": True, "device_id": str(device.id), "provisioned": True})  # fmt: skip
    return device


def customer_login_create(*, mobile: str, password: str, actor: Actor, now: datetime) -> uuid.UUID:
    """A customer login for a mobile number already proven elsewhere; returns its user id.

    The same login as sign-up makes (opaque username, the mobile encrypted, its blind index),
    with the same audit entry and ``identity.customer_registered`` event. Raises
    ProvisioningDenied, MobileInvalid, PasswordInvalid, MobileAlreadyRegistered.
    """
    _require_system(actor)
    mobile_e164 = mobile_normalise(mobile)

    def checks() -> None:
        if mobile_is_registered(mobile_e164):
            raise MobileAlreadyRegistered()

    user = customer_user_create(
        mobile_e164=mobile_e164, password=password, actor=actor, now=now, checks=checks
    )
    return user.pk
