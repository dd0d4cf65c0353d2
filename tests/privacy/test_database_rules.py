"""Rules the database itself enforces for privacy: consent records are evidence."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, transaction

from hujin.privacy.models import ConsentRecord
from hujin.privacy.services import consent_accept

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(customer, customer_actor, now, privacy_policy_v1):
    return consent_accept(
        user_id=customer.pk,
        document_id=privacy_policy_v1,
        channel="web",
        ip="203.0.113.9",
        actor=customer_actor,
        now=now,
    )


@pytest.mark.parametrize(
    "change",
    [{"channel": "api"}, {"accepted_at_shift": True}],
    ids=["channel", "accepted_at"],
)
def test_the_evidence_cannot_be_rewritten(record, change):
    values = (
        {"accepted_at": record.accepted_at - timedelta(days=1)}
        if "accepted_at_shift" in change
        else change
    )

    with pytest.raises(DatabaseError), transaction.atomic():
        ConsentRecord.objects.filter(pk=record.pk).update(**values)


def test_withdrawal_and_ip_removal_are_allowed(record, now):
    ConsentRecord.objects.filter(pk=record.pk).update(withdrawn_at=now, ip=None)

    record.refresh_from_db()
    assert (record.withdrawn_at, record.ip) == (now, None)


@pytest.mark.postgres
def test_a_withdrawal_time_cannot_be_changed_or_a_record_deleted_on_postgresql(record, now):
    ConsentRecord.objects.filter(pk=record.pk).update(withdrawn_at=now)

    with pytest.raises(DatabaseError), transaction.atomic():
        ConsentRecord.objects.filter(pk=record.pk).update(withdrawn_at=now + timedelta(hours=1))
    with pytest.raises(DatabaseError), transaction.atomic():
        ConsentRecord.objects.filter(pk=record.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        ConsentRecord.objects.filter(pk=record.pk).update(ip="198.51.100.1")
