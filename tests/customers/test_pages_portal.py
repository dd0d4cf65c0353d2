"""Portal pages under /me/: onboarding overview, verification forms, status; customers only."""

import uuid

import pytest
from django.urls import reverse

from hujin.customers.models import Customer, KycApplication
from hujin.customers.services import kyc_submit
from tests.customers.conftest import actor_for, resident_id

pytestmark = pytest.mark.django_db

NUMBER = resident_id("330106", "19920202", "468")


def test_home_shows_the_four_steps_to_a_new_customer(customer_client, consents):
    consents.outstanding = ["privacy_policy", "service_agreement"]

    response = customer_client.get(reverse("customers_portal:home"))

    assert response.status_code == 200
    html = response.content.decode()
    for step in ("Verify your identity", "Risk questionnaire", "Agreements", "Account opened"):
        assert step in html
    assert reverse("customers_portal:verify") in html


def test_home_is_in_chinese_for_a_chinese_browser(customer_client, consents):
    response = customer_client.get(reverse("customers_portal:home"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert "实名认证" in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("customers_portal:home"))

    assert response.status_code == 302


def test_staff_get_403_on_the_portal(staff_client):
    assert staff_client.get(reverse("customers_portal:home")).status_code == 403


def test_the_kyc_form_submits_and_the_home_page_says_under_review(
    customer_client, customer_user, manual_provider, consents
):
    response = customer_client.post(
        reverse("customers_portal:verify"),
        {"legal_name": "陈十二", "document_type": "resident_id", "document_number": NUMBER},
        follow=True,
    )

    assert response.status_code == 200
    assert KycApplication.objects.get(customer__user=customer_user).status == "needs_review"
    assert "Under review" in response.content.decode()


def test_an_invalid_number_is_explained_next_to_the_field_and_nothing_is_saved(
    customer_client, manual_provider, consents
):
    response = customer_client.post(
        reverse("customers_portal:verify"),
        {
            "legal_name": "陈十二",
            "document_type": "resident_id",
            "document_number": "330106920202468",
        },
    )

    assert response.status_code == 200
    assert "15-digit identity card numbers were replaced" in response.content.decode()
    assert not KycApplication.objects.exists()


def test_a_verified_customer_with_consents_sees_the_wallet_balance(
    customer_client, customer_user, simulated_provider, consents, now
):
    from hujin.core.actors import SYSTEM
    from hujin.customers.services.wallet import wallet_open_if_ready

    consents.outstanding = []
    kyc_submit(
        user_id=customer_user.pk,
        document_type="resident_id",
        document_number=NUMBER,
        legal_name="陈十二",
        actor=actor_for(customer_user),
        now=now,
    )
    wallet_open_if_ready(
        customer_id=Customer.objects.get(user=customer_user).id, actor=SYSTEM, now=now
    )

    html = customer_client.get(reverse("customers_portal:home")).content.decode()

    assert '<span class="amount ">¥0.00</span>' in html


def test_open_my_account_retries_when_ready(
    customer_client, customer_user, simulated_provider, consents, now
):
    consents.outstanding = ["privacy_policy"]
    kyc_submit(
        user_id=customer_user.pk,
        document_type="resident_id",
        document_number=NUMBER,
        legal_name="陈十二",
        actor=actor_for(customer_user),
        now=now,
    )
    consents.outstanding = []

    customer_client.post(reverse("customers_portal:open_account"))

    assert Customer.objects.get(user=customer_user).wallet_account_id is not None


def test_the_kyb_form_creates_an_enterprise_application(
    customer_client, customer_user, manual_provider, consents
):
    from tests.customers.conftest import uscc

    response = customer_client.post(
        reverse("customers_portal:verify_enterprise"),
        {
            "company_name": "杭州示例有限公司",
            "uscc": uscc("9", "1", "330100", "MA2B3C4D"),
            "representative_name": "陈十二",
            "representative_document_type": "resident_id",
            "representative_document_number": NUMBER,
            "operators": "",
        },
    )

    assert response.status_code == 302
    assert KycApplication.objects.get(customer__user=customer_user).kind == "enterprise"


class TestOnlyOwnData:
    @pytest.fixture
    def others_application(self, make_customer_user, now, manual_provider):
        other = make_customer_user()
        return kyc_submit(
            user_id=other.pk,
            document_type="resident_id",
            document_number=NUMBER,
            legal_name="别人",
            actor=actor_for(other),
            now=now,
        )

    def test_another_customers_application_is_404(self, customer_client, others_application):
        url = reverse("customers_portal:application", args=[others_application.id])

        assert customer_client.get(url).status_code == 404

    def test_an_unknown_application_is_404(self, customer_client):
        url = reverse("customers_portal:application", args=[uuid.uuid4()])

        assert customer_client.get(url).status_code == 404

    def test_the_own_application_shows_masked(
        self, customer_client, customer_user, now, manual_provider, consents
    ):
        mine = kyc_submit(
            user_id=customer_user.pk,
            document_type="resident_id",
            document_number=resident_id(seq="111"),
            legal_name="陈十二",
            actor=actor_for(customer_user),
            now=now,
        )

        response = customer_client.get(reverse("customers_portal:application", args=[mine.id]))

        assert response.status_code == 200
        assert mine.document_number not in response.content.decode()

    def test_the_status_page_lists_only_own_applications(
        self, customer_client, others_application, consents
    ):
        html = customer_client.get(reverse("customers_portal:status")).content.decode()

        assert str(others_application.id) not in html
        assert "别人" not in html
