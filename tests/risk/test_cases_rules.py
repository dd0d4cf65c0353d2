"""The rules a reviewer checked: the clock is overdue on every day after its due day (a weekend,
National Day), the freeze asks with a neutral reason (no tipping-off), an open alert joining a
case is escalated as the triage does, a refusal says which alert state refused it, a closed
case takes no file, assignment, alert or freeze request, and the closing's narrative keeps its
line breaks and refuses control characters."""

from datetime import UTC, datetime, timedelta

import pytest

from hujin.core.approvals import approval_decide
from hujin.core.models import ApprovalRequest, AuditEntry, OutboxEvent
from hujin.customers.models import Customer
from hujin.risk.alerts import alert_dismiss, alert_escalate
from hujin.risk.cases import case_alert_add, case_open
from hujin.risk.cases_attachments import case_attachment_add
from hujin.risk.cases_selectors import case_clock
from hujin.risk.cases_work import FREEZE_REASON, case_assign, case_close, case_freeze_request
from hujin.risk.errors import CaseInvalid, CaseStateInvalid
from hujin.risk.models_cases import Case, CaseEntry
from tests.payments.conftest import make_customer  # noqa: F401 -- a fixture
from tests.risk.cases_helpers import (
    NARRATIVE,
    PDF,
    actor_of,
    alert_for,
    analyst_made,
    customer_made,
    staff_member,
)

pytestmark = pytest.mark.django_db
SHANGHAI_NOON = timedelta(hours=4)  # 04:00 UTC is noon in Shanghai


@pytest.fixture
def analyst(db):
    return analyst_made()


@pytest.fixture
def customer_id(make_customer):  # noqa: F811
    return customer_made(make_customer)


@pytest.fixture
def case(analyst, customer_id, now):
    return case_open(actor=actor_of(analyst), customer_id=customer_id, title="t", now=now)


def _due(day: datetime) -> Case:
    """An open case due at the end of ``day`` (Shanghai) — unsaved: the clock reads it only."""
    end = day + timedelta(hours=16) - timedelta(microseconds=1)  # 23:59:59.999999 in Shanghai
    return Case(state="open", due_at=end, opened_at=day - timedelta(days=14))


class TestClock:
    @pytest.mark.parametrize("today, over", [
        (datetime(2025, 3, 29), 1),  # Saturday after a Friday due day
        (datetime(2025, 3, 30), 1),  # Sunday
        (datetime(2025, 3, 31), 1),  # Monday: the first working day late
        (datetime(2025, 4, 1), 2),
    ])  # fmt: skip
    def test_a_friday_due_day_is_overdue_over_the_weekend(self, today, over):
        clock = case_clock(_due(datetime(2025, 3, 28, tzinfo=UTC)),
                           today.replace(tzinfo=UTC) + SHANGHAI_NOON)  # fmt: skip

        assert clock.overdue and clock.days_over == over

    def test_due_the_day_before_national_day_is_overdue_through_the_holiday(self):
        case = _due(datetime(2025, 9, 30, tzinfo=UTC))
        for day in range(1, 9):  # 1 to 8 October 2025: the National Day holiday
            clock = case_clock(case, datetime(2025, 10, day, tzinfo=UTC) + SHANGHAI_NOON)
            assert (clock.overdue, clock.days_over, clock.days_left) == (True, 1, 0)

    def test_on_its_due_day_it_is_due_today_not_overdue(self):
        clock = case_clock(
            _due(datetime(2025, 3, 28, tzinfo=UTC)), datetime(2025, 3, 28, 15, 0, tzinfo=UTC)
        )  # 23:00 in Shanghai
        assert (clock.overdue, clock.days_left) == (False, 0)


