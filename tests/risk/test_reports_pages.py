"""The console's reports to the authority, in English and Chinese: the queue with each report's
kind, customer (masked), total and clock in working days; a report's page with its
transactions, narrative and filing; the narrative saved, refused when too short (nothing
changed); proposing; the compliance officer's export as a download; refused to staff without
the permission and to customers."""

import re
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from hujin.core.approvals import approval_decide
from hujin.core.models import ApprovalRequest, BusinessDate
from hujin.risk.models_cases import Report
from hujin.risk.reports import report_propose
from hujin.risk.reports_lv import lv_reports_write
from hujin.risk.reports_str import str_draft_from_case
from tests.payments.conftest import make_customer  # noqa: F401 -- a fixture
from tests.risk.lists_helpers import verified_customer
from tests.risk.reports_helpers import ANALYST, NARRATIVE, OFFICER, closed_case, movement

pytestmark = pytest.mark.django_db
REPORTS = "/risk/reports/"
SHANGHAI = ZoneInfo("Asia/Shanghai")
JUDGED = datetime(2026, 9, 30, 15, tzinfo=SHANGHAI)  # due 13 October


def _main(response) -> str:
    page = response.content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    assert 'style="' not in main and not re.search(r"<script>(?!\s*$)", main)
    return main


def _get(client, url, language="en") -> str:
    response = client.get(url, headers={"accept-language": language})
    assert response.status_code == 200, response.status_code
    return _main(response)


def business_date_at(day: date, now) -> None:
    BusinessDate.objects.update_or_create(
        name="default", defaults={"current_date": day, "updated_at": now}
    )


def draft_of(customer_id, payer_id):
    received = movement(customer_id, JUDGED.replace(hour=9), amount=300_000_00,
                        direction="in", counterparty=str(payer_id))  # fmt: skip
    case = closed_case(customer_id, opened_at=JUDGED.replace(hour=8), closed_at=JUDGED,
                       alerted=[received])  # fmt: skip
    return str_draft_from_case(actor=ANALYST, case=case, now=JUDGED)


@pytest.fixture
def str_report(make_customer, settings, now):  # noqa: F811
    """张三's suspicious-transaction report: ¥300,000.00 in from 李四, judged 30 Sept 2026."""
    customer = verified_customer("张三", now=now, settings=settings)
    payer = make_customer(name="李四").customer
    return draft_of(customer, payer.id)


def approved(report, now):
    report_propose(actor=ANALYST, report_id=report.id, reason="ready", now=now)
    approval_decide(actor=OFFICER, request_id=ApprovalRequest.objects.get(status="pending").id,
                    approve=True, reason="ok", now=now)  # fmt: skip


class TestQueue:
    def test_lists_the_reports_with_masked_names_totals_and_working_days_left(
        self, role_client, str_report, now
    ):
        business_date_at(date(2026, 10, 9), now)  # Fri; Sat 10 Oct worked, Mon 12, Tue 13

        main = _get(role_client("risk_analyst"), REPORTS)

        assert f'data-report="{str_report.number}"' in main
        assert "Suspicious transaction" in main and "张*" in main and "张三" not in main
        assert "Received ¥300,000.00" in re.sub(r"<[^>]+>", "", main) and "2026-10-13" in main
        assert "3 working days left" in main and "Draft" in main

    def test_in_chinese(self, role_client, str_report, now):
        business_date_at(date(2026, 10, 14), now)

        main = _get(role_client("risk_analyst"), REPORTS, "zh-hans")

        assert "可疑交易" in main and "逾期 1 个工作日" in main and "草稿" in main

    def test_filters_by_kind_and_overdue(self, role_client, str_report, now):
        business_date_at(date(2026, 10, 9), now)
        client = role_client("risk_analyst")

        assert str_report.number not in _get(client, REPORTS + "?kind=lv")
        assert str_report.number not in _get(client, REPORTS + "?overdue=on")
        assert str_report.number in _get(client, REPORTS + "?kind=str&state=draft")

    def test_a_day_s_large_value_drafts_are_offered_together(self, role_client, now):
        movement(uuid.uuid4(), JUDGED, amount=600_000_00, fired=["LV-IND-DOMESTIC"])
        lv_reports_write(business_date=JUDGED.date(), now=now)

        main = _get(role_client("risk_analyst"), REPORTS)

        assert 'data-day="2026-09-30"' in main and "Propose the day" in main


