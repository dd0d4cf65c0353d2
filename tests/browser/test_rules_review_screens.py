"""The console's "Limits and fees" and "Payments held for review" on a phone (390 px) and a
desktop, in English and Chinese, over the demo's data: the tables, a rule's form with a refused
figure, and a held payment rejected with a note, each fitting the screen."""

import pytest
from django.utils import timezone

from tests.browser.test_payments_journey import (  # noqa: F401 -- demo is a fixture
    PAYEE_MOBILE,
    PAYER_MOBILE,
    _fits,
    demo,
)
from tests.browser.test_screens import _signed_in


@pytest.fixture
def held(request):
    """The demo's 张伟 sends 李娜 ¥12.34, and a screen holds it for review."""
    from hujin.core.actors import Actor
    from hujin.identity.selectors import user_id_for_mobile
    from hujin.payments.services import transfer_request
    from tests.payments.rules_helpers import screen

    request.getfixturevalue("demo")
    payer_id = user_id_for_mobile(mobile=PAYER_MOBILE)
    with screen("review", message="Unusual for this customer"):
        return transfer_request(
            actor=Actor(kind="customer", id=str(payer_id), label="payer"),
            payee_mobile=PAYEE_MOBILE, amount_minor=12_34, idempotency_key="screens-held",
            now=timezone.now(),
        )  # fmt: skip


@pytest.mark.parametrize("locale", ["en", "zh-hans"], indirect=True)
@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
def test_the_rules_and_the_review_pages_fit_the_screen(page, live_server, held, locale):
    from hujin.identity.models import User
    from hujin.payments.models import LimitRule

    _signed_in(page, live_server, User.objects.get(username="admin"), mfa_verified=True)

    page.goto("/payments/rules/")
    _fits(page)
    assert page.locator("[data-testid=limit-rules] tbody tr").count() == LimitRule.objects.count()
    rule = LimitRule.objects.get(kind="transfer", level="verified")
    page.goto(f"/payments/rules/limits/{rule.id}/")
    _fits(page)
    page.locator("[data-testid=limit-form] input[name=per_day]").fill("abc")
    with page.expect_navigation():
        page.locator("[data-testid=limit-form] [type=submit]").click()
    _fits(page)
    assert page.locator("[data-testid=limit-form] .errorlist").count() == 1
    page.goto("/payments/rules/fees/withdrawal/")
    _fits(page)

    page.goto("/payments/review/")
    _fits(page)
    with page.expect_navigation():
        page.locator(f"[data-payment='{held.id}'] a.button").click()
    _fits(page)
    page.locator("[data-testid=reject-form] textarea").fill("Reported as a scam")
    with page.expect_navigation():
        page.locator("[data-testid=reject-form] [type=submit]").click()

    assert page.url.endswith("/payments/review/")
    _fits(page)
    # the demo's own held withdrawal may wait there still; ours has left the queue
    assert page.locator(f"[data-payment='{held.id}']").count() == 0
