"""The customer's questionnaire, result and history pages, and the console's version list."""

import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hujin.suitability.models import Assessment
from hujin.suitability.services import assessment_submit
from tests.suitability.conftest import answers, answers_scoring_max, make_customer

pytestmark = pytest.mark.django_db

ZH = {"accept-language": "zh-Hans"}


def text(response) -> str:
    content = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", content)


def post_answers(client, chosen, **extra):
    data = {f"q_{code}": option for code, option in chosen.items()}
    return client.post("/suitability/questionnaire/", data, **extra)


class TestQuestionnairePage:
    def test_shows_all_ten_questions_in_english(self, customer_client):
        response = customer_client.get("/suitability/questionnaire/")

        assert response.status_code == 200
        page = text(response)
        assert "Risk tolerance questionnaire" in page
        assert "How old are you?" in page and "Over 70" in page
        assert response.content.decode().count('type="radio"') == 43
        assert response.content.decode().count("<fieldset") == 10

    def test_shows_the_questions_in_chinese(self, customer_client):
        page = text(customer_client.get("/suitability/questionnaire/", headers=ZH))

        assert "风险承受能力评估问卷" in page
        assert "您的年龄是？" in page and "我不能接受任何本金损失。" in page
        assert "提交答案" in page

    def test_submitting_answers_leads_to_the_result(self, customer_client, customer):
        response = post_answers(customer_client, answers_scoring_max())

        assessment = Assessment.objects.get(user=customer)
        assert response.status_code == 302
        assert response["Location"] == f"/suitability/results/{assessment.id}/"

    def test_a_missing_answer_shows_an_error_keeps_the_other_answers_and_records_nothing(
        self, customer_client
    ):
        chosen = answers_scoring_max()
        del chosen["horizon"]

        response = post_answers(customer_client, chosen)

        assert response.status_code == 400
        page = response.content.decode()
        assert "Please answer every question." in page
        assert 'id="question-horizon" aria-invalid="true"' in page
        assert f'value="{chosen["age"]}" required checked' in page
        assert not Assessment.objects.exists()

    def test_the_error_is_translated(self, customer_client):
        response = post_answers(customer_client, {"age": answers()["age"]}, headers=ZH)

        assert "请回答所有问题。" in response.content.decode()

    def test_the_fourth_attempt_of_the_day_is_refused_plainly(self, customer_client, customer):
        for _ in range(3):
            assert post_answers(customer_client, answers()).status_code == 302

        response = post_answers(customer_client, answers())

        assert response.status_code == 400
        assert "the most allowed in one day" in text(response)
        assert Assessment.objects.filter(user=customer).count() == 3

    def test_anonymous_visitors_are_sent_to_log_in(self, client):
        response = client.get("/suitability/questionnaire/")

        assert response.status_code == 302
        assert "next=/suitability/questionnaire/" in response["Location"]

    def test_staff_cannot_take_it(self, staff_client):
        assert staff_client.get("/suitability/questionnaire/").status_code == 403


class TestResultPage:
    def test_explains_the_level_and_what_it_allows(self, customer_client, customer):
        post_answers(customer_client, answers_scoring_max())
        assessment = Assessment.objects.get(user=customer)

        page = text(customer_client.get(f"/suitability/results/{assessment.id}/"))

        assert "C5 Aggressive" in page
        assert "100 / 100" in page
        assert page.count("Yes") == 5

    def test_a_c1_result_allows_only_r1_in_chinese(self, customer_client, customer):
        post_answers(customer_client, answers(loss_tolerance=1))
        assessment = Assessment.objects.get(user=customer)

        page = text(customer_client.get(f"/suitability/results/{assessment.id}/", headers=ZH))

        assert "C1 保守" in page
        assert "您可购买" in page
        assert page.count(" 是 ") == 1 and page.count(" 否 ") == 4

    def test_a_capped_result_says_why(self, customer_client, customer):
        chosen = answers_scoring_max()
        chosen["loss_tolerance"] = answers(loss_tolerance=1)["loss_tolerance"]
        post_answers(customer_client, chosen)
        assessment = Assessment.objects.get(user=customer)

        page = text(customer_client.get(f"/suitability/results/{assessment.id}/"))

        assert "Your score alone would place you at C5" in page

    def test_another_customers_result_is_not_found(self, customer_client, now):
        other = make_customer("someone-else")
        theirs = assessment_submit(
            user_id=other.pk, answers=answers(), actor=_actor(other), now=timezone.now()
        )

        assert customer_client.get(f"/suitability/results/{theirs.id}/").status_code == 404
        assert customer_client.get(f"/suitability/results/{uuid.uuid4()}/").status_code == 404


def _actor(user):
    from hujin.identity.access import customer_actor

    return customer_actor(user)


class TestHistoryPage:
    def test_lists_every_assessment_newest_first(self, customer_client, customer):
        now = timezone.now()
        assessment_submit(
            user_id=customer.pk,
            answers=answers(),
            actor=_actor(customer),
            now=now - timedelta(days=400),
        )
        assessment_submit(
            user_id=customer.pk, answers=answers_scoring_max(), actor=_actor(customer), now=now
        )

        page = text(customer_client.get("/suitability/history/"))

        assert page.index("C5 Aggressive") < page.index("C1 Conservative")
        assert "Current" in page and "Expired" in page
        html = customer_client.get("/suitability/history/").content.decode()
        assert 'data-status="active">Current<' in html and 'data-status="expired"' in html

    def test_an_empty_history_invites_to_take_the_questionnaire(self, customer_client):
        page = text(customer_client.get("/suitability/history/", headers=ZH))

        assert "您还没有做过风险评估问卷。" in page


class TestConsoleQuestionnaires:
    def test_staff_with_the_permission_see_every_version_with_its_questions(self, staff_client):
        page = text(staff_client.get("/suitability/"))

        assert "Version 1" in page and "Active" in page
        assert "How old are you?" in page and "您的年龄是？" in page
        assert "caps at C1" in page and "caps at C2" in page

    def test_staff_without_the_permission_are_refused(self, db):
        from hujin.identity.models import User

        clerk = User.objects.create(username="clerk", kind=User.Kind.STAFF)
        client = Client()
        client.force_login(clerk)
        session = client.session
        session["mfa_verified"] = True
        session.save()

        assert client.get("/suitability/").status_code == 403

    def test_customers_are_refused(self, customer_client):
        assert customer_client.get("/suitability/").status_code == 403
