"""Identity's errors, each with a stable code."""

from datetime import datetime

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from hujin.core.dates import business_time_zone
from hujin.core.errors import Conflict, HujinError, InvalidInput, NotFound, PermissionDenied


class ApiKeyNameInvalid(InvalidInput):
    code = "api_key_name_invalid"
    message = _("Give the key a name of 1 to 100 characters.")


class ApiKeyScopesInvalid(InvalidInput):
    code = "api_key_scopes_invalid"
    message = _("Choose at least one scope from the catalogue.")


class ApiKeyExpiryInvalid(InvalidInput):
    code = "api_key_expiry_invalid"
    message = _("The expiry must be in the future.")


class ApiKeyNotFound(NotFound):
    code = "api_key_not_found"
    message = _("No such API key.")


class ApiKeyAlreadyRevoked(Conflict):
    code = "api_key_already_revoked"
    message = _("This API key has already been revoked.")


class ApiKeyManagementDenied(PermissionDenied):
    code = "api_key_management_denied"
    message = _("You do not have permission to manage API keys.")


class ProvisioningDenied(PermissionDenied):
    code = "provisioning_denied"
    message = _("Only the system provisions logins.")


class NotACustomerLogin(NotFound):
    code = "not_a_customer_login"
    message = _("No such customer.")


# --- mobile numbers, SMS codes ------------------------------------------------------------------


class MobileInvalid(InvalidInput):
    code = "mobile_invalid"
    message = _("Enter a valid mainland China mobile number, e.g. 138 1234 5678.")


class OtpInvalid(InvalidInput):
    code = "otp_invalid"
    message = _("That code is not right. Check the latest text message and try again.")


class OtpExpired(InvalidInput):
    code = "otp_expired"
    message = _("That code has expired. Ask for a new one.")


class OtpTooManyAttempts(InvalidInput):
    code = "otp_too_many_attempts"
    message = _("Too many wrong codes. Ask for a new one.")


class RetryLater(HujinError):
    """Base of the rate-limit errors: ``details["retry_after_seconds"]`` says how long to wait."""

    code = "retry_later"
    status = 429

    def __init__(self, message=None, *, retry_after_seconds: int, details=None):
        self.retry_after_seconds = max(1, int(retry_after_seconds))
        super().__init__(
            message, details={**(details or {}), "retry_after_seconds": self.retry_after_seconds}
        )


class OtpResendTooSoon(RetryLater):
    code = "otp_resend_too_soon"
    message = _("A code was sent less than a minute ago.")

    def __init__(self, *, retry_after_seconds: int):
        seconds = max(1, int(retry_after_seconds))
        super().__init__(
            ngettext_lazy(
                "A code was just sent. You can ask for another in %(seconds)d second.",
                "A code was just sent. You can ask for another in %(seconds)d seconds.",
                seconds,
            )
            % {"seconds": seconds},
            retry_after_seconds=seconds,
        )


class OtpDailyLimit(RetryLater):
    code = "otp_daily_limit"
    message = _("Too many codes have been sent today. Try again tomorrow.")


class OtpNotVerified(InvalidInput):
    code = "otp_not_verified"
    message = _("Confirm your mobile number with the code we sent first.")


# --- sign-up, passwords --------------------------------------------------------------------------


class MobileAlreadyRegistered(Conflict):
    code = "mobile_already_registered"
    message = _(
        "This mobile number already has an account. Log in, or reset your password if you "
        "have forgotten it."
    )


class TermsNotAccepted(InvalidInput):
    code = "terms_not_accepted"
    message = _(
        "To open an account, please read and agree to the service agreement and the privacy policy."
    )


class TermsChanged(Conflict):
    code = "terms_changed"
    message = _(
        "The agreements were updated while you were signing up. Please read and agree to the "
        "new versions."
    )


class PasswordInvalid(InvalidInput):
    code = "password_invalid"
    message = _("Choose a different password.")

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages), details={"reasons": messages})
        self.messages = messages


class PasswordsDiffer(InvalidInput):
    code = "passwords_differ"
    message = _("The two passwords are not the same.")


class RateLimited(RetryLater):
    code = "rate_limited"
    message = _("Too many attempts from here. Try again later.")


# --- log-in --------------------------------------------------------------------------------------


class LoginFailed(InvalidInput):
    code = "login_failed"
    message = _("The mobile number or password is not right.")


class LoginNotAllowed(PermissionDenied):
    code = "login_not_allowed"
    message = _("This account cannot sign in here.")


class LoginDelayed(RetryLater):
    code = "login_delayed"

    def __init__(self, *, retry_after_seconds: int):
        seconds = max(1, int(retry_after_seconds))
        super().__init__(
            ngettext_lazy(
                "Too many failed attempts. Wait %(seconds)d second before trying again.",
                "Too many failed attempts. Wait %(seconds)d seconds before trying again.",
                seconds,
            )
            % {"seconds": seconds},
            retry_after_seconds=seconds,
        )


class AccountLocked(RetryLater):
    code = "account_locked"

    def __init__(self, *, locked_until: datetime, now: datetime):
        self.locked_until = locked_until
        super().__init__(
            _("Too many failed attempts. This account is locked until %(time)s.")
            % {"time": _local_time(locked_until)},
            retry_after_seconds=int((locked_until - now).total_seconds()) + 1,
            details={"locked_until": locked_until.isoformat()},
        )


class IpLocked(RetryLater):
    code = "ip_locked"

    def __init__(self, *, locked_until: datetime, now: datetime):
        self.locked_until = locked_until
        super().__init__(
            _("Too many failed attempts from your network. Try again after %(time)s.")
            % {"time": _local_time(locked_until)},
            retry_after_seconds=int((locked_until - now).total_seconds()) + 1,
            details={"locked_until": locked_until.isoformat()},
        )


# --- sessions ------------------------------------------------------------------------------------


class SessionNotFound(NotFound):
    code = "session_not_found"
    message = _("No such session.")


def _local_time(at: datetime) -> str:
    """HH:MM in the business time zone, which is the customers' clock."""
    return at.astimezone(business_time_zone()).strftime("%H:%M")


# --- the customer's API tokens ------------------------------------------------------------------


class TokenInvalid(HujinError):
    code = "token_invalid"
    status = 401
    message = _("This token is not valid, has expired or was ended. Log in again.")


class RefreshTokenReused(HujinError):
    code = "refresh_token_reused"
    status = 401
    message = _(
        "This refresh token was already used. For your safety, this log-in has been ended: "
        "log in again."
    )


class MfaCodeRequired(HujinError):
    code = "mfa_code_required"
    status = 401
    message = _("This account uses two-step verification: send the code from your authenticator.")


class AccessTokenRequired(HujinError):
    """The answer of the customer's paths (/api/v1/me/) to a request without a valid token."""

    code = "unauthenticated"
    status = 401
    message = _("A valid access token is required: log in with POST /api/v1/me/tokens.")
