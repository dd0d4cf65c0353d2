"""A person's data held by identity: exported for them, anonymised when they ask to be forgotten.

IdentityConfig.ready registers both with the personal-data registry
(``hujin.core.personal_data``), which privacy reads for data downloads and deletion requests.
Anonymising keeps the user row (other modules' records point at it: ledger accounts, audit
entries) but removes everything that identifies the person and closes the login for good.
"""

import uuid
from datetime import datetime
from typing import Any

from django.db import transaction

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.identity.models import SecurityEvent, User, UserSession
from hujin.identity.models_tokens import CustomerTokenFamily
from hujin.identity.sessions import sessions_revoke_all

RETENTION = "The account row stays as an anonymised tombstone that financial records point to."


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def user_personal_data(*, user_id: uuid.UUID) -> dict[str, Any]:
    """Everything identity keeps about the user, in plain form (it is their own data)."""
    user = User.objects.get(pk=user_id)
    return {
        "kind": user.kind,
        "username": user.get_username(),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "mobile": user.mobile,
        "email": user.email,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "two_step_verification": hasattr(user, "totp_device"),
        # The browsers' sessions and the mobile app's log-ins, one list: the login devices.
        "sessions": sorted(
            (
                {
                    "device": s.user_agent,
                    "ip": s.ip,
                    "started": _iso(s.created_at),
                    "last_seen": _iso(s.last_seen_at),
                    "ended": _iso(s.revoked_at),
                }
                for s in (
                    *UserSession.objects.filter(user=user),
                    *CustomerTokenFamily.objects.filter(user=user),
                )
            ),
            key=lambda row: row["started"],
        ),
        "security_events": [
            {"kind": e.kind, "ip": e.ip, "device": e.user_agent, "at": _iso(e.occurred_at)}
            for e in SecurityEvent.objects.filter(user=user).order_by("occurred_at")
        ],
    }


def identity_export(user_id: uuid.UUID) -> dict[str, Any]:
    """The registry's exporter: called with the user id alone."""
    return user_personal_data(user_id=user_id)


def user_anonymise(*, actor: Actor, user_id: uuid.UUID, now: datetime) -> None:
    """Remove what identifies the user and close their login; the row itself stays."""
    with transaction.atomic():
        user = User.objects.select_for_update(no_key=True).get(pk=user_id)
        sessions_revoke_all(user=user, now=now, reason="anonymised")
        UserSession.objects.filter(user=user).update(user_agent="", ip=None)
        CustomerTokenFamily.objects.filter(user=user).update(user_agent="", ip=None)
        SecurityEvent.objects.filter(user=user).update(user_agent="", ip=None)
        user.username = f"deleted-{user.pk.hex}"
        user.first_name = user.last_name = ""
        user.mobile = user.email = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        audit_record(actor=actor, action="identity.user_anonymise", target_type="user",
                     target_id=str(user.pk), occurred_at=now,
                     after={"username": user.username, "is_active": False})  # fmt: skip
        event_emit(aggregate_type="user", aggregate_id=str(user.pk),
                   event_type="identity.user_anonymised", occurred_at=now,
                   payload={"user_id": str(user.pk)})  # fmt: skip
