"""A risk analyst escalates the alert a rule raised on the demo's 张伟 and lands on the case it
opened or joined: reads the counterparty graph, adds a note and a file, gives the case to a
colleague, closes it as suspicious with a typology and a narrative, and sees the link to the
suspicious-transaction report's draft. On a phone (390 px) and a desktop, in English and
Chinese, each page fitting the screen; screenshots in /tmp/shots-cases/."""

from pathlib import Path

import pytest

from tests.browser.risk_journey_helpers import screen_size, shot
from tests.browser.test_payments_journey import demo  # noqa: F401 -- demo is a fixture
from tests.browser.test_risk_alerts_journey import CODE, _analyst, alerted  # noqa: F401
from tests.browser.test_screens import _signed_in

SHOTS = Path("/tmp/shots-cases")
PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)
TEXTS = {
    "en": {"closed": "Closed", "note": "The note is added.", "report": "report draft",
           "suspicious": "suspicious"},
    "zh-hans": {"closed": "已结案", "note": "备注已添加。", "report": "可疑交易报告草稿",
                "suspicious": "suspicious"},
}  # fmt: skip


def _shot(page, name: str, locale: str, viewport: dict) -> None:
    shot(page, SHOTS, f"cases-{locale}-{screen_size(viewport)}-{name}")


def _submit(page, testid: str) -> None:
    with page.expect_navigation():
        page.locator(f"[data-testid={testid}] [type=submit]").click()


@pytest.mark.parametrize("locale", ["en", "zh-hans"], indirect=True)
@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
def test_an_analyst_works_an_alert_into_a_case_and_a_report(page, live_server, alerted,  # noqa: F811
                                                            locale, viewport):  # fmt: skip
    from hujin.risk.models import Alert
    from hujin.risk.models_cases import Case, Report

    alert = Alert.objects.get(code=CODE)
    texts = TEXTS[locale]
    colleague = _analyst("wang.fang")
    _signed_in(page, live_server, _analyst("zhao.min"), mfa_verified=True)

    page.goto(f"/risk/alerts/{alert.id}/")
    page.locator("[data-testid=escalate-form] textarea").fill("Two payments out within a day")
    _submit(page, "escalate-form")
    with page.expect_navigation():
        page.locator("[data-testid=alert-case] a").click()
    case = Case.objects.get(alerts=alert)
    assert case.number in page.locator("h1").inner_text()
    assert "张*" in page.locator("[data-testid=case-customer]").inner_text()
    assert page.locator("[data-testid=case-graph] svg").count() == 1
    _shot(page, "1-case", locale, viewport)

    page.locator("[data-testid=note-form] textarea").fill("Called the customer: no answer")
    _submit(page, "note-form")
    assert texts["note"] in page.locator("#messages").inner_text()
    page.locator("[data-testid=file-form] input[type=file]").set_input_files(
        {"name": "screen.png", "mimeType": "image/png", "buffer": PNG})  # fmt: skip
    _submit(page, "file-form")
    assert "screen.png" in page.locator("[data-testid=case-files]").inner_text()
    page.locator("[data-testid=assign-form] select").select_option(str(colleague.id))
    _submit(page, "assign-form")
    assert "wang.fang" in page.locator("[data-testid=case-assignee]").inner_text()
    _shot(page, "2-worked", locale, viewport)

    form = page.locator("[data-testid=close-form]")
    form.locator("input[value=suspicious]").check()
    form.locator("select").select_option("structuring")
    form.locator("textarea").fill("Two payments out within a day to the same new payee.")
    _submit(page, "close-form")

    assert texts["closed"] in page.locator("[data-testid=case-state]").inner_text()
    report = Report.objects.get(case=case)
    link = page.locator("[data-testid=case-report-link]")
    assert report.number in link.inner_text() and texts["report"] in link.inner_text()
    assert page.locator("[data-testid=close-form]").count() == 0
    kinds = page.locator("[data-testid=case-timeline] li").evaluate_all(
        "items => items.map(i => i.dataset.kind)")  # fmt: skip
    assert kinds[-5:] == ["note", "attachment", "assigned", "closed", "report"]
    _shot(page, "3-closed", locale, viewport)

    page.goto("/risk/cases/?view=closed")
    assert case.number in page.locator("[data-testid=case-rows]").inner_text()
    _shot(page, "4-queue", locale, viewport)
