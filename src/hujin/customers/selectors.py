"""Reads for the console: customer search, Customer 360 and the KYC review queue; a customer's
ledger accounts, whose ledger accounts an actor may read (the ledger asks), and whether money may
leave a customer's accounts. Re-exported here: the wallet's recent movements (``activity``) and
the hooks modules above add to the customer's home page with (``portal_hooks``).

Values out, never querysets. Personal data is masked unless the caller asks to reveal it and
holds ``customers.view_personal_data``; every reveal writes a "personal_data.viewed" audit entry.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction

from hujin.core.actors import Actor
from hujin.core.audit import audit_personal_data_viewed
from hujin.core.masking import mask
from hujin.customers.accounts import (  # noqa: F401 -- re-exported: the public face
    AccountLine,
    accounts_of,
    ledger_readable_owners,
)
from hujin.customers.activity import (  # noqa: F401 -- re-exported: the public face
    WalletMovement,
    wallet_activity,
)
from hujin.customers.console_sections import (  # noqa: F401 -- re-exported: modules above register
    ConsoleSection,
    customer_console_section_register,
    customer_console_sections,
)
from hujin.customers.errors import ApplicationNotFound, CustomerNotFound, NotPermitted
from hujin.customers.for_risk import (  # noqa: F401 -- re-exported: the risk module's reads
    RiskFacts,
    ScreeningFacts,
    customer_screening_facts,
    customers_risk_facts,
    customers_screening_facts,
)
from hujin.customers.models import (
    ApplicationStatus,
    Customer,
    CustomerStatus,
    EnterpriseDetails,
    KycApplication,
    KycStatus,
)
from hujin.customers.permissions import REVIEW_KYC, VIEW_CUSTOMERS, VIEW_PERSONAL_DATA
from hujin.customers.portal_hooks import (  # noqa: F401 -- re-exported: modules above register
    NextAction,
    portal_activity_label_register,
    portal_activity_page_register,
    portal_next_actions_register,
)
from hujin.customers.services import document_index_of, name_index_of, wallet
from hujin.customers.standing import (  # noqa: F401 -- re-exported: the public face
    CreditFacts,
    OwnStanding,
    credit_facts,
    own_credit_facts,
    own_standing,
    standing_of_row,
)
from hujin.identity.selectors import user_id_for_mobile
from hujin.privacy.selectors import KIND_LABELS as CONSENT_LABELS
from hujin.suitability.selectors import risk_profile_current

SEARCH_LIMIT = 50
QUEUE_LIMIT = 200


def _require(actor: Actor, permission: str) -> None:
    if not actor.has_scope(permission):
        raise NotPermitted(details={"required_permission": permission})


def may_reveal(actor: Actor) -> bool:
    return actor.has_scope(VIEW_PERSONAL_DATA)


def _shown(kind: str, value: str, *, reveal: bool) -> str:
    return value if reveal else mask(kind, value)


@dataclass(frozen=True, slots=True)
class CustomerRow:
    id: uuid.UUID
    type: str
    type_label: str
    status: str
    status_label: str
    kyc_status: str
    kyc_status_label: str
    name: str  # masked
    mobile: str  # masked
    created_at: datetime


def _mobile_of(customer: Customer) -> str:
    mobile = getattr(customer.user, "mobile", "") or ""
    return mobile.removeprefix("+86")


def _row(customer: Customer) -> CustomerRow:
    return CustomerRow(
        id=customer.id,
        type=customer.type,
        type_label=customer.get_type_display(),
        status=customer.status,
        status_label=customer.get_status_display(),
        kyc_status=customer.kyc_status,
        kyc_status_label=customer.get_kyc_status_display(),
        name=mask("name", customer.legal_name),
        mobile=mask("mobile", _mobile_of(customer)),
        created_at=customer.created_at,
    )


def customers_search(*, actor: Actor, query: str) -> list[CustomerRow]:
    """Customers whose legal name, mobile number or document number is exactly ``query``.

    The match is on blind indexes of the normalised input (a name's case and spacing, a mobile's
    +86 prefix and separators, a document's case and spaces do not matter); nothing else is
    searchable. An empty query lists the newest customers. Results are masked.
    """
    _require(actor, VIEW_CUSTOMERS)
    query = " ".join((query or "").split())[:100]
    qs = Customer.objects.select_related("user")
    if query:
        ids = set(
            KycApplication.objects.filter(document_index=document_index_of(query)).values_list(
                "customer_id", flat=True
            )
        )
        ids |= set(
            KycApplication.objects.filter(name_index=name_index_of(query)).values_list(
                "customer_id", flat=True
            )
        )
        ids |= set(
            Customer.objects.filter(name_index=name_index_of(query)).values_list("id", flat=True)
        )
        user_id = user_id_for_mobile(mobile=query)
        if user_id is not None:
            ids |= set(Customer.objects.filter(user_id=user_id).values_list("id", flat=True))
        qs = qs.filter(id__in=ids)
    return [_row(c) for c in qs.order_by("-created_at")[:SEARCH_LIMIT]]


@dataclass(frozen=True, slots=True)
class ApplicationView:
    id: uuid.UUID
    customer_id: uuid.UUID
    kind: str
    kind_label: str
    document_type: str
    document_type_label: str
    document_number: str
    legal_name: str
    birth_date: date | None
    status: str
    status_label: str
    provider: str
    provider_decision: str
    provider_reason: str
    reviewer_label: str
    review_reason: str
    overridden: bool
    submitted_at: datetime
    decided_at: datetime | None
    revealed: bool
    overridable: bool = False
    representative_name: str = ""
    representative_document: str = ""
    representative_verified: bool = False
    operators: list[str] = field(default_factory=list)


def _application_view(application: KycApplication, *, reveal: bool) -> ApplicationView:
    extra = {}
    details = EnterpriseDetails.objects.filter(application=application).first()
    if details is not None:
        extra = {
            "representative_name": _shown("name", details.representative_name, reveal=reveal),
            "representative_document": _shown(
                "document", details.representative_document_number, reveal=reveal
            ),
            "representative_verified": details.representative_customer_id is not None,
            "operators": [
                _shown("name", c.legal_name, reveal=reveal) for c in details.operators.all()
            ],
        }
    # A company's name and USCC are public registry data, not personal data.
    public = application.kind == "enterprise"
    return ApplicationView(
        id=application.id,
        customer_id=application.customer_id,
        kind=application.kind,
        kind_label=application.get_kind_display(),
        document_type=application.document_type,
        document_type_label=application.get_document_type_display(),
        document_number=(
            application.document_number
            if reveal or public
            else mask("document", application.document_number)
        ),
        legal_name=(
            application.legal_name if reveal or public else mask("name", application.legal_name)
        ),
        birth_date=application.birth_date if reveal else None,
        status=application.status,
        status_label=application.get_status_display(),
        provider=application.provider,
        provider_decision=application.provider_decision,
        provider_reason=application.provider_reason,
        reviewer_label=application.reviewer_label,
        review_reason=application.review_reason,
        overridden=application.overridden,
        submitted_at=application.submitted_at,
        decided_at=application.decided_at,
        revealed=reveal,
        overridable=(
            application.status == ApplicationStatus.REJECTED
            and application.provider_decision == "rejected"
            and not application.reviewer_label
        ),
        **extra,
    )


def _audit_reveal(*, actor: Actor, target_type: str, target_id, fields: list[str], now) -> None:
    with transaction.atomic():
        audit_personal_data_viewed(
            actor=actor,
            target_type=target_type,
            target_id=str(target_id),
            fields=fields,
            occurred_at=now,
        )


def kyc_queue(*, actor: Actor) -> list[ApplicationView]:
    """Applications waiting for review, oldest first (masked)."""
    _require(actor, REVIEW_KYC)
    pending = KycApplication.objects.filter(status=ApplicationStatus.NEEDS_REVIEW)
    return [
        _application_view(a, reveal=False) for a in pending.order_by("submitted_at")[:QUEUE_LIMIT]
    ]


def kyc_application_detail(
    *, actor: Actor, application_id: uuid.UUID, now: datetime
) -> ApplicationView:
    """One application for its reviewer: unmasked (and audited) for officers allowed to see
    personal data, masked otherwise. Raises NotPermitted, ApplicationNotFound."""
    _require(actor, REVIEW_KYC)
    application = KycApplication.objects.filter(id=application_id).first()
    if application is None:
        raise ApplicationNotFound()
    reveal = may_reveal(actor)
    if reveal:
        _audit_reveal(
            actor=actor,
            target_type="customers.kyc_application",
            target_id=application.id,
            now=now,
            fields=["legal_name", "document_number", "birth_date"],
        )
    return _application_view(application, reveal=reveal)


@dataclass(frozen=True, slots=True)
class Customer360:
    row: CustomerRow
    legal_name: str
    mobile: str
    revealed: bool
    may_reveal: bool
    verified_at: datetime | None
    status_reason: str
    status_changed_at: datetime | None
    wallet_account_id: uuid.UUID | None
    applications: list[ApplicationView]
    accounts: list[AccountLine]
    risk_level: str
    risk_label: str
    risk_expires_at: datetime | None
    consents_outstanding: list[str]


def customer_may_send(*, customer_id: uuid.UUID) -> bool:
    """May money leave this customer's accounts? Only for a verified, active customer.

    Frozen and closed customers (and unverified ones) may not send; incoming money is not
    affected by this check.
    """
    return Customer.objects.filter(
        id=customer_id, status=CustomerStatus.ACTIVE, kyc_status=KycStatus.VERIFIED
    ).exists()


def customer_id_for_user(*, user_id: uuid.UUID | str) -> uuid.UUID | None:
    """The id of the customer profile of a customer login, or None while it has none."""
    return Customer.objects.filter(user_id=user_id).values_list("id", flat=True).first()


def customer_user_id(*, customer_id: uuid.UUID | str) -> uuid.UUID | None:
    """The login of a customer profile (None for an unknown profile or one whose login is gone)."""
    return Customer.objects.filter(id=customer_id).values_list("user_id", flat=True).first()


def wallet_account_of(*, customer_id: uuid.UUID | str) -> uuid.UUID | None:
    """The ledger account of a customer's wallet (None before it opens)."""
    return (
        Customer.objects.filter(id=customer_id).values_list("wallet_account_id", flat=True).first()
    )


def _risk(user_id: uuid.UUID, now: datetime):
    return risk_profile_current(user_id=user_id, now=now)


def customer_360(
    *, actor: Actor, customer_id: uuid.UUID, reveal: bool, now: datetime
) -> Customer360:
    """Everything about one customer on one page. ``reveal`` needs customers.view_personal_data
    and writes an audit entry. Raises NotPermitted, CustomerNotFound."""
    _require(actor, VIEW_CUSTOMERS)
    if reveal:
        _require(actor, VIEW_PERSONAL_DATA)
    customer = Customer.objects.select_related("user").filter(id=customer_id).first()
    if customer is None:
        raise CustomerNotFound()
    if reveal:
        _audit_reveal(
            actor=actor,
            target_type="customers.customer",
            target_id=customer.id,
            now=now,
            fields=["legal_name", "mobile", "document_number"],
        )
    risk = _risk(customer.user_id, now)
    applications = [
        _application_view(a, reveal=reveal) for a in customer.applications.order_by("-submitted_at")
    ]
    return Customer360(
        row=_row(customer),
        legal_name=_shown("name", customer.legal_name, reveal=reveal),
        mobile=_shown("mobile", _mobile_of(customer), reveal=reveal),
        revealed=reveal,
        may_reveal=may_reveal(actor),
        verified_at=customer.verified_at,
        status_reason=customer.status_reason,
        status_changed_at=customer.status_changed_at,
        wallet_account_id=customer.wallet_account_id,
        applications=applications,
        accounts=accounts_of(actor=actor, customer_id=customer.id),
        risk_level=getattr(risk, "level", "") if risk else "",
        risk_label=str(getattr(risk, "label", "")) if risk else "",
        risk_expires_at=getattr(risk, "expires_at", None) if risk else None,
        consents_outstanding=[
            str(CONSENT_LABELS.get(kind, kind))
            for kind in wallet.consents_outstanding(user_id=customer.user_id)
        ],
    )
