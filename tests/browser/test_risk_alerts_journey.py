"""A risk analyst opens the alert queue, opens the alert a rule raised on the demo's 张伟
sending money out twice within a day, reads why it fired (the rule's reason, the 24-hour
total and the count it read, in yuan and as a number), and dismisses it with a reason; the
decision log shows the same screening. On a phone (390 px) and a desktop, in English and
Chinese, each page fitting the screen; screenshots in /tmp/shots/risk-alerts-*.png."""

from pathlib import Path

import pytest
from django.utils import timezone

from tests.browser.risk_journey_helpers import screen_size, shot, staff_member
from tests.browser.test_payments_journey import (  # noqa: F401 -- demo is a fixture
    PAYEE_MOBILE,
    PAYER_MOBILE,
    demo,
)
from tests.browser.test_screens import _signed_in

SHOTS = Path("/tmp/shots")
CODE = "OUT-TWICE-DAY"
CONDITION = ('(direction == "out" and count("24h", direction="out") >= 1\n'
             ' and total("24h", direction="out") + amount >= yuan(40))')  # fmt: skip
PERMISSIONS = ("risk.view_risk", "risk.work_alerts", "customers.view_customers")
TEXTS = {
    "en": {"reason": "A second payment out within a day", "total": "¥20.00",
           "dismissed": "Dismissed"},
    "zh-hans": {"reason": "一天内第二次转出资金", "total": "¥20.00", "dismissed": "已排除"},
}  # fmt: skip


def _analyst(username: str):
    return staff_member(username, PERMISSIONS)


def _shot(page, name: str, locale: str, viewport: dict) -> None:
    shot(page, SHOTS, f"risk-alerts-{locale}-{screen_size(viewport)}-{name}")


@pytest.fixture
def alerted(request):
    """The rule in force, and 张伟 sending 李娜 ¥20.00 then ¥25.00: the second one fires it."""
    from hujin.core.actors import Actor
    from hujin.identity.selectors import user_id_for_mobile
    from hujin.payments.services import transfer_request
    from hujin.risk import inforce
    from hujin.risk.models import RuleVersion

    request.getfixturevalue("demo")
    now = timezone.now()
    RuleVersion.objects.create(
        code=CODE, number=1, name_en="Money out twice within a day",
        name_zh="一天内两次转出", condition=CONDITION, outcome="alert", score=20,
        reason_en=TEXTS["en"]["reason"], reason_zh=TEXTS["zh-hans"]["reason"], state="live",
        written_at=now, decided_at=now,
    )  # fmt: skip
    inforce.generation_raise(now)
    inforce.forget()
    payer = Actor(kind="customer", id=str(user_id_for_mobile(mobile=PAYER_MOBILE)), label="p")
    for key, amount in (("alerts-1", 20_00), ("alerts-2", 25_00)):
        transfer_request(actor=payer, payee_mobile=PAYEE_MOBILE, amount_minor=amount,
                         idempotency_key=key, now=timezone.now())  # fmt: skip


@pytest.mark.parametrize("locale", ["en", "zh-hans"], indirect=True)
@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
def test_an_analyst_reads_why_an_alert_fired_and_dismisses_it(
    page, live_server, alerted, locale, viewport
):
    from hujin.risk.models import Alert

    alert = Alert.objects.get(code=CODE)
    texts = TEXTS[locale]
    _signed_in(page, live_server, _analyst("zhao.min"), mfa_verified=True)

    page.goto("/risk/alerts/")
    _shot(page, "1-queue", locale, viewport)
    row = page.locator(f"[data-alert='{alert.id}']")
    assert "张*" in row.inner_text() and "¥25.00" in row.inner_text()
    with page.expect_navigation():
        row.locator("a").first.click()

    assert texts["reason"] in page.locator("[data-testid=alert-reason]").inner_text()
    fired = page.locator(f"[data-testid=findings-fired] [data-finding='{CODE}']")
    assert texts["total"] in fired.inner_text()  # the 24-hour total before it, in yuan
    assert fired.locator("[data-kind=count]").inner_text().strip() == "1"
    _shot(page, "2-alert", locale, viewport)

    form = page.locator("[data-testid=dismiss-form]")
    form.locator("textarea").fill("Rent, paid twice a month to the same landlord")
    with page.expect_navigation():
        form.locator("[type=submit]").click()
    assert texts["dismissed"] in page.locator("[data-testid=alert-details]").inner_text()
    assert page.locator("[data-testid=dismiss-form]").count() == 0
    _shot(page, "3-dismissed", locale, viewport)
    alert.refresh_from_db()
    assert alert.state == "dismissed"

    page.goto("/risk/decisions/")
    _shot(page, "4-decision-log", locale, viewport)
    with page.expect_navigation():
        page.locator(f"[data-decision='{alert.decision_id}'] a").first.click()
    _shot(page, "5-decision", locale, viewport)
