"""The confirmation step of the portal's payment pages: the fee and the total before anything
moves, what is left of today's limit, and for a large amount the code — texted on request and
typed on the same page — in English and Chinese."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hujin.identity.models import DevSmsMessage
from hujin.payments.models import Payment
from tests.payments.money import open_wallet, wallet
from tests.payments.rules_helpers import fund


@pytest.fixture
def ready(customer, bound_card):
    now = timezone.now()
    card = bound_card(at=now)
    wallet_id = open_wallet(customer, now)
    fund(wallet_id, 20_000_00, now)
    client = Client()
    client.force_login(customer)
    return client, card, wallet_id


def _post(client, name, data, language="en", status=200):
    response = client.post(reverse(f"payments:{name}"), data,
                           headers={"accept-language": language})  # fmt: skip
    assert response.status_code == status, response.content.decode()[:2000]
    return response


def _text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.index("<main") :]))


def _withdrawal(card, amount, **extra):
    return {"amount": amount, "card": str(card.id), "key": "k1", **extra}


def test_the_withdraw_form_says_what_is_left_of_todays_limit(ready):
    client, _, _ = ready

    text = _text(client.get(reverse("payments:withdraw")))

    assert "Up to ¥50,000.00 today." in text and "At most ¥50,000.00 at a time." in text


def test_continuing_shows_the_fee_and_what_leaves_the_wallet_and_moves_nothing(ready):
    client, card, wallet_id = ready

    text = _text(_post(client, "withdraw", _withdrawal(card, "1,000", step="review")))

    assert "Fee ¥0.00" in text and "3 free withdrawals left this month" in text
    assert "Leaves your wallet ¥1,000.00" in text
    assert Payment.objects.count() == 0 and wallet(wallet_id)["held"] == 0


def test_the_fourth_withdrawal_of_the_month_shows_its_fee_before_it_is_sent(ready):
    client, card, _ = ready
    for n in range(3):
        _post(client, "withdraw", {**_withdrawal(card, "10", step="send"), "key": f"f{n}"},
              status=302)  # fmt: skip

    confirm = _text(_post(client, "withdraw", _withdrawal(card, "2,000", step="review")))
    assert "Fee ¥2.00" in confirm and "Leaves your wallet ¥2,002.00" in confirm

    _post(client, "withdraw", _withdrawal(card, "2,000", step="send", fee="200"), status=302)
    assert Payment.objects.get(idempotency_key="k1").fee == 2_00


def test_a_large_withdrawal_is_sent_with_the_code_texted_on_the_confirmation_page(ready):
    client, card, _ = ready
    confirm = _text(_post(client, "withdraw", _withdrawal(card, "6,000", step="review")))
    assert "Confirm that it is you" in confirm

    sent = _text(_post(client, "withdraw", _withdrawal(card, "6,000", step="send",
                                                       send_code="1", fee="0")))  # fmt: skip
    assert "We texted a code to" in sent and Payment.objects.count() == 0
    code = re.search(r"\b(\d{6})\b", DevSmsMessage.objects.latest("sent_at").text).group(1)

    done = _post(client, "withdraw", _withdrawal(card, "6,000", step="send", code=code,
                                                 method="sms", fee="0"), status=302)  # fmt: skip

    assert Payment.objects.get().amount == 6_000_00
    assert done["Location"].endswith(f"/{Payment.objects.get().id}/")


def test_a_wrong_code_is_said_on_the_confirmation_page_and_moves_nothing(ready):
    client, card, wallet_id = ready

    form = _withdrawal(card, "6,000", step="send", code="123456", fee="0")
    text = _text(_post(client, "withdraw", form, status=400))

    assert "Confirm the withdrawal" in text and "Confirm that it is you" in text
    assert Payment.objects.count() == 0 and wallet(wallet_id)["held"] == 0


def test_more_than_the_wallet_holds_is_refused_before_the_confirmation(ready):
    client, card, _ = ready

    text = _text(_post(client, "withdraw", _withdrawal(card, "30,000", step="review"),
                       status=400))  # fmt: skip

    assert "available balance is less" in text


def test_a_large_transfer_asks_for_the_code_in_chinese(ready, make_customer):
    client, _, _ = ready
    payee = make_customer(name="王伟")
    open_wallet(payee, timezone.now())
    form = {"mobile": payee.mobile[3:], "amount": "5000", "key": "t1"}

    confirm = _text(_post(client, "transfer", form, language="zh-hans"))
    assert "王*" in confirm and "¥5,000.00" in confirm
    _post(client, "transfer_send", {**form, "send_code": "1", "fee": "0"}, language="zh-hans")
    code = re.search(r"\b(\d{6})\b", DevSmsMessage.objects.latest("sent_at").text).group(1)

    _post(client, "transfer_send", {**form, "code": code, "fee": "0"}, status=302)

    assert Payment.objects.get().status == "succeeded"
