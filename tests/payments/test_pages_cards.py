"""The portal's bank cards pages, in English and Chinese: list, bind, the bank's code, default,
unbind; and the console's sandbox codes page."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from hujin.payments.models import Card
from tests.payments.conftest import CODE, MOBILE, card_number


@pytest.fixture
def client_of():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def _page(client, url, language="en"):
    response = client.get(url, headers={"accept-language": language})
    assert response.status_code == 200
    return response.content.decode()


def _phone_safe(html: str) -> None:
    """Nothing that needs a wide screen or breaks the CSP: no table on a portal page, no inline
    style or script, no fixed width in the page's own part (the shell is tested with the web)."""
    html = html[html.index("<main") : html.index("</main>")]
    assert "<table" not in html
    assert 'style="' not in html and not re.search(r"<script>(?!\s*$)", html)
    assert not re.search(r'width="\d+"', html)


class TestCardsPage:
    def test_lists_bank_masked_number_and_default_in_english(self, customer, bound_card, client_of):
        bound_card()

        html = _page(client_of(customer), reverse("payments:cards"))

        assert "Industrial and Commercial Bank of China" in html
        assert f"6222 **** **** {card_number()[-4:]}" in html and "Default" in html
        assert card_number() not in html
        _phone_safe(html)

    def test_reads_in_chinese(self, customer, bound_card, client_of):
        bound_card()

        html = _page(client_of(customer), reverse("payments:cards"), "zh-hans")

        assert "中国工商银行" in html and "银行卡" in html and "默认" in html

    def test_an_empty_list_offers_to_bind_a_card(self, customer, client_of):
        html = _page(client_of(customer), reverse("payments:cards"))

        assert reverse("payments:bind") in html

    def test_a_frozen_customer_is_told_why_they_cannot_bind(self, make_customer, client_of):
        html = _page(client_of(make_customer(status="frozen")), reverse("payments:cards"))

        assert "frozen" in html and reverse("payments:bind") not in html


def test_the_me_page_lists_bank_cards(customer, client_of):
    html = _page(client_of(customer), reverse("web:portal_me"), "zh-hans")

    assert reverse("payments:cards") in html and "银行卡" in html


class TestBindJourney:
    def test_bind_form_has_a_numeric_number_and_the_verified_name_read_only(
        self, customer, client_of
    ):
        html = _page(client_of(customer), reverse("payments:bind"))

        assert 'name="number" type="text" inputmode="numeric"' in html
        assert re.search(r'name="holder_name"[^>]*value="张三"[^>]*readonly', html)
        _phone_safe(html)

    def test_bind_then_code_then_done(self, customer, client_of):
        client = client_of(customer)

        started = client.post(
            reverse("payments:bind"),
            {"number": card_number(), "holder_name": "张三", "reserved_mobile": MOBILE},
        )
        card = Card.objects.get()
        assert started.status_code == 302 and started["Location"] == reverse(
            "payments:verify", args=[card.id]
        )
        assert "138****5678" in _page(client, reverse("payments:cards"))  # the message shown once
        code_page = _page(client, reverse("payments:verify", args=[card.id]))
        assert "Waiting for the code" in code_page
        _phone_safe(code_page)

        done = client.post(reverse("payments:verify", args=[card.id]), {"code": CODE}, follow=True)

        assert "is bound" in done.content.decode()
        assert Card.objects.get().status == "active"

    def test_a_wrong_code_asks_again_and_a_used_binding_goes_back_to_the_list(
        self, customer, client_of
    ):
        client = client_of(customer)
        client.post(
            reverse("payments:bind"),
            {"number": card_number(), "holder_name": "张三", "reserved_mobile": MOBILE},
        )
        verify = reverse("payments:verify", args=[Card.objects.get().id])

        wrong = client.post(verify, {"code": "000000"}, follow=True)
        assert wrong.redirect_chain[-1][0] == verify and "not right" in wrong.content.decode()

        client.post(verify, {"code": CODE})
        again = client.post(verify, {"code": CODE})
        assert again["Location"] == reverse("payments:cards")

    def test_a_failing_luhn_check_is_shown_as_a_warning(self, customer, client_of):
        response = client_of(customer).post(
            reverse("payments:bind"),
            {"number": card_number(valid=False), "holder_name": "张三", "reserved_mobile": MOBILE},
            follow=True,
        )

        assert "check digit" in response.content.decode()

    def test_a_refusal_is_shown_on_the_form_in_chinese(self, customer, client_of):
        response = client_of(customer).post(
            reverse("payments:bind"),
            {"number": "1234", "holder_name": "张三", "reserved_mobile": MOBILE},
            headers={"accept-language": "zh-hans"},
        )

        assert response.status_code == 400 and "16" in response.content.decode()
        assert "A bank card number" not in response.content.decode()


class TestDefaultAndUnbindPages:
    def test_unbind_asks_first_then_unbinds_on_post(self, customer, bound_card, client_of):
        card = bound_card()
        client = client_of(customer)

        html = _page(client, reverse("payments:unbind", args=[card.id]))
        assert "Unbind the card" in html and Card.objects.get().status == "active"

        client.post(reverse("payments:unbind", args=[card.id]))
        assert Card.objects.get().status == "unbound"

    def test_make_default_is_a_post(self, customer, bound_card, client_of):
        bound_card("622202")
        second = bound_card("621700")
        client = client_of(customer)

        assert client.get(reverse("payments:set_default", args=[second.id])).status_code == 405
        client.post(reverse("payments:set_default", args=[second.id]))
        assert Card.objects.get(id=second.id).is_default

    def test_another_customers_card_is_not_found(self, bound_card, make_customer, client_of):
        card = bound_card()
        stranger = client_of(make_customer())

        assert stranger.get(reverse("payments:unbind", args=[card.id])).status_code == 404
        assert stranger.post(reverse("payments:unbind", args=[card.id])).status_code == 404
        assert stranger.post(reverse("payments:set_default", args=[card.id])).status_code == 404
        assert Card.objects.get().status == "active"


class TestSandboxCodesPage:
    def test_staff_read_the_code_with_the_mobile_masked(self, customer, staff_client, client_of):
        client_of(customer).post(
            reverse("payments:bind"),
            {"number": card_number(), "holder_name": "张三", "reserved_mobile": MOBILE},
        )

        html = _page(staff_client, reverse("payments:dev_codes"))

        assert CODE in html and "138****5678" in html and MOBILE not in html

    def test_is_not_there_in_production(self, staff_client, settings):
        settings.PROD = True

        assert staff_client.get(reverse("payments:dev_codes")).status_code == 404

    def test_customers_cannot_open_it(self, customer, client_of):
        assert client_of(customer).get(reverse("payments:dev_codes")).status_code in (302, 403)
