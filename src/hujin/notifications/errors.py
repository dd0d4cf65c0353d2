"""The notifications module's errors, each with a stable code."""

from django.utils.translation import gettext_lazy as _

from hujin.core.errors import InvalidInput, NotFound


class UnknownNotificationKind(InvalidInput):
    code = "unknown_notification_kind"
    message = _("No such kind of message.")


class NotificationParamsInvalid(InvalidInput):
    code = "notification_params_invalid"
    message = _("The message's template needs a value that was not given.")


class RecipientNotFound(NotFound):
    code = "recipient_not_found"
    message = _("Messages go to customers only.")


class MessageNotFound(NotFound):
    code = "message_not_found"
    message = _("No such message.")


class PreferenceInvalid(InvalidInput):
    code = "preference_invalid"
    message = _("That is not a setting you can change.")
