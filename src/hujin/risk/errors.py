"""The risk module's errors, each with a stable code."""

from django.utils.translation import gettext_lazy as _

from hujin.core.errors import Conflict, HujinError, InvalidInput, NotFound


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


class RuleInvalid(InvalidInput):
    """A rule's version that cannot be written or proposed as given; ``details.field`` names
    what is wrong (``code``, ``outcome``, ``score``, ``name_en``, ``reason_zh``, ``target``,
    ``reason``...)."""

    code = "risk_rule_invalid"
    message = _("This rule cannot be saved as written.")


class RuleNotFound(NotFound):
    """No such rule, version, or no version of the rule in the state asked for."""

    code = "risk_rule_not_found"
    message = _("There is no such rule version.")


class RuleStateInvalid(Conflict):
    """The version is not in a state that allows this (``details``: ``state``, ``target``)."""

    code = "risk_rule_state_invalid"
    message = _("This rule version cannot be moved that way now.")


class WatchlistUnchanged(Conflict):
    """The file is the list's current version again (the same SHA-256): nothing was written.
    ``details``: ``list``, ``version`` (its number), ``sha256``."""

    code = "risk_watchlist_unchanged"
    message = _("This file is the list's current version already: nothing was imported.")


class WatchlistNotFound(NotFound):
    """No such list or list version."""

    code = "risk_watchlist_not_found"
    message = _("There is no such list or list version.")


class AlertNotFound(NotFound):
    """No such alert."""

    code = "risk_alert_not_found"
    message = _("There is no such alert.")


class AlertTriageInvalid(InvalidInput):
    """A dismissal without a reason of at least ``details.min_length`` characters, or an
    escalation without a note (``details.field``: ``reason`` or ``note``, ``min_length``,
    ``max_length``): nothing was changed."""

    code = "risk_alert_triage_invalid"
    message = _(
        "Say why: a dismissal needs a reason of at least 10 characters, an escalation a note."
    )


class AlertStateInvalid(Conflict):
    """The alert is not open (``details.state``: ``dismissed`` or ``escalated``): an alert is
    triaged once."""

    code = "risk_alert_state_invalid"
    message = _("This alert has been triaged already.")


class DecisionNotFound(NotFound):
    """No such decision."""

    code = "risk_decision_not_found"
    message = _("There is no such decision.")
