"""The suitability gate over the customer's API: the decision in plain words, recorded; under
the confirm policy the special warning read, confirmed by its hash, then the purchase allowed."""

import pytest
from django.utils import timezone

from hujin.wealth.models import SuitabilityRecord
from tests.payments.test_endpoints_cards import app_for

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/products"


def post(app, path, body=None):
    return app.post(path, body or {}, content_type="application/json")


@pytest.fixture
def buyer(make_customer, assessed):
    user = make_customer()
    user.mobile = "+8613700002222"
    user.save()
    assessed(user, "C3", at=timezone.now())  # the API reads the wall clock
    return user


def test_the_decision_comes_in_plain_words_and_is_recorded(buyer, make_product):
    product = make_product("R2")

    response = app_for(buyer).post(f"{ME}/{product.id}/suitability", {},
                                   content_type="application/json",
                                   headers={"accept-language": "zh-hans"})  # fmt: skip

    body = response.json()
    assert response.status_code == 200 and body["outcome"] == "allowed"
    assert body["message"] == "该产品的风险在您的风险承受能力之内。"
    assert SuitabilityRecord.objects.get().id.hex == body["record_id"].replace("-", "")


def test_a_warning_read_and_confirmed_allows_the_purchase(buyer, make_product, settings):
    settings.HUJIN_WEALTH_SUITABILITY_POLICY = "confirm"
    product = make_product("R5")
    app = app_for(buyer)

    assert post(app, f"{ME}/{product.id}/suitability").json()["outcome"] == "warning_required"
    warning = app.get(f"{ME}/{product.id}/risk-warning").json()
    confirmed = app.post(f"{ME}/{product.id}/risk-warning/confirmations",
                         {"text_sha256": warning["text_sha256"]},
                         content_type="application/json")  # fmt: skip
    after = post(app, f"{ME}/{product.id}/suitability").json()

    assert confirmed.status_code == 201
    assert after["outcome"] == "allowed"
    assert after["confirmation_id"] == confirmed.json()["confirmation_id"]


def test_a_wrong_hash_is_refused(buyer, make_product, settings):
    settings.HUJIN_WEALTH_SUITABILITY_POLICY = "confirm"
    product = make_product("R5")

    response = app_for(buyer).post(f"{ME}/{product.id}/risk-warning/confirmations",
                                   {"text_sha256": "0" * 64},
                                   content_type="application/json")  # fmt: skip

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "risk_warning_changed"


def test_no_warning_within_the_level(buyer, make_product):
    response = app_for(buyer).get(f"{ME}/{make_product('R1').id}/risk-warning")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "risk_warning_not_needed"


def test_an_unknown_product_is_not_found(buyer):
    response = post(app_for(buyer), f"{ME}/00000000-0000-0000-0000-000000000000/suitability")

    assert response.status_code == 404
