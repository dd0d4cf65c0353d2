"""MFA's reads. Pages get plain values."""

from dataclasses import dataclass
from datetime import datetime

import segno
from django.conf import settings

from hujin.identity.mfa.errors import MfaEnrolmentNotStarted
from hujin.identity.mfa.models import RecoveryCode, TotpDevice
from hujin.identity.mfa.services import TOTP_DIGITS, TOTP_PERIOD_S
from hujin.identity.models import User

DEFAULT_ISSUER = "Hujin"


@dataclass(frozen=True, slots=True)
class MfaStatus:
    enabled: bool  # a confirmed device exists
    confirmed_at: datetime | None
    recovery_codes_left: int
    required: bool  # staff: may not be switched off
    locked_until: datetime | None


@dataclass(frozen=True, slots=True)
class Provisioning:
    """What the enrolment page shows: the secret for manual entry, the otpauth URI and the QR
    code as a data: URI (the CSP allows ``img-src data:``, not inline SVG styles)."""

    secret: str
    secret_grouped: str  # "ABCD EFGH ..." for typing
    uri: str
    qr_data_uri: str


def mfa_issuer() -> str:
    return getattr(settings, "HUJIN_MFA_ISSUER", DEFAULT_ISSUER)


def mfa_enabled(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def mfa_status(user: User) -> MfaStatus:
    device = TotpDevice.objects.filter(user=user).first()
    enabled = device is not None and device.confirmed_at is not None
    return MfaStatus(
        enabled=enabled,
        confirmed_at=device.confirmed_at if enabled else None,
        recovery_codes_left=(
            RecoveryCode.objects.filter(user=user, used_at__isnull=True).count() if enabled else 0
        ),
        required=user.kind == User.Kind.STAFF,
        locked_until=device.locked_until if device is not None else None,
    )


def otpauth_uri(*, secret: str, account: str) -> str:
    """The ``otpauth://totp/...`` URI an authenticator app reads from the QR code."""
    from pyotp import TOTP

    return TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_PERIOD_S).provisioning_uri(
        name=account, issuer_name=mfa_issuer()
    )


def totp_provisioning(user: User) -> Provisioning:
    """The pending (unconfirmed) device's secret, URI and QR code.

    Raises MfaEnrolmentNotStarted when there is no unconfirmed device.
    """
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=True).first()
    if device is None:
        raise MfaEnrolmentNotStarted()
    uri = otpauth_uri(secret=device.secret, account=user.get_username())
    qr = segno.make(uri, error="m")
    return Provisioning(
        secret=device.secret,
        secret_grouped=" ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4)),
        uri=uri,
        qr_data_uri=qr.svg_data_uri(scale=5, border=2, dark="#111", light="#fff"),
    )
