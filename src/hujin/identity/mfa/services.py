"""MFA's writes: TOTP enrolment, verification, recovery codes and (customers only) switching off.

Time comes in as ``now``. The shared secret and the recovery codes never reach the audit trail,
events or logs. Staff must have a confirmed device before they use the console (see
``hujin.identity.access``); customers may turn it on.
"""

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from django.db import transaction
from django.utils.translation import gettext as _

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.crypto import blind_index
from hujin.core.events import event_emit
from hujin.identity.mfa.errors import (
    MfaAlreadyEnabled,
    MfaCodeInvalid,
    MfaCodeReused,
    MfaEnrolmentNotStarted,
    MfaLocked,
    MfaNotEnrolled,
    MfaPasswordWrong,
    MfaRequiredForStaff,
)
from hujin.identity.mfa.models import RecoveryCode, TotpDevice
from hujin.identity.models import User
from hujin.identity.security_events import user_actor
from hujin.identity.sessions import sessions_revoke_all

# RFC 6238 defaults, which every authenticator app supports: 6 digits, 30-second steps, SHA-1.
TOTP_DIGITS = 6
TOTP_PERIOD_S = 30
# One step either side of "now" absorbs a phone clock up to 30 s off (RFC 6238 §5.2).
TOTP_VALID_WINDOW = 1
SECRET_CHARS = 32  # base32: 160 bits, the HMAC-SHA1 block the RFC recommends
MAX_FAILED_ATTEMPTS = 5
LOCK_DURATION = timedelta(minutes=15)
RECOVERY_CODE_COUNT = 10
# No 0/O, 1/I/L: the codes are read off paper.
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECOVERY_HALF = 5  # "ABCDE-FGHJK": about 49 bits each
_RECOVERY_PURPOSE = "mfa.recovery_code"


@dataclass(frozen=True, slots=True)
class Verified:
    method: str  # "totp" | "recovery_code"
    recovery_codes_left: int


def mfa_required_for(user: User) -> bool:
    """Whether logging in as ``user`` needs a second factor: always for staff, and for
    customers who turned it on."""
    if user.kind == User.Kind.STAFF:
        return True
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def totp_enrol_begin(*, user: User, now: datetime) -> TotpDevice:
    """Give ``user`` a fresh, unconfirmed TOTP secret (replacing an unconfirmed one).

    Raises MfaAlreadyEnabled when a confirmed device exists.
    """
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=user).first()
        if device is not None and device.confirmed_at is not None:
            raise MfaAlreadyEnabled()
        secret = pyotp.random_base32(length=SECRET_CHARS)
        if device is None:
            device = TotpDevice.objects.create(user=user, secret=secret, created_at=now)
        else:
            device.secret = secret
            device.created_at = now
            device.last_used_step = None
            device.failed_attempts = 0
            device.locked_until = None
            device.save()
        audit_record(
            actor=user_actor(user),
            action="mfa.enrolment_started",
            target_type="user",
            target_id=str(user.pk),
            occurred_at=now,
            after={"device_id": str(device.id), "confirmed": False},
        )
        event_emit(
            aggregate_type="user",
            aggregate_id=str(user.pk),
            event_type="identity.mfa_enrolment_started",
            payload={"user_id": str(user.pk), "user_kind": user.kind},
            occurred_at=now,
        )
    return device


def totp_enrol_confirm(*, user: User, code: str, now: datetime) -> list[str]:
    """Confirm the pending device with a first code; returns the new recovery codes (plain text,
    shown once).

    Raises MfaEnrolmentNotStarted, MfaAlreadyEnabled, MfaCodeInvalid.
    """
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=user).first()
        if device is None:
            raise MfaEnrolmentNotStarted()
        if device.confirmed_at is not None:
            raise MfaAlreadyEnabled()
        step = _totp_step(device, _digits(code), now)
        if step is None:
            raise MfaCodeInvalid()
        device.confirmed_at = now
        device.last_used_step = step
        device.save(update_fields=["confirmed_at", "last_used_step"])
        codes = _recovery_codes_replace(user, now)
        audit_record(
            actor=user_actor(user),
            action="mfa.enabled",
            target_type="user",
            target_id=str(user.pk),
            occurred_at=now,
            before={"mfa": False},
            after={"mfa": True, "device_id": str(device.id), "recovery_codes": len(codes)},
        )
        event_emit(
            aggregate_type="user",
            aggregate_id=str(user.pk),
            event_type="identity.mfa_enabled",
            payload={"user_id": str(user.pk), "user_kind": user.kind},
            occurred_at=now,
        )
    return codes


