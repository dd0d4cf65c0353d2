"""Orders, holdings and earnings over the customer's API: money and units in and out as decimal
strings, every refusal in the error shape with its status, one order per idempotency key, and
nobody else's order to be found. The API reads the wall clock: the customer is assessed and
acknowledges at the real moment; the business date is the fixtures' (2025-03-14)."""

import uuid

import pytest
from django.test import Client
from django.utils import timezone

from hujin.core.dates import business_date_get
from hujin.wealth.models import Order
from tests.payments.test_endpoints_cards import app_for
from tests.products.factories import TODAY, mmf_draft
from tests.products.factories import on_sale as put_on_sale
from tests.wealth.conftest import CHECKER, MAKER
from tests.wealth.orders_helpers import acknowledged, funded_wallet, income, wallet, wealth_cob

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"
_mobiles = iter(range(13700003000, 13700004000))


@pytest.fixture
def customer(make_customer, assessed, now):
    """Factory: a customer logged in through the API, assessed at ``level`` just now, with
    ``funds`` fen in the wallet; answers (user, client)."""

    business_date_get(now=now)  # the fixtures' date, not the wall clock's

    def make(level: str = "C3", funds: int = 50_000_00):
        user = make_customer()
        user.mobile = f"+86{next(_mobiles)}"
        user.save()
        assessed(user, level, at=timezone.now())
        user.wallet_id = funded_wallet(user, funds, now)
        return user, app_for(user)

    return make


@pytest.fixture
def fund(make_product):
    """A NAV fund rated R2, minimum ¥10.00, fee 1.5 %."""
    return make_product("R2")


@pytest.fixture
def mmf(db, now, documents_dir):
    business_date_get(now=now)
    return put_on_sale(MAKER, CHECKER, mmf_draft(), now)


def post(app, path: str, body: dict | None = None, **headers):
    return app.post(f"{ME}{path}", body or {}, content_type="application/json", headers=headers)


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    return error


def buy(app, user, product, amount: str = "1000.00", key: str = "k1"):
    acknowledged(user, product, timezone.now())
    return post(app, f"/products/{product.id}/orders", {"amount": amount, "idempotency_key": key})


