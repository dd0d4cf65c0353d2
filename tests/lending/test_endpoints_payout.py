"""The API's signature with a bound card to receive the money: the loan answers where the money
goes and the payout's state; a card that is not the customer's is refused in the error shape."""

import pytest
from django.utils import timezone

from hujin.lending.models import Loan
from tests.lending.flow import texted_code
from tests.lending.test_endpoints import ME, application_body, error_of, post
from tests.lending.test_services_payout import bound_card
from tests.payments.conftest import CODE, card_number
from tests.payments.test_endpoints_cards import app_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sandbox(settings):
    settings.HUJIN_PAYMENTS_SANDBOX = {"code": CODE}
    settings.HUJIN_PAYMENTS_CHANNEL = ""


@pytest.fixture
def ready(borrower, loan_product, champion, funded, business_date_set):
    """A borrower logged in through the API and a product on sale: (user, client, product)."""
    user = borrower(balance=200_000)
    return user, app_for(user), loan_product()


def _sign(app, application_id, **choice):
    contract = app.get(f"{ME}/loan-applications/{application_id}/contract").json()
    post(app, f"/loan-applications/{application_id}/sign-code",
         {"contract_sha256": contract["sha256"]})  # fmt: skip
    return post(
        app,
        f"/loan-applications/{application_id}/sign",
        {"contract_sha256": contract["sha256"], "code": texted_code(), **choice},
    )


def test_signing_to_a_bound_card_answers_the_card_masked_and_the_payout_under_way(ready):
    user, app, product = ready
    card = bound_card(user, timezone.now())
    application = post(app, "/loan-applications", application_body(product)).json()

    response = _sign(app, application["id"], disburse_to="card", card_id=str(card.id))

    assert response.status_code == 201, response.content
    loan = response.json()
    assert loan["disburse_to"] == "card" and loan["payout_status"] == "created"
    assert loan["disburse_card"].endswith(f"6222 **** **** {card_number(serial=7)[-4:]}")
    assert app.get(f"{ME}/loans/{loan['id']}").json()["payout_status"] == "created"


def test_the_wallet_is_the_default_and_has_no_payout(ready):
    _, app, product = ready
    application = post(app, "/loan-applications", application_body(product)).json()

    loan = _sign(app, application["id"]).json()

    assert loan["disburse_to"] == "wallet" and loan["payout_status"] is None
    assert loan["disburse_card"] == ""


def test_a_card_that_is_not_mine_is_refused_and_nothing_is_signed(ready, borrower):
    _, app, product = ready
    someone_elses = bound_card(borrower(), timezone.now(), serial=9)
    application = post(app, "/loan-applications", application_body(product)).json()

    response = _sign(app, application["id"], disburse_to="card", card_id=str(someone_elses.id))

    assert error_of(response, 400)["code"] == "loan_disbursement_card_invalid"
    assert not Loan.objects.exists()