def totp_verify(*, user: User, code: str, now: datetime) -> Verified:
    """Check a second factor at log-in: a current TOTP code or an unused recovery code.

    A TOTP code is accepted once (its time step, or an earlier one, is refused afterwards); a
    recovery code is spent. MAX_FAILED_ATTEMPTS wrong codes in a row lock the factor for
    LOCK_DURATION. Raises MfaNotEnrolled, MfaLocked, MfaCodeInvalid, MfaCodeReused.
    """
    failure: Exception | None = None
    with transaction.atomic():
        device = (
            TotpDevice.objects.select_for_update()
            .filter(user=user, confirmed_at__isnull=False)
            .first()
        )
        if device is None:
            raise MfaNotEnrolled()
        if device.locked_until is not None and device.locked_until > now:
            raise _locked(device, now)
        digits = _digits(code)
        if len(digits) == TOTP_DIGITS:
            step = _totp_step(device, digits, now)
            if step is not None and (device.last_used_step or -1) < step:
                device.failed_attempts = 0
                device.last_used_step = step
                device.save(update_fields=["failed_attempts", "last_used_step"])
                # A successful TOTP check is recorded by the log-in it completes, not here.
                return Verified(method="totp", recovery_codes_left=_codes_left(user))
            failure = MfaCodeReused() if step is not None else MfaCodeInvalid()
        else:
            spent = _recovery_code_spend(user, code, now)
            if spent is not None:
                device.failed_attempts = 0
                device.save(update_fields=["failed_attempts"])
                left = _codes_left(user)
                facts = {"recovery_code_id": str(spent.id), "recovery_codes_left": left}
                _record(
                    user, now, "mfa.recovery_code_used", "identity.mfa_recovery_code_used", facts
                )
                return Verified(method="recovery_code", recovery_codes_left=left)
            failure = MfaCodeInvalid()
        device.failed_attempts += 1
        if device.failed_attempts >= MAX_FAILED_ATTEMPTS:
            device.failed_attempts = 0
            device.locked_until = now + LOCK_DURATION
            failure = _locked(device, now)
            until = {"locked_until": device.locked_until.isoformat()}
            _record(user, now, "mfa.locked", "identity.mfa_locked", until)
        else:
            count = {"failed_attempts": device.failed_attempts}
            _record(user, now, "mfa.verify_failed", "identity.mfa_failed", count)
        device.save(update_fields=["failed_attempts", "locked_until"])
    # Raised after the commit, so the failure count and the lock are kept.
    raise failure


def recovery_codes_regenerate(*, user: User, password: str, now: datetime) -> list[str]:
    """Replace every recovery code with 10 new ones (the old ones stop working).

    Raises MfaPasswordWrong, MfaNotEnrolled.
    """
    _password_check(user, password)
    with transaction.atomic():
        device = (
            TotpDevice.objects.select_for_update()
            .filter(user=user, confirmed_at__isnull=False)
            .first()
        )
        if device is None:
            raise MfaNotEnrolled()
        codes = _recovery_codes_replace(user, now)
        _record(
            user,
            now,
            "mfa.recovery_codes_regenerated",
            "identity.mfa_recovery_codes_regenerated",
            {"recovery_codes": len(codes)},
        )
    return codes


def totp_disable(*, user: User, password: str, now: datetime) -> None:
    """A customer switches two-step verification off, after re-entering their password.

    Raises MfaRequiredForStaff, MfaPasswordWrong, MfaNotEnrolled.
    """
    if user.kind == User.Kind.STAFF:
        raise MfaRequiredForStaff()
    _password_check(user, password)
    with transaction.atomic():
        device = (
            TotpDevice.objects.select_for_update()
            .filter(user=user, confirmed_at__isnull=False)
            .first()
        )
        if device is None:
            raise MfaNotEnrolled()
        _authenticator_remove(user, device, actor=user_actor(user), now=now, what="disabled")


