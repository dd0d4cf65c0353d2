"""The products module's errors, each with a stable code and a translated message."""

from django.utils.translation import gettext_lazy as _

from hujin.core.errors import Conflict, InvalidInput, NotFound


class ProductNotFound(NotFound):
    code = "product_not_found"
    message = _("No such product.")


class ProductInvalid(InvalidInput):
    """``details.field`` names the parameter that is wrong."""

    code = "product_invalid"
    message = _("A product parameter is not valid.")


class ProductCodeTaken(Conflict):
    code = "product_code_taken"
    message = _("Another product already has this code.")


class ScheduleInvalid(InvalidInput):
    code = "fee_schedule_invalid"
    message = _("The fee schedule is not valid.")


class ShortHoldingFeeTooLow(ScheduleInvalid):
    code = "short_holding_fee_too_low"
    message = _(
        "Units held under 7 days must pay a redemption fee of at least 1.5 % (CSRC liquidity "
        "risk rules for open-ended funds, art. 23)."
    )


class ProductNotEditable(Conflict):
    code = "product_not_editable"
    message = _("Only a draft can be edited: suspend or close a product on sale instead.")


class AdmissionStateInvalid(Conflict):
    code = "admission_state_invalid"
    message = _("The product is not in a state that allows this step.")


class MakerCannotApprove(Conflict):
    code = "maker_cannot_approve"
    message = _(
        "You created, edited or submitted this product: someone else must review and approve "
        "it (maker-checker)."
    )


class ChecklistIncomplete(InvalidInput):
    code = "checklist_incomplete"
    message = _("Tick every item of the checklist before approving.")


class ReasonRequired(InvalidInput):
    code = "reason_required"
    message = _("Give a reason.")


class DocumentsMissing(Conflict):
    code = "documents_missing"
    message = _("Attach the prospectus, the risk disclosure and the contract first.")


class DocumentInvalid(InvalidInput):
    code = "document_invalid"
    message = _("Attach a PDF file of at most 5 MB.")


class DocumentNotFound(NotFound):
    code = "document_not_found"
    message = _("No such document.")


class NavInvalid(InvalidInput):
    """``details``: ``line`` (of a CSV, from 1), ``reason`` (a stable word), ``date``."""

    code = "nav_invalid"
    message = _("The publication is not valid.")


class NavJumpUnconfirmed(NavInvalid):
    code = "nav_jump_unconfirmed"
    message = _(
        'The change from the day before is unusually large: check it and tick "confirmed" '
        "to publish it."
    )