class TestAReportsPage:
    def test_shows_the_transactions_the_counterparty_and_the_narrative_form(
        self, role_client, str_report
    ):
        main = _get(role_client("risk_analyst"), f"{REPORTS}{str_report.id}/")

        assert str_report.number in main and "李*" in main and "¥300,000.00" in main
        assert "Money moving in and out" not in main  # the typology by its name:
        assert "Rapid movement in and out" in main
        assert 'data-testid="narrative-form"' in main and 'data-testid="propose-form"' in main
        assert 'data-testid="export-form"' not in main

    def test_in_chinese(self, role_client, str_report):
        main = _get(role_client("risk_analyst"), f"{REPORTS}{str_report.id}/", "zh-hans")

        assert "交易" in main and "叙述" in main and "提交审批" in main

    def test_saves_the_narrative(self, role_client, str_report):
        client = role_client("risk_analyst")

        response = client.post(f"{REPORTS}{str_report.id}/narrative/",
                               {"narrative": NARRATIVE + " Seen again."})  # fmt: skip

        assert response.status_code == 302
        str_report.refresh_from_db()
        assert str_report.content["narrative"].endswith("Seen again.")

    def test_a_short_narrative_is_refused_on_the_page_and_changes_nothing(
        self, role_client, str_report
    ):
        client = role_client("risk_analyst")

        response = client.post(f"{REPORTS}{str_report.id}/narrative/", {"narrative": "short"})

        assert response.status_code == 400
        assert "at least 20 characters" in _main(response)
        str_report.refresh_from_db()
        assert str_report.content["narrative"] == NARRATIVE

    def test_proposing_links_the_approval_in_the_inbox(self, role_client, str_report):
        client = role_client("risk_analyst")

        response = client.post(f"{REPORTS}{str_report.id}/propose/", {"reason": "ready"})

        assert response.status_code == 302
        request = ApprovalRequest.objects.get(status="pending")
        main = _get(client, f"{REPORTS}{str_report.id}/")
        assert f"/approvals/{request.id}/" in main and "Waiting for approval" in main

    def test_the_officer_exports_the_approved_report_as_a_download(
        self, role_client, str_report, now
    ):
        report_propose(actor=ANALYST, report_id=str_report.id, reason="ready", now=now)
        approval_decide(actor=OFFICER, request_id=ApprovalRequest.objects.get().id,
                        approve=True, reason="ok", now=now)  # fmt: skip
        client = role_client("compliance_officer")
        assert 'data-testid="export-form"' in _get(client, f"{REPORTS}{str_report.id}/")

        response = client.post(f"{REPORTS}{str_report.id}/export/")

        assert response.status_code == 200
        assert response["Content-Type"] == "application/xml; charset=utf-8"
        assert f"HUJIN-DEV_{str_report.number}.xml" in response["Content-Disposition"]
        assert "<Name>张三</Name>" in response.content.decode()
        str_report.refresh_from_db()
        assert str_report.state == "filed"
        main = _get(client, f"{REPORTS}{str_report.id}/")
        assert str_report.export_sha256 in main and "Filed" in main


class TestAnExportThatCannotBeBuilt:
    def test_a_customer_without_a_verified_identity_is_said_and_nothing_is_filed(
        self,
        role_client,
        make_customer,  # noqa: F811
        now,
    ):
        unverified = make_customer(name="王五").customer  # no verified application
        report = draft_of(unverified.id, uuid.uuid4())
        approved(report, now)

        response = role_client("compliance_officer").post(f"{REPORTS}{report.id}/export/")

        assert response.status_code == 409
        assert "no verified identity to file" in _main(response)
        report.refresh_from_db()
        assert report.state == "approved" and not report.export_sha256

    def test_a_customer_no_longer_found_is_said_not_a_server_error(self, role_client, now):
        report = draft_of(uuid.uuid4(), uuid.uuid4())
        approved(report, now)

        response = role_client("compliance_officer").post(f"{REPORTS}{report.id}/export/")

        assert response.status_code == 409
        assert "no longer found" in _main(response)
        report.refresh_from_db()
        assert report.state == "approved"


class TestWhoMay:
    def test_an_analyst_cannot_export(self, role_client, str_report):
        response = role_client("risk_analyst").post(f"{REPORTS}{str_report.id}/export/")

        assert response.status_code == 403
        assert Report.objects.get().state == "draft"

    def test_an_auditor_reads_but_cannot_edit(self, role_client, str_report):
        client = role_client("auditor")
        main = _get(client, f"{REPORTS}{str_report.id}/")

        assert 'data-testid="narrative-form"' not in main and NARRATIVE[:40] in main
        response = client.post(f"{REPORTS}{str_report.id}/narrative/", {"narrative": "x" * 30})
        assert response.status_code == 403

    def test_a_customer_is_kept_out(self, customer_client, str_report):
        response = customer_client.get(REPORTS)

        assert response.status_code in (302, 403, 404)

    def test_an_unknown_report_is_not_found(self, role_client):
        response = role_client("risk_analyst").get(
            f"{REPORTS}7d4a0e2c-0000-4000-8000-000000000000/"
        )

        assert response.status_code == 404


class TestADaysLargeValueReportsOnThePage:
    def test_are_proposed_with_the_reason_the_analyst_gives(self, role_client, now):
        movement(uuid.uuid4(), JUDGED.replace(hour=10), amount=60_000_00, kind="topup",
                 direction="in", fired=["LV-CASH"])  # fmt: skip
        lv_reports_write(business_date=JUDGED.date(), now=now)
        client = role_client("risk_analyst")
        main = _get(client, REPORTS)
        assert 'name="reason"' in main and 'type="hidden" name="reason"' not in main

        refused = client.post(f"{REPORTS}lv/propose/", {"on": "2026-09-30", "reason": ""})
        assert refused.status_code == 302 and not ApprovalRequest.objects.exists()
        client.post(f"{REPORTS}lv/propose/", {"on": "2026-09-30", "reason": "Checked: cash."})

        assert ApprovalRequest.objects.get().maker_reason == "Checked: cash."
