"""Logged-in sessions that their owner can see and end.

``session_start`` is the one way Hujin logs a user in (the log-in, sign-up and MFA pages call
it). It records a ``UserSession`` and puts its id in the Django session, where
``middleware.UserSessionMiddleware`` finds it on every request: a session that was revoked (by
its owner, or by a password reset) is logged out at its next request.
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import auth
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from hujin.identity.errors import SessionNotFound
from hujin.identity.models import User, UserSession
from hujin.identity.models_tokens import CustomerTokenFamily
from hujin.identity.security_events import (
    ip_masked,
    user_agent_clean,
)
from hujin.identity.session_records import (
    device_seen,
    session_started_record,
    sessions_revoked_record,
)
from hujin.identity.token_families import families_end, families_open

SESSION_ID_KEY = "user_session_id"
MFA_VERIFIED_KEY = "mfa_verified"
# last_seen_at is bookkeeping: written at most once a minute per session.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)
_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _key_hash(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()


def request_ip(request) -> str | None:
    """The client's address as the server saw it (a proxy in front sets REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR") or None


def session_start(request, user: User, *, now: datetime, mfa_verified: bool) -> UserSession:
    """Log ``user`` in on this request and record the session.

    Records a ``new_device_or_ip`` security event when the user has logged in before, but never
    from this IP address or never with this browser (user agent). The first session of an
    account sets the baseline and records none.
    """
    ip = request_ip(request)
    user_agent = user_agent_clean(request.META.get("HTTP_USER_AGENT"))
    auth.login(request, user, backend=_BACKEND)
    if request.session.session_key is None:
        request.session.save()
    with transaction.atomic():
        seen = device_seen(user=user, ip=ip, user_agent=user_agent)
        session = UserSession.objects.create(
            user=user,
            session_key_hash=_key_hash(request.session.session_key),
            user_agent=user_agent,
            ip=ip,
            created_at=now,
            last_seen_at=now,
            mfa_verified=mfa_verified,
        )
        session_started_record(
            user=user, action="session.start", target_type="user_session",
            session_id=session.id, ip=ip, user_agent=user_agent, seen=seen,
            mfa_verified=mfa_verified, now=now,
        )  # fmt: skip
        User.objects.filter(pk=user.pk).update(last_login=now)
    request.session[SESSION_ID_KEY] = str(session.id)
    request.session[MFA_VERIFIED_KEY] = mfa_verified
    return session


def session_current_id(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(request.session.get(SESSION_ID_KEY)))
    except ValueError:
        return None


def session_is_live(*, session_id: uuid.UUID, user_id, now: datetime) -> bool:
    """Whether the recorded session still stands (used on every request by the middleware).

    Moves ``last_seen_at`` forward at most once per LAST_SEEN_RESOLUTION (not audited: it is
    bookkeeping, not a change anyone makes).
    """
    row = (
        UserSession.objects.filter(pk=session_id, user_id=user_id)
        .values("revoked_at", "last_seen_at")
        .first()
    )
    if row is None or row["revoked_at"] is not None:
        return False
    if row["last_seen_at"] <= now - LAST_SEEN_RESOLUTION:
        UserSession.objects.filter(pk=session_id, revoked_at__isnull=True).filter(
            Q(last_seen_at__lte=now - LAST_SEEN_RESOLUTION)
        ).update(last_seen_at=now)
    return True


def _revoke(sessions, *, user: User, now: datetime, reason: str) -> int:
    ids = list(sessions.filter(revoked_at__isnull=True).values_list("pk", flat=True))
    if not ids:
        return 0
    UserSession.objects.filter(pk__in=ids).update(revoked_at=now)
    sessions_revoked_record(
        user=user, target_type="user_session", session_ids=ids, now=now, reason=reason
    )
    return len(ids)


