from datetime import timedelta

import pytest

from hujin.core.models import AuditEntry, OutboxEvent
from hujin.suitability.errors import (
    AnswerInvalid,
    AnswersIncomplete,
    NotACustomer,
    QuestionnaireUnavailable,
    RetakeLimitReached,
)
from hujin.suitability.migrations._seed_v1 import option_id
from hujin.suitability.models import Assessment, Questionnaire
from hujin.suitability.services import RETAKES_PER_DAY, add_months, assessment_submit
from tests.suitability.conftest import answers, answers_scoring_max

pytestmark = pytest.mark.django_db


def submit(customer, actor, now, chosen):
    return assessment_submit(user_id=customer.pk, answers=chosen, actor=actor, now=now)


class TestScoring:
    def test_the_highest_answers_score_100_and_reach_c5(self, customer, customer_actor, now):
        assessment = submit(customer, customer_actor, now, answers_scoring_max())

        assert (assessment.score, assessment.max_score, assessment.level) == (100, 100, "C5")
        assert assessment.capped_by == []

    def test_the_lowest_answers_reach_c1(self, customer, customer_actor, now):
        # age 18-30 (8), then the first option everywhere: income 0, assets 0, experience 0,
        # knowledge 0, horizon 1, loss "up to 5 %" 3, purpose 1, stability 0, share 2 = 15.
        assessment = submit(customer, customer_actor, now, answers(loss_tolerance=2))

        assert (assessment.score, assessment.level) == (15, "C1")

    @pytest.mark.parametrize(
        ("chosen", "score", "level"),
        [
            # 8 + 4 + 4 + 3 + 4 = 23 from the first five; horizon 1, loss 3, purpose 1, 0, 2
            (
                {"annual_income": 2, "investable_assets": 2, "experience": 2, "knowledge": 2},
                30,
                "C2",
            ),
            (
                {"annual_income": 3, "investable_assets": 3, "experience": 3, "knowledge": 3},
                42,
                "C3",
            ),
        ],
    )
    def test_a_score_falls_into_its_band(self, customer, customer_actor, now, chosen, score, level):
        assessment = submit(customer, customer_actor, now, answers(loss_tolerance=2, **chosen))

        assert (assessment.score, assessment.level) == (score, level)

    def test_cannot_bear_any_loss_caps_the_level_at_c1(self, customer, customer_actor, now):
        chosen = answers_scoring_max()  # 90 points without the loss answer: C5 by score
        chosen["loss_tolerance"] = str(option_id("loss_tolerance", 1))

        assessment = submit(customer, customer_actor, now, chosen)

        assert assessment.score_level == "C5"
        assert assessment.level == "C1"
        assert assessment.capped_by == ["loss_tolerance"]

    def test_age_over_70_caps_the_level_at_c2(self, customer, customer_actor, now):
        best = answers_scoring_max()
        best["age"] = str(option_id("age", 5))

        assessment = submit(customer, customer_actor, now, best)

        assert (assessment.score_level, assessment.level) == ("C5", "C2")
        assert assessment.capped_by == ["age"]

    def test_the_stricter_cap_wins_when_two_apply(self, customer, customer_actor, now):
        chosen = answers_scoring_max()
        chosen["age"] = str(option_id("age", 5))
        chosen["loss_tolerance"] = str(option_id("loss_tolerance", 1))

        assessment = submit(customer, customer_actor, now, chosen)

        assert assessment.level == "C1"
        assert assessment.capped_by == ["loss_tolerance"]

    def test_the_result_is_valid_for_twelve_months(self, customer, customer_actor, now):
        assessment = submit(customer, customer_actor, now, answers_scoring_max())

        assert assessment.expires_at == now.replace(year=now.year + 1)


