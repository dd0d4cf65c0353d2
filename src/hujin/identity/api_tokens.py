"""The customer's own tokens for the JSON API under /api/v1/me/ (the mobile app).

``token_issue`` logs a customer in with mobile + password (+ the TOTP code when two-step
verification is on), behind the same lock-out rules as the portal's log-in page
(``login.login_customer``), and starts a token family: a short-lived access token and a
rotating refresh token. ``token_refresh`` spends the refresh token it is given and issues a new
pair; presenting a spent refresh token again means someone else holds a copy, so the whole
family is ended and a security event recorded. Only the SHA-256 of a token is stored.
"""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.identity.errors import MfaCodeRequired, RefreshTokenReused, TokenInvalid
from hujin.identity.login import login_customer
from hujin.identity.mfa.services import mfa_required_for, totp_verify
from hujin.identity.models import SecurityEvent, User
from hujin.identity.models_tokens import CustomerToken, CustomerTokenFamily
from hujin.identity.security_events import (
    ip_masked,
    security_event_record,
    user_actor,
    user_agent_clean,
)
from hujin.identity.session_records import device_seen, session_started_record
from hujin.identity.token_families import families_end

ACCESS_TOKEN_LIFETIME = timedelta(minutes=15)
REFRESH_TOKEN_LIFETIME = timedelta(days=30)
ACCESS_PREFIX = "hja_"
REFRESH_PREFIX = "hjr_"
_MAX_TOKEN = 200  # longer is not one of ours: refused before hashing
# last_seen_at is bookkeeping: written at most once a minute per family.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    expires_in: int  # seconds the access token lives
    family_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class TokenHolder:
    """Who an access token speaks for, and which log-in (family) it belongs to."""

    actor: Actor
    family_id: uuid.UUID


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token(kind: str, family: CustomerTokenFamily, now: datetime) -> str:
    prefix, lifetime = (
        (ACCESS_PREFIX, ACCESS_TOKEN_LIFETIME)
        if kind == CustomerToken.Kind.ACCESS
        else (REFRESH_PREFIX, REFRESH_TOKEN_LIFETIME)
    )
    token = prefix + secrets.token_urlsafe(32)
    CustomerToken.objects.create(
        family=family,
        kind=kind,
        token_sha256=token_digest(token),
        created_at=now,
        expires_at=now + lifetime,
    )
    return token


def _pair(family: CustomerTokenFamily, now: datetime) -> IssuedTokens:
    return IssuedTokens(
        access_token=_new_token(CustomerToken.Kind.ACCESS, family, now),
        refresh_token=_new_token(CustomerToken.Kind.REFRESH, family, now),
        expires_in=int(ACCESS_TOKEN_LIFETIME.total_seconds()),
        family_id=family.id,
    )


def token_issue(
    *,
    mobile: str,
    password: str,
    totp_code: str,
    ip: str | None,
    user_agent: str,
    now: datetime,
) -> IssuedTokens:
    """Log the customer in for the mobile app and start a token family.

    Raises what the portal's log-in raises (LoginFailed, LoginDelayed, AccountLocked, IpLocked),
    MfaCodeRequired when two-step verification is on and no code came, and what the second
    factor raises (MfaCodeInvalid, MfaCodeReused, MfaLocked).
    """
    user_agent = user_agent_clean(user_agent)
    user = login_customer(mobile=mobile, password=password, ip=ip, user_agent=user_agent, now=now)
    mfa_verified = False
    if mfa_required_for(user):
        if not (totp_code or "").strip():
            raise MfaCodeRequired()
        totp_verify(user=user, code=totp_code, now=now)
        mfa_verified = True
    with transaction.atomic():
        seen = device_seen(user=user, ip=ip, user_agent=user_agent)
        family = CustomerTokenFamily.objects.create(
            user=user,
            user_agent=user_agent,
            ip=ip,
            created_at=now,
            last_seen_at=now,
            expires_at=now + REFRESH_TOKEN_LIFETIME,
            mfa_verified=mfa_verified,
        )
        issued = _pair(family, now)
        session_started_record(
            user=user, action="api_token.issue", target_type="token_family",
            session_id=family.id, ip=ip, user_agent=user_agent, seen=seen,
            mfa_verified=mfa_verified, now=now, channel="api",
        )  # fmt: skip
        User.objects.filter(pk=user.pk).update(last_login=now)
    return issued