def session_revoke(*, user: User, session_id, now: datetime) -> UserSession | None:
    """End one of ``user``'s own sessions, a browser's or the mobile app's (then None is
    returned). Another user's session, or an unknown or already ended id, is SessionNotFound
    (404), whoever asks."""
    try:
        session_id = uuid.UUID(str(session_id))
    except ValueError:
        raise SessionNotFound() from None
    with transaction.atomic():
        session = UserSession.objects.select_for_update().filter(pk=session_id, user=user).first()
        if session is None:
            # The mobile app's log-ins are listed beside the browsers, and ended the same way.
            families = CustomerTokenFamily.objects.filter(pk=session_id, user=user)
            if not families_end(families, user=user, now=now, reason="owner_revoked"):
                raise SessionNotFound()
            return None
        _revoke(
            UserSession.objects.filter(pk=session.pk), user=user, now=now, reason="owner_revoked"
        )
        session.refresh_from_db()
    return session


def session_revoke_others(*, user: User, keep_session_id, now: datetime) -> int:
    """End every session of ``user`` except ``keep_session_id`` (the one asking). Returns how
    many were ended."""
    with transaction.atomic():
        others = UserSession.objects.filter(user=user)
        if keep_session_id is not None:
            others = others.exclude(pk=keep_session_id)
        ended = _revoke(others, user=user, now=now, reason="owner_revoked_others")
        families = CustomerTokenFamily.objects.filter(user=user)
        return ended + families_end(families, user=user, now=now, reason="owner_revoked_others")


def session_end(*, user: User, session_id, now: datetime) -> None:
    """The user logged out: their recorded session is over (no-op for an unrecorded one)."""
    if session_id is None:
        return
    with transaction.atomic():
        _revoke(
            UserSession.objects.filter(pk=session_id, user=user),
            user=user,
            now=now,
            reason="logged_out",
        )


def sessions_revoke_all(*, user: User, now: datetime, reason: str) -> int:
    """End every session of ``user``, the mobile app's too (a password reset). Run inside the
    caller's transaction."""
    ended = _revoke(UserSession.objects.filter(user=user), user=user, now=now, reason=reason)
    families = CustomerTokenFamily.objects.filter(user=user)
    return ended + families_end(families, user=user, now=now, reason=reason)


@dataclass(frozen=True, slots=True)
class SessionRow:
    id: uuid.UUID
    device: str
    ip: str  # masked
    created_at: datetime
    last_seen_at: datetime
    current: bool
    mfa_verified: bool


def session_list(*, user: User, current_session_id, now: datetime) -> list[SessionRow]:
    """``user``'s sessions that are still open, the current one first, then the most recently
    seen first; the mobile app's log-ins (token families) among them as "API (mobile app)".

    A session idle for longer than ``SESSION_COOKIE_AGE`` has expired and is left out, as is a
    token family whose refresh token has expired.
    """
    idle_limit = now - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    rows = UserSession.objects.filter(
        user=user, revoked_at__isnull=True, last_seen_at__gt=idle_limit
    ).order_by("-last_seen_at", "-created_at")
    result = [
        SessionRow(
            id=row.id,
            device=device_describe(row.user_agent),
            ip=ip_masked(row.ip),
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            current=row.id == current_session_id,
            mfa_verified=row.mfa_verified,
        )
        for row in rows
    ]
    result += [
        SessionRow(
            id=family.id,
            device=gettext("API (mobile app)"),
            ip=ip_masked(family.ip),
            created_at=family.created_at,
            last_seen_at=family.last_seen_at,
            current=False,
            mfa_verified=family.mfa_verified,
        )
        for family in families_open(user=user, now=now)
    ]
    result.sort(key=lambda r: r.last_seen_at, reverse=True)
    return sorted(result, key=lambda r: not r.current)


_BROWSERS = (
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def device_describe(user_agent: str) -> str:
    """A short, readable name for a browser from its user agent: "Chrome on Android"."""
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), "")
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), "")
    if browser and system:
        return f"{browser} · {system}"
    return browser or system or (user_agent[:60] if user_agent else "—")
