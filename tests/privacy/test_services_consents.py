from datetime import timedelta

import pytest

from hujin.core import personal_data as registry
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.privacy.errors import (
    ConsentChannelInvalid,
    ConsentDocumentNotFound,
    ConsentDocumentOutdated,
    ConsentNotGiven,
    ConsentNotWithdrawable,
    NotACustomer,
)
from hujin.privacy.models import ConsentRecord
from hujin.privacy.selectors import consent_overview, consents_outstanding
from hujin.privacy.services import consent_accept, consent_withdraw
from tests.privacy.conftest import publish

pytestmark = pytest.mark.django_db


def accept(customer, actor, now, document_id, channel="web", ip="203.0.113.7"):
    return consent_accept(
        user_id=customer.pk, document_id=document_id, channel=channel, ip=ip, actor=actor, now=now
    )


class TestOutstanding:
    def test_a_new_customer_has_both_documents_outstanding(self, customer):
        assert consents_outstanding(user_id=customer.pk) == ["privacy_policy", "service_agreement"]

    def test_accepting_the_current_version_clears_it(
        self, customer, customer_actor, now, privacy_policy_v1
    ):
        accept(customer, customer_actor, now, privacy_policy_v1)

        assert consents_outstanding(user_id=customer.pk) == ["service_agreement"]

    def test_a_new_version_makes_the_kind_outstanding_again(
        self, customer, customer_actor, now, privacy_policy_v1, service_agreement_v1
    ):
        accept(customer, customer_actor, now, privacy_policy_v1)
        accept(customer, customer_actor, now, service_agreement_v1)

        publish("privacy_policy", 2)

        assert consents_outstanding(user_id=customer.pk) == ["privacy_policy"]

    def test_a_withdrawn_consent_is_outstanding(
        self, customer, customer_actor, now, privacy_policy_v1
    ):
        accept(customer, customer_actor, now, privacy_policy_v1)
        consent_withdraw(user_id=customer.pk, kind="privacy_policy", actor=customer_actor, now=now)

        assert "privacy_policy" in consents_outstanding(user_id=customer.pk)

    def test_one_customers_consent_does_not_count_for_another(
        self, customer, other_customer, customer_actor, now, privacy_policy_v1
    ):
        accept(customer, customer_actor, now, privacy_policy_v1)

        assert "privacy_policy" in consents_outstanding(user_id=other_customer.pk)


class TestAccept:
    def test_records_version_time_channel_and_ip(
        self, customer, customer_actor, now, privacy_policy_v1
    ):
        record = accept(customer, customer_actor, now, privacy_policy_v1, channel="app")

        record.refresh_from_db()
        assert (record.document.kind, record.document.version) == ("privacy_policy", 1)
        assert (record.accepted_at, record.channel, record.ip) == (now, "app", "203.0.113.7")

    def test_emits_consent_given_and_writes_audit(
        self, customer, customer_actor, now, privacy_policy_v1
    ):
        record = accept(customer, customer_actor, now, privacy_policy_v1)

        event = OutboxEvent.objects.get(event_type="privacy.consent_given")
        assert event.payload == {
            "user_id": str(customer.pk),
            "kind": "privacy_policy",
            "version": 1,
        }
        assert AuditEntry.objects.get(action="privacy.consent_given").target_id == str(record.id)

    def test_accepting_twice_keeps_one_record_and_one_event(
        self, customer, customer_actor, now, privacy_policy_v1
    ):
        first = accept(customer, customer_actor, now, privacy_policy_v1)
        second = accept(customer, customer_actor, now + timedelta(minutes=1), privacy_policy_v1)

        assert first.pk == second.pk
        assert OutboxEvent.objects.filter(event_type="privacy.consent_given").count() == 1

    def test_refuses_an_outdated_version(self, customer, customer_actor, now, privacy_policy_v1):
        publish("privacy_policy", 2)

        with pytest.raises(ConsentDocumentOutdated) as caught:
            accept(customer, customer_actor, now, privacy_policy_v1)

        assert caught.value.details["current_version"] == 2
        assert not ConsentRecord.objects.exists()

    def test_refuses_an_unknown_document(self, customer, customer_actor, now):
        with pytest.raises(ConsentDocumentNotFound):
            accept(customer, customer_actor, now, "not-a-uuid")

    def test_refuses_an_unknown_channel(self, customer, customer_actor, now, privacy_policy_v1):
        with pytest.raises(ConsentChannelInvalid):
            accept(customer, customer_actor, now, privacy_policy_v1, channel="fax")

    def test_refuses_staff(self, staff_user, staff_actor, now, privacy_policy_v1):
        with pytest.raises(NotACustomer):
            accept(staff_user, staff_actor, now, privacy_policy_v1)

    def test_a_garbled_ip_is_stored_as_unknown(
        self, customer, customer_actor, now, privacy_policy_v1
    ):
        record = accept(customer, customer_actor, now, privacy_policy_v1, ip="999.1.1.1, x")

        assert record.ip is None