def totp_reset(*, user: User, actor: Actor, now: datetime) -> None:
    """Remove a user's authenticator and recovery codes (a lost phone) and end their sessions;
    a staff member enrols again at their next log-in. For the ``hujin mfa reset`` command.

    Raises MfaNotEnrolled when there is nothing to remove.
    """
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=user).first()
        if device is None:
            raise MfaNotEnrolled()
        sessions_revoke_all(user=user, now=now, reason="mfa_reset")
        _authenticator_remove(user, device, actor=actor, now=now, what="reset")


# --- helpers -----------------------------------------------------------------------------------


def _authenticator_remove(
    user: User, device: TotpDevice, *, actor: Actor, now: datetime, what: str
) -> None:
    """Delete the device and the recovery codes; audit ``mfa.<what>`` and emit
    ``identity.mfa_<what>``. Runs inside the caller's transaction."""
    device_id = str(device.id)
    device.delete()
    RecoveryCode.objects.filter(user=user).delete()
    audit_record(
        actor=actor,
        action=f"mfa.{what}",
        target_type="user",
        target_id=str(user.pk),
        occurred_at=now,
        before={"mfa": True, "device_id": device_id},
        after={"mfa": False},
    )
    event_emit(
        aggregate_type="user",
        aggregate_id=str(user.pk),
        event_type=f"identity.mfa_{what}",
        payload={"user_id": str(user.pk), "user_kind": user.kind},
        occurred_at=now,
    )


def _digits(code: str) -> str:
    return "".join(str(code or "").split())


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_PERIOD_S)


def _totp_step(device: TotpDevice, code: str, now: datetime) -> int | None:
    """The time step whose code ``code`` is, within the window around ``now``; else None."""
    if len(code) != TOTP_DIGITS or not code.isascii() or not code.isdigit():
        return None
    totp = _totp(device.secret)
    current = totp.timecode(now)
    for step in range(current - TOTP_VALID_WINDOW, current + TOTP_VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _locked(device: TotpDevice, now: datetime) -> MfaLocked:
    minutes = max(1, -(-int((device.locked_until - now).total_seconds()) // 60))
    return MfaLocked(
        _("Too many wrong codes. Try again in %(minutes)s minutes.") % {"minutes": minutes},
        details={"retry_after_s": int((device.locked_until - now).total_seconds())},
    )


def _password_check(user: User, password: str) -> None:
    if not password or not user.check_password(password):
        raise MfaPasswordWrong()


def _recovery_normalise(code: str) -> str:
    return "".join(ch for ch in str(code or "").upper() if ch.isalnum())


def _recovery_hash(user: User, code: str) -> str:
    return blind_index(f"{user.pk}:{_recovery_normalise(code)}", purpose=_RECOVERY_PURPOSE)


def _recovery_code_new() -> str:
    chars = [secrets.choice(RECOVERY_ALPHABET) for _ in range(2 * RECOVERY_HALF)]
    return "".join(chars[:RECOVERY_HALF]) + "-" + "".join(chars[RECOVERY_HALF:])


def _recovery_codes_replace(user: User, now: datetime) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_recovery_code_new() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=_recovery_hash(user, c), created_at=now) for c in codes]
    )
    return codes


def _recovery_code_spend(user: User, code: str, now: datetime) -> RecoveryCode | None:
    normalised = _recovery_normalise(code)
    if len(normalised) != 2 * RECOVERY_HALF:
        return None
    row = (
        RecoveryCode.objects.select_for_update()
        .filter(user=user, code_hash=_recovery_hash(user, normalised), used_at__isnull=True)
        .first()
    )
    if row is None:
        return None
    row.used_at = now
    row.save(update_fields=["used_at"])
    return row


def _codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def _record(user: User, now: datetime, action: str, event_type: str, facts: dict) -> None:
    audit_record(
        actor=user_actor(user),
        action=action,
        target_type="user",
        target_id=str(user.pk),
        occurred_at=now,
        after=facts,
    )
    event_emit(
        aggregate_type="user",
        aggregate_id=str(user.pk),
        event_type=event_type,
        payload={"user_id": str(user.pk), "user_kind": user.kind, **facts},
        occurred_at=now,
    )
