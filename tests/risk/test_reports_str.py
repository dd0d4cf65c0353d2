"""A case closed as suspicious gives a suspicious-transaction report's draft: the customer, the
movements of the case's alerts and every other movement of the customer over the case's period,
the typology and the narrative; judged on a day in Asia/Shanghai, due the fifth working day
after it (that day not counted), over the National Day holiday and its adjusted working
Saturday."""

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hujin.core.models import AuditEntry, OutboxEvent
from hujin.risk.errors import ReportSourceInvalid
from hujin.risk.models_cases import Report
from hujin.risk.reports_str import str_draft_from_case
from tests.risk.reports_helpers import ANALYST, closed_case, movement

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


class TestTheDueDate:
    """PBoC Order 〔2016〕 No. 3 art. 13: filed 最迟不超过5个工作日 after it is judged
    suspicious."""

    def _due(self, closed_at):
        customer = uuid.uuid4()
        case = closed_case(customer, opened_at=closed_at - timedelta(days=3), closed_at=closed_at)
        report = str_draft_from_case(actor=ANALYST, case=case, now=closed_at)
        return report.occurred_on, report.due_on

    def test_judged_on_30_september_2026_it_is_due_on_13_october_after_the_holiday(self):
        # 1-7 October are the National Day holiday; Saturday 10 October is worked (调休):
        # 8 Oct (1), 9 Oct (2), Sat 10 Oct (3), Mon 12 Oct (4), Tue 13 Oct (5).
        assert self._due(shanghai(2026, 9, 30, 16)) == (date(2026, 9, 30), date(2026, 10, 13))

    def test_the_day_is_shanghai_s_not_utc_s(self):
        # 29 September 16:30 UTC is already 30 September 00:30 in Shanghai.
        closed_at = datetime(2026, 9, 29, 16, 30, tzinfo=ZoneInfo("UTC"))

        assert self._due(closed_at) == (date(2026, 9, 30), date(2026, 10, 13))

    def test_an_adjusted_working_sunday_counts_and_the_mid_autumn_holiday_does_not(self):
        # Friday 18 Sept; Sunday 20 Sept is worked; 21-24 Sept are the 2nd to 5th.
        assert self._due(shanghai(2026, 9, 18)) == (date(2026, 9, 18), date(2026, 9, 24))

    def test_judged_the_day_before_the_holiday_the_clock_waits_it_out(self):
        # Thursday 24 Sept; 25-27 Sept are the Mid-autumn holiday: 28, 29, 30 Sept, 8, 9 Oct.
        assert self._due(shanghai(2026, 9, 24)) == (date(2026, 9, 24), date(2026, 10, 9))


class TestTheDraft:
    def test_holds_the_case_s_and_the_period_s_movements_in_time_order(self, now):
        customer, other = uuid.uuid4(), uuid.uuid4()
        opened = now - timedelta(days=5)
        early = movement(customer, opened - timedelta(days=2), amount=80_000_00,
                         direction="in", counterparty=str(other))  # fmt: skip
        during = movement(customer, opened + timedelta(days=1), amount=79_000_00,
                          kind="withdrawal", counterparty="card:c-1")  # fmt: skip
        movement(customer, opened + timedelta(days=2), kind="login", amount=0)
        movement(other, opened + timedelta(days=2))  # someone else's
        movement(customer, now + timedelta(hours=1))  # after the case was closed
        case = closed_case(customer, opened_at=opened, closed_at=now, alerted=[early])

        report = str_draft_from_case(actor=ANALYST, case=case, now=now)

        listed = report.content["transactions"]
        assert [t["decision_id"] for t in listed] == [str(early.id), str(during.id)]
        assert listed[0] == {
            "decision_id": str(early.id), "occurred_at": early.occurred_at.isoformat(),
            "kind": "transfer", "direction": "in", "amount_minor": 80_000_00,
            "currency": "CNY", "channel": "", "counterparty": str(other),
            "counterparty_kept": True, "status": "completed",
        }  # fmt: skip
        assert listed[1]["counterparty"] == "card:c-1"
        assert report.content["typology"] == "rapid_in_out"
        assert report.content["narrative"] == case.narrative
        assert report.content["customer"] == {"id": str(customer)}
        assert report.content["institution"]["code"]
        assert (report.kind, report.state, report.case_id) == ("str", "draft", case.id)
        assert report.number.startswith(f"STR-{now.astimezone(SHANGHAI):%Y%m%d}-")

    def test_keeps_no_personal_data_in_the_clear(self, now):
        case = closed_case(uuid.uuid4(), opened_at=now - timedelta(days=1), closed_at=now)

        report = str_draft_from_case(actor=ANALYST, case=case, now=now)

        assert set(report.content["customer"]) == {"id"}

    def test_is_audited_with_its_event_in_the_same_write(self, now):
        case = closed_case(uuid.uuid4(), opened_at=now - timedelta(days=1), closed_at=now)

        report = str_draft_from_case(actor=ANALYST, case=case, now=now)

        entry = AuditEntry.objects.get(action="risk.report_draft", target_id=str(report.id))
        assert entry.after["number"] == report.number
        event = OutboxEvent.objects.get(event_type="risk.report_drafted")
        assert event.payload["case_id"] == str(case.id)
        assert "narrative" not in event.payload

    def test_numbers_the_day_s_reports_one_after_another(self, now):
        first = closed_case(uuid.uuid4(), opened_at=now - timedelta(days=1), closed_at=now)
        second = closed_case(uuid.uuid4(), opened_at=now - timedelta(days=1), closed_at=now)

        a = str_draft_from_case(actor=ANALYST, case=first, now=now)
        b = str_draft_from_case(actor=ANALYST, case=second, now=now)

        assert int(b.number[-4:]) == int(a.number[-4:]) + 1


class TestWhatIsRefused:
    @pytest.mark.parametrize("state, conclusion", [("closed", "not_suspicious"), ("open", "")])
    def test_a_case_not_judged_suspicious_gives_no_report(self, now, state, conclusion):
        case = closed_case(uuid.uuid4(), opened_at=now - timedelta(days=1),
                           closed_at=now if state == "closed" else None, conclusion=conclusion,
                           state=state)  # fmt: skip

        with pytest.raises(ReportSourceInvalid):
            str_draft_from_case(actor=ANALYST, case=case, now=now)

        assert not Report.objects.exists() and not AuditEntry.objects.filter(
            action="risk.report_draft").exists()  # fmt: skip

    def test_a_case_gives_one_report_only(self, now):
        case = closed_case(uuid.uuid4(), opened_at=now - timedelta(days=1), closed_at=now)
        str_draft_from_case(actor=ANALYST, case=case, now=now)

        with pytest.raises(ReportSourceInvalid):
            str_draft_from_case(actor=ANALYST, case=case, now=now)

        assert Report.objects.count() == 1
