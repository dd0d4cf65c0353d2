import pytest

from hujin.core.actors import system_actor
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.suitability.errors import (
    QuestionnaireIncomplete,
    QuestionnaireManagementDenied,
    QuestionnaireNotDraft,
    QuestionnaireNotFound,
)
from hujin.suitability.models import Option, Question, Questionnaire
from hujin.suitability.selectors import questionnaire_active
from hujin.suitability.services import assessment_submit, questionnaire_activate

pytestmark = pytest.mark.django_db


def draft_v2(now, *, options_per_question=2):
    questionnaire = Questionnaire.objects.create(
        version=2, status="draft", effective_from=now, title_en="Risk v2", title_zh="问卷第二版"
    )
    question = Question.objects.create(
        questionnaire=questionnaire, order=1, code="horizon", text_en="How long?", text_zh="多久？"
    )
    for order in range(1, options_per_question + 1):
        Option.objects.create(
            question=question,
            order=order,
            text_en=f"Option {order}",
            text_zh=f"选项 {order}",
            score=order * 5,
        )
    return questionnaire


def test_activating_a_draft_retires_the_active_version(now):
    v2 = draft_v2(now)

    questionnaire_activate(questionnaire_id=v2.id, actor=system_actor("migration"), now=now)

    assert dict(Questionnaire.objects.values_list("version", "status")) == {
        1: "retired",
        2: "active",
    }
    assert questionnaire_active(now=now).version == 2
    event = OutboxEvent.objects.get(event_type="suitability.questionnaire_activated")
    assert event.payload["retired_versions"] == [1]
    assert AuditEntry.objects.filter(action="suitability.questionnaire_activated").count() == 1


def test_answers_then_go_to_the_new_version(now, customer, customer_actor):
    v2 = draft_v2(now)
    questionnaire_activate(questionnaire_id=v2.id, actor=system_actor("test"), now=now)
    option = Option.objects.get(question__questionnaire=v2, order=2)

    assessment = assessment_submit(
        user_id=customer.pk, answers={"horizon": str(option.id)}, actor=customer_actor, now=now
    )

    assert (assessment.questionnaire_id, assessment.score, assessment.level) == (v2.id, 10, "C5")


def test_refuses_an_incomplete_draft(now):
    v2 = draft_v2(now, options_per_question=1)

    with pytest.raises(QuestionnaireIncomplete):
        questionnaire_activate(questionnaire_id=v2.id, actor=system_actor("migration"), now=now)

    assert Questionnaire.objects.get(version=1).status == "active"


def test_refuses_a_version_that_is_not_a_draft(now):
    v1 = Questionnaire.objects.get(version=1)

    with pytest.raises(QuestionnaireNotDraft):
        questionnaire_activate(questionnaire_id=v1.id, actor=system_actor("migration"), now=now)


def test_refuses_an_unknown_version(now):
    with pytest.raises(QuestionnaireNotFound):
        questionnaire_activate(questionnaire_id="nope", actor=system_actor("migration"), now=now)


def test_only_the_system_may_activate(now, staff_actor, customer_actor):
    v2 = draft_v2(now)

    for actor in (staff_actor, customer_actor):
        with pytest.raises(QuestionnaireManagementDenied):
            questionnaire_activate(questionnaire_id=v2.id, actor=actor, now=now)
