"""MFA's errors, each with a stable code."""

from django.utils.translation import gettext_lazy as _

from hujin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class MfaCodeInvalid(InvalidInput):
    code = "mfa_code_invalid"
    message = _("That code is not right. Check your authenticator app and try again.")


class MfaCodeReused(InvalidInput):
    code = "mfa_code_reused"
    message = _("That code has already been used. Wait for the next one and try again.")


class MfaLocked(PermissionDenied):
    code = "mfa_locked"
    message = _("Too many wrong codes. Try again in %(minutes)s minutes.")


class MfaNotEnrolled(NotFound):
    code = "mfa_not_enrolled"
    message = _("Two-step verification is not set up for this account.")


class MfaAlreadyEnabled(Conflict):
    code = "mfa_already_enabled"
    message = _("Two-step verification is already on for this account.")


class MfaEnrolmentNotStarted(Conflict):
    code = "mfa_enrolment_not_started"
    message = _("Start the set-up again: no authenticator is waiting for confirmation.")


class MfaPasswordWrong(InvalidInput):
    code = "mfa_password_wrong"
    message = _("The password is not right.")


class MfaRequiredForStaff(PermissionDenied):
    code = "mfa_required_for_staff"
    message = _("Staff members cannot turn off two-step verification.")
