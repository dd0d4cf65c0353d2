"""Identity's writes: API keys for integrators; provisioning of staff and customer logins by the
system (``hujin.identity.provisioning``, re-exported here); the hook through which the module that
owns the sign-up documents registers them (``hujin.identity.signup_terms``, re-exported here)."""

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.identity.errors import (
    ApiKeyAlreadyRevoked,
    ApiKeyExpiryInvalid,
    ApiKeyManagementDenied,
    ApiKeyNameInvalid,
    ApiKeyNotFound,
    ApiKeyScopesInvalid,
)
from hujin.identity.models import ApiKey
from hujin.identity.permissions import MANAGE_API_KEYS
from hujin.identity.provisioning import (  # noqa: F401 -- re-exported: the public face
    StaffLoginProvisioned,
    customer_login_create,
    staff_login_provision,
)
from hujin.identity.scopes import scope_is_known
from hujin.identity.signup_terms import (  # noqa: F401 -- re-exported: the public face
    SignupTerm,
    signup_terms_register,
)
from hujin.identity.sms import (  # noqa: F401 -- re-exported: the public face
    NoMobileNumber,
    SmsSendFailed,
    sms_send_to_user,
)
from hujin.identity.step_up import PURPOSE as STEP_UP_PURPOSE  # noqa: F401 -- re-exported
from hujin.identity.step_up import (  # noqa: F401 -- re-exported: the public face
    STEP_UP_SMS,
    STEP_UP_TOTP,
    StepUpInvalid,
    StepUpSent,
    StepUpUnavailable,
    step_up_binding,
    step_up_code_send,
    step_up_methods,
    step_up_verify,
)

KEY_MARKER = "hk"
PREFIX_HEX_CHARS = 12  # 48 random bits: finds the row, is not a secret
SECRET_BYTES = 32  # 256 random bits: the secret part
# last_used_at is bookkeeping, not history: write it at most once a minute per key.
LAST_USED_RESOLUTION = timedelta(minutes=1)
_MAX_KEY_LENGTH = 200


def api_key_require_manager(actor: Actor) -> None:
    """Only the system (the ``hujin apikey`` command) and staff holding
    ``identity.manage_api_keys`` may manage API keys. Raises ApiKeyManagementDenied."""
    if actor.kind == "system":
        return
    if actor.kind == "staff" and actor.has_scope(MANAGE_API_KEYS):
        return
    raise ApiKeyManagementDenied()


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _key_parts(key: str) -> tuple[str, str] | None:
    """'hk_<prefix>_<secret>' -> (prefix, secret), or None if it is not shaped like a key."""
    if not isinstance(key, str) or len(key) > _MAX_KEY_LENGTH:
        return None
    marker, _, rest = key.partition("_")
    prefix, _, secret = rest.partition("_")
    if marker != KEY_MARKER or len(prefix) != PREFIX_HEX_CHARS or not secret:
        return None
    return prefix, secret


def _staff_user_id(actor: Actor) -> uuid.UUID | None:
    return uuid.UUID(actor.id) if actor.kind == "staff" else None


def _snapshot(key: ApiKey) -> dict:
    """What the audit trail and events say about a key: never the secret or its hash."""
    return {
        "name": key.name,
        "prefix": key.prefix,
        "scopes": list(key.scopes),
        "expires_at": key.expires_at.isoformat() if key.expires_at else None,
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
    }


def api_key_create(
    *,
    name: str,
    scopes: Iterable[str],
    actor: Actor,
    now: datetime,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """Create an API key and return it with its one-time secret, ``hk_<prefix>_<secret>``.

    Only the SHA-256 of the key is stored: the secret cannot be shown again.
    Raises ApiKeyManagementDenied, ApiKeyNameInvalid, ApiKeyScopesInvalid, ApiKeyExpiryInvalid.
    """
    api_key_require_manager(actor)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ApiKeyNameInvalid(details={"name": name[:120]})
    chosen = sorted(set(scopes))
    unknown = [s for s in chosen if not scope_is_known(s)]
    if not chosen or unknown:
        raise ApiKeyScopesInvalid(details={"unknown_scopes": unknown})
    if expires_at is not None and expires_at <= now:
        raise ApiKeyExpiryInvalid(details={"expires_at": expires_at.isoformat()})

    prefix = secrets.token_hex(PREFIX_HEX_CHARS // 2)
    secret = f"{KEY_MARKER}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    with transaction.atomic():
        key = ApiKey.objects.create(
            name=name,
            prefix=prefix,
            secret_sha256=_digest(secret),
            scopes=chosen,
            created_at=now,
            created_by_id=_staff_user_id(actor),
            created_by_label=actor.label[:150],
            expires_at=expires_at,
        )
        audit_record(
            actor=actor,
            action="api_key.create",
            target_type="api_key",
            target_id=str(key.id),
            occurred_at=now,
            after=_snapshot(key),
        )
        event_emit(
            aggregate_type="api_key",
            aggregate_id=str(key.id),
            event_type="identity.api_key_created",
            payload={"api_key_id": str(key.id), **_snapshot(key)},
            occurred_at=now,
        )
    return key, secret


def api_key_revoke(*, api_key_id: uuid.UUID | str, actor: Actor, now: datetime) -> ApiKey:
    """Revoke a key: from now on it authenticates nothing.

    Raises ApiKeyManagementDenied, ApiKeyNotFound, ApiKeyAlreadyRevoked.
    """
    api_key_require_manager(actor)
    try:
        api_key_id = uuid.UUID(str(api_key_id))
    except ValueError:
        raise ApiKeyNotFound(details={"api_key_id": str(api_key_id)[:64]}) from None
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().filter(pk=api_key_id).first()
        if key is None:
            raise ApiKeyNotFound(details={"api_key_id": str(api_key_id)})
        if key.revoked_at is not None:
            raise ApiKeyAlreadyRevoked(details={"api_key_id": str(key.id)})
        before = _snapshot(key)
        key.revoked_at = now
        key.revoked_by_id = _staff_user_id(actor)
        key.revoked_by_label = actor.label[:150]
        key.save(update_fields=["revoked_at", "revoked_by", "revoked_by_label"])
        audit_record(
            actor=actor,
            action="api_key.revoke",
            target_type="api_key",
            target_id=str(key.id),
            occurred_at=now,
            before=before,
            after=_snapshot(key),
        )
        event_emit(
            aggregate_type="api_key",
            aggregate_id=str(key.id),
            event_type="identity.api_key_revoked",
            payload={"api_key_id": str(key.id), "revoked_at": now.isoformat()},
            occurred_at=now,
        )
    return key


def api_key_authenticate(*, secret: str, now: datetime) -> Actor | None:
    """The Actor for a presented key, or None if it is malformed, unknown, revoked or expired.

    Records ``last_used_at`` at most once per LAST_USED_RESOLUTION per key, with a conditional
    UPDATE so that concurrent requests on many processes write it once. That bookkeeping is not
    audited: it changes nothing a key can do.
    """
    parts = _key_parts(secret)
    if parts is None:
        return None
    prefix, _ = parts
    key = ApiKey.objects.filter(prefix=prefix).first()
    if key is None or not hmac.compare_digest(key.secret_sha256, _digest(secret)):
        return None
    if key.revoked_at is not None or (key.expires_at is not None and key.expires_at <= now):
        return None
    if key.last_used_at is None or key.last_used_at <= now - LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
    return Actor(
        kind="api_key",
        id=str(key.id),
        label=key.name,
        # A scope withdrawn from the catalogue no longer grants anything.
        scopes=frozenset(s for s in key.scopes if scope_is_known(s)),
    )
