"""kyc_review_decide: a compliance officer approves or rejects what waits for review."""

import pytest

from hujin.core.models import AuditEntry
from hujin.customers.errors import (
    ApplicationNotFound,
    ApplicationNotReviewable,
    DocumentAlreadyVerified,
    NotPermitted,
    ReasonRequired,
)
from hujin.customers.models import Customer
from hujin.customers.services import kyc_review_decide, kyc_submit
from tests.customers.conftest import actor_for, resident_id

pytestmark = pytest.mark.django_db

NUMBER = resident_id("320102", "19880808", "456")


@pytest.fixture
def pending(customer_user, now, manual_provider):
    return kyc_submit(
        user_id=customer_user.pk,
        document_type="resident_id",
        document_number=NUMBER,
        legal_name="李四",
        actor=actor_for(customer_user),
        now=now,
    )


def test_approval_verifies_the_customer_and_records_the_reviewer(pending, officer, now, consents):
    application = kyc_review_decide(
        application_id=pending.id, approve=True, reason="", actor=officer, now=now
    )

    customer = Customer.objects.get(id=pending.customer_id)
    assert application.status == "verified"
    assert application.reviewer_label == "officer"
    assert str(application.reviewer_id) == officer.id
    assert customer.kyc_status == "verified"
    assert customer.legal_name == "李四"
    assert AuditEntry.objects.filter(action="customers.kyc_verify", actor_id=officer.id).exists()


def test_rejection_needs_a_reason_and_the_customer_sees_it(pending, officer, now):
    with pytest.raises(ReasonRequired):
        kyc_review_decide(
            application_id=pending.id, approve=False, reason="  ", actor=officer, now=now
        )

    application = kyc_review_decide(
        application_id=pending.id,
        approve=False,
        reason="Photo does not match",
        actor=officer,
        now=now,
    )

    assert application.status == "rejected"
    assert application.review_reason == "Photo does not match"
    assert Customer.objects.get(id=pending.customer_id).kyc_status == "rejected"


def test_staff_without_the_review_permission_cannot_decide(pending, clerk, now):
    with pytest.raises(NotPermitted):
        kyc_review_decide(application_id=pending.id, approve=True, reason="", actor=clerk, now=now)

    pending.refresh_from_db()
    assert pending.status == "needs_review"


def test_a_decided_application_cannot_be_decided_again(pending, officer, now, consents):
    kyc_review_decide(application_id=pending.id, approve=True, reason="", actor=officer, now=now)

    with pytest.raises(ApplicationNotReviewable):
        kyc_review_decide(
            application_id=pending.id, approve=False, reason="oops", actor=officer, now=now
        )


def test_an_unknown_application_is_not_found(officer, now):
    import uuid

    with pytest.raises(ApplicationNotFound):
        kyc_review_decide(
            application_id=uuid.uuid4(), approve=True, reason="", actor=officer, now=now
        )


def test_approving_a_document_verified_meanwhile_for_someone_else_is_refused(
    make_customer_user, officer, now, manual_provider, consents
):
    first, second = make_customer_user(), make_customer_user()
    applications = [
        kyc_submit(
            user_id=u.pk,
            document_type="resident_id",
            document_number=NUMBER,
            legal_name="李四",
            actor=actor_for(u),
            now=now,
        )
        for u in (first, second)
    ]
    kyc_review_decide(
        application_id=applications[0].id, approve=True, reason="", actor=officer, now=now
    )

    with pytest.raises(DocumentAlreadyVerified):
        kyc_review_decide(
            application_id=applications[1].id, approve=True, reason="", actor=officer, now=now
        )

    applications[1].refresh_from_db()
    assert applications[1].status == "needs_review"


def test_the_database_refuses_two_verified_applications_for_one_document(
    make_customer_user, officer, now, manual_provider, consents
):
    from django.db import IntegrityError, transaction

    from hujin.customers.models import KycApplication

    first, second = make_customer_user(), make_customer_user()
    a, b = (
        kyc_submit(
            user_id=u.pk,
            document_type="resident_id",
            document_number=NUMBER,
            legal_name="李四",
            actor=actor_for(u),
            now=now,
        )
        for u in (first, second)
    )
    kyc_review_decide(application_id=a.id, approve=True, reason="", actor=officer, now=now)

    with pytest.raises(IntegrityError), transaction.atomic():
        KycApplication.objects.filter(id=b.id).update(status="verified", decided_at=now)
