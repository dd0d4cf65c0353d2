"""The reports to the authority in a browser (Debian's Chromium), on a phone (390 px) and a
desktop, in English and Chinese: the queue with its clocks, a suspicious-transaction report's
page where the maker rewrites the narrative and proposes it, the approval linked from it, and,
once another officer approved it, its export as a download and the filed state. Each page fits
the screen; screenshots are left in /tmp/shots-reports."""

from datetime import timedelta
from pathlib import Path

import pytest
from defusedxml import ElementTree as SafeET
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from hujin.core.approvals import approval_decide
from hujin.core.dates import calendar_date_at
from hujin.core.models import ApprovalRequest
from hujin.customers.models import Customer
from hujin.risk.models_cases import Report
from hujin.risk.reports_lv import lv_reports_write
from hujin.risk.reports_str import str_draft_from_case
from tests.browser.test_payments_journey import _fits
from tests.browser.test_screens import _signed_in
from tests.payments.conftest import make_customer  # noqa: F401 -- a fixture
from tests.risk.lists_helpers import verified_customer
from tests.risk.reports_helpers import ANALYST, NARRATIVE, OFFICER, closed_case, movement

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots-reports")
REWRITTEN = NARRATIVE + " The receiving account belongs to a company opened last month."


@pytest.fixture
def reports(make_customer, settings):  # noqa: F811
    """张三's (verified: the file carries the verified identity) suspicious-transaction report
    judged today; a large-value report of 王芳's from three days ago and one of 李四's from
    twelve days ago (overdue)."""
    now = timezone.now()
    zhang = Customer.objects.get(id=verified_customer("张三", now=now, settings=settings))
    li = make_customer(name="李四").customer
    wang = make_customer(name="王芳").customer
    received = movement(zhang.id, now - timedelta(days=2), amount=300_000_00, direction="in",
                        counterparty=str(li.id))  # fmt: skip
    movement(zhang.id, now - timedelta(days=2, hours=-3), amount=299_500_00, kind="withdrawal",
             counterparty="card:c-1")  # fmt: skip
    case = closed_case(zhang.id, opened_at=now - timedelta(days=2), closed_at=now,
                       alerted=[received])  # fmt: skip
    with transaction.atomic():  # as the case's closing runs it
        report = str_draft_from_case(actor=ANALYST, case=case, now=now)
    for customer, days in ((wang, 3), (li, 12)):
        at = now - timedelta(days=days)
        movement(customer.id, at, amount=520_000_00, fired=["LV-IND-DOMESTIC"])
        lv_reports_write(business_date=calendar_date_at(at), now=at)
    return report


@pytest.mark.parametrize("locale", ["en", "zh-hans"], indirect=True)
@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
def test_a_report_is_written_proposed_approved_and_filed(
    page, live_server, reports, staff_user, locale, viewport
):
    _signed_in(page, live_server, staff_user, mfa_verified=True)
    size = "390" if viewport["width"] == 390 else "desktop"
    SHOTS.mkdir(exist_ok=True)

    def shot(name: str) -> None:
        _fits(page)
        page.screenshot(path=str(SHOTS / f"reports-{name}-{size}-{locale}.png"), full_page=True)

    page.goto("/risk/reports/")
    rows = page.locator("[data-testid=report-rows] tbody tr")
    expect(rows).to_have_count(3)
    assert page.locator("[data-testid=report-rows] .clock-overdue").count() == 1
    assert page.locator("[data-testid=lv-batches] li").count() == 2
    shot("queue")

    page.locator(f"[data-report='{reports.number}'] a").first.click()
    page.wait_for_url(f"**/risk/reports/{reports.id}/")
    page.locator("#narrative").fill(REWRITTEN)
    with page.expect_navigation():
        page.locator("[data-testid=narrative-form] [type=submit]").click()
    expect(page.locator("#narrative")).to_have_value(REWRITTEN)
    shot("draft")

    page.locator("#propose-reason").fill("ready" if locale == "en" else "可以报送")
    with page.expect_navigation():
        page.locator("[data-testid=propose-form] [type=submit]").click()
    expect(page.locator("[data-testid=approval-link]")).to_be_visible()
    assert page.locator("[data-testid=narrative-form]").count() == 0
    shot("proposed")

    request = ApprovalRequest.objects.get(target_id=str(reports.id), status="pending")
    approval_decide(actor=OFFICER, request_id=request.id, approve=True, reason="checked",
                    now=timezone.now())  # fmt: skip
    page.reload()
    with page.expect_download() as downloaded:
        page.locator("[data-testid=export-form] [type=submit]").click()
    content = Path(downloaded.value.path()).read_bytes()
    root = SafeET.fromstring(content)
    assert root.find("Report/Customer/Name").text == "张三"
    assert root.find("Report/Narrative").text == REWRITTEN
    page.reload()
    reports.refresh_from_db()
    assert reports.state == "filed"
    expect(page.locator("[data-testid=report-details]")).to_contain_text(reports.export_sha256)
    shot("filed")
    assert Report.objects.filter(kind="lv").count() == 2
