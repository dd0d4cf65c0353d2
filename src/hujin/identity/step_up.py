"""Step-up confirmation: the signed-in person proves again, for one sensitive action (a large
payment), that it is them — by a code texted to their own mobile or from their authenticator
app (TOTP).

A texted code is bound to what it confirms: the caller names the action by a ``binding`` (a
digest of its kind, amount and counterparty) and tells the person what it is in the message
("confirms a transfer of ¥6,000.00 to 张*"); a code sent for one action confirms no other, and
confirms it once. The sending limits are the one-time codes' (``hujin.identity.otp``): one a
minute, ten a day per number. A TOTP code is accepted once per time step, as at log-in.
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from hujin.core.errors import InvalidInput
from hujin.core.masking import mask_mobile
from hujin.identity.errors import OtpExpired, OtpInvalid, OtpTooManyAttempts
from hujin.identity.mfa.errors import MfaCodeInvalid, MfaCodeReused, MfaLocked, MfaNotEnrolled
from hujin.identity.mfa.selectors import mfa_enabled
from hujin.identity.mfa.services import totp_verify
from hujin.identity.models import OtpChallenge, User
from hujin.identity.otp import otp_consume, otp_resend_wait, otp_send, otp_verify
from hujin.identity.phones import mobile_national

STEP_UP_SMS = "sms"
STEP_UP_TOTP = "totp"
PURPOSE = OtpChallenge.Purpose.STEP_UP


class StepUpInvalid(InvalidInput):
    code = "step_up_invalid"
    message = _("The confirmation code is not right, or it has expired. Ask for a new one.")


class StepUpUnavailable(InvalidInput):
    code = "step_up_method_unavailable"
    message = _("This way of confirming is not set up for this login.")


@dataclass(frozen=True, slots=True)
class StepUpSent:
    mobile_masked: str
    resend_after_seconds: int


def step_up_binding(*parts: object) -> str:
    """The digest a step-up code is bound to: the same parts give the same binding."""
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()


def _user(user_id) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).first()


def step_up_methods(*, user_id: uuid.UUID) -> tuple[str, ...]:
    """The ways the login ``user_id`` can confirm: ``totp`` when they have an authenticator,
    ``sms`` when they have a mobile number."""
    user = _user(user_id)
    if user is None:
        return ()
    methods = []
    if mfa_enabled(user):
        methods.append(STEP_UP_TOTP)
    if user.mobile:
        methods.append(STEP_UP_SMS)
    return tuple(methods)


def step_up_code_send(
    *, user_id: uuid.UUID, binding: str, text: str, now: datetime, ip: str | None = None
) -> StepUpSent:
    """Text the login's own mobile a code confirming the action ``binding`` names. ``text`` is
    the message, with ``%(code)s`` and ``%(minutes)s`` in it, in the person's language.
    Raises StepUpUnavailable, OtpResendTooSoon, OtpDailyLimit, SmsSendFailed."""
    user = _user(user_id)
    if user is None or not user.mobile:
        raise StepUpUnavailable()
    otp_send(purpose=PURPOSE, mobile_e164=user.mobile, ip=ip, now=now, binding=binding,
             text=text)  # fmt: skip
    return StepUpSent(
        mobile_masked=mask_mobile(mobile_national(user.mobile)),
        resend_after_seconds=otp_resend_wait(mobile_e164=user.mobile, now=now),
    )


def step_up_verify(
    *, user_id: uuid.UUID, method: str, code: str, binding: str, now: datetime
) -> None:
    """Accept ``code`` as the login's confirmation of the action ``binding`` names, once.
    Raises StepUpUnavailable (the method is not set up), StepUpInvalid."""
    user = _user(user_id)
    if user is None or method not in step_up_methods(user_id=user_id):
        raise StepUpUnavailable()
    if method == STEP_UP_TOTP:
        try:
            totp_verify(user=user, code=code, now=now)
        except (MfaCodeInvalid, MfaCodeReused, MfaLocked, MfaNotEnrolled):
            raise StepUpInvalid() from None
        return
    try:
        challenge = otp_verify(purpose=PURPOSE, mobile_e164=user.mobile, code=code, now=now)
    except (OtpInvalid, OtpExpired, OtpTooManyAttempts):
        raise StepUpInvalid() from None
    if challenge.binding != binding:
        raise StepUpInvalid()
    with transaction.atomic():
        otp_consume(challenge_id=challenge.id, purpose=PURPOSE, mobile_e164=user.mobile, now=now)
