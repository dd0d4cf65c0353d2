"""Lending's errors, each with a stable code and a translated message."""

from django.utils.translation import gettext_lazy as _

from hujin.core.errors import Conflict, InvalidInput, NotFound


class NotACustomer(InvalidInput):
    code = "not_a_customer"
    message = _("Only customers apply for loans.")


class LoanProductNotFound(NotFound):
    code = "loan_product_not_found"
    message = _("There is no such loan product.")


class LoanProductInvalid(InvalidInput):
    """``details`` name the ``field`` and the ``reason``."""

    code = "loan_product_invalid"
    message = _("The loan product's terms are not valid.")


class AprAboveCap(Conflict):
    """``details``: the ``apr`` the terms reach and the ``cap``."""

    code = "apr_above_cap"
    message = _("The annualised rate of the whole cost would be above the cap.")


class LoanProductStateInvalid(Conflict):
    code = "loan_product_state_invalid"
    message = _("The loan product cannot do that in its current state.")


class ProductNotOnSale(Conflict):
    code = "loan_product_not_on_sale"
    message = _("This loan product is not open for applications.")


class ApplicationInvalid(InvalidInput):
    """``details`` name the ``field`` and the ``reason`` (e.g. below the minimum amount)."""

    code = "loan_application_invalid"
    message = _("The application is not valid.")


class ApplicationNotFound(NotFound):
    code = "loan_application_not_found"
    message = _("There is no such loan application.")


class ApplicationStateInvalid(Conflict):
    code = "loan_application_state_invalid"
    message = _("The application cannot do that in its current state.")


class OfferExpired(Conflict):
    code = "loan_offer_expired"
    message = _("The offer has expired. Apply again for a new one.")


class ContractChanged(Conflict):
    code = "loan_contract_changed"
    message = _("The contract is not the one you read: read the current one and sign again.")


class LoanNotFound(NotFound):
    code = "loan_not_found"
    message = _("There is no such loan.")


class LoanStateInvalid(Conflict):
    code = "loan_state_invalid"
    message = _("The loan cannot do that in its current state.")


class FundingExhausted(Conflict):
    code = "lending_funding_exhausted"
    message = _("The lender's funds cannot cover this loan now. Try again later.")


class FundingInvalid(InvalidInput):
    code = "lending_funding_invalid"
    message = _("The funding amount or reference is not valid.")


class InsufficientFunds(Conflict):
    code = "insufficient_funds"
    message = _("Your wallet does not hold enough for this payment.")


class RepaymentInvalid(InvalidInput):
    """``details`` name the ``field`` and the ``reason`` (e.g. more than is owed)."""

    code = "loan_repayment_invalid"
    message = _("The repayment is not valid.")


class PrepaymentNotAllowed(Conflict):
    code = "loan_prepayment_not_allowed"
    message = _("This loan cannot be repaid early.")


class ServicingInvalid(InvalidInput):
    """``details`` name the ``field`` and the ``reason``."""

    code = "loan_servicing_invalid"
    message = _("The request on this loan is not valid.")


class ConfirmationRequired(InvalidInput):
    code = "confirmation_required"
    message = _("Confirm with the code we sent you, or your authenticator app.")


# --- score models, the credit bureau ---------------------------------------------------------


class ScorecardDataInvalid(InvalidInput):
    """Training data a scorecard cannot be built from. ``details.reason``: unknown_target,
    bad_value_absent, one_class, too_few_rows, too_few_of_a_class, no_characteristics,
    no_information."""

    code = "scorecard_data_invalid"
    message = _("A scorecard cannot be trained on this data.")


class ScoreModelNotFound(NotFound):
    code = "score_model_not_found"
    message = _("There is no such score model.")


class ScoreModelInvalid(InvalidInput):
    """``details`` name the ``field`` and the ``reason``."""

    code = "score_model_invalid"
    message = _("The score model's registration is not valid.")


class ScoreModelStateInvalid(Conflict):
    """``details.role``: the model's role now (a champion cannot be retired, a retired model
    cannot be promoted, the champion cannot be promoted again)."""

    code = "score_model_state_invalid"
    message = _("The score model cannot do that in its current role.")


class BureauUnavailable(Conflict):
    """The credit bureau did not answer (an outage, a timeout); the application waits or is
    referred, it is never decided without the report."""

    code = "credit_bureau_unavailable"
    message = _("The credit bureau cannot be reached. Try again later.")


class AccrualRefused(Conflict):
    """The ledger refused a loan's accrual (its receivable closed or frozen): the close of
    business stops before posting anything. ``details``: the ``accounts``."""

    code = "lending_accrual_refused"
    message = _("The ledger refused to accrue interest on some loans; nothing was posted.")


class DisbursementCardInvalid(InvalidInput):
    """The card chosen to receive the loan is not one of the customer's bound cards (or the
    destination is neither ``wallet`` nor ``card``)."""

    code = "loan_disbursement_card_invalid"
    message = _("Choose your wallet or one of your bound bank cards to receive the money.")
