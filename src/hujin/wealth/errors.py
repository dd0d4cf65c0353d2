"""Wealth's errors, each with a stable code and a translated message."""

from django.utils.translation import gettext_lazy as _

from hujin.core.errors import Conflict, InvalidInput, NotFound


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


class NotSuitable(Conflict):
    """The suitability gate said no; ``details`` carry its code and the message in plain
    words."""

    code = "not_suitable"
    message = _("This product does not suit your risk assessment.")


class DocumentsNotAcknowledged(Conflict):
    code = "documents_not_acknowledged"
    message = _("Read and acknowledge the product's documents before buying it.")


class AmountInvalid(InvalidInput):
    code = "order_amount_invalid"
    message = _("The amount does not fit the product's minimum, increment or limits.")


class OrderNotAllowed(Conflict):
    code = "order_not_allowed"
    message = _("This order cannot be placed now.")


class OverCap(Conflict):
    code = "order_over_cap"
    message = _("This order would take your holding of the product past its limit per customer.")


class InsufficientFunds(Conflict):
    code = "insufficient_funds"
    message = _("Your wallet does not hold enough for this order.")


class InsufficientUnits(Conflict):
    code = "insufficient_units"
    message = _("You do not hold that many units free to redeem.")


class FastRedemptionQuota(Conflict):
    code = "fast_redemption_quota"
    message = _("This is more than is left of today's fast-redemption quota.")


class WalletNotOpen(Conflict):
    code = "wallet_not_open"
    message = _("Your wallet is not open yet.")


class IdempotencyKeyInvalid(InvalidInput):
    code = "idempotency_key_invalid"
    message = _("The idempotency key must be 1 to 64 characters.")


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    message = _("This idempotency key was used for a different order.")


class OrderNotFound(NotFound):
    code = "order_not_found"
    message = _("No such order.")


class OrderNotCancellable(Conflict):
    code = "order_not_cancellable"
    message = _("This order can no longer be cancelled.")