def token_refresh(*, refresh_token: str, ip: str | None, user_agent: str, now: datetime):
    """Spend ``refresh_token`` and issue a new access + refresh pair of the same family.

    Raises TokenInvalid (unknown, expired, or its family ended) and RefreshTokenReused (it was
    spent already: the family is ended and a security event recorded, then this is raised).
    """
    if not refresh_token.startswith(REFRESH_PREFIX) or len(refresh_token) > _MAX_TOKEN:
        raise TokenInvalid()
    reused = False
    with transaction.atomic():
        row = (
            CustomerToken.objects.select_for_update()
            .filter(token_sha256=token_digest(refresh_token), kind=CustomerToken.Kind.REFRESH)
            .first()
        )
        if row is None:
            raise TokenInvalid()
        family = CustomerTokenFamily.objects.select_for_update().get(pk=row.family_id)
        user = User.objects.get(pk=family.user_id)
        if family.revoked_at is not None or not user.is_active:
            raise TokenInvalid()
        if row.spent_at is not None:
            # Spent by an earlier refresh: two holders of one token, one of them not the app.
            reused = True
            _family_end(family, user=user, now=now, reason="refresh_token_reused")
            security_event_record(
                kind=SecurityEvent.Kind.REFRESH_TOKEN_REUSED,
                user=user,
                ip=ip,
                user_agent=user_agent_clean(user_agent),
                now=now,
                actor=user_actor(user),
                details={"session_id": str(family.id)},
            )
        elif row.expires_at <= now:
            raise TokenInvalid()
        else:
            CustomerToken.objects.filter(family=family, spent_at__isnull=True).update(spent_at=now)
            family.last_seen_at = now
            family.expires_at = now + REFRESH_TOKEN_LIFETIME
            family.save(update_fields=["last_seen_at", "expires_at"])
            issued = _pair(family, now)
            audit_record(
                actor=user_actor(user),
                action="api_token.refresh",
                target_type="token_family",
                target_id=str(family.id),
                occurred_at=now,
                after={"ip": ip_masked(ip)},
            )
    # Raised after the commit, so the ended family and the security event are kept.
    if reused:
        raise RefreshTokenReused()
    return issued


def token_authenticate(*, token: str, now: datetime) -> TokenHolder | None:
    """Whom a presented access token speaks for, or None (malformed, unknown, expired, spent,
    its family ended, its customer deactivated). An integrator's API key is never one."""
    if not token.startswith(ACCESS_PREFIX) or len(token) > _MAX_TOKEN:
        return None
    row = (
        CustomerToken.objects.select_related("family__user")
        .filter(
            token_sha256=token_digest(token),
            kind=CustomerToken.Kind.ACCESS,
            spent_at__isnull=True,
            expires_at__gt=now,
            family__revoked_at__isnull=True,
        )
        .first()
    )
    if row is None:
        return None
    family, user = row.family, row.family.user
    if not user.is_active or user.kind != User.Kind.CUSTOMER:
        return None
    if family.last_seen_at <= now - LAST_SEEN_RESOLUTION:
        CustomerTokenFamily.objects.filter(pk=family.pk).filter(
            Q(last_seen_at__lte=now - LAST_SEEN_RESOLUTION)
        ).update(last_seen_at=now)
    return TokenHolder(actor=user_actor(user), family_id=family.id)


def _family_end(family: CustomerTokenFamily, *, user: User, now: datetime, reason: str) -> None:
    families_end(
        CustomerTokenFamily.objects.filter(pk=family.pk), user=user, now=now, reason=reason
    )


def token_family_end(*, actor: Actor, family_id: uuid.UUID, now: datetime) -> None:
    """The app logged out (``DELETE /me/tokens/current``): its family is ended."""
    with transaction.atomic():
        user = User.objects.get(pk=actor.id)
        families_end(
            CustomerTokenFamily.objects.filter(pk=family_id, user=user),
            user=user,
            now=now,
            reason="logged_out",
        )
