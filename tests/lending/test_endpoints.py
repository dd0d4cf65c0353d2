"""The customer's lending API: the products and a quote, an application decided at once (one per
idempotency key), the contract and its signature with the texted code, the loan paid out with
its schedule, repaying and repaying early; money as decimal strings in yuan, every refusal in
the error shape, and nobody else's application or loan to be found.

The API reads the wall clock (an offer expires by it); the business date is the fixtures'."""

import pytest

from hujin.lending import types as t
from hujin.lending.models import LoanApplication
from tests.lending.flow import texted_code
from tests.payments.test_endpoints_cards import app_for

pytestmark = pytest.mark.django_db
ME = "/api/v1/me"


@pytest.fixture
def ready(borrower, loan_product, champion, funded, business_date_set):
    """A clean borrower logged in through the API (¥20,000 in the wallet) and a product on
    sale: (user, client, product)."""
    user = borrower(balance=2_000_000)
    return user, app_for(user), loan_product()


def post(app, path: str, body: dict | None = None):
    return app.post(f"{ME}{path}", body or {}, content_type="application/json")


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    return error


def application_body(product, **changes) -> dict:
    return {"product_id": str(product.id), "amount": "15000.00", "term": 12,
            "purpose": "consumption", "monthly_income": "15000", "idempotency_key": "a1",
            **changes}  # fmt: skip


def signed(app, application_id: str) -> dict:
    contract = app.get(f"{ME}/loan-applications/{application_id}/contract").json()
    assert post(app, f"/loan-applications/{application_id}/sign-code",
                {"contract_sha256": contract["sha256"]}).status_code == 202  # fmt: skip
    response = post(app, f"/loan-applications/{application_id}/sign",
                    {"contract_sha256": contract["sha256"], "code": texted_code()})  # fmt: skip
    assert response.status_code == 201, response.content
    return response.json()


class TestProductsAndQuote:
    def test_lists_the_products_on_sale_with_rates_as_decimal_strings(self, ready):
        _, app, product = ready
        [item] = app.get(f"{ME}/loan-products").json()["items"]
        assert (item["id"], item["min_rate"], item["max_rate"]) == (
            str(product.id), "0.060000", "0.180000")  # fmt: skip
        assert (item["min_amount"], item["max_amount"]) == ("1000.00", "200000.00")

    def test_quotes_the_schedule_at_the_highest_rate(self, ready):
        _, app, product = ready
        body = app.get(f"{ME}/loan-products/{product.id}/quote",
                       {"amount": "12000", "term": 12}).json()  # fmt: skip
        assert body["rate"] == "0.180000" and len(body["instalments"]) == 12
        assert body["principal"] == "12000.00"
        assert sum(float(i["principal"]) for i in body["instalments"]) == pytest.approx(12000)

    def test_an_amount_outside_the_range_names_the_field(self, ready):
        _, app, product = ready
        response = app.get(f"{ME}/loan-products/{product.id}/quote", {"amount": "5", "term": 12})
        assert error_of(response, 400)["details"]["field"] == "amount"


class TestApplications:
    def test_an_approved_application_answers_the_offer(self, ready):
        _, app, product = ready
        response = post(app, "/loan-applications", application_body(product))
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["state"] == t.APP_APPROVED
        assert body["offer_amount"] == "15000.00" and body["offer_apr"]

    def test_the_same_key_answers_the_first_application(self, ready):
        _, app, product = ready
        first = post(app, "/loan-applications", application_body(product)).json()
        again = post(app, "/loan-applications", application_body(product, amount="9000")).json()
        assert first["id"] == again["id"] and LoanApplication.objects.count() == 1

    def test_a_refused_purpose_is_declined_with_its_reason_in_words(self, ready):
        _, app, product = ready
        body = post(app, "/loan-applications",
                    application_body(product, purpose="securities")).json()  # fmt: skip
        assert body["state"] == t.APP_DECLINED
        assert body["reason_codes"][0] == "purpose_refused"
        assert "investments" in body["reasons"][0]

    def test_nobody_elses_application_is_found(self, ready, borrower):
        _, app, product = ready
        mine = post(app, "/loan-applications", application_body(product)).json()
        stranger = app_for(borrower(bureau_file="thin"))
        response = stranger.get(f"{ME}/loan-applications/{mine['id']}")
        assert error_of(response, 404)["code"] == "loan_application_not_found"


class TestSigningAndRepaying:
    def test_the_texted_code_signs_and_the_loan_is_paid_out_with_its_schedule(self, ready):
        _, app, product = ready
        application = post(app, "/loan-applications", application_body(product)).json()

        loan = signed(app, application["id"])

        assert loan["state"] == t.LOAN_ACTIVE and len(loan["schedule"]) == 12
        assert loan["outstanding_principal"] == "15000.00"
        assert app.get(f"{ME}/loans").json()["items"][0]["id"] == loan["id"]

    def test_a_wrong_code_is_refused_in_the_error_shape(self, ready):
        _, app, product = ready
        application = post(app, "/loan-applications", application_body(product)).json()
        contract = app.get(f"{ME}/loan-applications/{application['id']}/contract").json()
        response = post(app, f"/loan-applications/{application['id']}/sign",
                        {"contract_sha256": contract["sha256"], "code": "000000"})  # fmt: skip
        assert error_of(response, 400)["code"] == "confirmation_required"

    def test_a_repayment_is_allocated_and_answered_in_yuan(self, ready):
        _, app, product = ready
        application = post(app, "/loan-applications", application_body(product)).json()
        loan = signed(app, application["id"])
        first = loan["schedule"][0]

        response = post(app, f"/loans/{loan['id']}/repayments",
                        {"amount": first["owed"], "idempotency_key": "r1"})  # fmt: skip

        assert response.status_code == 201, response.content
        assert response.json()["amount"] == first["owed"]
        again = app.get(f"{ME}/loans/{loan['id']}").json()
        assert again["schedule"][0]["state"] == "paid" and again["instalments_paid"] == 1

    def test_more_than_is_owed_is_refused(self, ready):
        _, app, product = ready
        application = post(app, "/loan-applications", application_body(product)).json()
        loan = signed(app, application["id"])
        response = post(app, f"/loans/{loan['id']}/repayments",
                        {"amount": "99999.00", "idempotency_key": "r1"})  # fmt: skip
        assert error_of(response, 400)["code"] == "loan_repayment_invalid"

    def test_the_prepayment_quote_then_the_prepayment_settle_the_loan(self, ready):
        _, app, product = ready
        application = post(app, "/loan-applications", application_body(product)).json()
        loan = signed(app, application["id"])
        quote = app.get(f"{ME}/loans/{loan['id']}/prepayment-quote").json()
        assert quote["full"] and quote["principal"] == "15000.00"

        response = post(app, f"/loans/{loan['id']}/prepayments", {"idempotency_key": "p1"})

        assert response.json()["amount"] == quote["total"]
        assert app.get(f"{ME}/loans/{loan['id']}").json()["state"] == t.LOAN_SETTLED

    def test_a_part_prepayment_quote_shows_the_schedule_that_follows(self, ready):
        _, app, product = ready
        application = post(app, "/loan-applications", application_body(product)).json()
        loan = signed(app, application["id"])
        quote = app.get(f"{ME}/loans/{loan['id']}/prepayment-quote",
                        {"principal": "5000", "choice": "shorten_term"}).json()  # fmt: skip
        assert quote["principal"] == "5000.00"
        assert 0 < len(quote["new_schedule"]) < 12
