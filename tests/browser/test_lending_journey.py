"""A demo customer borrows and repays in a browser (Debian's Chromium): in English on a desktop
and in Chinese on a 390 px phone.

sign in → the loan products → apply for the consumer loan (the instalment preview appears as
the amount is typed) → the decision: approved, with the offer and the contract → "send me the
code" (the texted code is read from the development SMS outbox, as tests/lending/flow.py does)
→ sign → the loan is paid out into the wallet and its page shows the schedule → repay the first
instalment from the wallet → the schedule shows it paid. Every wait is on a condition; no page
is wider than the screen.
"""

import re

import pytest

from tests.browser.test_payments_journey import NOW, _fits, _sign_in, _submit, _yuan_minor

pytestmark = pytest.mark.browser
PRODUCT = "HJ-LOAN-36"
TEXTS = {
    "en": {"approved": "Approved: your offer", "paid_out": "the money is in your wallet",
           "repaid": "your repayment is made"},
    "zh-hans": {"approved": "已批准：您的额度", "paid_out": "款项已到账钱包",
                "repaid": "还款成功"},
}  # fmt: skip


@pytest.fixture
def demo(transactional_db):
    """The demo, with the reference data a transactional test before may have flushed: the
    consent documents (the credit-check authorisation among them) and the questionnaire."""
    from django.apps import apps

    from hujin.demo.loader import demo_load
    from hujin.privacy.migrations import _seed_credit_check
    from tests.browser.test_journey_onboarding import _seed_reference_data

    _seed_reference_data()
    if (
        not apps.get_model("privacy", "ConsentDocument")
        .objects.filter(kind="credit_check")
        .exists()
    ):
        _seed_credit_check.seed(apps, None)
    demo_load(now=NOW)


def _texted_code() -> str:
    from hujin.identity.sms import dev_sms_code
    from hujin.identity.step_up import PURPOSE
    from tests.browser.test_payments_journey import PAYER_MOBILE

    return dev_sms_code(mobile_e164=f"+86{PAYER_MOBILE}", purpose=PURPOSE)


def _apply(page, texts) -> None:
    page.goto("/lending/products/")
    _fits(page)
    with page.expect_navigation():
        page.locator(f"[data-product={PRODUCT}] [data-testid=apply-link]").click()
    _fits(page)
    page.locator("#id_amount").fill("6,000")
    page.locator("#id_term").fill("6")
    # htmx fetches the preview of the amount and term typed: wait for it to be there.
    page.locator("#apply-preview [data-testid=preview-instalment]").wait_for()
    page.wait_for_function("() => document.querySelectorAll('#apply-preview tbody tr').length == 6")
    page.locator("#id_purpose").select_option("travel")
    page.locator("#id_income").fill("20000")
    consent = page.locator("#id_consent")
    if consent.count():
        consent.check()
    _submit(page, "[data-testid=apply-form]")
    assert re.search(r"/lending/application/[0-9a-f-]{36}/$", page.url), page.url
    assert page.locator("[data-testid=decision][data-outcome=approved]").count() == 1
    assert texts["approved"] in page.locator("[data-testid=decision]").inner_text()
    assert page.locator("[data-testid=contract-text]").inner_text().strip()


def _sign(page, texts) -> None:
    with page.expect_navigation():
        page.locator("[data-testid=send-code]").click()
    page.locator("#id_code").fill(_texted_code())
    _submit(page, "[data-testid=sign-form]")
    assert re.search(r"/lending/loans/[0-9a-f-]{36}/$", page.url), page.url
    assert texts["paid_out"] in page.content()
    assert page.locator("[data-testid=schedule] tbody tr").count() == 6


@pytest.mark.parametrize(
    ("locale", "viewport"),
    [("en", "desktop"), ("zh-hans", "phone")],
    indirect=True,
)
def test_apply_get_approved_sign_with_the_texted_code_and_repay(
    page,
    live_server,
    demo,
    locale,
):
    texts = TEXTS[locale]
    _sign_in(page)
    _apply(page, texts)
    _sign(page, texts)

    loan_url = page.url
    first_due = page.locator("[data-testid=schedule] tbody tr").first
    assert first_due.get_attribute("data-state") in ("upcoming", "due")
    with page.expect_navigation():
        page.locator("[data-testid=repay-link]").click()
    _fits(page)
    amount = _yuan_minor(page.locator("#id_amount").input_value())
    assert amount > 0
    _submit(page, "[data-testid=repay-form]")

    assert page.url == loan_url
    assert texts["repaid"] in page.content()
    assert (
        page.locator("[data-testid=schedule] tbody tr").first.get_attribute("data-state") == "paid"
    )
