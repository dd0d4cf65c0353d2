"""The risk module's errors, each with a stable code."""

from django.utils.translation import gettext_lazy as _

from hujin.core.errors import HujinError, InvalidInput


class ExpressionInvalid(InvalidInput):
    """A rule's condition the language does not allow; ``details``: ``line``, ``column`` (from
    1) and, for an unknown name, ``name``."""

    code = "risk_expression_invalid"
    message = _("This condition cannot be used.")


class EvaluationFailed(HujinError):
    """A condition that could not be worked out on an event (a division by zero, a number out
    of range): the rule is recorded as failed on that event, never as fired."""

    code = "risk_evaluation_failed"
    status = 422
    message = _("The condition could not be worked out on this event.")


class WatchlistInvalid(InvalidInput):
    """A sanctions or watch-list file that cannot be read; the message names the line or the
    element, and nothing of the file was read."""

    code = "risk_watchlist_invalid"
    message = _("This list file cannot be read.")
