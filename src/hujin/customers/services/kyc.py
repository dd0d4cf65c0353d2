"""Writes: customer profiles and real-name verification of individuals (KYC), with the helpers
the enterprise (KYB) and review paths share.

Every write is one transaction with its audit entry and domain event. Personal data never goes
into audit entries or event payloads unmasked.
"""

from __future__ import annotations

import unicodedata
import uuid
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.crypto import blind_index
from hujin.core.dates import calendar_date_at
from hujin.core.events import event_emit
from hujin.core.masking import mask
from hujin.customers import documents, providers
from hujin.customers.errors import (
    DOCUMENT_REASONS,
    AlreadyVerified,
    CustomerClosed,
    CustomerNotFound,
    CustomerTypeFixed,
    DocumentAlreadyVerified,
    DocumentNumberInvalid,
    NameInvalid,
    NotPermitted,
    ReasonRequired,
    TooManyApplications,
    VerificationInProgress,
)
from hujin.customers.models import (
    ApplicationStatus,
    Customer,
    CustomerStatus,
    CustomerType,
    KycApplication,
    KycStatus,
)
from hujin.identity.selectors import customer_login_exists

NAME_PURPOSE = "customers.name"
DOCUMENT_PURPOSE = "customers.document"
NAME_MAX = 100
# Each attempt may be a query to a paid national ID-check service, and guessing names against it
# must not be free: a few attempts a day are plenty for typos.
APPLICATIONS_PER_WINDOW = 5
APPLICATION_WINDOW = timedelta(hours=24)
REASON_MAX = 500


# -- normalising -----------------------------------------------------------------------------------


def name_normalise(name: str) -> str:
    """NFKC, single spaces, case-folded: the form a name's blind index is computed from."""
    return " ".join(unicodedata.normalize("NFKC", name or "").split()).casefold()


def name_index_of(name: str) -> str:
    return blind_index(name_normalise(name), purpose=NAME_PURPOSE)


def document_index_of(number: str) -> str:
    """Blind index of a normalised document number (person or enterprise)."""
    return blind_index(documents.normalise(number), purpose=DOCUMENT_PURPOSE)


def _clean_name(name: str) -> str:
    cleaned = " ".join(unicodedata.normalize("NFKC", name or "").split())
    allowed = all(char.isalpha() or char in " ·.-'()（）" for char in cleaned)
    if len(cleaned) < 2 or len(cleaned) > NAME_MAX or not allowed:
        raise NameInvalid()
    return cleaned


def _clean_reason(reason: str, *, required: bool = True) -> str:
    cleaned = " ".join((reason or "").split())
    if required and not cleaned:
        raise ReasonRequired()
    return cleaned[:REASON_MAX]


def _parse_person(document_type: str, number: str, *, now: datetime) -> documents.ParsedDocument:
    try:
        return documents.person_document_parse(document_type, number, today=calendar_date_at(now))
    except documents.DocumentInvalid as exc:
        raise DocumentNumberInvalid(
            DOCUMENT_REASONS.get(exc.reason), details={"reason": exc.reason}
        ) from None


def _require(actor: Actor, permission: str) -> None:
    if not actor.has_scope(permission):
        raise NotPermitted(details={"required_permission": permission})


def _masked_document(number: str) -> str:
    return mask("document", number)


# -- customers -------------------------------------------------------------------------------------


def customer_ensure(*, user_id: uuid.UUID, actor: Actor, now: datetime) -> Customer:
    """The customer profile of a customer login, created (unverified, individual) if missing.

    Idempotent: sign-up's event and the portal may both call it. Raises CustomerNotFound when
    the user is not a customer login.
    """
    existing = Customer.objects.filter(user_id=user_id).first()
    if existing is not None:
        return existing
    if not customer_login_exists(user_id=user_id):
        raise CustomerNotFound(details={"user_id": str(user_id)})
    try:
        with transaction.atomic():
            customer = Customer.objects.create(user_id=user_id, created_at=now)
            audit_record(
                actor=actor,
                action="customers.customer_create",
                target_type="customers.customer",
                target_id=str(customer.id),
                occurred_at=now,
                after={"user_id": str(user_id)},
            )
            event_emit(
                aggregate_type="customers.customer",
                aggregate_id=str(customer.id),
                event_type="customers.customer_created",
                occurred_at=now,
                payload={"customer_id": str(customer.id), "user_id": str(user_id)},
            )
            return customer
    except IntegrityError:
        return Customer.objects.get(user_id=user_id)  # created concurrently


