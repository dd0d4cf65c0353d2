import uuid
from datetime import timedelta

import pytest

from hujin.core import personal_data as registry
from hujin.core.actors import SYSTEM
from hujin.core.errors import PermissionDenied
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.identity.models import User
from hujin.ledger.engine import TransferRequest
from hujin.ledger.models import Transfer
from hujin.ledger.services import account_create, transfers_create
from hujin.privacy.errors import (
    DataRequestClosed,
    DataRequestDuplicate,
    DataRequestInvalid,
    DataRequestNotFound,
    DeletionBlocked,
)
from hujin.privacy.models import ConsentRecord, DataSubjectRequest
from hujin.privacy.selectors import data_request_for_user, data_request_worklist
from hujin.privacy.services import (
    DUE_DAYS,
    consent_accept,
    data_request_complete,
    data_request_create,
    data_request_reject,
    data_request_start,
    personal_data_export,
)
from hujin.suitability.models import Assessment
from hujin.suitability.services import assessment_submit
from tests.suitability.conftest import answers_scoring_max

pytestmark = pytest.mark.django_db


def correction(customer, actor, now, **fields):
    values = {"field": "name", "details": "My name is 张伟, not 张为."} | fields
    return data_request_create(
        user_id=customer.pk, kind="correction", actor=actor, now=now, **values
    )


def deletion(customer, actor, now):
    return data_request_create(user_id=customer.pk, kind="deletion", actor=actor, now=now)


class TestCreate:
    def test_a_request_is_due_fifteen_days_later(self, customer, customer_actor, now):
        request = correction(customer, customer_actor, now)

        assert DUE_DAYS == 15
        assert request.due_at == now + timedelta(days=15)
        assert request.status == "open"

    def test_the_details_are_encrypted_at_rest(self, customer, customer_actor, now):
        from django.db import connection

        request = correction(customer, customer_actor, now)

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT details FROM privacy_datasubjectrequest WHERE id = %s",
                [request.id.hex if connection.vendor == "sqlite" else request.id],
            )
            (stored,) = cursor.fetchone()
        assert "张伟" not in stored
        assert DataSubjectRequest.objects.get(pk=request.pk).details == "My name is 张伟, not 张为."

    def test_audit_and_event_never_carry_the_customers_text(self, customer, customer_actor, now):
        correction(customer, customer_actor, now)

        entry = AuditEntry.objects.get(action="privacy.request_created")
        event = OutboxEvent.objects.get(event_type="privacy.request_created")
        assert "张伟" not in str(entry.after) and "张伟" not in str(event.payload)
        assert entry.after["field"] == "name"

    def test_a_correction_must_name_the_information(self, customer, customer_actor, now):
        with pytest.raises(DataRequestInvalid):
            correction(customer, customer_actor, now, field="shoe_size")

    def test_a_correction_must_say_what_is_wrong(self, customer, customer_actor, now):
        with pytest.raises(DataRequestInvalid):
            correction(customer, customer_actor, now, details="   ")

    def test_refuses_a_description_over_2000_characters(self, customer, customer_actor, now):
        with pytest.raises(DataRequestInvalid):
            correction(customer, customer_actor, now, details="x" * 2001)

    def test_refuses_an_access_request_through_this_door(self, customer, customer_actor, now):
        with pytest.raises(DataRequestInvalid):
            data_request_create(user_id=customer.pk, kind="access", actor=customer_actor, now=now)

    def test_one_open_request_per_kind(self, customer, customer_actor, now):
        deletion(customer, customer_actor, now)

        with pytest.raises(DataRequestDuplicate):
            deletion(customer, customer_actor, now)
        correction(customer, customer_actor, now)  # another kind is fine


class TestExport:
    def test_the_download_holds_every_registered_part(
        self, customer, customer_actor, now, monkeypatch
    ):
        parts = dict(registry._parts)
        parts["loans"] = registry.PersonalDataPart(
            name="loans",
            export=lambda user_id: {"loans": [{"user": str(user_id)}]},
            anonymise=lambda **_: None,
        )
        monkeypatch.setattr(registry, "_parts", parts)

        data = personal_data_export(user_id=customer.pk, actor=customer_actor, now=now)

        assert set(data["parts"]) == set(parts)
        assert {"identity", "suitability", "privacy", "loans"} <= set(data["parts"])
        assert data["parts"]["loans"] == {"loans": [{"user": str(customer.pk)}]}
        assert data["user_id"] == str(customer.pk)

    def test_the_download_includes_assessments_consents_and_requests(
        self, customer, customer_actor, now, privacy_policy_v1
    ):
        assessment_submit(
            user_id=customer.pk, answers=answers_scoring_max(), actor=customer_actor, now=now
        )
        consent_accept(
            user_id=customer.pk,
            document_id=privacy_policy_v1,
            channel="web",
            ip="198.51.100.2",
            actor=customer_actor,
            now=now,
        )
        correction(customer, customer_actor, now)

        parts = personal_data_export(user_id=customer.pk, actor=customer_actor, now=now)["parts"]

        (assessment,) = parts["suitability"]["assessments"]
        assert assessment["level"] == "C5" and len(assessment["answers"]) == 10
        (consent,) = parts["privacy"]["consents"]
        assert (consent["document"], consent["version"], consent["ip"]) == (
            "privacy_policy",
            1,
            "198.51.100.2",
        )
        assert parts["privacy"]["requests"][0]["details"] == "My name is 张伟, not 张为."
        assert parts["identity"]["first_name"] == "Wei"

    def test_the_download_is_recorded_as_a_completed_access_request(
        self, customer, customer_actor, now
    ):
        personal_data_export(user_id=customer.pk, actor=customer_actor, now=now)

        request = DataSubjectRequest.objects.get(user=customer)
        assert (request.kind, request.status, request.closed_at) == ("access", "completed", now)
        entry = AuditEntry.objects.get(action="privacy.data_exported")
        assert entry.after["parts"] == sorted(p.name for p in registry.personal_data_parts())
        assert {"identity", "privacy", "suitability"} <= set(entry.after["parts"])


