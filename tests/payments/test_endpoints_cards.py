"""The customer's cards and wallet over the JSON API (/api/v1/me/...), with the customer's own
access token: bind, confirm, default, unbind; the errors in the API's shape; another customer's
card is not found; the wallet's balance as decimal strings."""

import pytest
from django.test import Client

from hujin.core.actors import SYSTEM
from hujin.customers.models import Customer
from hujin.customers.services.wallet import WALLET_CODE, customer_account_open
from tests.conftest import _password_hash
from tests.customers.wallet_moves import bank_account, move, payout, topup
from tests.payments.conftest import CODE, MOBILE, card_number

pytestmark = pytest.mark.django_db

PASSWORD = "plum-blossom-river-42"
ME = "/api/v1/me"


def app_for(user) -> Client:
    """A client that logged in as ``user`` through the API and sends its access token."""
    user.password = _password_hash(PASSWORD)
    user.save(update_fields=["password"])
    response = Client().post(
        f"{ME}/tokens", {"mobile": user.mobile, "password": PASSWORD},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    return Client(headers={"authorization": f"Bearer {response.json()['access_token']}"})


def post(client, path, body=None):
    return client.post(f"{ME}{path}", body or {}, content_type="application/json")


def begin(client, *, serial=7, name="张三", valid=True):
    number = card_number(serial=serial, valid=valid)
    body = {"number": number, "holder_name": name, "reserved_mobile": MOBILE}
    return post(client, "/cards", body)


def bound(client, *, serial=7) -> dict:
    started = begin(client, serial=serial).json()
    return post(client, f"/cards/{started['card']['id']}/verify", {"code": CODE}).json()


def error_code(response) -> str:
    return response.json()["error"]["code"]


@pytest.fixture
def app(customer):
    return app_for(customer)


class TestBinding:
    def test_a_binding_waits_for_the_banks_code_then_the_card_is_active_and_default(self, app):
        started = begin(app)
        assert started.status_code == 201
        body = started.json()
        assert body["card"]["status"] == "pending_verification"
        assert body["luhn_warning"] is False
        assert body["reserved_mobile_masked"] != MOBILE
        assert "*" in body["card"]["masked_number"]

        confirmed = post(app, f"/cards/{body['card']['id']}/verify", {"code": CODE})

        assert confirmed.status_code == 200
        assert confirmed.json()["status"] == "active"
        assert confirmed.json()["is_default"] is True
        listing = app.get(f"{ME}/cards").json()
        assert [c["id"] for c in listing["items"]] == [body["card"]["id"]]
        assert listing["may_bind"] is True

    def test_a_number_failing_the_check_digit_is_bound_with_a_warning(self, app):
        response = begin(app, valid=False)

        assert response.status_code == 201
        assert response.json()["luhn_warning"] is True

    def test_a_wrong_code_is_refused_with_its_code(self, app):
        card_id = begin(app).json()["card"]["id"]

        response = post(app, f"/cards/{card_id}/verify", {"code": "000000"})

        assert response.status_code == 400
        assert error_code(response) == "card_code_wrong"

    def test_another_name_than_the_verified_one_is_refused(self, app):
        response = begin(app, name="李四")

        assert response.status_code == 400
        assert error_code(response) == "card_holder_mismatch"

    def test_an_unverified_customer_is_told_to_verify_first(self, make_customer):
        response = begin(app_for(make_customer(verified=False)))

        assert response.status_code == 409
        assert error_code(response) == "customer_not_verified"

    def test_the_card_number_never_comes_back(self, app):
        number = card_number(serial=7)
        started = begin(app)

        assert number not in started.content.decode()
        assert number not in app.get(f"{ME}/cards").content.decode()


class TestDefaultAndUnbind:
    def test_another_card_can_become_the_default(self, app):
        first = bound(app, serial=7)
        second = bound(app, serial=8)

        response = post(app, f"/cards/{second['id']}/default")

        assert response.status_code == 200
        assert response.json()["is_default"] is True
        items = app.get(f"{ME}/cards").json()["items"]
        assert [(c["id"], c["is_default"]) for c in items] == [
            (second["id"], True),
            (first["id"], False),
        ]

    def test_an_unbound_card_leaves_the_list(self, app):
        card = bound(app)

        response = app.delete(f"{ME}/cards/{card['id']}")

        assert response.status_code == 200
        assert response.json()["status"] == "unbound"
        assert app.get(f"{ME}/cards").json()["items"] == []


class TestAnotherCustomersCard:
    @pytest.mark.parametrize("action", ["verify", "default", "unbind"])
    def test_is_not_found(self, app, make_customer, action):
        card = bound(app)
        stranger = app_for(make_customer(name="李四"))

        if action == "unbind":
            response = stranger.delete(f"{ME}/cards/{card['id']}")
        elif action == "verify":
            response = post(stranger, f"/cards/{card['id']}/verify", {"code": CODE})
        else:
            response = post(stranger, f"/cards/{card['id']}/default")

        assert response.status_code == 404
        assert error_code(response) == "card_not_found"
        assert stranger.get(f"{ME}/cards").json()["items"] == []


class TestWallet:
    def test_without_a_wallet_the_answer_says_it_is_not_open(self, app):
        response = app.get(f"{ME}/wallet")

        assert response.status_code == 409
        assert error_code(response) == "wallet_not_open"

    def test_the_balance_and_what_is_available_are_decimal_strings(
        self, customer, app, now, business_date
    ):
        profile = Customer.objects.get(user=customer)
        profile.wallet_account_id = customer_account_open(
            customer=profile, id=None, currency="CNY", code=WALLET_CODE, kind="liability",
            name="Customer wallet", debits_must_not_exceed_credits=True, actor=SYSTEM, now=now,
        )  # fmt: skip
        profile.save(update_fields=["wallet_account_id"])
        bank = bank_account(now)
        move(topup(bank, profile, 1234_50), now=now, business_date=business_date)
        move(payout(bank, profile, 200_00, kind="pending"), now=now, business_date=business_date)

        response = app.get(f"{ME}/wallet")

        assert response.status_code == 200
        assert response.json() == {"currency": "CNY", "balance": "1234.50", "available": "1034.50"}


class TestAuthentication:
    def test_without_a_token_the_cards_are_not_shown(self, db):
        response = Client().get(f"{ME}/cards")

        assert response.status_code == 401
        assert error_code(response) == "unauthenticated"
