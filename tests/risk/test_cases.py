"""Cases as an analyst works them: an escalated alert opens its customer's case or joins the open
one; a case is opened for a customer, joined by another alert of theirs, noted, assigned, has
the customer's freeze asked for, and is closed — as suspicious with its report's draft. Every
write leaves its timeline entry, audit entry and event; every refusal changes nothing."""

from datetime import UTC, datetime, timedelta

import pytest

from hujin.core.actors import Actor
from hujin.core.errors import PermissionDenied
from hujin.core.models import ApprovalRequest, AuditEntry, OutboxEvent
from hujin.customers.errors import StatusUnchanged
from hujin.risk.alerts import alert_dismiss, alert_escalate
from hujin.risk.cases import case_alert_add, case_due_at, case_open
from hujin.risk.cases_work import case_assign, case_close, case_freeze_request, case_note_add
from hujin.risk.errors import CaseInvalid, CaseNotFound, CaseStateInvalid
from hujin.risk.models import Alert
from hujin.risk.models_cases import Case, CaseEntry, Report
from hujin.risk.permissions import VIEW_RISK
from tests.payments.conftest import make_customer  # noqa: F401 -- a fixture
from tests.risk.cases_helpers import (
    NARRATIVE,
    actor_of,
    alert_for,
    analyst_made,
    customer_made,
    staff_member,
)

pytestmark = pytest.mark.django_db
ROUTINE = "The customer's usual salary and rent, explained."


@pytest.fixture
def analyst(db):
    return analyst_made()


@pytest.fixture
def customer_id(make_customer):  # noqa: F811
    return customer_made(make_customer)


def _changes() -> tuple[int, int, int, int]:
    return (Case.objects.count(), CaseEntry.objects.count(), AuditEntry.objects.count(),
            OutboxEvent.objects.count())  # fmt: skip


def _kinds(case) -> list[str]:
    return list(case.entries.order_by("at", "id").values_list("kind", flat=True))


class TestEscalation:
    def test_an_escalated_alert_opens_its_customers_case(self, analyst, customer_id, now):
        alert = alert_for(customer_id, now)

        triaged = alert_escalate(actor=actor_of(analyst), alert_id=alert.id,
                                 note="Four transfers below the threshold", now=now)  # fmt: skip

        case = Case.objects.get()
        assert triaged.case_id == case.id and case.customer_id == customer_id
        assert case.number == "CASE-2025-000001" and case.state == "open"
        assert case.title == "Four transfers below the threshold"
        assert _kinds(case) == ["opened", "alert"]
        assert Alert.objects.get().case_id == case.id
        assert set(AuditEntry.objects.values_list("action", flat=True)) >= {
            "risk.alert_escalate", "risk.case_open", "risk.case_alert_add"}  # fmt: skip
        assert OutboxEvent.objects.filter(event_type="risk.case_opened").count() == 1

    def test_a_second_escalated_alert_joins_the_open_case(self, analyst, customer_id, now):
        first, second = alert_for(customer_id, now), alert_for(customer_id, now, code="OTHER")
        actor = actor_of(analyst)

        alert_escalate(actor=actor, alert_id=first.id, note="seen", now=now)
        alert_escalate(actor=actor, alert_id=second.id, note="again", now=now)

        case = Case.objects.get()
        assert case.alerts.count() == 2 and _kinds(case) == ["opened", "alert", "alert"]

    def test_a_closed_case_does_not_take_new_alerts_a_new_case_opens(self, analyst, customer_id,
                                                                      now):  # fmt: skip
        actor = actor_of(analyst)
        alert_escalate(actor=actor, alert_id=alert_for(customer_id, now).id, note="a", now=now)
        case_close(actor=actor, case_id=Case.objects.get().id, conclusion="not_suspicious",
                   narrative="A salary and its usual spending, nothing more.", now=now)  # fmt: skip

        alert_escalate(actor=actor, alert_id=alert_for(customer_id, now).id, note="b", now=now)

        assert list(Case.objects.order_by("number").values_list("number", "state")) == [
            ("CASE-2025-000001", "closed"), ("CASE-2025-000002", "open")]  # fmt: skip

    def test_a_dismissed_alert_opens_no_case(self, analyst, customer_id, now):
        alert_dismiss(actor=actor_of(analyst), alert_id=alert_for(customer_id, now).id,
                      reason="A known payroll run, not suspicious", now=now)  # fmt: skip

        assert Case.objects.count() == 0

    def test_an_alert_about_no_customer_is_escalated_without_a_case(self, analyst, now):
        triaged = alert_escalate(actor=actor_of(analyst), alert_id=alert_for(None, now).id,
                                 note="a watch-list hit on a payee", now=now)  # fmt: skip

        assert triaged.case_id is None and Case.objects.count() == 0


