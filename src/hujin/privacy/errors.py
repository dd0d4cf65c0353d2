"""Privacy's errors, each with a stable code."""

from django.utils.translation import gettext_lazy as _

from hujin.core.errors import Conflict, InvalidInput, NotFound


class ConsentDocumentNotFound(NotFound):
    code = "consent_document_not_found"
    message = _("No such document.")


class ConsentDocumentOutdated(Conflict):
    code = "consent_document_outdated"
    message = _("A newer version of this document has been published. Please read and accept it.")


class ConsentChannelInvalid(InvalidInput):
    code = "consent_channel_invalid"
    message = _("The consent channel must be web, app or api.")


class ConsentNotGiven(Conflict):
    code = "consent_not_given"
    message = _("You have not accepted this document, so there is nothing to withdraw.")


class ConsentNotWithdrawable(Conflict):
    code = "consent_not_withdrawable"
    message = _("This consent cannot be withdrawn.")


class DataRequestNotFound(NotFound):
    code = "data_request_not_found"
    message = _("No such request.")


class DataRequestInvalid(InvalidInput):
    code = "data_request_invalid"
    message = _("The request is not valid.")


class DataRequestDuplicate(Conflict):
    code = "data_request_duplicate"
    message = _("You already have an open request of this kind. We will answer it first.")


class DataRequestClosed(Conflict):
    code = "data_request_closed"
    message = _("This request has already been closed.")


class DeletionBlocked(Conflict):
    code = "deletion_blocked"
    message = _("The personal data cannot be deleted yet: %(reasons)s")


class NotACustomer(InvalidInput):
    code = "not_a_customer"
    message = _("Only customers have consents and personal-data requests.")