def _customer_locked(customer_id: uuid.UUID) -> Customer:
    customer = Customer.objects.select_for_update(no_key=True).filter(id=customer_id).first()
    if customer is None:
        raise CustomerNotFound()
    return customer


def _check_may_apply(customer: Customer, kind: str, *, now: datetime) -> None:
    if customer.status == CustomerStatus.CLOSED:
        raise CustomerClosed()
    if customer.kyc_status == KycStatus.VERIFIED:
        raise AlreadyVerified()
    if KycApplication.objects.filter(
        customer=customer, status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.NEEDS_REVIEW]
    ).exists():
        raise VerificationInProgress()
    decided_other_kind = (
        KycApplication.objects.filter(customer=customer).exclude(kind=kind).exists()
    )
    if decided_other_kind:
        raise CustomerTypeFixed()
    recent = KycApplication.objects.filter(
        customer=customer, submitted_at__gt=now - APPLICATION_WINDOW
    ).count()
    if recent >= APPLICATIONS_PER_WINDOW:
        raise TooManyApplications(details={"limit": APPLICATIONS_PER_WINDOW, "hours": 24})


def _check_not_verified_elsewhere(index: str, customer: Customer) -> None:
    if (
        KycApplication.objects.filter(document_index=index, status=ApplicationStatus.VERIFIED)
        .exclude(customer=customer)
        .exists()
    ):
        raise DocumentAlreadyVerified()


# -- KYC (individuals) -----------------------------------------------------------------------------


def kyc_submit(
    *,
    user_id: uuid.UUID,
    document_type: str,
    document_number: str,
    legal_name: str,
    actor: Actor,
    now: datetime,
    provider: providers.IdentityProvider | None = None,
) -> KycApplication:
    """A customer asks to be verified as an individual; the identity provider (``provider``, or
    the configured one) decides at once (verified / rejected) or sends the case to review.

    Raises NameInvalid, DocumentNumberInvalid (with details.reason), DocumentAlreadyVerified,
    AlreadyVerified, VerificationInProgress, CustomerTypeFixed, CustomerClosed,
    TooManyApplications.
    """
    name = _clean_name(legal_name)
    if document_type not in documents.PERSON_DOCUMENT_TYPES:
        raise DocumentNumberInvalid(
            DOCUMENT_REASONS["document_type_unknown"], details={"reason": "document_type_unknown"}
        )
    parsed = _parse_person(document_type, document_number, now=now)
    customer = customer_ensure(user_id=user_id, actor=actor, now=now)
    provider = provider or providers.identity_provider()
    with transaction.atomic():
        customer = _customer_locked(customer.id)
        _check_may_apply(customer, CustomerType.INDIVIDUAL, now=now)
        index = document_index_of(parsed.number)
        _check_not_verified_elsewhere(index, customer)
        application = KycApplication.objects.create(
            customer=customer,
            kind=CustomerType.INDIVIDUAL,
            document_type=document_type,
            document_number=parsed.number,
            document_index=index,
            legal_name=name,
            name_index=name_index_of(name),
            birth_date=parsed.birth_date,
            provider=provider.name,
            submitted_at=now,
        )
        _audit_submitted(application, actor=actor, now=now)
        decision = _ask(provider, application)
        _apply_decision(application, customer, decision, actor=actor, now=now)
        return application