class TestSubscribe:
    def test_holds_the_money_and_answers_the_order_in_decimal_strings(self, customer, fund):
        user, app = customer()

        response = buy(app, user, fund)

        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["kind"], body["state"], body["currency"]) == ("subscribe", "submitted", "CNY")
        assert body["amount"] == "1000.00"
        assert body["fee"] == "14.78" and body["net"] == "985.22"  # 1.5 % on top of the net
        assert body["unit"] == f"U:{fund.code}" and body["units"] == "0.00"
        assert body["cancellable"] is True and body["nav"] is None
        assert wallet(user.wallet_id) == {"balance": 50_000_00, "held": 1_000_00}

    def test_the_same_key_answers_the_first_order(self, customer, fund):
        user, app = customer()
        first = buy(app, user, fund, key="same")

        again = post(app, f"/products/{fund.id}/orders",
                     {"amount": "1000.00", "idempotency_key": "same"})  # fmt: skip

        assert again.status_code == 201
        assert again.json()["id"] == first.json()["id"]
        assert Order.objects.count() == 1
        assert wallet(user.wallet_id)["held"] == 1_000_00

    def test_the_same_key_for_another_order_is_refused(self, customer, fund):
        user, app = customer()
        buy(app, user, fund, key="same")

        other = post(app, f"/products/{fund.id}/orders",
                     {"amount": "2000.00", "idempotency_key": "same"})  # fmt: skip

        assert error_of(other, 409)["code"] == "idempotency_key_reused"

    def test_a_product_above_the_customers_level_is_not_suitable(self, customer, make_product):
        user, app = customer("C1")
        risky = make_product("R4")

        response = buy(app, user, risky)

        error = error_of(response, 409)
        assert error["code"] == "not_suitable"
        assert error["details"]["outcome"] == "refused"
        assert Order.objects.count() == 0

    def test_a_wallet_short_of_the_amount_is_refused(self, customer, fund):
        user, app = customer(funds=100_00)

        response = buy(app, user, fund)

        assert error_of(response, 409)["code"] == "insufficient_funds"
        assert Order.objects.count() == 0
        assert wallet(user.wallet_id) == {"balance": 100_00, "held": 0}

    def test_documents_not_acknowledged_are_refused(self, customer, fund):
        _, app = customer()

        response = post(app, f"/products/{fund.id}/orders",
                        {"amount": "1000.00", "idempotency_key": "k"})  # fmt: skip

        assert error_of(response, 409)["code"] == "documents_not_acknowledged"

    @pytest.mark.parametrize("amount", ["1,000.00", "abc", "10.001", "-5", "1e3", "", " "])
    def test_an_amount_that_is_not_a_decimal_string_is_a_422(self, customer, fund, amount):
        user, app = customer()

        response = buy(app, user, fund, amount=amount)

        assert error_of(response, 422)["code"] == "validation_error"

    @pytest.mark.parametrize(("amount", "reason"), [("0.00", None), ("5.00", "below_minimum")])
    def test_an_amount_the_product_does_not_take_is_a_400(self, customer, fund, amount, reason):
        user, app = customer()

        response = buy(app, user, fund, amount=amount)

        error = error_of(response, 400)
        assert error["code"] == "order_amount_invalid"
        assert error["details"].get("reason") == reason

    def test_a_number_instead_of_a_string_and_unknown_fields_are_a_422(self, customer, fund):
        user, app = customer()
        acknowledged(user, fund, timezone.now())
        path = f"/products/{fund.id}/orders"

        as_number = post(app, path, {"amount": 1000, "idempotency_key": "k"})
        unknown = post(app, path, {"amount": "1000.00", "idempotency_key": "k", "x": 1})
        no_key = post(app, path, {"amount": "1000.00"})
        control = post(app, path, {"amount": "1000.00", "idempotency_key": "a\x00b"})
        too_long = post(app, path, {"amount": "1000.00", "idempotency_key": "k" * 65})

        for response in (as_number, unknown, no_key, control, too_long):
            assert error_of(response, 422)["code"] == "validation_error"

    def test_an_unknown_product_is_not_found(self, customer):
        _, app = customer()

        response = post(app, f"/products/{uuid.uuid4()}/orders",
                        {"amount": "1000.00", "idempotency_key": "k"})  # fmt: skip

        assert error_of(response, 404)["code"] == "product_not_found"


