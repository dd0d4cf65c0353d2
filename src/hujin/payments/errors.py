"""The payments module's errors, each with a stable code and a translated message."""

from django.utils.translation import gettext_lazy as _

from hujin.core.errors import Conflict, HujinError, InvalidInput, NotFound, PermissionDenied


class CardNumberInvalid(InvalidInput):
    code = "card_number_invalid"
    message = _("A bank card number has 16 to 19 digits.")


class ReservedMobileInvalid(InvalidInput):
    code = "reserved_mobile_invalid"
    message = _("Enter the mainland mobile number the bank has on file for this card.")


class HolderNameMismatch(InvalidInput):
    code = "card_holder_mismatch"
    message = _("The card holder's name must be your verified legal name.")


class CustomerNotVerified(Conflict):
    code = "customer_not_verified"
    message = _("Verify your identity first: bank cards and payments need a verified customer.")


class NotAnIndividual(Conflict):
    code = "card_for_individuals_only"
    message = _("Only a personal account can bind a debit card in the holder's own name.")


class CustomerFrozen(Conflict):
    code = "customer_frozen"
    message = _(
        "Your account is frozen: you can still see and unbind your bank cards, but you cannot "
        "bind a new one."
    )


class CustomerNotActive(Conflict):
    code = "customer_not_active"
    message = _("Your account is closed: you cannot bind a bank card.")


class CardAlreadyBound(Conflict):
    code = "card_already_bound"
    message = _("This card is already bound to your account.")


class CardNotFound(NotFound):
    code = "card_not_found"
    message = _("No such bank card.")


class BindingNotPending(Conflict):
    code = "card_binding_not_pending"
    message = _("This card is no longer waiting for a verification code.")


class CardNotActive(Conflict):
    code = "card_not_active"
    message = _("Only a bound card can be used for this.")


class VerificationCodeWrong(InvalidInput):
    code = "card_code_wrong"
    message = _("The verification code is not right. Check the text message and try again.")


class VerificationAttemptsExhausted(Conflict):
    code = "card_code_attempts_exhausted"
    message = _(
        "The verification code was wrong too many times: this binding has failed. Start again "
        "to bind the card."
    )


class CardVerificationDeclined(Conflict):
    code = "card_verification_declined"
    message = _(
        "The bank could not verify this card with these details. Check the card number and "
        "the mobile number the bank has on file."
    )


class NotPermitted(PermissionDenied):
    code = "payments_not_permitted"
    message = _("You may not see these bank cards.")


# -- top-ups and withdrawals ----------------------------------------------------------------------


class PaymentNotFound(NotFound):
    code = "payment_not_found"
    message = _("No such payment.")


class AmountInvalid(InvalidInput):
    code = "payment_amount_invalid"
    message = _("Enter an amount above zero, in yuan with at most two decimals.")


class IdempotencyKeyInvalid(InvalidInput):
    code = "idempotency_key_invalid"
    message = _("The request's idempotency key has 1 to 64 letters, digits, dots or dashes.")


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    message = _("This idempotency key was already used for a different payment.")


class WalletNotOpen(Conflict):
    code = "wallet_not_open"
    message = _("Your account is not open yet: open it before you move money.")


class PaymentsNotAllowed(Conflict):
    code = "payments_customer_not_active"
    message = _("Your account is closed or not verified: you cannot move money.")


class WithdrawalFrozen(Conflict):
    code = "withdrawal_frozen"
    message = _(
        "Your account is frozen: money cannot leave it. You can still top it up. Contact "
        "customer service to learn why."
    )


class InsufficientFunds(Conflict):
    code = "insufficient_funds"
    message = _("Your available balance is less than this amount.")


class PaymentRefusedByLedger(Conflict):
    code = "payment_refused_by_ledger"
    message = _("The payment could not be booked. Nothing was moved; try again later.")


class ChannelUnavailable(Conflict):
    code = "payment_channel_unavailable"
    message = _("The bank did not answer. The payment will be checked with the bank shortly.")


class ChannelDown(Conflict):
    """The channel refused the connection: the instruction was certainly not taken (routing
    fails over to the next channel)."""

    code = "payment_channel_down"
    message = _("The bank's gateway is down. Nothing was moved; try again in a few minutes.")


class NoChannel(Conflict):
    code = "payment_no_channel"
    message = _(
        "No payment channel can take this card for this amount right now. Nothing was moved; "
        "try again later or use another card."
    )


class CallbackUnauthorised(HujinError):
    status = 401
    code = "callback_signature_invalid"
    message = _("The callback's signature or timestamp is not valid.")


class CallbackMalformed(InvalidInput):
    code = "callback_malformed"
    message = _("The callback's body is not valid.")


class CallbackConflict(Conflict):
    code = "callback_conflicts_with_final_state"
    message = _("The payment is already final with another outcome; nothing was changed.")


# -- transfers between customers ------------------------------------------------------------------


class PayeeNotFound(NotFound):
    code = "payee_not_found"
    message = _("No Hujin customer has this mobile number.")


class PayeeIsSelf(InvalidInput):
    code = "payee_is_self"
    message = _("You cannot transfer money to yourself.")


class PayeeCannotReceive(Conflict):
    code = "payee_cannot_receive"
    message = _(
        "This customer cannot receive transfers: their account is not verified, not open yet "
        "or closed."
    )


# -- limits, fees, screening, confirmation --------------------------------------------------------


class LimitExceeded(Conflict):
    """``details``: ``limit`` (per_transaction / per_day / per_month), ``limit_minor``,
    ``remaining_minor``. The message names the limit and what is left, in the customer's
    language."""

    code = "payment_limit_exceeded"
    message = _("This amount is above your limit.")


class ScreeningRefused(Conflict):
    code = "payment_refused_by_screening"
    message = _("This payment cannot be made. Contact customer service if you think it should.")


class FeeChanged(Conflict):
    code = "payment_fee_changed"
    message = _(
        "The fee changed since you confirmed it (another payment used a free one). Nothing was "
        "moved: look at the new fee and confirm again."
    )


class ConfirmationRequired(Conflict):
    """``details.methods``: the ways this customer can confirm (``sms``, ``totp``)."""

    code = "payment_confirmation_required"
    message = _(
        "Payments of this size need your confirmation: a code by text message or from your "
        "authenticator app."
    )


class ConfirmationInvalid(InvalidInput):
    code = "payment_confirmation_invalid"
    message = _("The confirmation code is not right, or it has expired. Ask for a new one.")


class NotHeldForReview(Conflict):
    code = "payment_not_held_for_review"
    message = _("This payment is not waiting for review.")


class RuleInvalid(InvalidInput):
    code = "payment_rule_invalid"
    message = _("These figures do not make a valid rule.")
