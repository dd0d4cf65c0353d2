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


# -- the reports to the authority -------------------------------------------------------------


class ReportSourceInvalid(Conflict):
    """A suspicious-transaction report asked of a case that is not closed as suspicious, or
    that has its report already (``details``: ``case``, ``state``, ``conclusion`` or
    ``reason``)."""

    code = "risk_report_source_invalid"
    message = _("A report is drafted only from a case closed as suspicious, once.")


class ReportNotFound(NotFound):
    """No such report."""

    code = "risk_report_not_found"
    message = _("There is no such report.")


class ReportStateInvalid(Conflict):
    """The report is not in a state that allows this (``details``: ``state``, ``wanted``)."""

    code = "risk_report_state_invalid"
    message = _("This report cannot be changed that way in its present state.")


class ReportInvalid(InvalidInput):
    """A report's text that cannot be saved as given (``details.field``: ``narrative`` or
    ``reason``, with ``min_length`` and ``max_length``, or ``problem`` "control_characters"):
    nothing was changed."""

    code = "risk_report_invalid"
    message = _("This text cannot be saved: see the length it must have.")


class ReportFileAltered(HujinError):
    """A filed report's kept file no longer matches the SHA-256 taken when it was filed
    (``details``: ``number``): it is not served."""

    code = "risk_report_file_altered"
    message = _("The filed file no longer matches its fingerprint: it is not given out.")


class ReportIdentityUnverified(Conflict):
    """The customer has no verified identity to file (``details``: ``customer_id``): a report
    never carries an identity from an application that was not verified."""

    code = "risk_report_identity_unverified"
    message = _("The customer has no verified identity to file.")


class AnomalyTrainingInvalid(InvalidInput):
    """A training asked with a size or seed out of range (``details.field``: ``customers``,
    ``per_typology`` or ``seed``, with ``min`` and ``max``): nothing was trained."""

    code = "risk_anomaly_training_invalid"
    message = _("The anomaly model cannot be trained with these settings.")


class AnomalyArtefactInvalid(HujinError):
    """A model's artefact that is not the one registered (``details.reason``: ``sha256``, its
    digest differs) or that would build types beyond the trusted ones (``untrusted``): it is
    not loaded."""

    code = "risk_anomaly_artefact_invalid"
    status = 409
    message = _("This model's artefact is not the one registered: it cannot be used.")


class AnomalyModelNotFound(NotFound):
    """No such version of the anomaly model."""

    code = "risk_anomaly_model_not_found"
    message = _("There is no such anomaly model version.")


class AnomalyModelStateInvalid(Conflict):
    """The version is not a candidate, or its activation already waits for a checker
    (``details``: ``state``, ``pending``)."""

    code = "risk_anomaly_model_state_invalid"
    message = _("This model version cannot be activated now.")


# -- cases -----------------------------------------------------------------------------------


class CaseNotFound(NotFound):
    """No such case, alert or attachment (``details`` names the id asked for)."""

    code = "risk_case_not_found"
    message = _("There is no such case.")


class CaseInvalid(InvalidInput):
    """Input a case's write cannot take; ``details.field`` names what is wrong (``note``,
    ``narrative``, ``conclusion``, ``typology``, ``assignee``, ``reason``, ``customer``, ``alert``)
    and, for a text, ``min_length`` and ``max_length``."""

    code = "risk_case_invalid"
    message = _("This cannot be written to the case as given.")


class CaseStateInvalid(Conflict):
    """The case is closed (``details.state``), or the alert cannot join it (``details.alert_state``:
    dismissed, or in another case already); or the customer already has an open case
    (``details.case``: its number)."""

    code = "risk_case_state_invalid"
    message = _("The case is not in a state that allows this.")


class AttachmentRefused(InvalidInput):
    """A file a case does not take: ``details.reason`` is ``empty``, ``too_large``
    (``max_bytes``), ``type`` (its content is none of PDF, PNG, JPEG, CSV or plain text) or
    ``name`` (its name says another type than its content)."""

    code = "risk_case_attachment_refused"
    message = _("This file cannot be attached: PDF, PNG, JPEG, CSV or plain text, at most 10 MB.")
