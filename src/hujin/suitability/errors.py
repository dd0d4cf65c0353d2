"""Suitability's errors, each with a stable code."""

from django.utils.translation import gettext_lazy as _

from hujin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class QuestionnaireUnavailable(Conflict):
    code = "questionnaire_unavailable"
    message = _("The risk questionnaire is not available right now. Please try again later.")


class AnswersIncomplete(InvalidInput):
    code = "answers_incomplete"
    message = _("Please answer every question.")


class AnswerInvalid(InvalidInput):
    code = "answer_invalid"
    message = _("One of the answers is not an option of its question.")


class RetakeLimitReached(Conflict):
    code = "retake_limit_reached"
    message = _(
        "You have taken the questionnaire %(limit)s times today, the most allowed in one day. "
        "You can take it again tomorrow."
    )


class AssessmentNotFound(NotFound):
    code = "assessment_not_found"
    message = _("No such assessment.")


class NotACustomer(InvalidInput):
    code = "not_a_customer"
    message = _("Only customers take the risk questionnaire.")


class QuestionnaireNotFound(NotFound):
    code = "questionnaire_not_found"
    message = _("No such questionnaire version.")


class QuestionnaireNotDraft(Conflict):
    code = "questionnaire_not_draft"
    message = _("Only a draft questionnaire can be activated.")


class QuestionnaireIncomplete(InvalidInput):
    code = "questionnaire_incomplete"
    message = _(
        "A questionnaire needs at least one question, every question at least two options, and "
        "every text in both languages."
    )


class QuestionnaireManagementDenied(PermissionDenied):
    code = "questionnaire_management_denied"
    message = _("Questionnaire versions are activated by a data migration, not by hand.")