@pytest.fixture
def customer_money(customer, now, business_date):
    """A wallet for the customer with CNY 100.00 in it, and the bank account it came from."""
    bank, _ = account_create(currency="CNY", code="1001.bank", kind="asset", actor=SYSTEM, now=now)
    wallet, _ = account_create(
        currency="CNY",
        code="2001.wallet",
        kind="liability",
        actor=SYSTEM,
        now=now,
        owner_ref=f"customer:{customer.pk}",
        debits_must_not_exceed_credits=True,
    )
    request = TransferRequest(
        id=uuid.uuid4(),
        kind="single",
        debit_account_id=bank.id,
        credit_account_id=wallet.id,
        amount=10000,
        code="topup",
    )
    (result,) = transfers_create(
        transfers=[request], actor=SYSTEM, now=now, business_date=business_date
    )
    assert result.ok
    return wallet


class TestDeletion:
    def test_completing_a_deletion_anonymises_and_deactivates_the_login(
        self, customer, customer_actor, handler_actor, now, privacy_policy_v1
    ):
        consent_accept(
            user_id=customer.pk,
            document_id=privacy_policy_v1,
            channel="web",
            ip="198.51.100.2",
            actor=customer_actor,
            now=now,
        )
        request = deletion(customer, customer_actor, now)

        data_request_complete(
            request_id=request.id, resolution="Deleted.", actor=handler_actor, now=now
        )

        customer.refresh_from_db()
        assert not customer.is_active and not customer.has_usable_password()
        assert (customer.first_name, customer.last_name) == ("", "")
        assert "customer-a" not in customer.username
        assert ConsentRecord.objects.get(user=customer).ip is None
        request.refresh_from_db()
        assert (request.status, request.resolution, request.closed_at) == (
            "completed",
            "Deleted.",
            now,
        )
        entry = AuditEntry.objects.get(action="privacy.personal_data_anonymised")
        assert entry.after["parts"] == sorted(p.name for p in registry.personal_data_parts())
        assert OutboxEvent.objects.filter(event_type="privacy.personal_data_anonymised").exists()

    def test_ledger_records_and_risk_assessments_are_kept(
        self, customer, customer_actor, handler_actor, now, customer_money
    ):
        assessment_submit(
            user_id=customer.pk, answers=answers_scoring_max(), actor=customer_actor, now=now
        )
        transfers_before = list(Transfer.objects.values_list("id", "amount").order_by("id"))
        request = deletion(customer, customer_actor, now)

        data_request_complete(
            request_id=request.id, resolution="Done.", actor=handler_actor, now=now
        )

        assert list(Transfer.objects.values_list("id", "amount").order_by("id")) == transfers_before
        assert Assessment.objects.filter(user=customer).count() == 1
        assert User.objects.filter(pk=customer.pk).exists()  # the tombstone

    def test_a_registered_blocker_stops_the_deletion_and_changes_nothing(
        self, customer, customer_actor, handler_actor, now, monkeypatch
    ):
        parts = dict(registry._parts)
        parts["customers"] = registry.PersonalDataPart(
            name="customers",
            export=lambda user_id: {},
            anonymise=lambda **_: None,
            deletion_blocker=lambda *, user_id: "The wallet still holds CNY 100.00.",
        )
        monkeypatch.setattr(registry, "_parts", parts)
        request = deletion(customer, customer_actor, now)

        with pytest.raises(DeletionBlocked) as caught:
            data_request_complete(
                request_id=request.id, resolution="x", actor=handler_actor, now=now
            )

        assert caught.value.details["reasons"] == ["The wallet still holds CNY 100.00."]
        customer.refresh_from_db()
        assert customer.is_active and customer.first_name == "Wei"
        request.refresh_from_db()
        assert request.status == "open"

    def test_a_failing_anonymiser_rolls_everything_back(
        self, customer, customer_actor, handler_actor, now, monkeypatch
    ):
        def broken(**_):
            raise RuntimeError("disk full")

        parts = dict(registry._parts)
        parts["zz_broken"] = registry.PersonalDataPart(
            name="zz_broken", export=lambda user_id: {}, anonymise=broken
        )
        monkeypatch.setattr(registry, "_parts", parts)
        request = deletion(customer, customer_actor, now)

        with pytest.raises(RuntimeError):
            data_request_complete(
                request_id=request.id, resolution="x", actor=handler_actor, now=now
            )

        customer.refresh_from_db()
        assert customer.is_active and customer.first_name == "Wei"


