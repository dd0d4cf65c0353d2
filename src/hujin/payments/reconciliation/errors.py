"""The reconciliation's errors, each with a stable code and a translated message."""

from django.utils.translation import gettext_lazy as _

from hujin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class ReconciliationFileMissing(Conflict):
    """Raised by a channel that has not published the file for the date (yet)."""

    code = "reconciliation_file_missing"
    message = _("The channel has not published its reconciliation file for this date.")


class ReconciliationNotPermitted(PermissionDenied):
    code = "reconciliation_not_permitted"
    message = _("You may not do this with the reconciliation.")


class ReconciliationDateInvalid(InvalidInput):
    code = "reconciliation_date_invalid"
    message = _("Choose a business date that has closed (today or earlier).")


class BreakNotFound(NotFound):
    code = "break_not_found"
    message = _("No such reconciliation break.")


class BreakNotOpen(Conflict):
    code = "break_not_open"
    message = _("This break is already resolved or waiting for a checker.")


class ResolutionInvalid(InvalidInput):
    code = "break_resolution_invalid"
    message = _(
        "Choose how to resolve the break, an amount above zero in yuan, and write a note of why."
    )


class ResolutionNeedsCustomer(InvalidInput):
    code = "break_resolution_needs_customer"
    message = _(
        "This break has no customer's payment: move the amount to the suspense account instead."
    )


class CorrectionRefusedByLedger(Conflict):
    code = "break_correction_refused"
    message = _(
        "The ledger refused the correcting transfer (the wallet may not hold enough): nothing "
        "was posted."
    )
