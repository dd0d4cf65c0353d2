"""A demo customer's first wealth purchase, in a browser (Debian's Chromium): in English on a
desktop and in Chinese on a 390 px phone.

sign in → answer the risk questionnaire → top up ¥100 from the bound card (the sandbox bank
calls back: the test runs its due callbacks, as the payments journey does) → open the
money-market fund from the product list and press "Buy" → the buy page says the suitability
decision in plain words; tick the documents, type the amount, the fee appears → the order's
page → the close of business runs in-process (the business date's, which confirms the order;
then the next date's, after operations publish its income with ``nav_publish``) → the overview
shows the holding, yesterday's earnings and the cumulative earnings. Every wait is on a
condition; no page is wider than the screen.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.browser.test_payments_journey import (  # noqa: F401 -- `demo`: the payments' fixture
    TEXTS,
    _fits,
    _settled_by_the_bank,
    _sign_in,
    _submit,
    _yuan_minor,
    demo,
)

pytestmark = pytest.mark.browser
MMF = "HJ-MMF-01"
NAMES = {"en": "Hujin Cash Plus Money Market Fund A", "zh-hans": "互金现金宝货币A"}
INCOME_PER_10K = Decimal("0.6000")  # per 10,000 units: ¥100 earns ¥0.006, ¥1,100 earns ¥0.066
AMOUNT = "1100"


def _questionnaire(page) -> None:
    page.goto("/suitability/questionnaire/")
    _fits(page)
    for fieldset in page.locator("form.questionnaire fieldset").all():
        fieldset.locator("input[type=radio]").nth(1).check()
    _submit(page, "form.questionnaire")
    assert "/suitability/results/" in page.url, page.url


def _top_up(page, texts, amount: str) -> None:
    page.goto("/payments/top-up/")
    _fits(page)
    page.locator("#id_amount").fill(amount)
    page.locator("label.choice input[type=radio]").first.check()
    _submit(page, "form:has(#id_amount)")
    _submit(page, "form:has([name=step][value=send])")
    assert re.search(r"/payments/[0-9a-f-]{36}/$", page.url), page.url
    _settled_by_the_bank(page, texts)


def _buy(page, locale: str) -> None:
    page.goto("/products/")
    _fits(page)
    with page.expect_navigation():
        page.locator("[data-testid=portal-products] li", has_text=NAMES[locale]).locator(
            "a"
        ).first.click()
    with page.expect_navigation():
        page.locator("[data-testid=product-actions] [data-action='wealth.buy']").click()
    _fits(page)
    assert "/wealth/buy/" in page.url
    assert page.locator("[data-testid=suitability][data-outcome=allowed]").count() == 1
    assert page.locator("[data-testid=documents] a").count() == 3
    page.locator("#id_acknowledged").check()
    page.locator("#id_amount").fill("1,100")
    # htmx fetches the fee for the amount typed: wait for it to be there.
    page.locator("[data-testid=fee-quote] dd").first.wait_for()
    assert "¥1,100.00" in page.locator("[data-testid=fee-quote]").inner_text()
    _submit(page, "[data-testid=buy-form]")
    assert re.search(r"/wealth/orders/[0-9a-f-]{36}/$", page.url), page.url
    assert page.locator("[data-status=submitted]").count() == 1


def _close_of_business() -> None:
    """Close the business date the order was placed on (its confirmation), publish the next
    date's income as operations would, and close that date too (the income is paid)."""
    from hujin.core.actors import system_actor
    from hujin.core.cob import cob_run
    from hujin.core.dates import business_date_get
    from hujin.products.selectors import product_get_by_code
    from hujin.products.services import nav_publish
    from tests.wealth.orders_helpers import OPERATIONS

    cob = system_actor("cob")
    assert cob_run(now=timezone.now(), actor=cob).status == "done"
    day = business_date_get()
    nav_publish(actor=OPERATIONS, product_id=product_get_by_code(code=MMF).id,
                business_date_of=day, income_per_10k=INCOME_PER_10K, confirmed=True,
                business_date=day, now=timezone.now())  # fmt: skip
    assert cob_run(now=timezone.now(), actor=cob).status == "done"


def _holding_account():
    from hujin.customers.models import Customer
    from hujin.identity.selectors import user_id_for_mobile
    from hujin.wealth.accounts import holding_account_id
    from tests.browser.test_payments_journey import PAYER_MOBILE

    customer = Customer.objects.get(user_id=user_id_for_mobile(mobile=PAYER_MOBILE))
    return customer, holding_account_id(customer.id, MMF)


def _units_at_close(account_id, day) -> int:
    """The holding's units at the close of a business date, from the ledger."""
    from hujin.core.actors import system_actor
    from hujin.ledger.selectors import account_balances

    balances = account_balances(actor=system_actor("test"), account_id=account_id,
                                business_date=day)  # fmt: skip
    return balances.credits_posted - balances.debits_posted


@pytest.mark.parametrize(
    ("locale", "viewport"),
    [("en", "desktop"), ("zh-hans", "phone")],
    indirect=True,
)
def test_questionnaire_top_up_buy_close_of_business_and_the_earnings(
    page,
    live_server,
    demo,  # noqa: F811 -- the payments journey's fixture
    locale,
):
    texts = TEXTS[locale]
    _sign_in(page)
    _questionnaire(page)
    _top_up(page, texts, "100")
    _buy(page, locale)

    _close_of_business()

    # The ledger's account of what happened: the order confirmed on its business date, and
    # the next date's income paid to the holding as units (the demo's customer may already
    # hold the fund: the income is on all their units).
    from hujin.core.dates import business_date_get
    from hujin.core.money import group_thousands
    from hujin.wealth.models import Order

    customer, account_id = _holding_account()
    order = Order.objects.get(customer=customer, amount_minor=1100_00)
    assert order.state == "confirmed"
    income_day = business_date_get() - timedelta(days=1)
    units = _units_at_close(account_id, income_day)
    earned = units - _units_at_close(account_id, income_day - timedelta(days=1))
    assert earned > 0

    page.goto("/wealth/")
    _fits(page)
    holding = page.locator("[data-testid=holdings] li", has_text=NAMES[locale])
    assert holding.count() == 1
    assert group_thousands(units, "CNY") in holding.inner_text()
    assert holding.locator("[data-testid=holding-yesterday]").inner_text().strip() == (
        f"+¥{group_thousands(earned, 'CNY')}"
    )
    assert _yuan_minor(holding.locator("[data-testid=holding-cumulative]").inner_text()) >= earned
    # Yesterday's earnings at the top: those of every holding (the demo's funds too).
    each = page.locator("[data-testid=holdings] [data-testid=holding-yesterday]").all_inner_texts()
    yesterday = page.locator("[data-testid=yesterday-earnings]")
    assert _yuan_minor(yesterday.inner_text()) == sum(_yuan_minor(text) for text in each)
    # Over everything the customer holds (the demo's NAV funds may be down since they bought).
    assert re.fullmatch(
        r"[+−]?¥[\d,]+\.\d\d",
        page.locator("[data-testid=cumulative-earnings]").inner_text().strip(),
    )
    assert holding.locator("[data-testid=holding-yesterday] .earn-up").count() == 1  # red: up
    assert page.locator("[data-testid=kind-split] svg circle").count() >= 2