class TestOrders:
    def test_lists_ones_own_orders_filtered_by_state_and_product(self, customer, fund, mmf):
        user, app = customer()
        buy(app, user, fund, key="a")
        buy(app, user, mmf, amount="200.00", key="b")
        other, other_app = customer()
        buy(other_app, other, fund, key="a")

        everything = app.get(f"{ME}/orders").json()["items"]
        of_fund = app.get(f"{ME}/orders", {"product_id": str(fund.id)}).json()["items"]
        confirmed = app.get(f"{ME}/orders", {"state": "confirmed"}).json()["items"]

        assert {o["amount"] for o in everything} == {"1000.00", "200.00"}
        assert [o["product_id"] for o in of_fund] == [str(fund.id)]
        assert confirmed == []

    def test_an_unknown_state_is_a_422(self, customer):
        _, app = customer()

        response = app.get(f"{ME}/orders", {"state": "lost"})

        assert error_of(response, 422)["code"] == "validation_error"

    def test_one_order_by_id(self, customer, fund):
        user, app = customer()
        order_id = buy(app, user, fund).json()["id"]

        response = app.get(f"{ME}/orders/{order_id}")

        assert response.status_code == 200
        assert response.json()["id"] == order_id

    def test_someone_elses_order_is_not_found(self, customer, fund):
        user, app = customer()
        order_id = buy(app, user, fund).json()["id"]
        _, stranger = customer()

        seen = stranger.get(f"{ME}/orders/{order_id}")
        cancelled = post(stranger, f"/orders/{order_id}/cancel")

        assert error_of(seen, 404)["code"] == "order_not_found"
        assert error_of(cancelled, 404)["code"] == "order_not_found"
        assert Order.objects.get(id=order_id).state == "submitted"

    def test_a_malformed_order_id_is_a_422(self, customer):
        _, app = customer()

        assert app.get(f"{ME}/orders/not-an-id").status_code == 422

    def test_cancel_releases_the_money_and_only_once(self, customer, fund):
        user, app = customer()
        order_id = buy(app, user, fund).json()["id"]

        cancelled = post(app, f"/orders/{order_id}/cancel")
        again = post(app, f"/orders/{order_id}/cancel")

        assert cancelled.status_code == 200
        assert cancelled.json()["state"] == "cancelled"
        assert cancelled.json()["cancellable"] is False
        assert wallet(user.wallet_id) == {"balance": 50_000_00, "held": 0}
        assert error_of(again, 409)["code"] == "order_not_cancellable"

    def test_no_token_no_orders(self, db):
        response = Client().get(f"{ME}/orders")

        assert error_of(response, 401)["code"]


@pytest.fixture
def holder_of_mmf(customer, mmf):
    """A customer holding 1,000.00 units of the money-market fund, confirmed by the close of
    business of the fixtures' business date."""
    user, app = customer()
    assert buy(app, user, mmf).status_code == 201
    now = timezone.now()
    income(mmf, TODAY, now, "0.5000")
    wealth_cob(TODAY, now)
    return user, app


class TestHoldings:
    def test_the_overview_adds_the_wallet_and_the_holdings(self, holder_of_mmf, mmf):
        _, app = holder_of_mmf

        body = app.get(f"{ME}/assets").json()

        assert body["currency"] == "CNY"
        assert body["wallet"] == "49000.00" and body["invested"] == "1000.00"
        assert body["total"] == "50000.00"
        assert body["by_kind"] == [{"kind": "mmf", "market_value": "1000.00"}]
        [holding] = body["holdings"]
        assert (holding["unit"], holding["units"]) == (f"U:{mmf.code}", "1000.00")
        assert holding["product_name"] == "Hujin Cash" and holding["price"] == "1.0000"
        assert body["pending_orders"] == []

    def test_holdings_name_the_product_in_the_requests_language(self, holder_of_mmf):
        _, app = holder_of_mmf

        [holding] = app.get(f"{ME}/holdings", headers={"accept-language": "zh-hans"}).json()[
            "items"
        ]

        assert holding["product_name"] == "互金现金宝"
        assert holding["market_value"] == "1000.00" and holding["units_redeeming"] == "0.00"

    def test_a_customer_who_holds_nothing_has_empty_lists(self, customer):
        _, app = customer()

        body = app.get(f"{ME}/assets").json()

        assert body["holdings"] == [] and body["invested"] == "0.00"
        assert app.get(f"{ME}/holdings").json() == {"items": []}


