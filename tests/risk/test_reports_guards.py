"""The reports' guards: a narrative's control characters never reach the file; report numbers
go on past 9,999; a late large-value report of a filed date goes in the date's next file; a
suspicious-transaction report says what became of each movement and who was on its other side
when risk still knows; the approval link is the report's own request; the file is built with
the institution the report was approved with; sums never mix currencies."""

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from defusedxml import ElementTree as SafeET

from hujin.core.approvals import approval_decide
from hujin.core.events import outbox_dispatch
from hujin.core.models import ApprovalRequest
from hujin.risk.models_cases import STR, Report
from hujin.risk.reports import (
    lv_reports_export,
    lv_reports_propose,
    report_export,
    report_propose,
)
from hujin.risk.reports_export import Identity, file_build
from hujin.risk.reports_lv import lv_reports_write
from hujin.risk.reports_selectors import report_detail, totals_of
from hujin.risk.reports_str import numbers_next, str_draft_from_case
from tests.risk.lists_helpers import verified_customer
from tests.risk.reports_helpers import ANALYST, OFFICER, closed_case, movement
from tests.risk.test_reports_export import INSTITUTION, approved_str

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 9, 30)


@pytest.fixture
def filing(settings):
    settings.HUJIN_RISK_REPORTING_INSTITUTION = INSTITUTION


def text(element, path):
    found = element.find(path)
    assert found is not None, path
    return found.text or ""


def approve_pending(now):
    approval_decide(actor=OFFICER, request_id=ApprovalRequest.objects.get(status="pending").id,
                    approve=True, reason="checked", now=now)  # fmt: skip


class TestTheNarrativeInTheFile:
    def test_control_characters_are_left_out_of_the_file(self, filing, settings, now):
        customer = verified_customer("李雷", now=now, settings=settings)
        report = approved_str(customer, uuid.uuid4(), now)
        # Held in memory only: PostgreSQL cannot even store U+0000 in a text.
        report.content["narrative"] = "Money in\x0b and out\x00 within hours\x1f, twice."
        who = Identity(type="individual", name="李雷\x0c", id_type="resident_id",
                       id_number="110105196803140011", nationality="CN")  # fmt: skip

        file = file_build([report], {str(customer): who}, institution=INSTITUTION,
                          name="HJ0001_test.xml", now=now)  # fmt: skip

        body = SafeET.fromstring(file.content).find("Report")  # parses: the XML is valid
        assert text(body, "Narrative") == "Money in and out within hours, twice."
        assert text(body, "Customer/Name") == "李雷"


class TestReportNumbers:
    def _numbered(self, number: str, now) -> Report:
        """The report numbered ``number``, made directly (as if 9,998 came before it)."""
        customer = uuid.uuid4()
        case = closed_case(customer, opened_at=now - timedelta(days=1), closed_at=now)
        return Report.objects.create(number=number, kind=STR, customer_id=customer, case=case,
                                     occurred_on=DAY, due_on=DAY, made_at=now)  # fmt: skip

    def test_after_the_9999th_of_a_day_come_10000_and_10001(self, now):
        self._numbered("STR-20260930-9999", now)
        self._numbered("STR-20260930-0002", now)

        assert numbers_next(STR, DAY) == ["STR-20260930-10000"]
        self._numbered("STR-20260930-10000", now)
        assert numbers_next(STR, DAY, 2) == ["STR-20260930-10001", "STR-20260930-10002"]


class TestALateLargeValueReport:
    def test_goes_in_the_date_s_next_file_not_one_of_the_same_name(self, filing, settings, now):
        at = datetime(2026, 9, 30, 11, tzinfo=SHANGHAI)
        first = verified_customer("李雷", now=now, settings=settings)
        late = verified_customer("韩梅梅", now=now, settings=settings)
        movement(first, at, amount=60_000_00, kind="topup", direction="in", fired=["LV-CASH"])
        lv_reports_write(business_date=DAY, now=now)
        lv_reports_propose(actor=ANALYST, on=DAY, reason="the day's reports", now=now)
        approve_pending(now)
        one = lv_reports_export(actor=OFFICER, on=DAY, now=now)
        movement(late, at, amount=70_000_00, kind="topup", direction="in", fired=["LV-CASH"])
        lv_reports_write(business_date=DAY + timedelta(days=1), now=now)  # the look-back
        lv_reports_propose(actor=ANALYST, on=DAY, reason="a late one", now=now)
        approve_pending(now)

        two = lv_reports_export(actor=OFFICER, on=DAY, now=now + timedelta(hours=1))

        assert (one.name, two.name) == ("HJ0001_LV_20260930_01.xml", "HJ0001_LV_20260930_02.xml")
        assert text(SafeET.fromstring(two.content), "Header/ReportCount") == "1"
        assert sorted(Report.objects.values_list("export_name", flat=True)) == [one.name, two.name]


