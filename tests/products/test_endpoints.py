"""The product catalogue over the customer's API (/api/v1/me/products): the products on sale
with the portal's filters, a product's terms, fees and documents, its NAV series; a product not
on sale is not found; no token, no catalogue."""

from decimal import Decimal

import pytest
from django.test import Client

from hujin.products.services import nav_publish
from tests.payments.test_endpoints_cards import app_for
from tests.products.factories import TODAY, fixed_draft, fund_draft, mmf_draft, on_sale, submitted

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/products"


@pytest.fixture
def app(make_customer):
    return app_for(make_customer())


@pytest.fixture
def make_customer(db, now):
    from hujin.customers.models import Customer
    from hujin.identity.models import User

    def make():
        user = User.objects.create(username="app-buyer", kind="customer", mobile="+8613700001111")
        Customer.objects.create(user=user, type="individual", status="active", legal_name="张三",
                                kyc_status="verified", verified_at=now, created_at=now)  # fmt: skip
        return user

    return make


@pytest.fixture
def catalogue(maker, checker, operator, now):
    fund = on_sale(maker, checker, fund_draft(), now)
    mmf = on_sale(maker, checker, mmf_draft(), now)
    on_sale(maker, checker, fixed_draft(), now)
    draft = submitted(maker, fund_draft(code="HJ-EQ-99"), now)
    nav_publish(actor=operator, product_id=fund.id, business_date_of=TODAY, nav=Decimal("1.0234"),
                cumulative_nav=Decimal("1.2234"), business_date=TODAY, now=now)  # fmt: skip
    return {"fund": fund, "mmf": mmf, "draft": draft}


class TestTheList:
    def test_it_lists_the_products_on_sale_lowest_risk_first(self, app, catalogue):
        response = app.get(ME)

        # Not the draft, nor the fixed-term product whose raise closed in 2025 (the business
        # date is today's).
        assert response.status_code == 200
        assert [i["code"] for i in response.json()["items"]] == ["HJ-MMF-01", "HJ-EQ-01"]

    def test_the_filters_are_the_portals(self, app, catalogue):
        assert [i["code"] for i in app.get(ME, {"kind": "nav_fund"}).json()["items"]] == [
            "HJ-EQ-01"
        ]
        assert [i["code"] for i in app.get(ME, {"risk_level": "R1"}).json()["items"]] == [
            "HJ-MMF-01"
        ]
        assert app.get(ME, {"kind": "lottery"}).json()["items"] == []

    def test_amounts_are_decimal_strings_and_names_follow_the_language(self, app, catalogue):
        items = app.get(ME, headers={"accept-language": "zh-hans"}).json()["items"]

        fund = next(i for i in items if i["code"] == "HJ-EQ-01")
        assert fund["name"] == "互金股票" and fund["min_amount"] == "10.00"
        assert fund["latest"]["nav"] == "1.0234"

    def test_no_token_no_catalogue(self, catalogue):
        assert Client().get(ME).status_code == 401


class TestAProduct:
    def test_it_has_its_terms_fees_and_documents(self, app, catalogue):
        body = app.get(f"{ME}/{catalogue['fund'].id}").json()

        assert body["risk_level"] == "R4" and body["cutoff_time"] == "15:00:00"
        assert body["subscription_fees"][0] == {"from_amount": "0.00", "rate": "0.015",
                                                "fixed_fee": None}  # fmt: skip
        assert body["redemption_fees"][0] == {"from_days": 0, "rate": "0.015"}
        assert {d["kind"] for d in body["documents"]} == {
            "prospectus", "risk_disclosure", "contract"
        }  # fmt: skip
        assert Client().get(body["documents"][0]["url"]).status_code == 200

    def test_a_product_not_on_sale_is_not_found(self, app, catalogue):
        response = app.get(f"{ME}/{catalogue['draft'].id}")

        assert response.status_code == 404
        assert response.json()["error"]["code"] == "product_not_found"

    def test_its_nav_series(self, app, catalogue):
        body = app.get(f"{ME}/{catalogue['fund'].id}/nav", {"start": "2025-01-01"}).json()

        assert body["items"] == [{"business_date": "2025-03-14", "nav": "1.0234",
                                  "cumulative_nav": "1.2234", "income_per_10k": None,
                                  "yield_7d": None}]  # fmt: skip

    def test_a_date_before_1990_is_refused_as_invalid_input(self, app, catalogue):
        # "180 days before 0001-01-01" does not exist: the query is refused before it is asked
        response = app.get(f"{ME}/{catalogue['fund'].id}/nav", {"end": "0001-01-01"})

        assert response.status_code == 422
        assert response.json()["error"]["code"] == "validation_error"
        assert app.get(f"{ME}/{catalogue['fund'].id}/nav", {"start": "1989-12-31"}).status_code == (
            422
        )

    def test_a_start_after_the_end_answers_no_publications(self, app, catalogue):
        response = app.get(
            f"{ME}/{catalogue['fund'].id}/nav", {"start": "2025-03-14", "end": "1990-01-01"}
        )

        assert response.status_code == 200
        assert response.json()["items"] == []
