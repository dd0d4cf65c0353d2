"""Granting and revoking a staff member's roles, through maker-checker.

One staff member asks (``role_change_request``), another approves in the approvals queue; only
then does ``role_change_apply`` (the approval action's ``execute``) change the group membership.
Nobody can approve their own request, nor a request that concerns themselves.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from hujin.core.events import event_emit
from hujin.identity.models import User
from hujin.identity.roles import ROLE_LABELS, ROLES

ROLE_GRANT_ACTION = "identity.role_grant"
MANAGE_STAFF = "identity.manage_staff"
APPROVE_ROLE_GRANT = "identity.approve_role_grant"
VIEW_STAFF = "identity.view_staff"


class StaffNotFound(NotFound):
    code = "staff_not_found"
    message = gettext_lazy("No such staff member.")


class RoleUnknown(InvalidInput):
    code = "role_unknown"
    message = gettext_lazy("Choose one of the roles.")


class RoleChangeReasonMissing(InvalidInput):
    code = "role_change_reason_missing"
    message = gettext_lazy("Say why the role should change (at most 500 characters).")


class RoleChangeNotNeeded(Conflict):
    code = "role_change_not_needed"
    message = gettext_lazy(
        "Nothing to change: the staff member already has that role, or lacks it."
    )


class RoleChangeDenied(PermissionDenied):
    code = "role_change_denied"
    message = gettext_lazy("You may not change staff roles.")


@dataclass(frozen=True, slots=True)
class RoleChange:
    user_id: str
    role: str
    grant: bool  # True: add the role; False: take it away

    def payload(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "role": self.role, "grant": self.grant}


def _staff_get(user_id) -> User:
    try:
        pk = uuid.UUID(str(user_id))
    except ValueError:
        raise StaffNotFound(details={"user_id": str(user_id)[:64]}) from None
    user = User.objects.filter(pk=pk, kind=User.Kind.STAFF).first()
    if user is None:
        raise StaffNotFound(details={"user_id": str(pk)})
    return user


def _change_validate(user: User, role: str, grant: bool) -> None:
    if role not in ROLES:
        raise RoleUnknown(details={"role": str(role)[:64]})
    has = user.groups.filter(name=role).exists()
    if has == grant:
        raise RoleChangeNotNeeded(details={"role": role, "grant": grant})


def role_change_request(
    *, actor: Actor, user_id: str, role: str, grant: bool, reason: str, now: datetime
):
    """Ask for ``role`` to be granted to (or revoked from) a staff member; returns the approval
    request. Raises RoleChangeDenied, StaffNotFound, RoleUnknown, RoleChangeNotNeeded,
    RoleChangeReasonMissing."""
    from hujin.core.approvals import approval_request

    if not (actor.kind == "staff" and actor.has_scope(MANAGE_STAFF)):
        raise RoleChangeDenied()
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise RoleChangeReasonMissing()
    user = _staff_get(user_id)
    if str(user.pk) == actor.id:
        raise RoleChangeDenied(_("Nobody may ask for a change to their own roles."))
    _change_validate(user, role, grant)
    change = RoleChange(user_id=str(user.pk), role=role, grant=grant)
    return approval_request(
        actor=actor,
        action=ROLE_GRANT_ACTION,
        target_type="user",
        target_id=str(user.pk),
        payload=change.payload(),
        reason=reason,
        now=now,
    )


def role_change_apply(*, request, actor: Actor, now: datetime) -> None:
    """Apply an approved role change: the ``execute`` of approval action identity.role_grant,
    run inside ``approval_decide``'s transaction (``request`` is the ApprovalRequest).

    Raises StaffNotFound, RoleUnknown, RoleChangeNotNeeded, RoleChangeDenied (the approver is
    the staff member concerned); then nothing is approved."""
    payload = request.payload
    change = RoleChange(
        user_id=str(payload.get("user_id", "")),
        role=str(payload.get("role", "")),
        grant=bool(payload.get("grant")),
    )
    with transaction.atomic():
        user = _staff_get(change.user_id)
        if str(user.pk) == actor.id:
            raise RoleChangeDenied(_("Nobody may approve a change to their own roles."))
        _change_validate(user, change.role, change.grant)
        before = sorted(user.groups.values_list("name", flat=True))
        group = Group.objects.get(name=change.role)
        if change.grant:
            user.groups.add(group)
        else:
            user.groups.remove(group)
        after = sorted(user.groups.values_list("name", flat=True))
        audit_record(
            actor=actor,
            action="staff.role_granted" if change.grant else "staff.role_revoked",
            target_type="user",
            target_id=str(user.pk),
            occurred_at=now,
            before={"roles": before},
            after={"roles": after},
        )
        event_emit(
            aggregate_type="user",
            aggregate_id=str(user.pk),
            event_type="identity.role_granted" if change.grant else "identity.role_revoked",
            payload=change.payload(),
            occurred_at=now,
        )


def role_change_describe(request) -> str:
    """One line for the approvals queue: "Grant the role “Auditor” to alice"."""
    payload = request.payload
    user = User.objects.filter(pk=payload.get("user_id")).first()
    name = user.get_username() if user is not None else str(payload.get("user_id"))
    role = ROLE_LABELS.get(payload.get("role"), payload.get("role"))
    template = (
        _("Grant the role “%(role)s” to %(user)s")
        if payload.get("grant")
        else _("Take the role “%(role)s” from %(user)s")
    )
    return template % {"role": role, "user": name}


def approval_action_register() -> None:
    """Register ``identity.role_grant`` with the core approvals (maker-checker) registry."""
    from hujin.core.approvals import register_approval_action

    register_approval_action(
        ROLE_GRANT_ACTION,
        permission=APPROVE_ROLE_GRANT,
        execute=role_change_apply,
        describe=role_change_describe,
        label=gettext_lazy("Staff role change"),
    )


# --- reads ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StaffRow:
    id: str
    username: str
    name: str
    is_active: bool
    roles: tuple[str, ...]  # role codes, in ROLES order
    role_labels: tuple[str, ...]
    mfa_enabled: bool


def staff_rows(*, actor: Actor) -> list[StaffRow]:
    """Every staff member with their roles. Raises RoleChangeDenied without identity.view_staff."""
    from hujin.identity.mfa.models import TotpDevice

    if not (actor.kind == "staff" and actor.has_scope(VIEW_STAFF)):
        raise RoleChangeDenied()
    users = list(
        User.objects.filter(kind=User.Kind.STAFF).order_by("username").prefetch_related("groups")
    )
    enrolled = set(
        TotpDevice.objects.filter(user__in=users, confirmed_at__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    rows = []
    for user in users:
        names = {group.name for group in user.groups.all()}
        roles = tuple(role for role in ROLES if role in names)
        rows.append(
            StaffRow(
                id=str(user.pk),
                username=user.get_username(),
                name=user.get_full_name() or user.first_name,
                is_active=user.is_active,
                roles=roles,
                role_labels=tuple(str(ROLE_LABELS[role]) for role in roles),
                mfa_enabled=user.pk in enrolled,
            )
        )
    return rows
