"""Customer sign-up: a mainland mobile number proven by an SMS code, then a password.

The steps (pages under /auth/signup/):

1. ``signup_start``: the number is checked and a code is sent. Whether the number already has
   an account is not said here: anybody can type any number.
2. ``signup_verify``: the right code proves the number is the visitor's; now, and only now, an
   existing account is reported (the visitor owns the number, so nothing leaks).
3. ``signup_complete``: the password is checked and the customer created, in one transaction
   that consumes the code, records the audit entry and ``identity.customer_registered``, and
   records the visitor's acceptance of the sign-up documents (``signup_terms``: the service
   agreement and the privacy policy, through the hook privacy registers).
"""

import secrets
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.core.masking import mask
from hujin.identity.access import customer_actor
from hujin.identity.errors import (
    MobileAlreadyRegistered,
    PasswordsDiffer,
    TermsChanged,
    TermsNotAccepted,
)
from hujin.identity.models import OtpChallenge, User
from hujin.identity.otp import otp_consume, otp_send, otp_verify
from hujin.identity.passwords import password_check
from hujin.identity.phones import mobile_index_of, mobile_national, mobile_normalise
from hujin.identity.security_events import anonymous_actor
from hujin.identity.signup_terms import signup_terms_accept, signup_terms_current
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
    *,
    mobile_e164: str,
    password: str,
    actor: Actor,
    now: datetime,
    checks: Callable[[], None],
    then: Callable[[User], None] | None = None,
) -> User:
    """Create a customer login (opaque username, the mobile encrypted, the password hashed) with
    its ``customer.register`` audit entry (the mobile masked) and ``identity.customer_registered``
    event, in one transaction that runs ``checks`` first and ``then(user)`` last. Sign-up and
    provisioning both create customers with it (identity's own; the public face is
    ``customer_login_create``).

    The password is checked before anything is written. Raises PasswordInvalid, whatever
    ``checks`` or ``then`` raise (then nothing is written), and MobileAlreadyRegistered when the
    database refuses the number (registered concurrently).
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
            if then is not None:
                then(user)
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
    terms_accepted: Sequence[str] = (),
) -> User:
    """Step 3: create the customer (kind customer, opaque username, the mobile encrypted) and
    record their acceptance of ``terms_accepted``, the ids of the sign-up documents they agreed
    to on the first step (``signup_terms``), in the same transaction.

    Raises PasswordsDiffer, TermsNotAccepted (documents to agree to and none accepted),
    TermsChanged (a document has a newer version than the one agreed to), PasswordInvalid,
    OtpNotVerified, MobileAlreadyRegistered, RateLimited, and whatever the documents' owner
    raises recording the acceptance. Nothing is written when it raises; the code stays usable
    for another try.
    """
    if password != password_confirm:
        raise PasswordsDiffer()
    current = sorted(term.id for term in signup_terms_current())
    if current and not terms_accepted:
        raise TermsNotAccepted()
    if sorted(terms_accepted) != current:
        raise TermsChanged()

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

    def accept_terms(user: User) -> None:
        signup_terms_accept(
            user_id=user.pk, term_ids=current, ip=ip, actor=customer_actor(user), now=now
        )

    return customer_user_create(
        mobile_e164=mobile_e164,
        password=password,
        actor=anonymous_actor(ip),
        now=now,
        checks=checks,
        then=accept_terms,
    )
