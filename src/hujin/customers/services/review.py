"""Writes: the compliance review of verification applications, and the maker-checker override
of an identity provider's rejection."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import transaction

from hujin.core.actors import Actor
from hujin.core.approvals import approval_request
from hujin.core.masking import mask
from hujin.customers import providers
from hujin.customers.errors import (
    AlreadyVerified,
    ApplicationNotFound,
    ApplicationNotReviewable,
    OverrideNotApplicable,
)
from hujin.customers.models import (
    ApplicationStatus,
    CustomerType,
    EnterpriseDetails,
    KycApplication,
    KycStatus,
)
from hujin.customers.permissions import REVIEW_KYC
from hujin.customers.services.kyb import _verified_individual_by_index
from hujin.customers.services.kyc import (
    _clean_reason,
    _customer_locked,
    _masked_document,
    _reject,
    _require,
    _verify,
)

OVERRIDE_ACTION = "customers.kyc_override"


def _application_locked(application_id: uuid.UUID) -> KycApplication:
    application = KycApplication.objects.select_for_update().filter(id=application_id).first()
    if application is None:
        raise ApplicationNotFound()
    return application


def kyc_review_decide(
    *, application_id: uuid.UUID, approve: bool, reason: str, actor: Actor, now: datetime
) -> KycApplication:
    """A compliance officer approves or rejects an application waiting for review.

    A rejection needs a reason (the customer sees it). Raises NotPermitted, ApplicationNotFound,
    ApplicationNotReviewable, ReasonRequired, DocumentAlreadyVerified.
    """
    _require(actor, REVIEW_KYC)
    reason = _clean_reason(reason, required=not approve)
    with transaction.atomic():
        application = _application_locked(application_id)
        if application.status != ApplicationStatus.NEEDS_REVIEW:
            raise ApplicationNotReviewable()
        customer = _customer_locked(application.customer_id)
        _set_reviewer(application, actor, reason)
        if approve:
            if application.kind == CustomerType.ENTERPRISE:
                _link_representative(application)
            _verify(application, customer, actor=actor, now=now, reason=reason)
        else:
            _reject(application, customer, actor=actor, now=now, reason=reason)
        return application


def _set_reviewer(application: KycApplication, actor: Actor, reason: str) -> None:
    if actor.kind == "staff":
        application.reviewer_id = uuid.UUID(actor.id)
    application.reviewer_label = actor.label[:150]
    application.review_reason = reason


def _link_representative(application: KycApplication) -> None:
    details = EnterpriseDetails.objects.filter(application=application).first()
    if details is not None and details.representative_customer_id is None:
        details.representative_customer = _verified_individual_by_index(
            details.representative_document_index
        )
        details.save(update_fields=["representative_customer"])


def kyc_override_request(*, application_id: uuid.UUID, reason: str, actor: Actor, now: datetime):
    """Ask (maker-checker) to verify an application the identity provider rejected.

    Raises NotPermitted, ApplicationNotFound, OverrideNotApplicable, ReasonRequired.
    """
    _require(actor, REVIEW_KYC)
    reason = _clean_reason(reason)
    application = KycApplication.objects.filter(id=application_id).first()
    if application is None:
        raise ApplicationNotFound()
    _check_overridable(application)
    return approval_request(
        actor=actor,
        action=OVERRIDE_ACTION,
        target_type="customers.kyc_application",
        target_id=str(application.id),
        payload={"application_id": str(application.id)},
        reason=reason,
        now=now,
    )


def _check_overridable(application: KycApplication) -> None:
    if not (
        application.status == ApplicationStatus.REJECTED
        and application.provider_decision == providers.REJECTED
        and application.reviewer_id is None
        and not application.reviewer_label
    ):
        raise OverrideNotApplicable()
    newer = KycApplication.objects.filter(
        customer_id=application.customer_id, submitted_at__gt=application.submitted_at
    )
    if newer.exists():
        raise OverrideNotApplicable()


def kyc_override_execute(*, request, actor: Actor, now: datetime) -> None:
    """Run by the approvals module once a checker approves ``customers.kyc_override``."""
    application_id = uuid.UUID(request.payload["application_id"])
    with transaction.atomic():
        application = _application_locked(application_id)
        _check_overridable(application)
        customer = _customer_locked(application.customer_id)
        if customer.kyc_status == KycStatus.VERIFIED:
            raise AlreadyVerified()
        application.overridden = True
        _set_reviewer(application, actor, request.maker_reason)
        _verify(application, customer, actor=actor, now=now, reason="override approved")


def kyc_override_describe(request) -> str:
    """One line for the approvals inbox (masked)."""
    application = KycApplication.objects.filter(id=request.payload.get("application_id")).first()
    if application is None:
        return "—"
    return (
        f"{mask('name', application.legal_name)} · {_masked_document(application.document_number)}"
    )
