"""One-time codes sent by SMS, for sign-up, log-in and password reset.

- a code is 6 random digits (``secrets``), valid for 5 minutes;
- 5 wrong tries kill it; a newer code for the same number and purpose replaces it;
- a number gets at most one code a minute, and at most 10 a day; so does an IP address.
  "A day" is the calendar day in the business time zone (Asia/Shanghai by default), which is
  what a customer reading "try again tomorrow" understands;
- a code that was typed right is *verified*, and the step it unlocks (creating the account,
  setting a new password) must follow within 15 minutes and *consumes* it.

The code is kept only as an HMAC-SHA256 under the secret key (bound to the challenge id), so
the table cannot be read back into codes.
"""

import hashlib
import hmac
import math
import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from hujin.core.audit import audit_record
from hujin.core.dates import business_time_zone
from hujin.core.events import event_emit
from hujin.core.masking import mask
from hujin.identity.errors import (
    OtpDailyLimit,
    OtpExpired,
    OtpInvalid,
    OtpNotVerified,
    OtpResendTooSoon,
    OtpTooManyAttempts,
)
from hujin.identity.models import OtpChallenge
from hujin.identity.phones import mobile_index_of, mobile_national
from hujin.identity.security_events import anonymous_actor
from hujin.identity.sms import sms_sender
from hujin.identity.throttle import serialise_on

CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=5)
MAX_ATTEMPTS = 5
RESEND_INTERVAL = timedelta(seconds=60)
DAILY_LIMIT = 10
VERIFIED_TTL = timedelta(minutes=15)
_MAX_CODE_INPUT = 16


