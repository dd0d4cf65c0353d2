"""The customers module's errors, each with a stable code and a translatable message."""

from django.utils.translation import gettext_lazy as _

from hujin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied

# documents.DocumentInvalid.reason -> what the person is told.
DOCUMENT_REASONS = {
    "length": _("The number has the wrong length for this document."),
    "format": _("The number contains characters this document does not use."),
    "checksum": _("The check character does not match: please check the number for typos."),
    "legacy_15_digit": _(
        "15-digit identity card numbers were replaced in 2004; enter the 18-digit number "
        "on your current card."
    ),
    "region_unknown": _("The number does not start with a known region code."),
    "nationality_unknown": _("The number does not carry a known nationality code."),
    "birth_date_invalid": _("The birth date in the number is not a real date."),
    "birth_date_implausible": _("The birth date in the number is not plausible."),
    "under_age": _("You must be at least 18 years old to open an account."),
    "wrong_document_type": _("This number belongs to another type of document."),
    "document_type_unknown": _("Choose a document type."),
    "authority_unknown": _("The first character is not a known registration authority."),
    "kind_unknown": _("The second character is not a kind this registration authority issues."),
    "organisation_code_checksum": _(
        "The organisation code inside the number (characters 9 to 17) does not check out."
    ),
}


class CustomerNotFound(NotFound):
    code = "customer_not_found"
    message = _("No such customer.")


class ApplicationNotFound(NotFound):
    code = "kyc_application_not_found"
    message = _("No such verification application.")


class DocumentNumberInvalid(InvalidInput):
    code = "document_invalid"
    message = _("The document number is not valid.")


class NameInvalid(InvalidInput):
    code = "name_invalid"
    message = _("Enter the full legal name as written on the document.")


class ReasonRequired(InvalidInput):
    code = "reason_required"
    message = _("Give a reason.")


class OperatorInvalid(InvalidInput):
    code = "operator_invalid"
    message = _("Every authorised operator must be a verified individual customer.")


class DocumentAlreadyVerified(Conflict):
    code = "document_already_verified"
    message = _("This document number is already verified for another customer.")


class VerificationInProgress(Conflict):
    code = "kyc_in_progress"
    message = _("A verification is already under review.")


class AlreadyVerified(Conflict):
    code = "kyc_already_verified"
    message = _("This customer is already verified.")


class TooManyApplications(Conflict):
    code = "kyc_too_many_applications"
    status = 429
    message = _("Too many verification attempts today. Please try again tomorrow.")


class CustomerTypeFixed(Conflict):
    code = "customer_type_fixed"
    message = _("This account is already registered as another type of customer.")


class ApplicationNotReviewable(Conflict):
    code = "kyc_not_reviewable"
    message = _("This application is not waiting for a review.")


class OverrideNotApplicable(Conflict):
    code = "kyc_override_not_applicable"
    message = _("Only an application the identity provider rejected can be overridden.")


class CustomerNotActive(Conflict):
    code = "customer_not_active"
    message = _("The customer's status does not allow this.")


class CustomerClosed(Conflict):
    code = "customer_closed"
    message = _("The customer is closed.")


class BalancesNotZero(Conflict):
    code = "balances_not_zero"
    message = _("The customer still has money or pending transfers on a ledger account.")


class StatusUnchanged(Conflict):
    code = "status_unchanged"
    message = _("The customer already has this status.")


class NotPermitted(PermissionDenied):
    code = "permission_denied"
    message = _("You do not have permission to do this.")
