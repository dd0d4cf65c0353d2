"""KYC override: verifying what the identity provider rejected needs a maker and a checker."""

import pytest

from hujin.core.approvals import MakerCannotCheck, approval_decide
from hujin.customers.errors import NotPermitted, OverrideNotApplicable, ReasonRequired
from hujin.customers.models import Customer
from hujin.customers.services import kyc_override_request, kyc_submit
from tests.customers.conftest import actor_for, resident_id

pytestmark = pytest.mark.django_db

REJECTED_BY_PROVIDER = resident_id("310101", "19760505", "002")  # sequence "00": rejected


@pytest.fixture
def rejected(customer_user, now, simulated_provider, consents):
    return kyc_submit(
        user_id=customer_user.pk,
        document_type="resident_id",
        document_number=REJECTED_BY_PROVIDER,
        legal_name="孙七",
        actor=actor_for(customer_user),
        now=now,
    )


def test_the_override_verifies_once_a_second_officer_approves(
    rejected, officer, second_officer, now
):
    request = kyc_override_request(
        application_id=rejected.id, reason="Checked passport in branch", actor=officer, now=now
    )
    assert Customer.objects.get(id=rejected.customer_id).kyc_status == "rejected"

    approval_decide(
        actor=second_officer, request_id=request.id, approve=True, reason="agreed", now=now
    )

    rejected.refresh_from_db()
    assert rejected.status == "verified"
    assert rejected.overridden
    assert Customer.objects.get(id=rejected.customer_id).kyc_status == "verified"


def test_the_maker_cannot_check_their_own_override(rejected, officer, now):
    request = kyc_override_request(
        application_id=rejected.id, reason="checked", actor=officer, now=now
    )

    with pytest.raises(MakerCannotCheck):
        approval_decide(actor=officer, request_id=request.id, approve=True, reason="ok", now=now)


def test_only_provider_rejections_can_be_overridden(customer_user, officer, now, manual_provider):
    pending = kyc_submit(
        user_id=customer_user.pk,
        document_type="resident_id",
        document_number=resident_id(),
        legal_name="孙七",
        actor=actor_for(customer_user),
        now=now,
    )

    with pytest.raises(OverrideNotApplicable):
        kyc_override_request(application_id=pending.id, reason="x", actor=officer, now=now)


def test_an_override_needs_the_review_permission_and_a_reason(rejected, clerk, officer, now):
    with pytest.raises(NotPermitted):
        kyc_override_request(application_id=rejected.id, reason="x", actor=clerk, now=now)
    with pytest.raises(ReasonRequired):
        kyc_override_request(application_id=rejected.id, reason="", actor=officer, now=now)


def test_a_newer_application_makes_the_old_one_not_overridable(
    rejected, customer_user, officer, now, manual_provider
):
    from datetime import timedelta

    kyc_submit(
        user_id=customer_user.pk,
        document_type="resident_id",
        document_number=resident_id(),
        legal_name="孙七",
        actor=actor_for(customer_user),
        now=now + timedelta(minutes=5),
    )

    with pytest.raises(OverrideNotApplicable):
        kyc_override_request(application_id=rejected.id, reason="x", actor=officer, now=now)
