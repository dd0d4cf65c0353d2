"""A demo customer's Statements pages on a phone (390 px), in English and Chinese: the history,
a filtered list and the month's statement fit the screen; printed, the month leaves out the
navigation and the buttons, and keeps its tables."""

import pytest
from django.utils import timezone

from tests.browser.test_payments_journey import (  # noqa: F401 -- demo is a fixture
    PAYEE_MOBILE,
    PAYER_MOBILE,
    _fits,
    _sign_in,
    demo,
)


@pytest.fixture
def history(request):
    """The demo's 张伟 sends 李娜 ¥12.34 now, so this month has a movement."""
    from hujin.core.actors import Actor
    from hujin.identity.selectors import user_id_for_mobile
    from hujin.payments.services import transfer_request

    request.getfixturevalue("demo")
    payer_id = user_id_for_mobile(mobile=PAYER_MOBILE)
    transfer_request(
        actor=Actor(kind="customer", id=str(payer_id), label="payer"),
        payee_mobile=PAYEE_MOBILE, amount_minor=12_34, idempotency_key="screens-statement",
        now=timezone.now(),
    )  # fmt: skip


@pytest.mark.parametrize("locale", ["en", "zh-hans"], indirect=True)
@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_the_statements_fit_a_phone_and_the_month_prints_without_navigation(page, history, locale):
    _sign_in(page)

    page.goto("/payments/statements/")
    _fits(page)
    assert page.locator("[data-testid=statement-entries] tbody tr").count() >= 1
    page.goto("/payments/statements/?kind=transfer_out")
    _fits(page)
    month = timezone.localtime().strftime("%Y-%m")
    page.locator(f"a[href='/payments/statements/{month}/']").click()
    page.wait_for_url(f"**/payments/statements/{month}/")
    _fits(page)
    assert page.locator("[data-testid=statement-lines] tbody tr").count() >= 1

    page.emulate_media(media="print")

    assert page.locator("[data-print]").is_hidden()
    assert page.locator(".portal-tabs").is_hidden()
    assert page.locator("[data-testid=statement-summary]").is_visible()
    assert page.locator("[data-testid=statement-lines] thead").is_visible()
