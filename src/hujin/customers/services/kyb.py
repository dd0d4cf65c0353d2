"""Writes: real-name verification of enterprises (KYB). Always reviewed by compliance."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import transaction

from hujin.core.actors import Actor
from hujin.core.dates import calendar_date_at
from hujin.customers import documents, providers
from hujin.customers.errors import (
    DOCUMENT_REASONS,
    DocumentNumberInvalid,
    NameInvalid,
    OperatorInvalid,
)
from hujin.customers.models import (
    ApplicationStatus,
    Customer,
    CustomerStatus,
    CustomerType,
    EnterpriseDetails,
    KycApplication,
    KycStatus,
)
from hujin.customers.services.kyc import (
    _audit_submitted,
    _check_may_apply,
    _check_not_verified_elsewhere,
    _clean_name,
    _customer_locked,
    customer_ensure,
    document_index_of,
    name_index_of,
)

OPERATORS_MAX = 10


def kyb_submit(
    *,
    user_id: uuid.UUID,
    uscc: str,
    company_name: str,
    representative_name: str,
    representative_document_type: str,
    representative_document_number: str,
    operator_document_numbers: list[str],
    actor: Actor,
    now: datetime,
) -> KycApplication:
    """An enterprise asks to be verified; always reviewed by compliance.

    The legal representative is linked to the verified individual customer holding that
    document, if any; otherwise the reviewer verifies them within this application. Every
    authorised operator must be a verified individual customer (given by document number).
    Raises NameInvalid, DocumentNumberInvalid, OperatorInvalid, DocumentAlreadyVerified,
    AlreadyVerified, VerificationInProgress, CustomerTypeFixed, CustomerClosed,
    TooManyApplications.
    """
    name = _named(company_name, "company_name")
    try:
        parsed = documents.uscc_parse(uscc)
    except documents.DocumentInvalid as exc:
        raise DocumentNumberInvalid(
            DOCUMENT_REASONS.get(exc.reason), details={"reason": exc.reason, "field": "uscc"}
        ) from None
    rep_name = _named(representative_name, "representative_name")
    if representative_document_type not in documents.PERSON_DOCUMENT_TYPES:
        raise DocumentNumberInvalid(
            DOCUMENT_REASONS["document_type_unknown"], details={"reason": "document_type_unknown"}
        )
    try:
        rep_doc = documents.person_document_parse(
            representative_document_type,
            representative_document_number,
            today=calendar_date_at(now),
        )
    except documents.DocumentInvalid as exc:
        raise DocumentNumberInvalid(
            DOCUMENT_REASONS.get(exc.reason),
            details={"reason": exc.reason, "field": "representative_document_number"},
        ) from None
    rep_index = document_index_of(rep_doc.number)
    operators = _verified_individuals(operator_document_numbers)
    customer = customer_ensure(user_id=user_id, actor=actor, now=now)
    with transaction.atomic():
        customer = _customer_locked(customer.id)
        _check_may_apply(customer, CustomerType.ENTERPRISE, now=now)
        index = document_index_of(parsed.number)
        _check_not_verified_elsewhere(index, customer)
        application = KycApplication.objects.create(
            customer=customer,
            kind=CustomerType.ENTERPRISE,
            document_type=documents.USCC,
            document_number=parsed.number,
            document_index=index,
            legal_name=name,
            name_index=name_index_of(name),
            provider="manual_review",
            provider_decision=providers.NEEDS_REVIEW,
            provider_reason="enterprises are always reviewed",
            status=ApplicationStatus.NEEDS_REVIEW,
            submitted_at=now,
        )
        details = EnterpriseDetails.objects.create(
            application=application,
            representative_name=rep_name,
            representative_document_type=representative_document_type,
            representative_document_number=rep_doc.number,
            representative_document_index=rep_index,
            representative_customer=_verified_individual_by_index(rep_index),
        )
        details.operators.set(operators)
        customer.kyc_status = KycStatus.PENDING
        customer.type = CustomerType.ENTERPRISE  # fixed by the first application
        customer.save(update_fields=["kyc_status", "type"])
        _audit_submitted(application, actor=actor, now=now)
        return application


def _named(value: str, field: str) -> str:
    try:
        return _clean_name(value)
    except NameInvalid as exc:
        raise NameInvalid(exc.message, details={"field": field}) from None


def _verified_individual_by_index(index: str) -> Customer | None:
    application = (
        KycApplication.objects.filter(
            document_index=index, status=ApplicationStatus.VERIFIED, kind=CustomerType.INDIVIDUAL
        )
        .select_related("customer")
        .first()
    )
    return application.customer if application is not None else None


def _verified_individuals(numbers: list[str]) -> list[Customer]:
    cleaned = [documents.normalise(n) for n in numbers if n and n.strip()]
    if len(cleaned) > OPERATORS_MAX:
        raise OperatorInvalid(details={"max": OPERATORS_MAX})
    found = []
    for position, number in enumerate(dict.fromkeys(cleaned), start=1):
        customer = _verified_individual_by_index(document_index_of(number))
        if customer is None or customer.status == CustomerStatus.CLOSED:
            raise OperatorInvalid(details={"position": position})
        found.append(customer)
    return found