class TestRedemptions:
    def test_the_quote_prices_the_units_asked(self, holder_of_mmf, mmf):
        _, app = holder_of_mmf

        response = app.get(f"{ME}/products/{mmf.id}/redemption-quote", {"units": "100.00"})

        assert response.status_code == 200, response.content
        quote = response.json()
        assert (quote["units"], quote["available"], quote["net"]) == (
            "100.00", "1000.00", "100.00",
        )  # fmt: skip
        assert quote["unit"] == f"U:{mmf.code}" and quote["price"] == "1.0000"
        assert quote["fast_left"] is not None

    @pytest.mark.parametrize("units", ["", "1.234", "ten", "-1"])
    def test_a_quote_of_units_that_are_not_a_decimal_string_is_a_422(
        self, holder_of_mmf, mmf, units
    ):
        _, app = holder_of_mmf

        response = app.get(f"{ME}/products/{mmf.id}/redemption-quote", {"units": units})

        assert error_of(response, 422)["code"] == "validation_error"

    def test_a_fast_redemption_pays_the_wallet_at_once(self, holder_of_mmf, mmf):
        user, app = holder_of_mmf
        body = {"units": "100.00", "fast": True, "idempotency_key": "r1"}

        response = post(app, f"/products/{mmf.id}/redemptions", body)
        again = post(app, f"/products/{mmf.id}/redemptions", body)

        assert response.status_code == 201, response.content
        order = response.json()
        assert (order["kind"], order["state"], order["fast"]) == ("redeem", "confirmed", True)
        assert (order["units"], order["payout"]) == ("100.00", "100.00")
        assert again.json()["id"] == order["id"]
        assert wallet(user.wallet_id)["balance"] == 49_000_00 + 100_00

    def test_more_units_than_held_are_refused(self, holder_of_mmf, mmf):
        _, app = holder_of_mmf

        response = post(app, f"/products/{mmf.id}/redemptions",
                        {"units": "1000.01", "idempotency_key": "r1"})  # fmt: skip

        assert error_of(response, 409)["code"] == "insufficient_units"

    def test_zero_units_are_a_400(self, holder_of_mmf, mmf):
        _, app = holder_of_mmf

        response = post(app, f"/products/{mmf.id}/redemptions",
                        {"units": "0", "idempotency_key": "r1"})  # fmt: skip

        assert error_of(response, 400)["code"] == "order_amount_invalid"


class TestEarnings:
    def test_the_statement_of_a_period(self, holder_of_mmf, mmf):
        _, app = holder_of_mmf

        response = app.get(f"{ME}/earnings", {"start": TODAY.isoformat(),
                                              "end": TODAY.isoformat()})  # fmt: skip

        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["start"], body["end"], body["currency"]) == (
            TODAY.isoformat(), TODAY.isoformat(), "CNY",
        )  # fmt: skip
        [line] = body["lines"]
        assert (line["opening"], line["paid"], line["closing"]) == ("0.00", "1000.00", "1000.00")
        assert line["earnings"] == "0.00" and body["earnings"] == "0.00"

    def test_by_default_the_month_so_far(self, customer):
        _, app = customer()

        body = app.get(f"{ME}/earnings").json()

        assert body["end"] == "2025-03-13" and body["start"] == "2025-03-01"

    @pytest.mark.parametrize("start", ["1989-12-31", "yesterday", "2025-02-30", "0001-01-01"])
    def test_a_date_that_is_not_one_is_a_422(self, customer, start):
        _, app = customer()

        response = app.get(f"{ME}/earnings", {"start": start})

        assert error_of(response, 422)["code"] == "validation_error"


def test_the_operations_are_in_the_openapi_document(db):
    document = Client().get("/api/v1/openapi.json").json()

    operations = {
        ("get", "/assets"), ("get", "/holdings"), ("get", "/orders"),
        ("get", "/orders/{order_id}"), ("post", "/products/{product_id}/orders"),
        ("post", "/products/{product_id}/redemptions"),
        ("get", "/products/{product_id}/redemption-quote"),
        ("post", "/orders/{order_id}/cancel"), ("get", "/earnings"),
    }  # fmt: skip
    for method, path in operations:
        operation = document["paths"][f"{ME}{path}"][method]
        assert operation["security"] == [{"customerToken": []}]
        assert {"400", "401", "422"} <= set(operation["responses"])
    subscribe = document["paths"][f"{ME}/products/{{product_id}}/orders"]["post"]
    assert {"404", "409"} <= set(subscribe["responses"])
    assert Client().get("/api/v1/docs").status_code == 200
