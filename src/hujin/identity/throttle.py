"""Slowing down and locking out password guessing, and rate limits for public actions.

Everything is kept in the database, so the limits hold however many app processes serve the
site. The numbers:

- **Account** (consecutive failed log-ins; a success resets the count): from the 3rd failure on,
  the next attempt must wait ``5 s * 2^(failures - 3)`` (5 s, then 10 s); the 5th failure locks
  the account for 15 minutes. While locked, even the right password is refused.
- **IP address**: 20 failed log-ins within a rolling 15 minutes block log-ins from that address
  until the oldest of those 20 is 15 minutes old.
- **Rate limits** (``rate_limit_take``): a number of uses per key (an IP, an account) per
  rolling window, e.g. sign-ups and password resets per IP.
"""

import hashlib
from datetime import datetime, timedelta

from django.db import connection

from hujin.core.crypto import blind_index
from hujin.identity.errors import AccountLocked, IpLocked, LoginDelayed, RateLimited
from hujin.identity.models import AccountThrottle, LoginFailure, RateLimitHit, SecurityEvent, User
from hujin.identity.security_events import anonymous_actor, security_event_record

DELAY_AFTER_FAILURES = 3
DELAY_BASE = timedelta(seconds=5)
LOCK_AFTER_FAILURES = 5
ACCOUNT_LOCK = timedelta(minutes=15)
IP_LOCK_AFTER_FAILURES = 20
IP_WINDOW = timedelta(minutes=15)


def serialise_on(name: str) -> None:
    """Make concurrent transactions that check-then-write the same ``name`` take turns.

    Call inside the transaction. PostgreSQL: a transaction-scoped advisory lock. SQLite: the
    IMMEDIATE transactions Hujin uses already let one writer in at a time.
    """
    if connection.vendor == "postgresql":
        digest = hashlib.blake2b(f"hujin:identity:{name}".encode(), digest_size=8).digest()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)]
            )


# --- log-in --------------------------------------------------------------------------------------


def _delay_for(failures: int) -> timedelta:
    return DELAY_BASE * 2 ** (failures - DELAY_AFTER_FAILURES)


def _ip_locked_until(ip: str | None, *, now: datetime) -> datetime | None:
    if not ip:
        return None
    recent = list(
        LoginFailure.objects.filter(ip=ip, occurred_at__gt=now - IP_WINDOW)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)[:IP_LOCK_AFTER_FAILURES]
    )
    if len(recent) < IP_LOCK_AFTER_FAILURES:
        return None
    return recent[-1] + IP_WINDOW


def login_gate(*, user: User | None, ip: str | None, now: datetime) -> None:
    """Refuse a log-in attempt before its password is even checked, if the IP is blocked or the
    account is locked or must still wait. Raises IpLocked, AccountLocked, LoginDelayed."""
    ip_until = _ip_locked_until(ip, now=now)
    if ip_until is not None and ip_until > now:
        raise IpLocked(locked_until=ip_until, now=now)
    if user is None:
        return
    state = AccountThrottle.objects.filter(user=user).first()
    if state is None:
        return
    if state.locked_until is not None:
        if state.locked_until > now:
            raise AccountLocked(locked_until=state.locked_until, now=now)
        return  # the lock has run out: a fresh start
    if state.failures >= DELAY_AFTER_FAILURES and state.last_failure_at is not None:
        allowed_at = state.last_failure_at + _delay_for(state.failures)
        if allowed_at > now:
            raise LoginDelayed(retry_after_seconds=int((allowed_at - now).total_seconds()) + 1)


def login_failure_record(
    *, user: User | None, ip: str | None, user_agent: str, now: datetime
) -> AccountLocked | IpLocked | LoginDelayed | None:
    """Count one failed log-in. Must run inside the caller's transaction.

    Returns the error to show instead of "wrong password" when this failure started a lock or a
    delay, else None. Records a security event when the account or the IP gets locked.
    """
    LoginFailure.objects.create(ip=ip or None, user=user, occurred_at=now)
    outcome = None
    if user is not None:
        serialise_on(f"login:{user.pk}")
        state, _ = AccountThrottle.objects.select_for_update().get_or_create(user=user)
        if state.locked_until is not None and state.locked_until <= now:
            state.failures, state.locked_until = 0, None
        state.failures += 1
        state.last_failure_at = now
        if state.failures >= LOCK_AFTER_FAILURES and state.locked_until is None:
            state.locked_until = now + ACCOUNT_LOCK
            security_event_record(
                kind=SecurityEvent.Kind.ACCOUNT_LOCKED,
                user=user,
                ip=ip,
                user_agent=user_agent,
                now=now,
                actor=anonymous_actor(ip),
                details={
                    "failures": state.failures,
                    "locked_until": state.locked_until.isoformat(),
                },
            )
            outcome = AccountLocked(locked_until=state.locked_until, now=now)
        elif state.failures >= DELAY_AFTER_FAILURES:
            outcome = LoginDelayed(retry_after_seconds=_delay_for(state.failures).total_seconds())
        state.save()
    ip_until = _ip_locked_until(ip, now=now)
    if ip_until is not None:
        in_window = LoginFailure.objects.filter(ip=ip, occurred_at__gt=now - IP_WINDOW).count()
        if in_window == IP_LOCK_AFTER_FAILURES:  # just reached: record it once
            security_event_record(
                kind=SecurityEvent.Kind.IP_LOCKED,
                user=None,
                ip=ip,
                user_agent=user_agent,
                now=now,
                actor=anonymous_actor(ip),
                details={"failures": in_window, "locked_until": ip_until.isoformat()},
            )
        if not isinstance(outcome, AccountLocked):
            outcome = IpLocked(locked_until=ip_until, now=now)
    return outcome


def login_success_record(*, user: User) -> None:
    """A right password resets the account's failure count (inside the caller's transaction)."""
    AccountThrottle.objects.filter(user=user).delete()


# --- rate limits ---------------------------------------------------------------------------------


def rate_limit_take(*, bucket: str, key: str, limit: int, window: timedelta, now: datetime) -> None:
    """Use one of ``limit`` uses of ``bucket`` per ``key`` per rolling ``window``.

    Must run inside the caller's transaction (a use is only spent if the action commits).
    Raises RateLimited, with the seconds until the oldest use in the window runs out.
    """
    key_hash = blind_index(key, purpose=f"identity.rate_limit.{bucket}")
    serialise_on(f"rate:{bucket}:{key_hash}")
    used = list(
        RateLimitHit.objects.filter(bucket=bucket, key_hash=key_hash, occurred_at__gt=now - window)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)[:limit]
    )
    if len(used) >= limit:
        free_at = used[-1] + window
        raise RateLimited(retry_after_seconds=int((free_at - now).total_seconds()) + 1)
    RateLimitHit.objects.create(bucket=bucket, key_hash=key_hash, occurred_at=now)