class TestWhatBecameOfEachMovement:
    def test_a_refused_transfer_is_listed_refused_with_its_payee_from_the_decisions(
        self, filing, settings, now
    ):
        customer = verified_customer("李雷", now=now, settings=settings)
        payee = verified_customer("韩梅梅", now=now, settings=settings)
        at = now - timedelta(days=1)
        refused = movement(customer, at, amount=90_000_00, stands=False)
        # The screen keeps both sides' decisions of a refused transfer, under one event.
        payee_side = movement(payee, at, amount=90_000_00, direction="in", stands=False)
        for d in (refused, payee_side):
            d.outcome = "refuse"
        refused.save(update_fields=["outcome"])
        payee_side.event = refused.event
        payee_side.save(update_fields=["event", "outcome"])
        card = movement(customer, at + timedelta(hours=1), amount=5_000_00, kind="withdrawal",
                        stands=False)  # failed: its card is not kept by risk  # fmt: skip
        went = movement(customer, at + timedelta(hours=2), amount=1_000_00,
                        counterparty=str(payee))  # fmt: skip
        case = closed_case(customer, opened_at=at - timedelta(hours=1), closed_at=now,
                           alerted=[refused])  # fmt: skip

        report = str_draft_from_case(actor=ANALYST, case=case, now=now)

        listed = {t["decision_id"]: t for t in report.content["transactions"]}
        assert (listed[str(refused.id)]["status"], listed[str(refused.id)]["counterparty"]) == (
            "refused", str(payee))  # fmt: skip
        assert listed[str(card.id)]["status"] == "failed"
        assert listed[str(card.id)]["counterparty_kept"] is False
        assert listed[str(went.id)]["status"] == "completed"
        page = report_detail(actor=OFFICER, report_id=report.id, today=DAY, now=now)
        kinds = {t.status: t.counterparty_kind for t in page.transactions}
        assert kinds == {"refused": "customer", "failed": "not_kept", "completed": "customer"}


class TestTheApprovalLink:
    def test_a_large_value_report_outside_its_date_s_waiting_batch_has_no_link(self, now):
        at = datetime(2026, 9, 30, 11, tzinfo=SHANGHAI)
        movement(uuid.uuid4(), at, amount=60_000_00, kind="topup", direction="in",
                 fired=["LV-CASH"])  # fmt: skip
        lv_reports_write(business_date=DAY, now=now)
        lv_reports_propose(actor=ANALYST, on=DAY, reason="the day's reports", now=now)
        movement(uuid.uuid4(), at, amount=70_000_00, kind="topup", direction="in",
                 fired=["LV-CASH"])  # fmt: skip
        lv_reports_write(business_date=DAY, now=now)
        batched, late = Report.objects.order_by("number")

        pages = [report_detail(actor=OFFICER, report_id=r.id, today=DAY, now=now)
                 for r in (batched, late)]  # fmt: skip

        request = ApprovalRequest.objects.get(status="pending")
        assert str(request.id) in pages[0].approval_url
        assert pages[1].approval_url == ""


class TestTheInstitution:
    def test_the_file_names_the_institution_the_report_was_approved_with(
        self, filing, settings, now
    ):
        customer = verified_customer("李雷", now=now, settings=settings)
        report = approved_str(customer, uuid.uuid4(), now)
        settings.HUJIN_RISK_REPORTING_INSTITUTION = {"code": "HJ0002", "name": "Another"}

        file = report_export(actor=OFFICER, report_id=report.id, now=now)

        root = SafeET.fromstring(file.content)
        assert text(root, "Header/Institution/Code") == "HJ0001"
        assert file.name == f"HJ0001_{report.number}.xml"


def test_sums_are_kept_apart_by_currency():
    listed = [
        {"currency": "CNY", "direction": "in", "amount_minor": 100_00},
        {"currency": "USD", "direction": "in", "amount_minor": 7_00},
        {"currency": "CNY", "direction": "out", "amount_minor": 30_00},
    ]

    assert totals_of(listed) == (("CNY", 100_00, 30_00), ("USD", 7_00, 0))


class TestAReportProposedAgainBeforeItsRejectionIsDelivered:
    def test_stays_proposed_when_the_late_rejection_arrives(self, now):
        at = datetime(2026, 9, 30, 11, tzinfo=SHANGHAI)
        for amount in (60_000_00, 70_000_00):
            movement(uuid.uuid4(), at, amount=amount, kind="topup", direction="in",
                     fired=["LV-CASH"])  # fmt: skip
        lv_reports_write(business_date=DAY, now=now)
        lv_reports_propose(actor=ANALYST, on=DAY, reason="the day's reports", now=now)
        approval_decide(actor=OFFICER, request_id=ApprovalRequest.objects.get().id,
                        approve=False, reason="check the second", now=now)  # fmt: skip
        again, other = Report.objects.order_by("number")
        report_propose(actor=ANALYST, report_id=again.id, reason="checked alone", now=now)

        outbox_dispatch(now=now)  # the rejection's subscriber runs only now

        again.refresh_from_db()
        other.refresh_from_db()
        assert (again.state, other.state) == ("proposed", "draft")
        assert ApprovalRequest.objects.get(status="pending").target_id == str(again.id)
