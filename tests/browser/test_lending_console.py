"""A risk analyst works a referred loan application in the console, in a browser (Debian's
Chromium): in English on a desktop and in Chinese on a 390 px phone.

the applications queue shows one waiting → open it → the score's points per characteristic as
bars and what cost the most points, in words → approve at the amount and rate offered, with a
note → the application is approved, the note and the offer on its page, the queue empty. No page
is wider than the screen."""

import pytest

from hujin.lending import types as t
from hujin.lending.models import LoanApplication
from tests.browser.test_journey_onboarding import _seed_reference_data
from tests.browser.test_payments_journey import _fits, _submit
from tests.lending.conftest import (  # noqa: F401 -- the lending fixtures
    borrower,
    business_date_set,
    champion,
    funded,
    loan_product,
)
from tests.lending.flow import apply
from tests.lending.test_pages_console import refer_everything

pytestmark = pytest.mark.browser
NOTE = "Income checked against the wallet's inflow."


@pytest.fixture
def referred(transactional_db, borrower, loan_product, champion, funded, now,  # noqa: F811
             business_date_set):  # fmt: skip  # noqa: F811
    _seed_reference_data()  # a transactional test before may have flushed the consent documents
    refer_everything(now)
    user = borrower(balance=1_000_000)
    application = apply(user, loan_product(), now, business_date_set, amount=3_000_000)
    assert application.state == t.APP_REFERRED
    return application


@pytest.mark.parametrize(
    ("locale", "viewport"), [("en", "desktop"), ("zh-hans", "phone")], indirect=True
)
def test_an_analyst_reads_the_score_and_approves_a_referred_application(staff_page, referred):
    page = staff_page
    page.goto("/lending/console/applications/")
    _fits(page)
    assert page.locator("[data-testid=waiting-count]").inner_text().strip() == "1"
    with page.expect_navigation():
        page.locator(
            f"[data-testid=referred] tr[data-application='{referred.id}'] a[href*=applications]"
        ).click()
    _fits(page)
    assert page.locator("[data-testid=score]").inner_text().startswith(str(referred.score))
    bars = page.locator("[data-testid=score-points] svg")
    assert bars.count() == len(referred.points)
    assert page.locator("[data-testid=reasons] li").count() == len(referred.reasons)
    assert "_" not in page.locator("[data-testid=reasons]").inner_text()  # words, not codes
    form = page.locator("[data-testid=review-form]")
    form.locator("input[name=decision][value=approve]").check()
    assert form.locator("#id_amount").input_value() == "30000"
    form.locator("#id_note").fill(NOTE)
    _submit(page, "[data-testid=review-form]")
    assert page.locator("h1 [data-status=approved]").count() == 1
    assert NOTE in page.locator("[data-testid=application]").inner_text()
    application = LoanApplication.objects.get(id=referred.id)
    assert application.state == t.APP_APPROVED and application.offer_amount_minor == 3_000_000
    page.goto("/lending/console/applications/")
    assert page.locator("[data-testid=waiting-count]").inner_text().strip() == "0"