def _code_hash(challenge_id, code: str) -> str:
    message = f"identity.otp:{challenge_id}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _day_start(now: datetime) -> datetime:
    local = now.astimezone(business_time_zone())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _sms_text(code: str, purpose: str) -> str:
    minutes = int(CODE_TTL.total_seconds() // 60)
    if purpose == OtpChallenge.Purpose.RESET:
        text = gettext(
            "[Hujin] Your password reset code is %(code)s, valid for %(minutes)d minutes. "
            "If you did not ask for it, ignore this message. Never share this code."
        )
    else:
        text = gettext(
            "[Hujin] Your verification code is %(code)s, valid for %(minutes)d minutes. "
            "Never share this code with anyone, including Hujin staff."
        )
    return text % {"code": code, "minutes": minutes}


def otp_send(
    *, purpose: str, mobile_e164: str, ip: str | None, now: datetime, deliver: bool = True,
    binding: str = "", text: str | None = None,
) -> OtpChallenge:  # fmt: skip
    """Send a new code to ``mobile_e164`` (already normalised) for ``purpose``.

    ``deliver=False`` records the challenge without sending anything: password reset uses it
    for numbers that have no account, so that the answer, the timing of the limits and the
    page look the same whether or not the number is registered.
    ``binding`` and ``text`` are a step-up code's (``step_up``): what it confirms, and the
    message with ``%(code)s`` and ``%(minutes)s`` in it.
    Raises OtpResendTooSoon, OtpDailyLimit, SmsSendFailed (nothing is recorded then).
    """
    purpose = OtpChallenge.Purpose(purpose)
    index = mobile_index_of(mobile_e164)
    with transaction.atomic():
        serialise_on(f"otp:{index}")
        if ip:
            serialise_on(f"otp-ip:{ip}")
        last = OtpChallenge.objects.filter(mobile_index=index).order_by("-created_at").first()
        if last is not None and last.created_at > now - RESEND_INTERVAL:
            wait = last.created_at + RESEND_INTERVAL - now
            raise OtpResendTooSoon(retry_after_seconds=int(wait.total_seconds()) + 1)
        day_start = _day_start(now)
        tomorrow = int((day_start + timedelta(days=1) - now).total_seconds()) + 1
        sent_today = Q(created_at__gte=day_start)
        if OtpChallenge.objects.filter(sent_today, mobile_index=index).count() >= DAILY_LIMIT:
            raise OtpDailyLimit(retry_after_seconds=tomorrow)
        if ip and OtpChallenge.objects.filter(sent_today, ip=ip).count() >= DAILY_LIMIT:
            raise OtpDailyLimit(retry_after_seconds=tomorrow)

        OtpChallenge.objects.filter(
            mobile_index=index, purpose=purpose, superseded_at__isnull=True, consumed_at=None
        ).update(superseded_at=now)
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        challenge = OtpChallenge(
            purpose=purpose,
            mobile_index=index,
            created_at=now,
            expires_at=now + CODE_TTL,
            ip=ip or None,
            binding=binding,
        )
        challenge.code_hash = _code_hash(challenge.id, code)
        challenge.save()
        audit_record(
            actor=anonymous_actor(ip),
            action="otp.send",
            target_type="otp_challenge",
            target_id=str(challenge.id),
            occurred_at=now,
            after={
                "purpose": purpose.value,
                "mobile": mask("mobile", mobile_national(mobile_e164)),
                "delivered": deliver,
            },
        )
        event_emit(
            aggregate_type="otp_challenge",
            aggregate_id=str(challenge.id),
            event_type="identity.otp_sent",
            payload={"challenge_id": str(challenge.id), "purpose": purpose.value},
            occurred_at=now,
        )
        if deliver:
            message = (
                text % {"code": code, "minutes": int(CODE_TTL.total_seconds() // 60)}
                if text
                else _sms_text(code, purpose)
            )
            sms_sender().send(to_e164=mobile_e164, text=message, purpose=purpose.value, now=now)
    return challenge


def otp_resend_wait(*, mobile_e164: str, now: datetime) -> int:
    """Whole seconds until ``otp_send`` accepts another code for the number (0: it would now).

    The per-minute limit only: a number or an address past its daily limit learns so when it
    asks. Pages show it as the countdown of their "send a new code" button.
    """
    last = (
        OtpChallenge.objects.filter(mobile_index=mobile_index_of(mobile_e164))
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if last is None:
        return 0
    return max(0, math.ceil((last + RESEND_INTERVAL - now).total_seconds()))


def otp_verify(*, purpose: str, mobile_e164: str, code: str, now: datetime) -> OtpChallenge:
    """Check a typed code against the latest code sent to the number for ``purpose``.

    Marks it verified and returns it. A wrong code counts one attempt (kept even though the
    call fails). Raises OtpInvalid, OtpExpired, OtpTooManyAttempts.
    """
    purpose = OtpChallenge.Purpose(purpose)
    index = mobile_index_of(mobile_e164)
    typed = "".join((code or "").split())[:_MAX_CODE_INPUT]
    failure = None
    with transaction.atomic():
        challenge = (
            OtpChallenge.objects.select_for_update()
            .filter(mobile_index=index, purpose=purpose, superseded_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if challenge is None or challenge.consumed_at is not None:
            raise OtpInvalid()
        if challenge.verified_at is not None:
            return challenge  # typed again (a double submit): still the same proof
        if challenge.attempts >= MAX_ATTEMPTS:
            raise OtpTooManyAttempts()
        if challenge.expires_at <= now:
            raise OtpExpired()
        right = len(typed) == CODE_DIGITS and hmac.compare_digest(
            challenge.code_hash, _code_hash(challenge.id, typed)
        )
        if right:
            challenge.verified_at = now
            challenge.save(update_fields=["verified_at"])
        else:
            challenge.attempts += 1
            challenge.save(update_fields=["attempts"])
            failure = OtpTooManyAttempts() if challenge.attempts >= MAX_ATTEMPTS else OtpInvalid()
        audit_record(
            actor=anonymous_actor(challenge.ip),
            action="otp.verify" if right else "otp.verify_failed",
            target_type="otp_challenge",
            target_id=str(challenge.id),
            occurred_at=now,
            after={"purpose": purpose.value, "attempts": challenge.attempts},
        )
        event_emit(
            aggregate_type="otp_challenge",
            aggregate_id=str(challenge.id),
            event_type="identity.otp_verified" if right else "identity.otp_failed",
            payload={"challenge_id": str(challenge.id), "purpose": purpose.value},
            occurred_at=now,
        )
    if failure is not None:
        raise failure
    return challenge


def otp_consume(*, challenge_id, purpose: str, mobile_e164: str, now: datetime) -> OtpChallenge:
    """Spend a verified challenge on the step it unlocks. Run inside that step's transaction.

    Raises OtpNotVerified when the challenge is not this number's, not verified, already used,
    replaced by a newer code, or verified more than 15 minutes ago.
    """
    try:
        challenge_id = uuid.UUID(str(challenge_id))
    except ValueError:
        raise OtpNotVerified() from None
    challenge = (
        OtpChallenge.objects.select_for_update()
        .filter(
            pk=challenge_id,
            purpose=OtpChallenge.Purpose(purpose),
            mobile_index=mobile_index_of(mobile_e164),
            superseded_at__isnull=True,
            consumed_at__isnull=True,
            verified_at__isnull=False,
        )
        .first()
    )
    if challenge is None or challenge.verified_at <= now - VERIFIED_TTL:
        raise OtpNotVerified()
    challenge.consumed_at = now
    challenge.save(update_fields=["consumed_at"])
    return challenge
