"""A risk analyst writes a rule with a misspelt name, sees the error under the condition as she
types, fixes it, saves the draft and proposes it for shadow; a second analyst approves it in the
approvals inbox, and the rule is tried in shadow. On a phone (390 px) and a desktop, in English
and Chinese, each page fitting the screen; screenshots in /tmp/shots/risk-rules-*.png."""

from pathlib import Path

import pytest

from tests.browser.risk_journey_helpers import screen_size, shot, staff_member
from tests.browser.test_screens import _signed_in

SHOTS = Path("/tmp/shots")
CODE = "BIG-NIGHT-OUT"
TYPO = '(direction == "out" and 0 <= hour < 6\n and amout >= yuan(50000))'
FIXED = '(direction == "out" and 0 <= hour < 6\n and amount >= yuan(50000))'
PERMISSIONS = ("risk.view_risk", "risk.edit_rules", "risk.approve_rules", "core.view_approvals")


def _analyst(username: str):
    return staff_member(username, PERMISSIONS)


def _shot(page, name: str, locale: str, viewport: dict) -> None:
    shot(page, SHOTS, f"risk-rules-{locale}-{screen_size(viewport)}-{name}")


@pytest.mark.parametrize("locale", ["en", "zh-hans"], indirect=True)
@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
def test_an_analyst_writes_a_rule_and_another_puts_it_in_shadow(
    page, live_server, transactional_db, locale, viewport
):
    from hujin.core.models import ApprovalRequest
    from hujin.risk.models import RuleVersion

    maker, checker = _analyst("li.na"), _analyst("wang.wei")
    _signed_in(page, live_server, maker, mfa_verified=True)

    page.goto("/risk/rules/")
    _shot(page, "1-empty-list", locale, viewport)
    with page.expect_navigation():
        page.locator("[data-testid=rule-new]").click()
    form = page.locator("[data-testid=rule-form]")
    form.locator("input[name=code]").fill(CODE)
    form.locator("input[name=name_en]").fill("Large payment out at night")
    form.locator("input[name=name_zh]").fill("夜间大额支出")
    form.locator("select[name=outcome]").select_option("review")
    form.locator("input[name=score]").fill("35")
    form.locator("input[name=reason_en]").fill("A large sum leaves between midnight and six")
    form.locator("input[name=reason_zh]").fill("凌晨大额资金转出")
    form.locator("textarea[name=condition]").fill(TYPO)

    problem = page.locator("[data-testid=condition-problem]")
    problem.wait_for()
    assert "amount" in problem.inner_text()  # the name probably meant
    assert ("Line 2, column 6" if locale == "en" else "第 2 行第 6 列") in problem.inner_text()
    _shot(page, "2-typo", locale, viewport)

    form.locator("textarea[name=condition]").fill(FIXED)
    page.locator("[data-testid=condition-ok]").wait_for()
    _shot(page, "3-fixed", locale, viewport)
    with page.expect_navigation():
        form.locator("[type=submit]").click()
    assert page.url.endswith(f"/risk/rules/{CODE}/")
    version = RuleVersion.objects.get(code=CODE)
    assert version.state == "draft" and version.condition == FIXED

    propose = page.locator("[data-testid=propose-draft-form]")
    propose.locator("textarea[name=reason]").fill("Try it on a week of real traffic first")
    with page.expect_navigation():
        propose.locator("[data-testid=propose-shadow]").click()
    _shot(page, "4-proposed", locale, viewport)
    version.refresh_from_db()
    assert version.state == "proposed"
    request = ApprovalRequest.objects.get(target_id=str(version.id), status="pending")

    _signed_in(page, live_server, checker, mfa_verified=True)
    page.goto("/compliance/approvals/")
    link = page.locator(f"a[href='/compliance/approvals/{request.id}/']").first
    assert f"{CODE} v1" in page.locator("main").inner_text()
    _shot(page, "5-inbox", locale, viewport)
    with page.expect_navigation():
        link.click()
    _shot(page, "6-request", locale, viewport)
    page.locator("textarea[name=reason]").fill("Threshold agreed with compliance")
    with page.expect_navigation():
        page.locator("button[value=approve]").click()

    version.refresh_from_db()
    assert version.state == "shadow" and str(version.decided_by) == str(checker.pk)
    page.goto(f"/risk/rules/{CODE}/")
    page.locator("[data-testid=rule-shadow]").wait_for()
    page.locator("[data-testid=shadow-results]").wait_for()
    _shot(page, "7-in-shadow", locale, viewport)
    page.goto("/risk/rules/")
    assert page.locator(f"[data-rule='{CODE}']").count() == 1
    _shot(page, "8-list", locale, viewport)


@pytest.mark.parametrize("locale", ["en", "zh-hans"], indirect=True)
@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
def test_the_shipped_rules_list_and_a_rules_page_fit_the_screen(
    page, live_server, transactional_db, locale, viewport
):
    from django.utils import timezone

    from hujin.core.actors import system_actor
    from hujin.risk.services import shipped_rules_load
    from hujin.risk.shipped import shipped_rules

    shipped_rules_load(actor=system_actor("test"), now=timezone.now())
    _signed_in(page, live_server, _analyst("li.na"), mfa_verified=True)

    page.goto("/risk/rules/")
    assert page.locator("[data-testid=risk-rules] tbody tr").count() == len(shipped_rules())
    _shot(page, "9-shipped-list", locale, viewport)
    page.goto("/risk/rules/LV-IND-DOMESTIC/")
    page.locator("[data-testid=rule-live]").wait_for()
    _shot(page, "10-shipped-rule", locale, viewport)
    page.goto("/risk/rules/LV-IND-DOMESTIC/write/")
    _shot(page, "11-next-version", locale, viewport)
