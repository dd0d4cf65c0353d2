"""The filed file: an approved report is exported as XML (UTF-8) with the customer's full
identity, its name and SHA-256 kept, its text kept encrypted, the report marked filed; parsed
back, every element of the documented format is there with the right value. A day's approved
large-value reports go into one file."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from defusedxml import ElementTree as SafeET

from hujin.core.actors import Actor
from hujin.core.approvals import approval_decide
from hujin.core.crypto import encrypt
from hujin.core.errors import PermissionDenied
from hujin.core.models import ApprovalRequest, AuditEntry, OutboxEvent
from hujin.customers.permissions import VIEW_PERSONAL_DATA
from hujin.risk.errors import ReportFileAltered, ReportNotFound, ReportStateInvalid
from hujin.risk.models_cases import Report
from hujin.risk.reports import (
    lv_reports_export,
    lv_reports_propose,
    report_export,
    report_propose,
)
from hujin.risk.reports_export import PURPOSE
from hujin.risk.reports_lv import lv_reports_write
from hujin.risk.reports_str import str_draft_from_case
from tests.customers.conftest import resident_id
from tests.risk.lists_helpers import verified_customer
from tests.risk.reports_helpers import ANALYST, OFFICER, closed_case, movement

MAKER = ANALYST

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
INSTITUTION = {"code": "HJ0001", "name": "虎金网络小额贷款有限公司"}


@pytest.fixture
def filing(settings):
    settings.HUJIN_RISK_REPORTING_INSTITUTION = INSTITUTION


def approved_str(customer, payer, now) -> Report:
    opened = now - timedelta(days=3)
    received = movement(customer, opened + timedelta(hours=2), amount=300_000_00,
                        direction="in", counterparty=str(payer))  # fmt: skip
    paid = movement(customer, opened + timedelta(hours=5), amount=299_500_00,
                    kind="withdrawal", channel="unionpay", counterparty="card:9f2")  # fmt: skip
    case = closed_case(customer, opened_at=opened, closed_at=now, alerted=[received, paid])
    report = str_draft_from_case(actor=MAKER, case=case, now=now)
    report_propose(actor=MAKER, report_id=report.id, reason="ready", now=now)
    approval_decide(actor=OFFICER, request_id=ApprovalRequest.objects.get(status="pending").id,
                    approve=True, reason="checked", now=now)  # fmt: skip
    report.refresh_from_db()
    return report


def text(element, path):
    found = element.find(path)
    assert found is not None, path
    return found.text or ""


class TestASuspiciousTransactionReportsFile:
    def test_parsed_back_every_element_says_what_the_report_holds(self, filing, settings, now):
        customer = verified_customer("李雷", birth="19800102", now=now, settings=settings)
        payer = verified_customer("韩梅梅", birth="19820304", now=now, settings=settings)
        report = approved_str(customer, payer, now)

        file = report_export(actor=OFFICER, report_id=report.id, now=now)

        assert file.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
        root = SafeET.fromstring(file.content)
        assert root.tag == "ReportFile" and root.get("version") == "1"
        header = root.find("Header")
        assert text(header, "Institution/Code") == "HJ0001"
        assert text(header, "Institution/Name") == INSTITUTION["name"]
        assert text(header, "FileName") == file.name == f"HJ0001_{report.number}.xml"
        assert datetime.fromisoformat(text(header, "CreatedAt")) == now
        assert text(header, "CreatedAt").endswith("+08:00")
        assert text(header, "ReportCount") == "1"
        [body] = root.findall("Report")
        assert text(body, "ReportNumber") == report.number
        assert text(body, "Kind") == "STR"
        assert text(body, "OccurredOn") == report.occurred_on.isoformat()
        assert text(body, "DueOn") == report.due_on.isoformat()
        assert datetime.fromisoformat(text(body, "ApprovedAt")) == now
        person = body.find("Customer")
        assert text(person, "Type") == "individual"
        assert text(person, "Name") == "李雷"
        assert text(person, "IdType") == "resident_id"
        number = text(person, "IdNumber")
        assert number == resident_id("110105", "19800102", number[14:17])  # in full
        assert text(person, "Nationality") == "CN"
        listed = body.find("Transactions")
        assert listed.get("count") == "2"
        received, paid = listed.findall("Transaction")
        assert text(received, "Kind") == "transfer" and text(received, "Direction") == "received"
        assert text(received, "AmountMinor") == "30000000"
        assert text(received, "Amount") == "300000.00" and text(received, "Currency") == "CNY"
        assert text(received, "Time").endswith("+08:00")
        assert received.find("Counterparty").get("type") == "customer"
        assert text(received, "Counterparty/Reference") == str(payer)
        assert text(received, "Counterparty/Name") == "韩梅梅"
        assert text(paid, "Kind") == "withdrawal" and text(paid, "Direction") == "paid"
        assert text(paid, "Amount") == "299500.00" and text(paid, "Channel") == "unionpay"
        assert paid.find("Counterparty").get("type") == "card"
        assert text(paid, "Counterparty/Reference") == "9f2"
        assert text(body, "Typology") == "rapid_in_out"
        assert text(body, "Narrative") == report.content["narrative"]
        assert body.find("Criteria") is None

    def test_the_report_is_filed_with_the_file_s_name_and_digest(self, filing, settings, now):
        customer = verified_customer("李雷", now=now, settings=settings)
        report = approved_str(customer, uuid.uuid4(), now)

        file = report_export(actor=OFFICER, report_id=report.id, now=now)

        report.refresh_from_db()
        assert (report.state, report.filed_at) == ("filed", now)
        assert (report.export_name, report.export_sha256) == (file.name, file.sha256)
        assert "李雷".encode() not in report.content["file"].encode()  # kept encrypted
        assert AuditEntry.objects.filter(action="risk.report_file").count() == 1
        assert OutboxEvent.objects.get(event_type="risk.report_filed").payload[
            "export_sha256"] == file.sha256  # fmt: skip
        assert AuditEntry.objects.filter(action="personal_data.viewed").exists()

    def test_a_filed_report_gives_the_same_file_again_each_download_audited(
        self, filing, settings, now
    ):
        customer = verified_customer("李雷", now=now, settings=settings)
        report = approved_str(customer, uuid.uuid4(), now)
        first = report_export(actor=OFFICER, report_id=report.id, now=now)
        entries = AuditEntry.objects.count()

        again = report_export(actor=OFFICER, report_id=report.id, now=now + timedelta(days=1))

        assert again == first
        report.refresh_from_db()
        assert report.filed_at == now and AuditEntry.objects.count() == entries + 1
        download = AuditEntry.objects.get(action="risk.report_download")
        assert download.target_id == str(report.id)
        assert download.after["customer_ids"] == [str(customer)]
        assert download.after["export_sha256"] == first.sha256

    def test_a_filed_file_is_not_given_again_without_the_personal_data_permission(
        self, filing, settings, now
    ):
        customer = verified_customer("李雷", now=now, settings=settings)
        report = approved_str(customer, uuid.uuid4(), now)
        report_export(actor=OFFICER, report_id=report.id, now=now)
        no_personal_data = Actor(kind="staff", id=str(uuid.uuid4()), label="officer.qian",
                                 scopes=OFFICER.scopes - {VIEW_PERSONAL_DATA})  # fmt: skip

        with pytest.raises(PermissionDenied):
            report_export(actor=no_personal_data, report_id=report.id, now=now)

        assert not AuditEntry.objects.filter(action="risk.report_download").exists()

    def test_a_kept_file_that_no_longer_matches_its_digest_is_not_given_out(
        self, filing, settings, now
    ):
        customer = verified_customer("李雷", now=now, settings=settings)
        report = approved_str(customer, uuid.uuid4(), now)
        file = report_export(actor=OFFICER, report_id=report.id, now=now)
        altered = file.content.replace(b"</ReportFile>", b"<Extra/></ReportFile>")
        Report.objects.filter(id=report.id).update(content={
            **report.content, "file": encrypt(altered.decode(), purpose=PURPOSE)})  # fmt: skip

        with pytest.raises(ReportFileAltered):
            report_export(actor=OFFICER, report_id=report.id, now=now)

        assert not AuditEntry.objects.filter(action="risk.report_download").exists()

    def test_a_draft_is_not_exported(self, filing, now):
        case = closed_case(uuid.uuid4(), opened_at=now - timedelta(days=1), closed_at=now)
        report = str_draft_from_case(actor=MAKER, case=case, now=now)

        with pytest.raises(ReportStateInvalid):
            report_export(actor=OFFICER, report_id=report.id, now=now)

        report.refresh_from_db()
        assert report.state == "draft" and not report.export_sha256

    def test_an_analyst_without_the_permission_cannot_export(self, filing, settings, now):
        customer = verified_customer("李雷", now=now, settings=settings)
        report = approved_str(customer, uuid.uuid4(), now)

        with pytest.raises(PermissionDenied):
            report_export(actor=ANALYST, report_id=report.id, now=now)

        report.refresh_from_db()
        assert report.state == "approved"


class TestADaysLargeValueReports:
    def test_are_proposed_approved_and_filed_in_one_file(self, filing, settings, now):
        day = now.astimezone(SHANGHAI).replace(hour=11, minute=0)
        first = verified_customer("李雷", now=now, settings=settings)
        second = verified_customer("韩梅梅", now=now, settings=settings)
        movement(first, day, amount=60_000_00, channel="cash", kind="topup", direction="in",
                 fired=["LV-CASH"])  # fmt: skip
        movement(second, day + timedelta(minutes=5), amount=500_000_00, fired=["LV-IND-DOMESTIC"])
        lv_reports_write(business_date=day.date(), now=now)

        lv_reports_propose(actor=MAKER, on=day.date(), reason="the day's reports", now=now)
        approval_decide(actor=OFFICER, request_id=ApprovalRequest.objects.get(status="pending").id,
                        approve=True, reason="checked", now=now)  # fmt: skip
        file = lv_reports_export(actor=OFFICER, on=day.date(), now=now)

        root = SafeET.fromstring(file.content)
        assert file.name == f"HJ0001_LV_{day:%Y%m%d}_01.xml"
        assert text(root, "Header/ReportCount") == "2"
        bodies = root.findall("Report")
        assert [text(b, "Kind") for b in bodies] == ["LV", "LV"]
        assert [text(b, "Customer/Name") for b in bodies] == ["李雷", "韩梅梅"]
        assert [[r.text for r in b.findall("Criteria/Rule")] for b in bodies] == [
            ["LV-CASH"], ["LV-IND-DOMESTIC"]]  # fmt: skip
        assert all(b.find("Narrative") is None for b in bodies)
        assert set(Report.objects.values_list("state", "export_sha256")) == {
            ("filed", file.sha256)}  # fmt: skip

    def test_a_day_with_nothing_approved_has_no_file(self, filing, now):
        with pytest.raises(ReportNotFound):
            lv_reports_export(actor=OFFICER, on=now.date(), now=now)
