"""The customer's statements over the JSON API (/api/v1/me/payments, /me/statements/{month}),
with the customer's own access token: the history filtered and in cursor pages, a received
transfer as incoming, another customer's payment not found, a month that adds up, money as
decimal strings, errors in the API's shape, the operations in the OpenAPI document."""

import pytest
from django.test import Client

from tests.payments.statements_story import story_told
from tests.payments.test_endpoints_cards import ME, app_for, error_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(make_customer, bound_card, sandbox, now):
    return story_told(make_customer, bound_card, sandbox, now)


@pytest.fixture
def app(story):
    return app_for(story.payer)


class TestPaymentsList:
    def test_the_history_has_every_payment_and_the_transfer_received(self, app):
        response = app.get(f"{ME}/payments")

        assert response.status_code == 200
        items = response.json()["items"]
        assert sorted((i["kind"], i["status"], i["signed_amount"]) for i in items) == sorted([
            ("withdrawal", "pending", "-50.00"), ("transfer_in", "succeeded", "30.00"),
            ("transfer_out", "succeeded", "-120.00"), ("topup", "succeeded", "200.00"),
            ("topup", "failed", "10.00"), ("topup", "succeeded", "300.00"),
        ])  # fmt: skip
        received = next(i for i in items if i["kind"] == "transfer_in")
        assert received["direction"] == "in" and received["counterparty"] == "王*"
        assert received["amount"] == "30.00" and received["fee"] == "0.00"

    def test_the_filters_narrow_it(self, app):
        kind = app.get(f"{ME}/payments", {"kind": "topup", "status": "succeeded"}).json()
        february = app.get(
            f"{ME}/payments", {"from_date": "2025-02-01", "to_date": "2025-02-28"}
        ).json()

        assert sorted(i["amount"] for i in kind["items"]) == ["200.00", "300.00"]
        assert [i["amount"] for i in february["items"]] == ["300.00"]

    def test_cursor_pages_cover_everything_once(self, app):
        first = app.get(f"{ME}/payments", {"limit": 4}).json()
        older = app.get(f"{ME}/payments", {"limit": 4, "before": first["older_cursor"]}).json()

        assert len(first["items"]) == 4 and len(older["items"]) == 2
        assert older["older_cursor"] is None
        assert len({i["id"] for i in first["items"] + older["items"]}) == 6

    def test_bad_filters_answer_in_the_error_shape(self, app):
        unknown = app.get(f"{ME}/payments", {"kind": "refund"})
        backwards = app.get(f"{ME}/payments", {"from_date": "2025-03-02", "to_date": "2025-03-01"})

        assert unknown.status_code == 422 and error_code(unknown) == "validation_error"
        assert backwards.status_code == 400
        assert error_code(backwards) == "statement_filter_invalid"

    def test_without_a_token_it_asks_for_one(self, story):
        response = Client().get(f"{ME}/payments")

        assert response.status_code == 401 and error_code(response) == "unauthenticated"


class TestOnePayment:
    def test_a_received_transfer_is_shown_to_its_payee(self, app, story):
        response = app.get(f"{ME}/payments/{story.payments['received'].id}")

        assert response.status_code == 200
        body = response.json()
        assert (body["kind"], body["direction"], body["signed_amount"]) == (
            "transfer_in", "in", "30.00",
        )  # fmt: skip
        assert body["reference"] == story.payments["received"].id.hex[-12:].upper()

    def test_another_customers_payment_is_not_found(self, story, make_customer):
        stranger = app_for(make_customer(name="李四"))

        response = stranger.get(f"{ME}/payments/{story.payments['sent'].id}")

        assert response.status_code == 404 and error_code(response) == "payment_not_found"
        assert stranger.get(f"{ME}/payments").json()["items"] == []

    def test_an_id_that_is_not_one_is_refused(self, app):
        assert app.get(f"{ME}/payments/not-an-id").status_code == 422


class TestMonthlyStatement:
    def test_the_month_adds_up_in_decimal_strings(self, app):
        response = app.get(f"{ME}/statements/2025-03")

        assert response.status_code == 200
        body = response.json()
        assert body["month"] == "2025-03" and body["last_day"] == "2025-03-31"
        assert body["complete"] is True and body["wallet_open"] is True
        totals = ("opening_balance", "money_in", "money_out", "fees", "closing_balance")
        assert [body[name] for name in totals] == ["300.00", "230.00", "120.00", "0.00", "410.00"]
        lines = [(line["label"], line["amount"], line["balance_after"]) for line in body["lines"]]
        assert lines == [
            ("Top-up", "200.00", "500.00"), ("Transfer sent", "-120.00", "380.00"),
            ("Transfer received", "30.00", "410.00"),
        ]  # fmt: skip
        assert sorted(e["status"] for e in body["not_posted"]) == ["failed", "pending"]

    def test_a_malformed_month_and_a_month_to_come_are_refused(self, app):
        malformed = app.get(f"{ME}/statements/2025-3")
        to_come = app.get(f"{ME}/statements/2999-01")

        assert malformed.status_code == 400
        assert error_code(malformed) == "statement_month_invalid"
        assert to_come.status_code == 404 and error_code(to_come) == "statement_month_not_found"

    def test_the_month_answers_in_the_customers_language(self, app):
        body = app.get(f"{ME}/statements/2025-03", headers={"accept-language": "zh-hans"}).json()

        assert body["lines"][0]["label"] == "充值"


def test_the_operations_are_in_the_openapi_document(db):
    document = Client().get("/api/v1/openapi.json").json()

    for path in ("/api/v1/me/payments", "/api/v1/me/payments/{payment_id}",
                 "/api/v1/me/statements/{month}"):  # fmt: skip
        operation = document["paths"][path]["get"]
        assert operation["security"] == [{"customerToken": []}]
        assert {"401", "422"} <= set(operation["responses"])