class TestWorking:
    def test_start_then_complete_a_correction(self, customer, customer_actor, handler_actor, now):
        request = correction(customer, customer_actor, now)

        data_request_start(request_id=request.id, actor=handler_actor, now=now)
        data_request_complete(
            request_id=request.id, resolution="Corrected to 张伟.", actor=handler_actor, now=now
        )

        request.refresh_from_db()
        assert (request.status, request.handled_by_label) == ("completed", "handler")
        customer.refresh_from_db()
        assert customer.is_active  # a correction deletes nothing
        actions = list(
            AuditEntry.objects.filter(target_id=str(request.id)).values_list("action", flat=True)
        )
        assert actions == [
            "privacy.request_created",
            "privacy.request_started",
            "privacy.request_completed",
        ]

    def test_rejecting_needs_a_reason(self, customer, customer_actor, handler_actor, now):
        request = correction(customer, customer_actor, now)

        with pytest.raises(DataRequestInvalid):
            data_request_reject(request_id=request.id, resolution=" ", actor=handler_actor, now=now)
        data_request_reject(
            request_id=request.id, resolution="Your ID shows 张为.", actor=handler_actor, now=now
        )

        request.refresh_from_db()
        assert (request.status, request.resolution) == ("rejected", "Your ID shows 张为.")

    def test_a_closed_request_cannot_be_closed_again(
        self, customer, customer_actor, handler_actor, now
    ):
        request = correction(customer, customer_actor, now)
        data_request_reject(request_id=request.id, resolution="No.", actor=handler_actor, now=now)

        with pytest.raises(DataRequestClosed):
            data_request_complete(
                request_id=request.id, resolution="Yes.", actor=handler_actor, now=now
            )

    def test_staff_without_the_permission_cannot_work_requests(
        self, customer, customer_actor, now, db
    ):
        from hujin.identity.access import staff_actor

        clerk = User.objects.create(username="clerk", kind=User.Kind.STAFF)
        request = correction(customer, customer_actor, now)

        with pytest.raises(PermissionDenied):
            data_request_complete(
                request_id=request.id, resolution="x", actor=staff_actor(clerk), now=now
            )
        with pytest.raises(PermissionDenied):
            data_request_worklist(actor=staff_actor(clerk), now=now)

    def test_a_customer_cannot_work_their_own_request(self, customer, customer_actor, now):
        request = deletion(customer, customer_actor, now)

        with pytest.raises(PermissionDenied):
            data_request_complete(
                request_id=request.id, resolution="x", actor=customer_actor, now=now
            )

    def test_unknown_request(self, handler_actor, now):
        with pytest.raises(DataRequestNotFound):
            data_request_start(request_id=uuid.uuid4(), actor=handler_actor, now=now)


class TestReading:
    def test_a_customer_cannot_read_another_customers_request(
        self, customer, other_customer, customer_actor, now
    ):
        request = correction(customer, customer_actor, now)

        with pytest.raises(DataRequestNotFound):
            data_request_for_user(user_id=other_customer.pk, request_id=request.id, now=now)

    def test_the_worklist_puts_the_soonest_due_first_and_flags_overdue(
        self, customer, other_customer, customer_actor, handler_actor, now
    ):
        old = deletion(other_customer, customer_actor, now - timedelta(days=20))
        new = correction(customer, customer_actor, now)

        rows = data_request_worklist(actor=handler_actor, now=now)

        assert [r.id for r in rows] == [old.id, new.id]
        assert [r.is_overdue for r in rows] == [True, False]
        overdue = data_request_worklist(actor=handler_actor, now=now, overdue_only=True)
        assert [r.id for r in overdue] == [old.id]
        assert [
            r.id for r in data_request_worklist(actor=handler_actor, now=now, kind="correction")
        ] == [new.id]

    def test_the_worklist_hides_closed_requests_unless_asked(
        self, customer, customer_actor, handler_actor, now
    ):
        request = correction(customer, customer_actor, now)
        data_request_reject(request_id=request.id, resolution="No.", actor=handler_actor, now=now)

        assert data_request_worklist(actor=handler_actor, now=now) == []
        assert [
            r.id for r in data_request_worklist(actor=handler_actor, now=now, status="rejected")
        ] == [request.id]
