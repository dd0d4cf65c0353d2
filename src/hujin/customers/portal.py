"""Reads for the customer portal: the onboarding steps and the customer's own applications.

Scoped by the logged-in user: a customer never reaches another customer's application (404).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from hujin.core.actors import Actor
from hujin.core.masking import mask
from hujin.customers.errors import ApplicationNotFound
from hujin.customers.models import Customer, CustomerStatus, KycApplication, KycStatus
from hujin.customers.selectors import accounts_of
from hujin.customers.services import wallet as wallets
from hujin.customers.services.wallet import wallet_readiness
from hujin.suitability.selectors import risk_profile_current


@dataclass(frozen=True, slots=True)
class MyApplication:
    id: uuid.UUID
    kind: str
    kind_label: str
    document_type_label: str
    document_number: str  # masked: the page may be seen over a shoulder
    legal_name: str
    status: str
    status_label: str
    reason: str
    submitted_at: datetime
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class Onboarding:
    customer_id: uuid.UUID | None
    customer_type: str
    status: str
    status_label: str
    kyc_status: str
    kyc_status_label: str
    latest: MyApplication | None
    questionnaire_done: bool
    risk_level: str
    risk_label: str
    risk_expires_at: datetime | None
    consents_outstanding: list[str]
    wallet_account_id: uuid.UUID | None
    wallet_balance_minor: int | None
    wallet_currency: str
    may_open_account: bool  # ready, but the wallet is not there yet (offer a retry)

    @property
    def verified(self) -> bool:
        return self.kyc_status == KycStatus.VERIFIED

    @property
    def consented(self) -> bool:
        return not self.consents_outstanding

    @property
    def account_opened(self) -> bool:
        return self.wallet_account_id is not None

    @property
    def may_apply(self) -> bool:
        return self.kyc_status in (KycStatus.UNVERIFIED, KycStatus.REJECTED) and (
            self.status != "closed"
        )


def _mine(application: KycApplication) -> MyApplication:
    reason = application.review_reason if application.status == "rejected" else ""
    return MyApplication(
        id=application.id,
        kind=application.kind,
        kind_label=application.get_kind_display(),
        document_type_label=application.get_document_type_display(),
        document_number=mask("document", application.document_number),
        legal_name=application.legal_name,
        status=application.status,
        status_label=application.get_status_display(),
        reason=reason,
        submitted_at=application.submitted_at,
        decided_at=application.decided_at,
    )


def my_onboarding(*, actor: Actor, user_id: uuid.UUID, now: datetime) -> Onboarding:
    """Where the logged-in customer stands on each onboarding step. ``actor`` is that customer:
    their wallet's balance is read from the ledger as them."""
    customer = Customer.objects.filter(user_id=user_id).first()
    risk = risk_profile_current(user_id=user_id, now=now)
    outstanding = wallets.consents_outstanding(user_id=user_id)
    latest = None
    balance = None
    currency = ""
    ready = False
    if customer is not None:
        application = customer.applications.order_by("-submitted_at").first()
        latest = _mine(application) if application is not None else None
        wallet = next(
            (
                a
                for a in accounts_of(actor=actor, customer_id=customer.id)
                if a.id == customer.wallet_account_id
            ),
            None,
        )
        if wallet is not None:
            balance, currency = wallet.balance_minor, wallet.currency
        ready = customer.wallet_account_id is None and wallet_readiness(customer).ready
    return Onboarding(
        customer_id=customer.id if customer else None,
        customer_type=customer.type if customer else "individual",
        status=customer.status if customer else "active",
        status_label=customer.get_status_display() if customer else CustomerStatus.ACTIVE.label,
        kyc_status=customer.kyc_status if customer else KycStatus.UNVERIFIED,
        kyc_status_label=(
            customer.get_kyc_status_display() if customer else KycStatus.UNVERIFIED.label
        ),
        latest=latest,
        questionnaire_done=risk is not None,
        risk_level=getattr(risk, "level", "") if risk else "",
        risk_label=str(getattr(risk, "label", "")) if risk else "",
        risk_expires_at=getattr(risk, "expires_at", None) if risk else None,
        consents_outstanding=outstanding,
        wallet_account_id=customer.wallet_account_id if customer else None,
        wallet_balance_minor=balance,
        wallet_currency=currency,
        may_open_account=ready,
    )


def my_applications(*, user_id: uuid.UUID) -> list[MyApplication]:
    return [
        _mine(a)
        for a in KycApplication.objects.filter(customer__user_id=user_id).order_by("-submitted_at")
    ]


def my_application(*, user_id: uuid.UUID, application_id: uuid.UUID) -> MyApplication:
    """One of the customer's own applications. Raises ApplicationNotFound for anyone else's."""
    application = KycApplication.objects.filter(
        id=application_id, customer__user_id=user_id
    ).first()
    if application is None:
        raise ApplicationNotFound()
    return _mine(application)
