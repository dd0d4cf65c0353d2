"""The portal's Top up and Withdraw pages and a payment's page, in English and Chinese; the
home page's suggestions; the messages a final payment sends."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hujin.payments.channels.sandbox import sandbox_callbacks_run
from hujin.payments.models import Payment
from tests.payments.money import open_wallet, wallet


@pytest.fixture
def ready(customer, bound_card):
    now = timezone.now()
    card = bound_card(at=now)
    wallet_id = open_wallet(customer, now)
    client = Client()
    client.force_login(customer)
    return client, card, wallet_id


def _page(client, url, language="en"):
    response = client.get(url, headers={"accept-language": language})
    assert response.status_code == 200
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert 'style="' not in main and not re.search(r"<script>(?!\s*$)", main)
    return html


class TestTopUpPage:
    def test_the_form_preselects_the_default_card(self, ready):
        client, card, _ = ready

        html = _page(client, reverse("payments:topup"))

        assert f'value="{card.id}" checked' in html
        assert "Top up" in html and card.masked_number in html

    def test_reads_in_chinese(self, ready):
        client, _, _ = ready

        html = _page(client, reverse("payments:topup"), "zh-hans")

        assert "充值" in html

    def test_sending_it_twice_is_one_payment_and_the_page_shows_it(self, ready):
        client, card, wallet_id = ready
        form = {"amount": "1,234.50", "card": str(card.id), "key": "form-key-1", "step": "send"}

        first = client.post(reverse("payments:topup"), form)
        second = client.post(reverse("payments:topup"), form)

        assert first.status_code == 302 and first["Location"] == second["Location"]
        payment = Payment.objects.get()
        assert payment.amount == 1_234_50
        html = _page(client, first["Location"])
        assert "¥1,234.50" in html and "Waiting for the bank" in html

        sandbox_callbacks_run(now=timezone.now())

        assert "Succeeded" in _page(client, first["Location"])
        assert "成功" in _page(client, first["Location"], "zh-hans")
        assert wallet(wallet_id)["balance"] == 1_234_50

    def test_an_amount_that_is_not_money_is_refused_with_the_reason(self, ready):
        client, card, _ = ready

        response = client.post(reverse("payments:topup"),
                               {"amount": "12.345", "card": str(card.id), "key": "k"})  # fmt: skip

        assert response.status_code == 400
        assert "at most two decimals" in response.content.decode()
        assert not Payment.objects.exists()


class TestWithdrawPage:
    def test_more_than_the_balance_is_refused_clearly(self, ready):
        client, card, _ = ready

        response = client.post(reverse("payments:withdraw"),
                               {"amount": "10", "card": str(card.id), "key": "w"})  # fmt: skip

        assert response.status_code == 400
        assert "available balance is less" in response.content.decode()

    def test_reads_in_chinese(self, ready):
        client, _, _ = ready
        assert "提现" in _page(client, reverse("payments:withdraw"), "zh-hans")


class TestPaymentPage:
    def test_another_customers_payment_is_not_found(self, ready, make_customer):
        client, card, _ = ready
        client.post(
            reverse("payments:topup"),
            {"amount": "5", "card": str(card.id), "key": "a", "step": "send"},
        )
        payment = Payment.objects.get()
        stranger = Client()
        stranger.force_login(make_customer(name="李四"))

        response = stranger.get(reverse("payments:payment", args=[payment.id]))

        assert response.status_code == 404


class TestHomeAndMessages:
    def test_the_home_page_suggests_top_up_and_withdraw_once_a_card_is_bound(self, ready):
        client, _, _ = ready

        html = _page(client, "/me/")

        assert reverse("payments:topup") in html and reverse("payments:withdraw") in html

    def test_an_arrived_top_up_leaves_a_message_in_the_inbox(self, ready, customer):
        from hujin.core.events import outbox_dispatch
        from hujin.notifications.models import Message

        client, card, _ = ready
        client.post(
            reverse("payments:topup"),
            {"amount": "5", "card": str(card.id), "key": "b", "step": "send"},
        )
        sandbox_callbacks_run(now=timezone.now())

        outbox_dispatch(now=timezone.now())

        message = Message.objects.get(recipient=customer, kind="payments.topup_succeeded")
        assert "¥5.00" in message.body