class TestFreeze:
    def test_the_customer_is_frozen_for_a_neutral_reason_the_words_stay_in_the_case(
        self, analyst, case, role_client, now
    ):
        words = "Suspected structuring with a money mule"
        case_freeze_request(actor=actor_of(analyst), case_id=case.id, reason=words, now=now)

        request = ApprovalRequest.objects.get(action="customers.freeze")
        assert request.maker_reason == FREEZE_REASON == "Risk review"
        assert CaseEntry.objects.get(kind="freeze").text == words
        checker = actor_of(role_client("compliance_officer").user)
        approval_decide(actor=checker, request_id=request.id, approve=True, reason="ok", now=now)
        customer = Customer.objects.get(id=case.customer_id)
        assert customer.status == "frozen" and customer.status_reason == "Risk review"


class TestJoining:
    def test_an_open_alert_is_escalated_as_the_triage_does_then_joins(self, analyst, case,
                                                                     now):  # fmt: skip
        alert = alert_for(case.customer_id, now)

        case_alert_add(actor=actor_of(analyst), case_id=case.id, alert_id=alert.id, now=now)

        alert.refresh_from_db()
        assert alert.state == "escalated" and alert.case_id == case.id
        assert AuditEntry.objects.filter(action="risk.alert_escalate",
                                         target_id=str(alert.id)).count() == 1  # fmt: skip
        assert OutboxEvent.objects.filter(event_type="risk.alert_escalated",
                                          aggregate_id=str(alert.id)).count() == 1  # fmt: skip

    def test_a_refusal_names_the_alerts_state(self, analyst, case, customer_id, now):
        actor = actor_of(analyst)
        dismissed, joined = alert_for(customer_id, now), alert_for(customer_id, now, code="X")
        alert_dismiss(actor=actor, alert_id=dismissed.id, reason="A known salary payer", now=now)
        alert_escalate(actor=actor, alert_id=joined.id, note="seen", now=now)

        for alert, state in ((dismissed, "dismissed"), (joined, "in_case")):
            with pytest.raises(CaseStateInvalid) as refused:
                case_alert_add(actor=actor, case_id=case.id, alert_id=alert.id, now=now)
            assert refused.value.details == {"alert_state": state}


class TestClosed:
    def test_a_closed_case_takes_no_file_assignment_alert_or_freeze(self, analyst, case, now):
        actor = actor_of(analyst)
        colleague = staff_member("risk_analyst")
        alert = alert_for(case.customer_id, now)
        case_close(actor=actor, case_id=case.id, conclusion="not_suspicious",
                   narrative="Salary and rent, as every month.", now=now)  # fmt: skip
        before = (CaseEntry.objects.count(), AuditEntry.objects.count(),
                  OutboxEvent.objects.count(), ApprovalRequest.objects.count())  # fmt: skip

        for call in (
            lambda: case_attachment_add(actor=actor, case_id=case.id, file_name="a.pdf",
                                        content=PDF, now=now),
            lambda: case_assign(actor=actor, case_id=case.id, assignee_id=colleague.id, now=now),
            lambda: case_alert_add(actor=actor, case_id=case.id, alert_id=alert.id, now=now),
            lambda: case_freeze_request(actor=actor, case_id=case.id, reason="late", now=now),
        ):  # fmt: skip
            with pytest.raises(CaseStateInvalid):
                call()

        alert.refresh_from_db()
        assert alert.state == "open" and alert.case_id is None
        assert before == (CaseEntry.objects.count(), AuditEntry.objects.count(),
                          OutboxEvent.objects.count(), ApprovalRequest.objects.count())  # fmt: skip


class TestNarrative:
    def test_the_closing_narrative_keeps_its_line_breaks(self, analyst, case, now):
        text = "Four transfers below the threshold.\nThen a payout to a new payee."
        case_close(actor=actor_of(analyst), case_id=case.id, conclusion="suspicious",
                   narrative=text, typology="structuring", now=now)  # fmt: skip

        assert Case.objects.get().narrative == text

    def test_a_narrative_with_a_control_character_is_refused(self, analyst, case, now):
        with pytest.raises(CaseInvalid) as refused:
            case_close(actor=actor_of(analyst), case_id=case.id, conclusion="suspicious",
                       narrative=NARRATIVE + "\x0b", typology="structuring", now=now)  # fmt: skip

        assert refused.value.details["problem"] == "control_characters"
        assert Case.objects.get().state == "open"
