"""The analyst's whole journey in the console (issue 16), every step through the pages' own
forms and buttons, in English and in Chinese on a desktop and in Chinese on a 390 px phone:

an analyst writes the rule BIG-FIRST-PAYEE (a large payment out to a payee never paid before is
held for review) and proposes it for shadow; the compliance officer approves it in the approvals
inbox; 张三 pays 李四 ¥21,000 and the rule's shadow results show it would have fired; the analyst
proposes it live and the officer approves; 张三 pays 王芳 ¥24,000 and the payment is held; the
analyst finds the alert in the queue, escalates it into a case, adds a note, closes the case as
suspicious with a narrative and a typology, opens the report's draft from the case and proposes
it; the officer approves it in the inbox and exports it (the XML file is downloaded), and the
report is filed. Each page fits the screen; screenshots in /tmp/shots-journey/.

The payments are made through payments' services (the portal's journey is tested on its own),
with the extra confirmation of a large amount switched off: it is the portal's step, not the
console's."""

from pathlib import Path

import pytest
from defusedxml import ElementTree as SafeET
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.risk_journey_helpers import screen_size, shot, staff_member
from tests.browser.test_screens import _signed_in

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots-journey")
CODE = "BIG-FIRST-PAYEE"
CONDITION = 'direction == "out" and counterparty.new and amount >= yuan(20000)'
ANALYST = ("risk.view_risk", "risk.edit_rules", "risk.work_alerts", "customers.view_customers")
OFFICER = ("risk.view_risk", "risk.approve_rules", "risk.work_alerts", "risk.approve_reports",
           "core.view_approvals", "customers.view_customers",
           "customers.view_personal_data")  # fmt: skip
NARRATIVE = ("张三 sent ¥24,000.00 to 王芳, a payee never paid before, soon after sending "
             "¥21,000.00 to another new payee; no reason was given for either.")  # fmt: skip
TEXTS = {
    "en": {"reason": "A large first payment to a new payee", "note": "The note is added.",
           "closed": "Closed", "filed": "Filed"},
    "zh-hans": {"reason": "首次向新收款人大额付款", "note": "备注已添加。", "closed": "已结案",
                "filed": "已报送"},
}  # fmt: skip
RUNS = [("en", "desktop"), ("zh-hans", "desktop"), ("zh-hans", "phone")]


@pytest.fixture
def journey(settings):
    """The analyst li.na and the compliance officer wang.wei; 张三, with ¥100,000 in the wallet
    and a bank card in that name (so transfers of up to ¥50,000 a day), and 李四 and 王芳, whom
    张三 has never paid."""
    from hujin.customers.models import Customer
    from hujin.payments.services import card_bind_begin, card_bind_confirm
    from tests.payments.conftest import CODE as SANDBOX_CODE
    from tests.payments.conftest import MOBILE, actor_for, card_number
    from tests.payments.money import open_wallet
    from tests.payments.test_services_transfer import _fund
    from tests.risk.lists_helpers import verified_customer

    settings.HUJIN_PAYMENTS_CONFIRM_FROM_MINOR = 10_000_000_00
    now = timezone.now()
    people = {}
    for name in ("张三", "李四", "王芳"):
        customer = Customer.objects.select_related("user").get(
            id=verified_customer(name, now=now, settings=settings))  # fmt: skip
        people[name] = customer.user
        open_wallet(customer.user, now)
    _fund(Customer.objects.get(user=people["张三"]).wallet_account_id, 100_000_00, now)
    settings.HUJIN_PAYMENTS_SANDBOX = {"code": SANDBOX_CODE}
    settings.HUJIN_PAYMENTS_CHANNEL = ""
    started = card_bind_begin(number=card_number(), holder_name="张三", reserved_mobile=MOBILE,
                              actor=actor_for(people["张三"]), now=now)  # fmt: skip
    card_bind_confirm(card_id=started.card.id, code=SANDBOX_CODE, actor=actor_for(people["张三"]),
                      now=now)  # fmt: skip
    people["analyst"] = staff_member("li.na", ANALYST)
    people["officer"] = staff_member("wang.wei", OFFICER)
    return people


def _pay(payer, payee, amount_minor: int, key: str):
    from hujin.payments.services import transfer_request
    from tests.payments.conftest import actor_for

    return transfer_request(actor=actor_for(payer), payee_mobile=payee.mobile,
                            amount_minor=amount_minor, idempotency_key=key,
                            now=timezone.now())  # fmt: skip


