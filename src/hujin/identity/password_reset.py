"""Forgotten password: mobile number -> SMS code -> new password; every session ends.

The first step answers the same whether or not the number has an account (a code is only
actually sent to registered numbers; the others get the same page and the same limits), so the
reset form cannot be used to find out who is a customer.
"""

from datetime import datetime, timedelta

from django.db import transaction

from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.identity.errors import OtpNotVerified, PasswordsDiffer
from hujin.identity.models import OtpChallenge, SecurityEvent, User
from hujin.identity.otp import otp_consume, otp_send, otp_verify
from hujin.identity.passwords import password_check
from hujin.identity.phones import mobile_index_of, mobile_normalise
from hujin.identity.security_events import security_event_record, user_actor
from hujin.identity.sessions import sessions_revoke_all
from hujin.identity.throttle import AccountThrottle, rate_limit_take

RESETS_PER_IP = 10
RESETS_PER_ACCOUNT = 3
RESET_WINDOW = timedelta(hours=24)


def _customer_with(mobile_e164: str) -> User | None:
    return User.objects.filter(
        mobile_index=mobile_index_of(mobile_e164), kind=User.Kind.CUSTOMER, is_active=True
    ).first()


def password_reset_start(*, mobile: str, ip: str | None, now: datetime) -> str:
    """Step 1: send a reset code if the number belongs to a customer. Returns the E.164 number.

    Raises MobileInvalid, OtpResendTooSoon, OtpDailyLimit, SmsSendFailed.
    """
    mobile_e164 = mobile_normalise(mobile)
    otp_send(
        purpose=OtpChallenge.Purpose.RESET,
        mobile_e164=mobile_e164,
        ip=ip,
        now=now,
        deliver=_customer_with(mobile_e164) is not None,
    )
    return mobile_e164


def password_reset_verify(*, mobile_e164: str, code: str, now: datetime) -> OtpChallenge:
    """Step 2: check the code. Raises OtpInvalid, OtpExpired, OtpTooManyAttempts."""
    return otp_verify(
        purpose=OtpChallenge.Purpose.RESET, mobile_e164=mobile_e164, code=code, now=now
    )


def password_reset_complete(
    *,
    mobile_e164: str,
    challenge_id,
    password: str,
    password_confirm: str,
    ip: str | None,
    now: datetime,
) -> User:
    """Step 3: set the new password, end every session of the account, lift a log-in lock.

    Raises PasswordsDiffer, PasswordInvalid, OtpNotVerified, RateLimited.
    """
    if password != password_confirm:
        raise PasswordsDiffer()
    user = _customer_with(mobile_e164)
    if user is None:
        raise OtpNotVerified()
    password_check(password, user=user)
    with transaction.atomic():
        otp_consume(
            challenge_id=challenge_id,
            purpose=OtpChallenge.Purpose.RESET,
            mobile_e164=mobile_e164,
            now=now,
        )
        if ip:
            rate_limit_take(
                bucket="reset_ip", key=ip, limit=RESETS_PER_IP, window=RESET_WINDOW, now=now
            )
        rate_limit_take(
            bucket="reset_account",
            key=str(user.pk),
            limit=RESETS_PER_ACCOUNT,
            window=RESET_WINDOW,
            now=now,
        )
        user = User.objects.select_for_update(no_key=True).get(pk=user.pk)
        user.set_password(password)
        user.save(update_fields=["password"])
        AccountThrottle.objects.filter(user=user).delete()
        ended = sessions_revoke_all(user=user, now=now, reason="password_reset")
        audit_record(
            actor=user_actor(user),
            action="password.reset",
            target_type="user",
            target_id=str(user.pk),
            occurred_at=now,
            after={"sessions_ended": ended},
        )
        event_emit(
            aggregate_type="user",
            aggregate_id=str(user.pk),
            event_type="identity.password_reset",
            payload={"user_id": str(user.pk), "sessions_ended": ended},
            occurred_at=now,
        )
        security_event_record(
            kind=SecurityEvent.Kind.PASSWORD_RESET,
            user=user,
            ip=ip,
            now=now,
            actor=user_actor(user),
            details={"sessions_ended": ended},
        )
    return user