class TestWithdraw:
    def test_withdrawing_the_privacy_policy_is_recorded_with_an_event(
        self, customer, customer_actor, now, privacy_policy_v1
    ):
        accept(customer, customer_actor, now, privacy_policy_v1)
        later = now + timedelta(days=1)

        (record,) = consent_withdraw(
            user_id=customer.pk, kind="privacy_policy", actor=customer_actor, now=later
        )

        record.refresh_from_db()
        assert record.withdrawn_at == later
        event = OutboxEvent.objects.get(event_type="privacy.consent_withdrawn")
        assert event.payload == {
            "user_id": str(customer.pk),
            "kind": "privacy_policy",
            "version": 1,
        }
        assert AuditEntry.objects.filter(action="privacy.consent_withdrawn").count() == 1

    def test_refuses_when_nothing_was_accepted(self, customer, customer_actor, now):
        with pytest.raises(ConsentNotGiven):
            consent_withdraw(
                user_id=customer.pk, kind="privacy_policy", actor=customer_actor, now=now
            )

    def test_refuses_when_the_current_version_is_not_withdrawable(
        self, customer, customer_actor, now, service_agreement_v1
    ):
        accept(customer, customer_actor, now, service_agreement_v1)
        publish("service_agreement", 2, withdrawable=False)

        with pytest.raises(ConsentNotWithdrawable):
            consent_withdraw(
                user_id=customer.pk, kind="service_agreement", actor=customer_actor, now=now
            )

    def test_a_guard_blocks_withdrawing_the_service_agreement_while_accounts_are_held(
        self, customer, customer_actor, now, service_agreement_v1, monkeypatch
    ):
        monkeypatch.setattr(registry, "_withdrawal_guards", {})
        registry.register_withdrawal_guard(
            "service_agreement", lambda *, user_id: "Close your 1 open account first."
        )
        accept(customer, customer_actor, now, service_agreement_v1)

        with pytest.raises(ConsentNotWithdrawable) as caught:
            consent_withdraw(
                user_id=customer.pk, kind="service_agreement", actor=customer_actor, now=now
            )

        assert "Close your 1 open account first." in caught.value.message
        assert ConsentRecord.objects.get().withdrawn_at is None
        (view,) = [
            v
            for v in consent_overview(user_id=customer.pk)
            if v.document.kind == "service_agreement"
        ]
        assert not view.can_withdraw
        assert view.withdraw_blocked_reason == "Close your 1 open account first."

    def test_after_withdrawal_the_customer_can_accept_again(
        self, customer, customer_actor, now, privacy_policy_v1
    ):
        accept(customer, customer_actor, now, privacy_policy_v1)
        consent_withdraw(user_id=customer.pk, kind="privacy_policy", actor=customer_actor, now=now)

        accept(customer, customer_actor, now + timedelta(hours=1), privacy_policy_v1)

        assert ConsentRecord.objects.filter(user=customer).count() == 2
        assert "privacy_policy" not in consents_outstanding(user_id=customer.pk)
