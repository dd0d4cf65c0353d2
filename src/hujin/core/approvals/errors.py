"""The errors of maker-checker, each with a stable code."""

from django.utils.translation import gettext_lazy as _

from hujin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class ApprovalActionUnknown(InvalidInput):
    code = "approval_action_unknown"
    message = _("This action does not go through approval.")


class ApprovalReasonRequired(InvalidInput):
    code = "approval_reason_required"
    message = _("Give a reason.")


class ApprovalInputInvalid(InvalidInput):
    code = "approval_input_invalid"
    message = _("The approval request is not valid.")


class ApprovalAlreadyPending(Conflict):
    code = "approval_already_pending"
    message = _("A request for this action on this object is already waiting for approval.")


class ApprovalNotPending(Conflict):
    code = "approval_not_pending"
    message = _("This request has already been decided or cancelled.")


class ApprovalNotFound(NotFound):
    code = "approval_not_found"
    message = _("No such approval request.")


class MakerCannotCheck(PermissionDenied):
    code = "maker_cannot_check"
    message = _("You asked for this action: another person must approve or reject it.")


class CheckerPermissionMissing(PermissionDenied):
    code = "approval_permission_missing"
    message = _("You may not decide requests of this kind.")


class OnlyMakerCanCancel(PermissionDenied):
    code = "approval_only_maker_can_cancel"
    message = _("Only the person who asked can cancel this request.")
