"""The customers console says things in words: the identity provider and its decision, states as
the shared status badges, times in the business time zone, balances with their currency; the
customer's id only in the technical details."""

import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from hujin.customers.services import kyc_review_decide, kyc_submit, wallet_open_if_ready
from tests.customers.conftest import actor_for, resident_id

pytestmark = pytest.mark.django_db

NUMBER = resident_id("510104", "19830303", "579")


@pytest.fixture
def application(make_customer_user, now, manual_provider, consents):
    user = make_customer_user("+8613611113333")
    return kyc_submit(
        user_id=user.pk, document_type="resident_id", document_number=NUMBER,
        legal_name="冯十三", actor=actor_for(user), now=now,
    )  # fmt: skip


def visible(response) -> str:
    technical = re.compile(r'<details class="technical-details">.*?</details>', re.S)
    html = technical.sub(" ", response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_queue_names_the_provider_and_its_decision_in_words(role_client, application):
    response = role_client("compliance_officer").get(reverse("customers:kyc_queue"))

    page = visible(response)
    assert "Compliance review (no automatic check) Under review" in page
    assert "manual_review" not in page and "needs_review" not in page
    assert 'data-status="needs_review"' in response.content.decode()


def test_the_application_names_the_provider_and_shows_times_in_shanghai(role_client, application):
    response = role_client("compliance_officer").get(
        reverse("customers:kyc_detail", args=[application.id])
    )

    page = visible(response)
    assert "manual_review: needs_review" not in page and "manual_review" not in page
    assert "Compliance review (no automatic check)" in page
    submitted = application.submitted_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"Submitted {submitted:%Y-%m-%d %H:%M}" in page


def test_the_application_is_in_chinese_for_a_chinese_browser(role_client, application):
    page = visible(
        role_client("compliance_officer").get(
            reverse("customers:kyc_detail", args=[application.id]),
            headers={"accept-language": "zh-hans"},
        )
    )

    assert "合规人工审核（无自动核验）" in page
    assert "Compliance review" not in page


def test_the_customer_page_shows_badges_balances_and_keeps_the_id_technical(
    role_client, application, officer, now, consents
):
    kyc_review_decide(
        application_id=application.id, approve=True, reason="", actor=officer, now=now
    )
    wallet_open_if_ready(customer_id=application.customer_id, actor=officer, now=now)

    response = role_client("customer_service").get(
        reverse("customers:detail", args=[application.customer_id])
    )

    page = visible(response)
    html = response.content.decode()
    assert 'data-status="active"' in html and 'data-status="verified"' in html
    assert 'data-status="open"' in html
    assert "0.00 CNY" in page
    assert str(application.customer_id) not in page
    assert str(application.customer_id) in html  # in the technical details


def test_the_search_shows_states_as_badges(role_client, application):
    html = role_client("customer_service").post(reverse("customers:search"), {"q": ""}).content

    assert b'data-status="active"' in html
    assert b'class="badge badge-muted">Not verified' not in html
    assert b"Under review" in html
