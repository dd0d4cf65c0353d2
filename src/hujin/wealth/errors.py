"""Wealth's errors, each with a stable code and a translated message."""

from django.utils.translation import gettext_lazy as _

from hujin.core.errors import Conflict, InvalidInput


class NotACustomer(InvalidInput):
    code = "not_a_customer"
    message = _("Only customers buy wealth products.")


class WarningNotNeeded(Conflict):
    code = "risk_warning_not_needed"
    message = _(
        "This product is within your risk tolerance, or cannot be bought above it: there is no "
        "warning to confirm."
    )


class WarningTextChanged(Conflict):
    code = "risk_warning_changed"
    message = _("The warning has changed since it was shown. Read it again before confirming.")


class DocumentsChanged(Conflict):
    code = "product_documents_changed"
    message = _(
        "The product's documents are not the ones you acknowledged: read the current ones and "
        "acknowledge them again."
    )
