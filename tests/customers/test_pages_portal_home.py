"""The customer's home page once the account is open: the balance, recent activity and what to
do next replace the onboarding checklist; a frozen or closed account says so on its card."""

import pytest
from django.urls import reverse

from hujin.customers.models import Customer
from tests.customers.wallet_moves import bank_account, move, payout, topup

pytestmark = pytest.mark.django_db

HOME = reverse("customers_portal:home")


@pytest.fixture
def bank(now):
    return bank_account(now)


@pytest.fixture
def onboarded(customer_user, now, simulated_provider, consents):
    """customer_user, verified, with agreements accepted and an open wallet."""
    from hujin.core.actors import SYSTEM
    from hujin.customers.services import kyc_submit, wallet_open_if_ready
    from tests.customers.conftest import actor_for, resident_id

    kyc_submit(
        user_id=customer_user.pk,
        document_type="resident_id",
        document_number=resident_id("330106", "19920202", "468"),
        legal_name="陈十二",
        actor=actor_for(customer_user),
        now=now,
    )
    customer = Customer.objects.get(user=customer_user)
    wallet_open_if_ready(customer_id=customer.id, actor=SYSTEM, now=now)
    customer.refresh_from_db()
    return customer


def page(client, **headers) -> str:
    response = client.get(HOME, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


class TestOverview:
    def test_shows_the_balance_formatted_and_no_checklist(
        self, customer_client, onboarded, bank, now, business_date
    ):
        move(topup(bank, onboarded, 1_234_50), now=now, business_date=business_date)

        html = page(customer_client)

        assert 'data-testid="wallet-balance"><span class="amount ">¥1,234.50</span>' in html
        assert 'class="steps"' not in html
        assert "Four steps to open your account" not in html

    def test_is_not_shown_to_a_customer_still_onboarding(self, customer_client, consents):
        consents.outstanding = ["privacy_policy"]

        html = page(customer_client)

        assert 'class="steps"' in html
        assert 'data-testid="wallet-balance"' not in html

    def test_lists_recent_activity_with_words_and_signed_amounts(
        self, customer_client, onboarded, bank, now, business_date
    ):
        move(topup(bank, onboarded, 500_00), now=now, business_date=business_date)
        move(payout(bank, onboarded, 12_00, code="p2p"), now=now, business_date=business_date)

        html = page(customer_client)

        assert "Top-up" in html and "Transfer sent" in html
        assert '<span class="amount amount-in">+¥500.00</span>' in html
        assert '<span class="amount amount-out">−¥12.00</span>' in html

    def test_shows_at_most_ten_movements_without_a_history_page(
        self, customer_client, onboarded, bank, now, business_date
    ):
        move(*[topup(bank, onboarded, 100 + n) for n in range(12)], now=now,
             business_date=business_date)  # fmt: skip

        html = page(customer_client)

        assert html.count('class="activity-item"') == 10
        assert "All activity" not in html

    def test_says_so_when_no_money_has_moved(self, customer_client, onboarded):
        assert "No money has moved in or out of your wallet yet." in page(customer_client)

    def test_has_an_eye_button_that_hides_amounts(self, customer_client, onboarded):
        html = page(customer_client)

        assert "data-amounts-toggle" in html and 'aria-pressed="false"' in html
        assert "<script>" not in html  # the behaviour is in hujin.js

    def test_suggests_the_risk_questionnaire(self, customer_client, onboarded):
        html = page(customer_client)

        assert 'data-action="suitability.take"' in html
        assert "What you can do next" in html

    def test_an_open_account_shows_the_open_badge(self, customer_client, onboarded):
        html = page(customer_client)

        assert 'data-status="open"' in html and 'data-status="frozen"' not in html

    def test_is_in_chinese_for_a_chinese_browser(
        self, customer_client, onboarded, bank, now, business_date
    ):
        move(topup(bank, onboarded, 500_00), now=now, business_date=business_date)

        html = page(customer_client, accept_language="zh-hans")

        assert "钱包余额" in html and "最近动账" in html and "充值" in html


class TestFrozenAndClosed:
    def test_a_frozen_customers_card_says_frozen_and_what_it_means(
        self, customer_client, onboarded
    ):
        Customer.objects.filter(pk=onboarded.pk).update(status="frozen")

        html = page(customer_client)

        assert 'data-status="frozen"' in html
        assert "Money can still come in, but none can leave your wallet." in html
        assert "contact customer service" in html
        assert 'data-status="open"' not in html and "Your account is open" not in html

    def test_a_closed_customers_card_says_closed(self, customer_client, onboarded):
        Customer.objects.filter(pk=onboarded.pk).update(status="closed")

        html = page(customer_client)

        assert 'data-status="closed"' in html
        assert "no money can come in or leave it" in html
        assert 'data-status="open"' not in html
        assert "What you can do next" not in html