class TestAnswersAreChecked:
    def test_refuses_answers_missing_a_question_and_records_nothing(
        self, customer, customer_actor, now
    ):
        chosen = answers_scoring_max()
        del chosen["horizon"]

        with pytest.raises(AnswersIncomplete) as caught:
            submit(customer, customer_actor, now, chosen)

        assert caught.value.details["missing"] == ["horizon"]
        assert not Assessment.objects.exists()
        assert not AuditEntry.objects.filter(action="suitability.assessed").exists()

    def test_refuses_an_unknown_question(self, customer, customer_actor, now):
        with pytest.raises(AnswersIncomplete) as caught:
            submit(customer, customer_actor, now, answers_scoring_max() | {"shoe_size": "x"})

        assert caught.value.details["unknown"] == ["shoe_size"]

    def test_refuses_an_option_of_another_question(self, customer, customer_actor, now):
        chosen = answers_scoring_max() | {"age": str(option_id("horizon", 1))}

        with pytest.raises(AnswerInvalid) as caught:
            submit(customer, customer_actor, now, chosen)

        assert caught.value.details == {"question": "age"}

    def test_refuses_an_answer_that_is_not_an_option_id(self, customer, customer_actor, now):
        with pytest.raises(AnswerInvalid):
            submit(customer, customer_actor, now, answers_scoring_max() | {"age": "'; drop"})

    def test_refuses_staff(self, staff_user, staff_actor, now):
        with pytest.raises(NotACustomer):
            submit(staff_user, staff_actor, now, answers_scoring_max())

    def test_refuses_when_no_questionnaire_is_active(self, customer, customer_actor, now):
        Questionnaire.objects.update(status=Questionnaire.Status.RETIRED)

        with pytest.raises(QuestionnaireUnavailable):
            submit(customer, customer_actor, now, answers_scoring_max())


class TestRetakes:
    def test_allows_three_a_day_and_refuses_the_fourth(self, customer, customer_actor, now):
        for minute in range(RETAKES_PER_DAY):
            submit(customer, customer_actor, now + timedelta(minutes=minute), answers())

        with pytest.raises(RetakeLimitReached) as caught:
            submit(customer, customer_actor, now + timedelta(hours=1), answers())

        assert caught.value.details["limit"] == 3
        assert Assessment.objects.filter(user=customer).count() == 3

    def test_the_limit_resets_at_midnight_beijing_time(self, customer, customer_actor, now):
        # now is 10:00 in Shanghai; 16:00 UTC is midnight there.
        for minute in range(RETAKES_PER_DAY):
            submit(customer, customer_actor, now + timedelta(minutes=minute), answers())
        next_day = now.replace(hour=16, minute=0)

        assessment = submit(customer, customer_actor, next_day, answers())

        assert assessment.assessed_on.isoformat() == "2025-03-15"

    def test_a_retake_is_a_new_row_and_keeps_history(self, customer, customer_actor, now):
        first = submit(customer, customer_actor, now, answers())
        second = submit(customer, customer_actor, now + timedelta(minutes=5), answers_scoring_max())

        first.refresh_from_db()
        assert (first.level, second.level) == ("C1", "C5")
        assert Assessment.objects.filter(user=customer).count() == 2

    def test_the_limit_counts_each_customer_alone(
        self, customer, other_customer, customer_actor, now
    ):
        for minute in range(RETAKES_PER_DAY):
            submit(customer, customer_actor, now + timedelta(minutes=minute), answers())

        assert submit(other_customer, customer_actor, now, answers()).level == "C1"


class TestAuditAndEvents:
    def test_records_an_audit_entry_and_an_event(self, customer, customer_actor, now):
        assessment = submit(customer, customer_actor, now, answers_scoring_max())

        entry = AuditEntry.objects.get(action="suitability.assessed")
        assert entry.target_id == str(assessment.id)
        assert entry.actor_kind == "customer"
        assert entry.after["level"] == "C5"
        event = OutboxEvent.objects.get(event_type="suitability.assessed")
        assert event.payload["user_id"] == str(customer.pk)
        assert event.payload["level"] == "C5"
        assert event.aggregate_id == str(customer.pk)


class TestAddMonths:
    def test_the_31st_becomes_the_last_day_of_a_shorter_month(self, now):
        assert add_months(now.replace(month=1, day=31), 1).day == 28

    def test_twelve_months_from_29_february_is_28_february(self, now):
        leap = now.replace(year=2024, month=2, day=29)

        assert add_months(leap, 12).date().isoformat() == "2025-02-28"