def _click(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


def _approve_in_inbox(page, live_server, officer, target_id, take) -> None:
    """The officer opens the request about ``target_id`` from the inbox and approves it."""
    from hujin.core.models import ApprovalRequest

    request = ApprovalRequest.objects.get(target_id=str(target_id), status="pending")
    _signed_in(page, live_server, officer, mfa_verified=True)
    page.goto("/compliance/approvals/")
    take("inbox")
    _click(page, f"main a[href='/compliance/approvals/{request.id}/']")
    take("request")
    page.locator("textarea[name=reason]").fill("Checked against the policy")
    _click(page, "button[value=approve]")
    request.refresh_from_db()
    assert request.status == "approved"


def _write_rule(page) -> None:
    page.goto("/risk/rules/")
    _click(page, "[data-testid=rule-new]")
    form = page.locator("[data-testid=rule-form]")
    for name, value in {"code": CODE, "name_en": "Large first payment to a payee",
                        "name_zh": "首次向收款人大额付款", "score": "40",
                        "reason_en": TEXTS["en"]["reason"],
                        "reason_zh": TEXTS["zh-hans"]["reason"]}.items():  # fmt: skip
        form.locator(f"input[name={name}]").fill(value)
    form.locator("select[name=outcome]").select_option("review")
    form.locator("textarea[name=condition]").fill(CONDITION)
    page.locator("[data-testid=condition-ok]").wait_for()


@pytest.mark.parametrize(("locale", "viewport"), RUNS, indirect=True)
def test_an_analysts_rule_holds_a_payment_that_becomes_a_case_and_a_filed_report(
    page, live_server, journey, locale, viewport
):
    from hujin.payments.models import Payment
    from hujin.risk.models import Alert, RuleVersion
    from hujin.risk.models_cases import Case, Report

    texts, analyst, officer = TEXTS[locale], journey["analyst"], journey["officer"]
    steps = iter(range(1, 100))

    def take(name: str) -> None:
        shot(page, SHOTS, f"{locale}-{screen_size(viewport)}-{next(steps):02d}-{name}")

    # The analyst writes the rule and proposes it for shadow.
    _signed_in(page, live_server, analyst, mfa_verified=True)
    _write_rule(page)
    take("rule-written")
    _click(page, "[data-testid=rule-form] [type=submit]")
    version = RuleVersion.objects.get(code=CODE)
    page.locator("[data-testid=propose-draft-form] textarea").fill("Try it on real traffic")
    _click(page, "[data-testid=propose-shadow]")
    take("rule-proposed")

    # The officer approves it; a payment to a new payee is tried on it, in shadow only.
    _approve_in_inbox(page, live_server, officer, version.id, take)
    version.refresh_from_db()
    assert version.state == "shadow"
    shadowed = _pay(journey["张三"], journey["李四"], 21_000_00, "journey-1")
    assert shadowed.status == "succeeded"

    _signed_in(page, live_server, analyst, mfa_verified=True)
    page.goto(f"/risk/rules/{CODE}/")
    expect(page.locator("[data-testid=shadow-fired]")).to_have_text("1")
    take("shadow-results")
    page.locator("[data-testid=propose-shadow-form] textarea").fill("It fired where it should")
    _click(page, "[data-testid=propose-shadow-form] [data-testid=propose-live]")
    _approve_in_inbox(page, live_server, officer, version.id, take)
    version.refresh_from_db()
    assert version.state == "live"

    # Live, it holds the next large payment to a payee never paid before.
    held = _pay(journey["张三"], journey["王芳"], 24_000_00, "journey-2")
    assert Payment.objects.get(id=held.id).status == "review"
    alert = Alert.objects.get(code=CODE)

    # The analyst finds the alert, escalates it, works and closes the case.
    _signed_in(page, live_server, analyst, mfa_verified=True)
    page.goto(f"/risk/rules/{CODE}/")
    page.locator("[data-testid=rule-live]").wait_for()
    take("rule-live")
    page.goto("/risk/alerts/")
    row = page.locator(f"[data-alert='{alert.id}']")
    assert "张*" in row.inner_text() and "¥24,000.00" in row.inner_text()
    take("alert-queue")
    _click(page, f"[data-alert='{alert.id}'] a")
    assert texts["reason"] in page.locator("[data-testid=alert-reason]").inner_text()
    take("alert")
    page.locator("[data-testid=escalate-form] textarea").fill("Two large first payments")
    _click(page, "[data-testid=escalate-form] [type=submit]")
    _click(page, "[data-testid=alert-case] a")
    case = Case.objects.get(alerts=alert)
    assert case.number in page.locator("h1").inner_text()
    take("case")
    page.locator("[data-testid=note-form] textarea").fill("Called the customer: no answer")
    _click(page, "[data-testid=note-form] [type=submit]")
    assert texts["note"] in page.locator("#messages").inner_text()
    form = page.locator("[data-testid=close-form]")
    form.locator("input[value=suspicious]").check()
    form.locator("select").select_option("large_value")
    form.locator("textarea").fill(NARRATIVE)
    _click(page, "[data-testid=close-form] [type=submit]")
    assert texts["closed"] in page.locator("[data-testid=case-state]").inner_text()
    take("case-closed")

    # The report's draft, opened from the case, is proposed.
    _click(page, "[data-testid=case-report-link]")
    report = Report.objects.get(case=case)
    assert NARRATIVE in page.locator("#narrative").input_value()
    take("report-draft")
    page.locator("#propose-reason").fill("Ready to file")
    _click(page, "[data-testid=propose-form] [type=submit]")
    expect(page.locator("[data-testid=approval-link]")).to_be_visible()
    take("report-proposed")

    # The officer approves it in the inbox, follows the request to the report, exports it.
    _approve_in_inbox(page, live_server, officer, report.id, take)
    _click(page, f"main dd a[href='/risk/reports/{report.id}/']")
    take("report-approved")
    with page.expect_download() as downloaded:
        page.locator("[data-testid=export-form] [type=submit]").click()
    root = SafeET.fromstring(Path(downloaded.value.path()).read_bytes())
    assert root.find("Report/Customer/Name").text == "张三"
    assert root.find("Report/Narrative").text == NARRATIVE
    page.reload()
    report.refresh_from_db()
    assert report.state == "filed"
    expect(page.locator("[data-testid=report-details]")).to_contain_text(texts["filed"])
    take("report-filed")
