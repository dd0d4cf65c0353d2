"""A risk analyst works a referred loan application in the console, in a browser (Debian's
Chromium): in English on a desktop and in Chinese on a 390 px phone.

the applications queue shows one waiting → open it → the score's points per characteristic as
bars and what cost the most points, in words → approve at the amount and rate offered, with a
note → the application is approved, the note and the offer on its page, the queue empty. No page
is wider than the screen.

Then on a loan's page: a collector adds a note with a promise to pay (a date and an amount in
yuan) → the note and the awaited promise are listed; a manager asks for a restructuring over a
new term → the request waits for a second person, shown on the page, the schedule unchanged."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hujin.core.models import ApprovalRequest
from hujin.lending import types as t
from hujin.lending.models import CollectionNote, Loan, LoanApplication
from hujin.lending.services import RESTRUCTURE_ACTION
from tests.browser.test_journey_onboarding import _seed_reference_data
from tests.browser.test_payments_journey import _fits, _submit
from tests.lending.conftest import (  # noqa: F401 -- the lending fixtures
    borrower,
    business_date_set,
    champion,
    funded,
    loan_product,
)
from tests.lending.flow import apply, disbursed
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


@pytest.fixture
def loan(transactional_db, borrower, loan_product, champion, funded, now,  # noqa: F811
         business_date_set):  # fmt: skip  # noqa: F811
    _seed_reference_data()
    user = borrower(balance=1_000_000)
    application = apply(user, loan_product(), now, business_date_set, amount=1_200_000)
    assert application.state == t.APP_APPROVED
    return disbursed(user, application, now, business_date_set)


@pytest.mark.parametrize(
    ("locale", "viewport"), [("en", "desktop"), ("zh-hans", "phone")], indirect=True
)
def test_a_collector_notes_a_promise_and_a_manager_asks_for_a_restructuring(staff_page, loan):
    page = staff_page
    page.goto(f"/lending/console/loans/{loan.id}/")
    _fits(page)
    promised_by = timezone.now().date() + timedelta(days=5)  # the views stamp the wall clock
    form = page.locator("[data-testid=note-form]")
    form.locator("select[name=channel]").select_option("phone")
    form.locator("textarea[name=note]").fill("Reached by phone; pays on payday.")
    form.locator("input[name=promise_date]").fill(promised_by.isoformat())
    form.locator("input[name=promise_amount]").fill("800")
    _submit(page, "[data-testid=note-form]")
    notes = page.locator("[data-testid=collection-notes]")
    assert "Reached by phone; pays on payday." in notes.inner_text()
    assert notes.locator("[data-testid=promise] [data-status=pending]").count() == 1
    note = CollectionNote.objects.get(loan=loan)
    assert (note.promise_date, note.promise_amount_minor) == (promised_by, 80_000)

    page.locator("[data-testid=restructure] summary").click()
    form = page.locator("[data-testid=restructure-form]")
    form.locator("input[name=restructure-new_term]").fill("24")
    form.locator("textarea[name=restructure-reason]").fill("Income halved; lower instalments.")
    _submit(page, "[data-testid=restructure-form]")
    pending = page.locator("[data-testid=pending-requests]")
    assert pending.locator("[data-status=pending]").count() == 1
    assert "Income halved; lower instalments." in pending.inner_text()
    [request] = ApprovalRequest.objects.filter(target_id=str(loan.id), action=RESTRUCTURE_ACTION)
    assert request.payload["new_term"] == 24 and request.status == "pending"
    assert Loan.objects.get(id=loan.id).schedule_version == 1  # until a second person approves