def _ask(provider, application: KycApplication) -> providers.Decision:
    try:
        return provider.check(
            providers.IdentityCheck(
                document_type=application.document_type,
                document_number=application.document_number,
                legal_name=application.legal_name,
            )
        )
    except providers.ProviderUnavailable:
        return providers.Decision(providers.NEEDS_REVIEW, "identity provider unavailable")


def _audit_submitted(application: KycApplication, *, actor: Actor, now: datetime) -> None:
    after = {
        "kind": application.kind,
        "document_type": application.document_type,
        "document_number": _masked_document(application.document_number),
        "legal_name": mask("name", application.legal_name),
    }
    audit_record(
        actor=actor,
        action="customers.kyc_submit",
        target_type="customers.kyc_application",
        target_id=str(application.id),
        occurred_at=now,
        after=after,
    )
    event_emit(
        aggregate_type="customers.customer",
        aggregate_id=str(application.customer_id),
        event_type="customers.kyc_submitted",
        occurred_at=now,
        payload={
            "customer_id": str(application.customer_id),
            "application_id": str(application.id),
            "kind": application.kind,
        },
    )


def _apply_decision(application, customer, decision: providers.Decision, *, actor, now) -> None:
    application.provider_decision = decision.outcome
    application.provider_reason = decision.reason[:300]
    if decision.outcome == providers.VERIFIED:
        _verify(application, customer, actor=actor, now=now, reason=decision.reason)
        return
    if decision.outcome == providers.REJECTED:
        _reject(application, customer, actor=actor, now=now, reason=decision.reason)
        return
    application.status = ApplicationStatus.NEEDS_REVIEW
    application.save(update_fields=["status", "provider_decision", "provider_reason"])
    customer.kyc_status = KycStatus.PENDING
    customer.save(update_fields=["kyc_status"])


def _verify(application, customer, *, actor: Actor, now: datetime, reason: str) -> None:
    _check_not_verified_elsewhere(application.document_index, customer)
    application.status = ApplicationStatus.VERIFIED
    application.decided_at = now
    application.review_reason = application.review_reason or reason[:REASON_MAX]
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise DocumentAlreadyVerified() from None  # verified concurrently for someone else
    customer.kyc_status = KycStatus.VERIFIED
    customer.verified_at = now
    customer.type = application.kind
    customer.legal_name = application.legal_name
    customer.name_index = application.name_index
    customer.save(update_fields=["kyc_status", "verified_at", "type", "legal_name", "name_index"])
    audit_record(
        actor=actor,
        action="customers.kyc_verify",
        target_type="customers.kyc_application",
        target_id=str(application.id),
        occurred_at=now,
        before={"status": "pending"},
        after={
            "status": "verified",
            "overridden": application.overridden,
            "customer_id": str(customer.id),
        },
    )
    event_emit(
        aggregate_type="customers.customer",
        aggregate_id=str(customer.id),
        event_type="customers.kyc_verified",
        occurred_at=now,
        payload={
            "customer_id": str(customer.id),
            "user_id": str(customer.user_id),
            "application_id": str(application.id),
            "kind": application.kind,
        },
    )


def _reject(application, customer, *, actor: Actor, now: datetime, reason: str) -> None:
    application.status = ApplicationStatus.REJECTED
    application.decided_at = now
    application.review_reason = reason[:REASON_MAX]
    application.save()
    customer.kyc_status = KycStatus.REJECTED
    customer.save(update_fields=["kyc_status"])
    audit_record(
        actor=actor,
        action="customers.kyc_reject",
        target_type="customers.kyc_application",
        target_id=str(application.id),
        occurred_at=now,
        # The reason is free text (it may name the person): it stays on the application, which
        # an erasure can reach; the append-only trail says only that it was written.
        after={"status": "rejected", "changed": ["decided_at", "review_reason", "status"]},
    )
    event_emit(
        aggregate_type="customers.customer",
        aggregate_id=str(customer.id),
        event_type="customers.kyc_rejected",
        occurred_at=now,
        payload={
            "customer_id": str(customer.id),
            "user_id": str(customer.user_id),
            "application_id": str(application.id),
        },
    )
