"""Triaging an alert: dismissed as a false positive only with a reason of at least 10
characters (without one nothing changes), or escalated with a note; an alert is triaged once;
each triage leaves its audit entry and its event; customers and staff without
``risk.work_alerts`` are refused. The alert comes from a real screening."""

import pytest

from hujin.core.errors import PermissionDenied
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.risk.alerts import alert_dismiss, alert_escalate
from hujin.risk.errors import AlertNotFound, AlertStateInvalid, AlertTriageInvalid
from hujin.risk.models import Alert
from tests.payments.conftest import actor_for, make_customer, sandbox  # noqa: F401 -- fixtures
from tests.risk.alerts_helpers import ANALYST, CUSTOMER, READER
from tests.risk.screening_helpers import rule_in_force
from tests.risk.test_screen import pair, send  # noqa: F401 -- pair is a fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(pair, now):  # noqa: F811
    """A transfer of ¥100.00 that a live ``alert`` rule fires on."""
    payer, payee, *_ = pair
    rule_in_force("ROUND", "multiple_of(amount, yuan(100))", "alert", now=now)
    send(payer, payee, now, amount=100_00)
    return Alert.objects.get(customer_id=payer.customer.id)


def _unchanged(alert):
    alert.refresh_from_db()
    assert alert.state == "open" and alert.triaged_at is None and alert.triage_reason == ""
    triage = AuditEntry.objects.filter(target_type="risk.alert").exclude(action="risk.alert_raised")
    assert not triage.exists()
    events = OutboxEvent.objects.filter(event_type__startswith="risk.alert_")
    assert not events.exclude(event_type="risk.alert_raised").exists()


class TestDismiss:
    def test_dismisses_an_open_alert_with_the_reason_the_audit_entry_and_the_event(
        self, alert, now
    ):
        triaged = alert_dismiss(actor=ANALYST, alert_id=alert.id,
                                reason="  Salary paid to a known   landlord ", now=now)  # fmt: skip

        alert.refresh_from_db()
        assert triaged.state == alert.state == "dismissed"
        assert alert.triage_reason == "Salary paid to a known landlord"
        assert alert.triaged_at == now and str(alert.triaged_by) == ANALYST.id
        entry = AuditEntry.objects.get(action="risk.alert_dismiss")
        assert entry.target_id == str(alert.id) and entry.after["state"] == "dismissed"
        event = OutboxEvent.objects.get(event_type="risk.alert_dismissed")
        assert event.payload["alert_id"] == str(alert.id) and event.payload["code"] == "ROUND"
        assert event.payload["decision_id"] == str(alert.decision_id)
        assert "landlord" not in str(event.payload)  # the analyst's words stay in the audit

    @pytest.mark.parametrize("reason", ["", "   ", "too short", "x" * 501])
    def test_needs_a_reason_of_10_to_500_characters_and_changes_nothing_without_one(
        self, alert, now, reason
    ):
        with pytest.raises(AlertTriageInvalid) as refused:
            alert_dismiss(actor=ANALYST, alert_id=alert.id, reason=reason, now=now)

        assert refused.value.code == "risk_alert_triage_invalid" and refused.value.status == 400
        assert refused.value.details["field"] == "reason"
        assert refused.value.details["min_length"] == 10
        _unchanged(alert)

    def test_an_unknown_alert_is_not_found(self, now):
        with pytest.raises(AlertNotFound) as refused:
            alert_dismiss(actor=ANALYST, alert_id="not-a-uuid", reason="x" * 12, now=now)

        assert refused.value.status == 404


class TestEscalate:
    def test_escalates_with_the_note_the_audit_entry_and_the_event(self, alert, now):
        alert_escalate(actor=ANALYST, alert_id=alert.id, note="Same payee as case 12", now=now)

        alert.refresh_from_db()
        assert alert.state == "escalated" and alert.triage_reason == "Same payee as case 12"
        assert AuditEntry.objects.filter(action="risk.alert_escalate").count() == 1
        event = OutboxEvent.objects.get(event_type="risk.alert_escalated")
        assert event.payload["state"] == "escalated"
        assert event.payload["customer_id"] == str(alert.customer_id)

    def test_needs_a_note(self, alert, now):
        with pytest.raises(AlertTriageInvalid) as refused:
            alert_escalate(actor=ANALYST, alert_id=alert.id, note="  ", now=now)

        assert refused.value.details["field"] == "note"
        _unchanged(alert)


class TestTriagedOnce:
    @pytest.mark.parametrize("first", ["dismiss", "escalate"])
    @pytest.mark.parametrize("second", ["dismiss", "escalate"])
    def test_a_triaged_alert_cannot_be_triaged_again(self, alert, now, first, second):
        triage = {
            "dismiss": lambda: alert_dismiss(actor=ANALYST, alert_id=alert.id,
                                             reason="A known false positive", now=now),
            "escalate": lambda: alert_escalate(actor=ANALYST, alert_id=alert.id,
                                               note="Looks like structuring", now=now),
        }  # fmt: skip
        triage[first]()
        alert.refresh_from_db()
        state, reason = alert.state, alert.triage_reason

        with pytest.raises(AlertStateInvalid) as refused:
            triage[second]()

        assert refused.value.status == 409
        assert refused.value.details["state"] == state
        alert.refresh_from_db()
        assert (alert.state, alert.triage_reason) == (state, reason)
        triaged = AuditEntry.objects.filter(target_type="risk.alert").exclude(
            action="risk.alert_raised"
        )
        assert triaged.count() == 1


class TestWhoMay:
    @pytest.mark.parametrize("actor", [CUSTOMER, READER], ids=["customer", "reader"])
    def test_customers_and_staff_without_work_alerts_are_refused(self, alert, now, actor):
        with pytest.raises(PermissionDenied):
            alert_dismiss(actor=actor, alert_id=alert.id, reason="A known false positive",
                          now=now)  # fmt: skip
        with pytest.raises(PermissionDenied):
            alert_escalate(actor=actor, alert_id=alert.id, note="Looks odd", now=now)

        _unchanged(alert)

    def test_the_payer_of_the_screened_transfer_is_refused(self, alert, pair, now):  # noqa: F811
        payer, *_ = pair

        with pytest.raises(PermissionDenied):
            alert_dismiss(actor=actor_for(payer), alert_id=alert.id,
                          reason="It was me, all fine", now=now)  # fmt: skip

        _unchanged(alert)
