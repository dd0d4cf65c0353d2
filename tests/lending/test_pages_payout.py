"""The loan paid out to a bound card, on the pages: the sign form offers the wallet and the
customer's cards (masked, with the bank's name), the loan pages — the customer's and the
console's — say where the money went and how far the payout is, in English and Chinese."""

import re

import pytest
from django.urls import reverse

from hujin.lending.models import Loan
from hujin.payments.models import Payment
from hujin.payments.services import card_unbind
from tests.lending.conftest import customer_actor
from tests.lending.flow import texted_code, wallet_of
from tests.lending.portal_helpers import approved_now, client_for
from tests.lending.test_services_payout import bound_card
from tests.payments.conftest import CODE, card_number
from tests.payments.money import wallet

pytestmark = pytest.mark.django_db
CARD = card_number(serial=7)  # 中国工商银行, ICBC


@pytest.fixture(autouse=True)
def sandbox(settings):
    settings.HUJIN_PAYMENTS_SANDBOX = {"code": CODE}
    settings.HUJIN_PAYMENTS_CHANNEL = ""


@pytest.fixture
def offer(borrower, loan_product, champion, funded, business_date_set):
    """A borrower with ¥2,000 in the wallet, a bound card and an offer: (user, card, client,
    application, the contract's digest with its code texted)."""
    from django.utils import timezone

    user = borrower(balance=200_000)
    card = bound_card(user, timezone.now())
    application = approved_now(user, loan_product(), business_date_set)
    client = client_for(user)
    page = client.get(f"/lending/application/{application.id}/").content.decode()
    digest = page.split('name="contract_sha256" value="')[1][:64]
    client.post(f"/lending/application/{application.id}/code/", {"contract_sha256": digest})
    return user, card, client, application, digest, page


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _sign(client, application, digest, disburse_to):
    return client.post(f"/lending/application/{application.id}/sign/",
                       {"contract_sha256": digest, "method": "sms", "code": texted_code(),
                        "disburse_to": disburse_to})  # fmt: skip


class TestTheSignForm:
    def test_offers_the_wallet_first_and_each_bound_card_masked_with_its_bank(self, offer):
        _, card, _, _, _, page = offer

        choice = page.split('data-testid="disburse-to"')[1].split("</fieldset>")[0]
        assert 'value="wallet" checked' in choice
        assert f'value="{card.id}"' in choice
        assert "Industrial and Commercial Bank of China" in choice
        assert f"6222 **** **** {CARD[-4:]}" in choice and CARD not in page

    def test_a_card_that_is_not_the_customers_is_refused_in_place_and_nothing_is_signed(
        self, offer, borrower
    ):
        from django.utils import timezone

        _, _, client, application, digest, _ = offer
        someone_elses = bound_card(borrower(), timezone.now(), serial=9)

        response = _sign(client, application, digest, str(someone_elses.id))

        assert response.status_code == 400
        assert "Choose your wallet or one of your bound bank cards" in response.content.decode()
        assert not Loan.objects.exists()


class TestTheLoanPages:
    def test_a_card_chosen_gets_the_money_on_its_way_and_the_loan_page_says_so(self, offer):
        user, card, client, application, digest, _ = offer

        response = _sign(client, application, digest, str(card.id))

        loan = Loan.objects.get()
        assert loan.disburse_to == "card" and Payment.objects.get().card_id == card.id
        page = client.get(response["Location"]).content.decode()
        assert "the money is on its way to your bank card" in page
        fact = text(page.split('data-testid="disbursed-to"')[1].split("</p>")[0])
        assert "Paid out to" in fact and f"6222 **** **** {CARD[-4:]}" in fact
        assert "On its way" in fact and "See the payout" in fact
        assert wallet(wallet_of(user))["held"] == loan.principal_minor

    def test_a_card_gone_before_the_money_leaves_the_money_in_the_wallet_and_says_why(
        self, offer, business_date_set
    ):
        from django.utils import timezone

        from hujin.lending.accounts import ACTOR
        from hujin.lending.services import loan_disburse, loan_sign

        user, card, client, application, digest, _ = offer
        loan = loan_sign(actor=customer_actor(user), application_id=application.id,
                         contract_sha256=digest, method="sms", code=texted_code(),
                         language="en", now=timezone.now(), business_date=business_date_set,
                         disburse_to="card", card_id=card.id)  # fmt: skip
        card_unbind(card_id=card.id, actor=customer_actor(user), now=timezone.now())

        loan_disburse(actor=ACTOR, loan_id=loan.id, now=timezone.now(),
                      business_date=business_date_set)  # fmt: skip

        page = client.get(f"/lending/loans/{loan.id}/").content.decode()
        fact = text(page.split('data-testid="disbursed-to"')[1].split("</p>")[0])
        assert "Your Hujin wallet" in fact
        assert (f"The card you chose (Industrial and Commercial Bank of China 6222 **** **** "
                f"{CARD[-4:]}) could not receive it.") in fact  # fmt: skip
        chinese = client_for(user, "zh-hans").get(f"/lending/loans/{loan.id}/").content.decode()
        assert "您的互金钱包" in chinese and "无法收款" in chinese

    def test_the_console_names_the_card_and_the_payouts_state(self, offer, role_client):
        _, card, client, application, digest, _ = offer
        _sign(client, application, digest, str(card.id))
        loan = Loan.objects.get()

        page = role_client("auditor").get(reverse("lending:console_loan", args=[loan.id]),
                                          headers={"accept-language": "zh-hans"})  # fmt: skip

        fact = text(page.content.decode().split('data-testid="disbursed-to"')[1].split("</dd>")[0])
        assert f"中国工商银行 6222 **** **** {CARD[-4:]}" in fact and "放款中" in fact
        assert str(card.id) not in fact
