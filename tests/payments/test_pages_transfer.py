"""The portal's Transfer pages in English and Chinese: the form, the confirmation with the
payee's masked name and the fee, the payment's page for both customers (404 for anyone else),
the home page's suggestion and the activity's words."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hujin.payments.models import Payment
from tests.payments.money import wallet
from tests.payments.test_services_transfer import _fund


def owned_wallet(user, now):
    """A wallet the customer may read in the ledger (owned as customers opens it)."""
    from hujin.core.actors import system_actor
    from hujin.core.ids import new_id
    from hujin.customers.models import Customer
    from hujin.customers.services.owners import owner_ref_for
    from hujin.ledger.services import account_create

    customer = Customer.objects.get(user=user)
    account, _ = account_create(
        id=new_id(), currency="CNY", code="2001.wallet", kind="liability", name="Customer wallet",
        debits_must_not_exceed_credits=True, actor=system_actor("test"), now=now,
        owner_ref=owner_ref_for(customer.id),
    )  # fmt: skip
    Customer.objects.filter(pk=customer.pk).update(wallet_account_id=account.id,
                                                   wallet_opened_at=now)  # fmt: skip
    return account.id


@pytest.fixture
def ready(make_customer):
    now = timezone.now()
    payer, payee = make_customer(name="张三"), make_customer(name="王伟")
    payer_wallet, payee_wallet = owned_wallet(payer, now), owned_wallet(payee, now)
    _fund(payer_wallet, 500_00, now)
    client = Client()
    client.force_login(payer)
    return client, payer, payee, payer_wallet, payee_wallet


def _html(response, status=200):
    assert response.status_code == status
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert 'style="' not in main and not re.search(r"<script>(?!\s*$)", main)
    return html


def _confirm(client, payee, language="en", amount="1,234.50"):
    form = {"mobile": payee.mobile, "amount": amount, "key": "tr-form-1"}
    response = client.post(
        reverse("payments:transfer"), form, headers={"accept-language": language}
    )
    return _html(response)


class TestTransferPages:
    def test_the_form_reads_in_english_and_chinese(self, ready):
        client = ready[0]

        english = _html(client.get(reverse("payments:transfer")))
        chinese = _html(
            client.get(reverse("payments:transfer"), headers={"accept-language": "zh-hans"})
        )

        assert "The payee's mobile number" in english
        assert "转账" in chinese

    def test_the_confirmation_shows_the_masked_name_the_amount_and_the_fee(self, ready):
        client, _, payee, payer_wallet, _ = ready

        html = _confirm(client, payee, amount="120")

        assert "王*" in html and "王伟" not in html
        assert "¥120.00" in html and "¥0.00" in html
        assert 'name="key" value="tr-form-1"' in html
        assert not Payment.objects.exists() and wallet(payer_wallet)["balance"] == 500_00

    def test_the_confirmation_reads_in_chinese(self, ready):
        client, _, payee, _, _ = ready

        html = _confirm(client, payee, "zh-hans", amount="120")

        assert "确认转账" in html and "王*" in html

    def test_an_unknown_mobile_is_refused_on_the_form_with_the_reason(self, ready):
        client = ready[0]

        response = client.post(reverse("payments:transfer"),
                               {"mobile": "13900000000", "amount": "1", "key": "k"})  # fmt: skip

        assert "No Hujin customer has this mobile number." in _html(response, 400)

    def test_sending_it_twice_is_one_transfer_and_both_see_its_page(self, ready, make_customer):
        client, _, payee, payer_wallet, payee_wallet = ready
        form = {"mobile": payee.mobile, "amount": "120", "key": "tr-form-2"}

        first = client.post(reverse("payments:transfer_send"), form)
        second = client.post(reverse("payments:transfer_send"), form)

        assert first.status_code == 302 and first["Location"] == second["Location"]
        assert Payment.objects.get().amount == 120_00
        assert wallet(payer_wallet)["balance"] == 380_00
        assert wallet(payee_wallet)["balance"] == 120_00
        sent = _html(client.get(first["Location"]))
        assert "Transfer sent" in sent and "王*" in sent and "¥120.00" in sent
        assert "转账" in _html(
            client.get(first["Location"], headers={"accept-language": "zh-hans"})
        )
        receiver = Client()
        receiver.force_login(payee)
        received = _html(receiver.get(first["Location"]))
        assert "Transfer received" in received and "张*" in received
        stranger = Client()
        stranger.force_login(make_customer(name="李四"))
        assert stranger.get(first["Location"]).status_code == 404


class TestHomeAndActivity:
    def test_the_home_page_suggests_a_transfer(self, ready):
        client = ready[0]

        html = _html(client.get("/me/"))

        assert reverse("payments:transfer") in html

    def test_the_activity_says_transfer_sent_and_transfer_received(self, ready):
        client, _, payee, _, _ = ready
        form = {"mobile": payee.mobile, "amount": "120", "key": "tr-form-3"}
        client.post(reverse("payments:transfer_send"), form)
        receiver = Client()
        receiver.force_login(payee)

        assert "Transfer sent" in _html(client.get("/me/"))
        assert "Transfer received" in _html(receiver.get("/me/"))
        assert "转账收入" in _html(receiver.get("/me/", headers={"accept-language": "zh-hans"}))
