from datetime import timedelta

import pytest
from django.utils import translation

from hujin.suitability.errors import AssessmentNotFound
from hujin.suitability.selectors import (
    assessment_export,
    assessment_get_for_user,
    assessment_history,
    questionnaire_active,
    questionnaire_list,
    retakes_left_today,
    risk_level_current,
    risk_profile_current,
)
from hujin.suitability.services import assessment_submit
from tests.suitability.conftest import answers, answers_scoring_max

pytestmark = pytest.mark.django_db


def submit(customer, actor, now, chosen):
    return assessment_submit(user_id=customer.pk, answers=chosen, actor=actor, now=now)


class TestRiskProfileCurrent:
    def test_is_none_for_a_customer_never_assessed(self, customer, now):
        assert risk_profile_current(user_id=customer.pk, now=now) is None

    def test_gives_level_label_score_and_dates(self, customer, customer_actor, now):
        submit(customer, customer_actor, now, answers_scoring_max())

        profile = risk_profile_current(user_id=customer.pk, now=now)

        assert (profile.level, profile.score, profile.max_score) == ("C5", 100, 100)
        assert str(profile.label) == "Aggressive"
        assert profile.assessed_at == now
        assert profile.expires_at == now.replace(year=2026)
        assert profile.product_levels == ("R1", "R2", "R3", "R4", "R5")

    @pytest.mark.parametrize(
        ("level", "label"),
        [("C1", "保守型"), ("C2", "稳健型"), ("C3", "平衡型"), ("C4", "成长型"), ("C5", "进取型")],
    )
    def test_the_label_is_translated(self, level, label):
        from hujin.suitability.levels import LEVEL_LABELS

        with translation.override("zh-hans"):
            assert str(LEVEL_LABELS[level]) == label

    def test_is_none_once_the_latest_result_has_expired(self, customer, customer_actor, now):
        assessment = submit(customer, customer_actor, now, answers_scoring_max())

        assert risk_profile_current(user_id=customer.pk, now=assessment.expires_at) is None
        just_before = assessment.expires_at - timedelta(seconds=1)
        assert risk_profile_current(user_id=customer.pk, now=just_before).level == "C5"

    def test_its_level_alone_is_read_in_one_statement_with_the_same_answer(
        self, customer, customer_actor, now
    ):
        assert risk_level_current(user_id=customer.pk, now=now) is None
        assessment = submit(customer, customer_actor, now, answers_scoring_max())

        assert risk_level_current(user_id=customer.pk, now=now) == "C5"
        just_before = assessment.expires_at - timedelta(seconds=1)
        assert risk_level_current(user_id=customer.pk, now=just_before) == "C5"
        assert risk_level_current(user_id=customer.pk, now=assessment.expires_at) is None

    def test_the_latest_assessment_counts_even_when_lower(self, customer, customer_actor, now):
        submit(customer, customer_actor, now, answers_scoring_max())
        submit(customer, customer_actor, now + timedelta(minutes=1), answers())

        assert risk_profile_current(user_id=customer.pk, now=now + timedelta(hours=1)).level == "C1"

    def test_a_c3_customer_may_buy_r1_to_r3(self, customer, customer_actor, now):
        chosen = answers(
            loss_tolerance=2,
            annual_income=3,
            investable_assets=3,
            experience=3,
            knowledge=3,
        )
        submit(customer, customer_actor, now, chosen)

        profile = risk_profile_current(user_id=customer.pk, now=now)

        assert profile.level == "C3"
        assert profile.product_levels == ("R1", "R2", "R3")


class TestOtherReads:
    def test_history_is_newest_first_and_per_customer(
        self, customer, other_customer, customer_actor, now
    ):
        first = submit(customer, customer_actor, now, answers())
        second = submit(customer, customer_actor, now + timedelta(minutes=1), answers())
        submit(other_customer, customer_actor, now, answers())

        rows = assessment_history(user_id=customer.pk, now=now)

        assert [r.assessment_id for r in rows] == [second.id, first.id]

    def test_a_customer_cannot_fetch_another_customers_assessment(
        self, customer, other_customer, customer_actor, now
    ):
        theirs = submit(other_customer, customer_actor, now, answers())

        with pytest.raises(AssessmentNotFound):
            assessment_get_for_user(user_id=customer.pk, assessment_id=theirs.id, now=now)
        with pytest.raises(AssessmentNotFound):
            assessment_get_for_user(user_id=customer.pk, assessment_id="nonsense", now=now)

    def test_retakes_left_counts_down(self, customer, customer_actor, now):
        assert retakes_left_today(user_id=customer.pk, now=now) == 3
        submit(customer, customer_actor, now, answers())

        assert retakes_left_today(user_id=customer.pk, now=now) == 2

    def test_the_export_names_every_answer(self, customer, customer_actor, now):
        submit(customer, customer_actor, now, answers(age=5))

        (exported,) = assessment_export(user_id=customer.pk)["assessments"]

        age = next(a for a in exported["answers"] if a["question"] == "age")
        assert (age["answer"], age["answer_zh"], age["score"]) == ("Over 70", "70 岁以上", 0)


class TestQuestionnaireV1:
    """The questionnaire the data migration ships."""

    def test_is_the_one_active_version_with_ten_questions_worth_100(self, now):
        questionnaire = questionnaire_active(now=now)

        assert (questionnaire.version, questionnaire.status) == (1, "active")
        assert [q.code for q in questionnaire.questions] == [
            "age",
            "annual_income",
            "investable_assets",
            "experience",
            "knowledge",
            "horizon",
            "loss_tolerance",
            "purpose",
            "income_stability",
            "asset_share",
        ]
        assert questionnaire.max_score == 100

    def test_every_question_and_option_is_in_both_languages(self):
        (questionnaire,) = questionnaire_list()

        for question in questionnaire.questions:
            assert question.text_en and question.text_zh
            assert len(question.options) >= 4
            for option in question.options:
                assert option.text_en and option.text_zh

    def test_only_the_oldest_age_and_no_loss_answers_cap(self):
        (questionnaire,) = questionnaire_list()

        caps = {
            (q.code, o.text_en): o.caps_level
            for q in questionnaire.questions
            for o in q.options
            if o.caps_level
        }
        assert caps == {
            ("age", "Over 70"): "C2",
            ("loss_tolerance", "I cannot accept any loss of my capital."): "C1",
        }

    def test_questions_follow_the_active_language(self, now):
        with translation.override("zh-hans"):
            questionnaire = questionnaire_active(now=now)

        assert questionnaire.title == "风险承受能力评估问卷"
        assert questionnaire.questions[0].text == "您的年龄是？"

    def test_a_second_active_version_is_refused_by_the_database(self, now):
        from django.db import IntegrityError, transaction

        from hujin.suitability.models import Questionnaire

        with pytest.raises(IntegrityError), transaction.atomic():
            Questionnaire.objects.create(
                version=2, status="active", effective_from=now, title_en="x", title_zh="x"
            )
