"""The customer's app moves money over /api/v1/me/: a quote before, top-ups, withdrawals and
transfers with the client's idempotency key, the code a large one needs, and every refusal in
the API's error shape with nothing moved."""

import re

import pytest
from django.utils import timezone

from hujin.identity.models import DevSmsMessage
from hujin.payments.channels.sandbox import sandbox_callbacks_run
from hujin.payments.models import Payment
from tests.payments.money import open_wallet, wallet
from tests.payments.rules_helpers import fund
from tests.payments.test_endpoints_cards import app_for, bound, error_code, post

pytestmark = pytest.mark.django_db
ME = "/api/v1/me"


@pytest.fixture
def app(customer):
    client = app_for(customer)
    card = bound(client)
    wallet_id = open_wallet(customer, timezone.now())
    fund(wallet_id, 20_000_00, timezone.now())
    return client, card["id"], wallet_id


def _texted_code() -> str:
    return re.search(r"\b(\d{6})\b", DevSmsMessage.objects.latest("sent_at").text).group(1)


def test_a_quote_gives_the_fee_the_total_and_what_is_left_of_the_limits(app):
    client, _, _ = app

    quote = post(client, "/quotes", {"kind": "withdrawal", "amount": "6000.00"})

    assert quote.status_code == 200
    body = quote.json()
    assert (body["fee"], body["total"], body["free_left_this_month"]) == ("0.00", "6000.00", 3)
    assert body["limits"]["left_today"] == "50000.00"
    assert body["confirmation_required"] is True and body["confirmation_methods"] == ["sms"]


def test_a_top_up_is_pending_until_the_bank_calls_back_and_the_same_key_is_the_same_payment(app):
    client, card_id, wallet_id = app
    body = {"card_id": card_id, "amount": "100.50", "idempotency_key": "app-1"}

    first, again = post(client, "/topups", body), post(client, "/topups", body)

    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and first.json()["status"] == "pending"
    sandbox_callbacks_run(now=timezone.now())
    assert wallet(wallet_id)["balance"] == 20_000_00 + 100_50


def test_a_large_withdrawal_needs_the_texted_code_bound_to_it(app):
    client, card_id, wallet_id = app
    body = {"card_id": card_id, "amount": "6000", "idempotency_key": "w-1"}

    asked = post(client, "/withdrawals", body)
    assert asked.status_code == 409 and error_code(asked) == "payment_confirmation_required"
    assert asked.json()["error"]["details"] == {"methods": ["sms"]}

    sent = post(client, "/confirmation-codes",
                {"kind": "withdrawal", "amount": "6000", "card_id": card_id})  # fmt: skip
    assert sent.status_code == 201 and sent.json()["mobile_masked"].count("*") == 4
    confirmed = {**body, "confirmation": {"method": "sms", "code": _texted_code()}}

    done = post(client, "/withdrawals", confirmed)

    assert done.status_code == 201 and wallet(wallet_id)["held"] == 6_000_00


def test_a_transfer_is_previewed_masked_then_sent(app, make_customer):
    client, _, _ = app
    payee = make_customer(name="王伟")
    open_wallet(payee, timezone.now())

    preview = post(client, "/transfers/preview", {"payee_mobile": payee.mobile, "amount": "88"})
    body = {"payee_mobile": payee.mobile, "amount": "88", "idempotency_key": "t-1",
            "fee_confirmed": "0.00"}  # fmt: skip
    sent = post(client, "/transfers", body)

    assert preview.json()["payee_name"] == "王*" and preview.json()["fee"] == "0.00"
    assert sent.status_code == 201
    assert (sent.json()["status"], sent.json()["counterparty_name"]) == ("succeeded", "王*")


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/topups", {"amount": "1.234"}, 422, "validation_error"),
        ("/topups", {"amount": "-5"}, 422, "validation_error"),
        ("/withdrawals", {"amount": "4000", "card_id": "00000000-0000-0000-0000-000000000000"},
         404, "card_not_found"),
        ("/topups", {"amount": "60000"}, 409, "payment_limit_exceeded"),
        ("/withdrawals", {"amount": "30000"}, 409, "insufficient_funds"),
        ("/topups", {"card_id": "00000000-0000-0000-0000-000000000000"}, 404, "card_not_found"),
        ("/withdrawals", {"amount": "6000", "confirmation": {"method": "sms", "code": "000000"}},
         400, "payment_confirmation_invalid"),
    ],
    ids=["three decimals", "negative", "a card not mine", "above the limit",
         "more than the wallet, before any code",
         "another card", "a wrong code"],
)  # fmt: skip
def test_refusals_are_in_the_error_shape_and_move_nothing(app, path, body, status, code):
    client, card_id, wallet_id = app
    request = {"card_id": card_id, "amount": "10", "idempotency_key": "bad", **body}

    response = post(client, path, request)

    assert response.status_code == status, response.content
    assert error_code(response) == code
    assert Payment.objects.count() == 0 and wallet(wallet_id)["held"] == 0


def test_a_withdrawal_of_more_than_the_wallet_holds_is_refused(customer, make_customer):
    client = app_for(customer)
    card_id = bound(client)["id"]
    fund(open_wallet(customer, timezone.now()), 100_00, timezone.now())

    quote = post(client, "/quotes", {"kind": "withdrawal", "amount": "200"})
    response = post(client, "/withdrawals",
                    {"card_id": card_id, "amount": "200", "idempotency_key": "x"})  # fmt: skip

    assert error_code(quote) == error_code(response) == "insufficient_funds"
    assert Payment.objects.count() == 0


def test_the_limits_list_every_kind(app):
    client, _, _ = app

    items = client.get(f"{ME}/limits").json()["items"]

    assert {item["kind"]: item["left_today"] for item in items} == {
        "topup": "50000.00",
        "withdrawal": "50000.00",
        "transfer": "50000.00",
    }
