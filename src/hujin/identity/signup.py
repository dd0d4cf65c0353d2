"""Customer sign-up: a mainland mobile number proven by an SMS code, then a password.

The steps (pages under /auth/signup/):

1. ``signup_start``: the number is checked and a code is sent. Whether the number already has
   an account is not said here: anybody can type any number.
2. ``signup_verify``: the right code proves the number is the visitor's; now, and only now, an
   existing account is reported (the visitor owns the number, so nothing leaks).
3. ``signup_complete``: the password is checked and the customer created, in one transaction
   that consumes the code and records the audit entry and ``identity.customer_registered``.
"""

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.core.masking import mask
from hujin.identity.errors import MobileAlreadyRegistered, PasswordsDiffer
from hujin.identity.models import OtpChallenge, User
from hujin.identity.otp import otp_consume, otp_send, otp_verify
from hujin.identity.passwords import password_check
from hujin.identity.phones import mobile_index_of, mobile_national, mobile_normalise
from hujin.identity.security_events import anonymous_actor
from hujin.identity.throttle import rate_limit_take

# At most this many accounts are created from one IP address per rolling day.
SIGNUPS_PER_IP = 10
SIGNUP_WINDOW = timedelta(hours=24)
USERNAME_PREFIX = "c_"


def customer_username_new() -> str:
    """An opaque, unguessable username for a customer (customers log in with their mobile)."""
    return USERNAME_PREFIX + secrets.token_hex(10)


def mobile_is_registered(mobile_e164: str) -> bool:
    return User.objects.filter(mobile_index=mobile_index_of(mobile_e164)).exists()


def customer_user_create(
    *, mobile_e164: str, password: str, actor: Actor, now: datetime, checks: Callable[[], None]
) -> User:
    """Create a customer login (opaque username, the mobile encrypted, the password hashed) with
    its ``customer.register`` audit entry (the mobile masked) and ``identity.customer_registered``
    event, in one transaction that runs ``checks`` first. Sign-up and provisioning both create
    customers with it (identity's own; the public face is ``customer_login_create``).

    The password is checked before anything is written. Raises PasswordInvalid, whatever
    ``checks`` raises (then nothing is written), and MobileAlreadyRegistered when the database
    refuses the number (registered concurrently).
    """
    user = User(username=customer_username_new(), kind=User.Kind.CUSTOMER, mobile=mobile_e164)
    password_check(password, user=user)
    user.set_password(password)
    user.date_joined = now
    try:
        with transaction.atomic():
            checks()
            user.save()
            audit_record(
                actor=actor,
                action="customer.register",
                target_type="user",
                target_id=str(user.pk),
                occurred_at=now,
                after={
                    "kind": user.kind,
                    "username": user.username,
                    "mobile": mask("mobile", mobile_national(mobile_e164)),
                },
            )
            event_emit(
                aggregate_type="user",
                aggregate_id=str(user.pk),
                event_type="identity.customer_registered",
                payload={"user_id": str(user.pk)},
                occurred_at=now,
            )
    except IntegrityError:
        # Two registrations of one number at the same instant: the unique index let one through.
        raise MobileAlreadyRegistered() from None
    return user


def signup_start(*, mobile: str, ip: str | None, now: datetime) -> str:
    """Step 1: normalise the number and send it a sign-up code. Returns the E.164 number.

    Raises MobileInvalid, OtpResendTooSoon, OtpDailyLimit, SmsSendFailed.
    """
    mobile_e164 = mobile_normalise(mobile)
    otp_send(purpose=OtpChallenge.Purpose.SIGNUP, mobile_e164=mobile_e164, ip=ip, now=now)
    return mobile_e164


def signup_verify(*, mobile_e164: str, code: str, now: datetime) -> OtpChallenge:
    """Step 2: check the code. Raises OtpInvalid, OtpExpired, OtpTooManyAttempts, and
    MobileAlreadyRegistered once the code proved the number belongs to an account holder."""
    challenge = otp_verify(
        purpose=OtpChallenge.Purpose.SIGNUP, mobile_e164=mobile_e164, code=code, now=now
    )
    if mobile_is_registered(mobile_e164):
        raise MobileAlreadyRegistered()
    return challenge


def signup_complete(
    *,
    mobile_e164: str,
    challenge_id,
    password: str,
    password_confirm: str,
    ip: str | None,
    now: datetime,
) -> User:
    """Step 3: create the customer (kind customer, opaque username, the mobile encrypted).

    Raises PasswordsDiffer, PasswordInvalid, OtpNotVerified, MobileAlreadyRegistered,
    RateLimited. Nothing is written when it raises; the code stays usable for another try.
    """
    if password != password_confirm:
        raise PasswordsDiffer()

    def checks() -> None:
        otp_consume(
            challenge_id=challenge_id,
            purpose=OtpChallenge.Purpose.SIGNUP,
            mobile_e164=mobile_e164,
            now=now,
        )
        if mobile_is_registered(mobile_e164):
            raise MobileAlreadyRegistered()
        if ip:
            rate_limit_take(
                bucket="signup", key=ip, limit=SIGNUPS_PER_IP, window=SIGNUP_WINDOW, now=now
            )

    return customer_user_create(
        mobile_e164=mobile_e164,
        password=password,
        actor=anonymous_actor(ip),
        now=now,
        checks=checks,
    )