class TestOpenAndJoin:
    def test_opens_a_case_for_a_customer_with_its_clock(self, analyst, customer_id, now):
        case = case_open(actor=actor_of(analyst), customer_id=customer_id,
                         title="Look at the card top-ups", now=now)  # fmt: skip

        # Friday 2025-03-14: ten working days later is Friday 2025-03-28, to its end in Shanghai.
        assert case.due_at == datetime(2025, 3, 28, 15, 59, 59, 999999, tzinfo=UTC)
        assert _kinds(case) == ["opened"]

    def test_the_clock_skips_the_statutory_holidays(self, settings):
        settings.HUJIN_RISK_CASE_WORKING_DAYS = 3
        # Opened Monday 2025-09-29: 1 and 2 October are holidays (National Day, to the 8th);
        # Tuesday 30 September, then 9 and 10 October are the three working days.
        due = case_due_at(datetime(2025, 9, 29, 2, 0, tzinfo=UTC))

        assert due == datetime(2025, 10, 10, 15, 59, 59, 999999, tzinfo=UTC)

    def test_refuses_a_second_open_case_for_the_customer(self, analyst, customer_id, now):
        actor = actor_of(analyst)
        case_open(actor=actor, customer_id=customer_id, title="first", now=now)
        before = _changes()

        with pytest.raises(CaseStateInvalid) as raised:
            case_open(actor=actor, customer_id=customer_id, title="second", now=now)

        assert raised.value.details["case"] == "CASE-2025-000001" and _changes() == before

    def test_refuses_an_unknown_customer(self, analyst, now):
        with pytest.raises(CaseInvalid):
            case_open(actor=actor_of(analyst), customer_id="not-an-id", title="x", now=now)
        assert Case.objects.count() == 0

    def test_joins_an_open_alert_of_the_customer_and_escalates_it(self, analyst, customer_id,
                                                                   now):  # fmt: skip
        actor = actor_of(analyst)
        case = case_open(actor=actor, customer_id=customer_id, title="card top-ups", now=now)
        alert = alert_for(customer_id, now)

        case_alert_add(actor=actor, case_id=case.id, alert_id=alert.id, now=now)

        alert.refresh_from_db()
        assert alert.state == "escalated" and alert.case_id == case.id
        assert _kinds(case) == ["opened", "alert"]

    def test_refuses_another_customers_alert(self, analyst, customer_id, make_customer, now):  # noqa: F811
        actor = actor_of(analyst)
        case = case_open(actor=actor, customer_id=customer_id, title="card top-ups", now=now)
        other = alert_for(make_customer(name="王伟").customer.id, now)
        before = _changes()

        with pytest.raises(CaseInvalid) as raised:
            case_alert_add(actor=actor, case_id=case.id, alert_id=other.id, now=now)

        assert raised.value.details["reason"] == "another_customer" and _changes() == before
        assert Alert.objects.get(id=other.id).state == "open"

    def test_refuses_a_dismissed_alert_and_one_already_in_a_case(self, analyst, customer_id, now):
        actor = actor_of(analyst)
        joined = alert_for(customer_id, now)
        alert_escalate(actor=actor, alert_id=joined.id, note="seen", now=now)
        dismissed = alert_for(customer_id, now)
        alert_dismiss(actor=actor, alert_id=dismissed.id, reason="A known payroll run", now=now)
        case = Case.objects.get()

        for alert, state in ((dismissed, "dismissed"), (joined, "in_case")):
            with pytest.raises(CaseStateInvalid) as raised:
                case_alert_add(actor=actor, case_id=case.id, alert_id=alert.id, now=now)
            assert raised.value.details["alert_state"] == state


@pytest.fixture
def case(analyst, customer_id, now):
    return case_open(actor=actor_of(analyst), customer_id=customer_id, title="top-ups", now=now)


class TestWork:
    def test_adds_a_note_to_the_timeline(self, analyst, case, now):
        case_note_add(actor=actor_of(analyst), case_id=case.id, text="Called the bank.\nNo reply.",
                      now=now + timedelta(hours=1))  # fmt: skip

        entry = case.entries.get(kind="note")
        assert entry.text == "Called the bank.\nNo reply." and entry.by == analyst.id
        assert AuditEntry.objects.filter(action="risk.case_note_add").count() == 1

    def test_refuses_an_empty_note(self, analyst, case, now):
        before = _changes()
        with pytest.raises(CaseInvalid):
            case_note_add(actor=actor_of(analyst), case_id=case.id, text="  ", now=now)
        assert _changes() == before

    def test_assigns_to_a_staff_member_who_works_alerts(self, analyst, case, now):
        colleague = staff_member("compliance_officer", "Wang Officer")

        case_assign(actor=actor_of(analyst), case_id=case.id, assignee_id=colleague.id, now=now)

        case.refresh_from_db()
        assert case.assignee == colleague.id and _kinds(case)[-1] == "assigned"

    def test_refuses_an_assignee_without_the_permission_and_a_customer(
        self,
        analyst,
        case,
        make_customer,  # noqa: F811
        now,
    ):
        auditor = staff_member("auditor")
        customer_login = make_customer(name="王伟")
        before = _changes()

        for person in (auditor.id, customer_login.id, "nobody"):
            with pytest.raises(CaseInvalid):
                case_assign(actor=actor_of(analyst), case_id=case.id, assignee_id=person, now=now)

        assert _changes() == before and Case.objects.get().assignee is None

    def test_asks_for_the_customers_freeze_through_maker_checker(self, analyst, case, now):
        case_freeze_request(actor=actor_of(analyst), case_id=case.id,
                            reason="Money laundering suspected", now=now)  # fmt: skip

        request = ApprovalRequest.objects.get(action="customers.freeze")
        assert request.target_id == str(case.customer_id) and request.status == "pending"
        entry = case.entries.get(kind="freeze")
        assert entry.details == {"approval_id": str(request.id)}

    def test_a_refused_freeze_leaves_the_case_as_it_was(self, analyst, make_customer, now):  # noqa: F811
        frozen = make_customer(name="赵六", status="frozen").customer.id
        case = case_open(actor=actor_of(analyst), customer_id=frozen, title="frozen", now=now)
        before = _changes()

        with pytest.raises(StatusUnchanged):
            case_freeze_request(actor=actor_of(analyst), case_id=case.id, reason="again", now=now)

        assert _changes() == before and ApprovalRequest.objects.count() == 0

    def test_who_lacks_work_alerts_may_not_work_a_case(self, case, now):
        reader = Actor(kind="staff", id="reader", scopes=frozenset({VIEW_RISK}))
        with pytest.raises(PermissionDenied):
            case_note_add(actor=reader, case_id=case.id, text="x", now=now)

    def test_an_unknown_case_is_not_found(self, analyst, now):
        with pytest.raises(CaseNotFound):
            case_note_add(actor=actor_of(analyst), case_id="nope", text="x", now=now)


class TestClose:
    def test_closing_as_suspicious_drafts_the_report(self, analyst, customer_id, now):
        actor = actor_of(analyst)
        alert_escalate(actor=actor, alert_id=alert_for(customer_id, now).id, note="seen", now=now)
        case = Case.objects.get()

        case_close(actor=actor, case_id=case.id, conclusion="suspicious", narrative=NARRATIVE,
                   typology="structuring", now=now + timedelta(days=1))  # fmt: skip

        case.refresh_from_db()
        assert (case.state, case.conclusion, case.typology) == ("closed", "suspicious",
                                                                "structuring")  # fmt: skip
        report = Report.objects.get()
        assert report.case_id == case.id and report.kind == "str" and report.state == "draft"
        assert _kinds(case)[-2:] == ["closed", "report"]
        assert case.entries.get(kind="report").details["number"] == report.number
        assert OutboxEvent.objects.filter(event_type="risk.case_closed").count() == 1

    def test_closing_as_not_suspicious_drafts_nothing(self, analyst, case, now):
        case_close(actor=actor_of(analyst), case_id=case.id, conclusion="not_suspicious",
                   narrative=ROUTINE, now=now)  # fmt: skip

        assert Report.objects.count() == 0 and _kinds(case)[-1] == "closed"

    @pytest.mark.parametrize("conclusion, narrative, typology, field", [
        ("maybe", NARRATIVE, "structuring", "conclusion"),
        ("suspicious", "too short", "structuring", "narrative"),
        ("suspicious", NARRATIVE, "", "typology"),
        ("suspicious", NARRATIVE, "made_up", "typology"),
    ])  # fmt: skip
    def test_refuses_an_incomplete_closing(self, analyst, case, now, conclusion, narrative,
                                           typology, field):  # fmt: skip
        before = _changes()
        with pytest.raises(CaseInvalid) as raised:
            case_close(actor=actor_of(analyst), case_id=case.id, conclusion=conclusion,
                       narrative=narrative, typology=typology, now=now)  # fmt: skip
        assert raised.value.details["field"] == field and _changes() == before
        assert Case.objects.get().state == "open"

    def test_a_closed_case_takes_nothing_more(self, analyst, case, now):
        actor = actor_of(analyst)
        case_close(actor=actor, case_id=case.id, conclusion="not_suspicious",
                   narrative=ROUTINE, now=now)  # fmt: skip
        before = _changes()

        with pytest.raises(CaseStateInvalid):
            case_note_add(actor=actor, case_id=case.id, text="late", now=now)
        with pytest.raises(CaseStateInvalid):
            case_close(actor=actor, case_id=case.id, conclusion="suspicious", narrative=NARRATIVE,
                       typology="structuring", now=now)  # fmt: skip
        assert _changes() == before
