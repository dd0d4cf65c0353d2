"""Account opening: a verified, consenting, active customer gets one CNY wallet in the ledger.

The wallet is a liability account (Hujin owes the customer its balance) with the
``debits_must_not_exceed_credits`` flag, so the ledger itself refuses to take it below zero.
Code ``2001.wallet``; owner reference ``customer:<customer id>``; its id is derived from the
customer id (UUIDv5), so two concurrent attempts open the same account, never two.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.customers.errors import CustomerNotFound
from hujin.customers.models import Customer, CustomerStatus, KycStatus
from hujin.ledger.selectors import CUSTOMER_OWNER_NAMESPACE
from hujin.ledger.services import account_create
from hujin.privacy import selectors as privacy_selectors

WALLET_CODE = "2001.wallet"
WALLET_CURRENCY = "CNY"
WALLET_NAMESPACE = uuid.UUID("6f1c2d3e-8a4b-5c6d-9e0f-a1b2c3d4e5f6")


def wallet_account_id_for(customer_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(WALLET_NAMESPACE, f"customers.wallet:{customer_id}")


def owner_ref_for(customer_id: uuid.UUID) -> str:
    """The owner reference of the customer's ledger accounts, in the ``customer:`` namespace
    only this module opens accounts under."""
    return f"{CUSTOMER_OWNER_NAMESPACE}{customer_id}"


@dataclass(frozen=True, slots=True)
class Readiness:
    verified: bool
    active: bool
    consents_outstanding: list[str]

    @property
    def ready(self) -> bool:
        return self.verified and self.active and not self.consents_outstanding


def consents_outstanding(*, user_id: uuid.UUID) -> list[str]:
    """Documents (privacy policy, service agreement...) the customer must still accept."""
    return list(privacy_selectors.consents_outstanding(user_id=user_id))


def wallet_readiness(customer: Customer) -> Readiness:
    return Readiness(
        verified=customer.kyc_status == KycStatus.VERIFIED,
        active=customer.status == CustomerStatus.ACTIVE,
        consents_outstanding=consents_outstanding(user_id=customer.user_id),
    )


def wallet_open_if_ready(
    *, customer_id: uuid.UUID, actor: Actor, now: datetime
) -> uuid.UUID | None:
    """Open the customer's wallet once they are verified, active and have every consent.

    Returns the wallet's ledger account id, or None while the customer is not ready.
    Idempotent: a customer who has a wallet gets the same id back. Raises CustomerNotFound.
    """
    with transaction.atomic():
        customer = Customer.objects.select_for_update().filter(id=customer_id).first()
        if customer is None:
            raise CustomerNotFound()
        if customer.wallet_account_id is not None:
            return customer.wallet_account_id
        if not wallet_readiness(customer).ready:
            return None
        account, _created = account_create(
            currency=WALLET_CURRENCY,
            code=WALLET_CODE,
            kind="liability",
            id=wallet_account_id_for(customer.id),
            name="Customer wallet",
            owner_ref=owner_ref_for(customer.id),
            debits_must_not_exceed_credits=True,
            actor=actor,
            now=now,
        )
        customer.wallet_account_id = account.id
        customer.wallet_opened_at = now
        customer.save(update_fields=["wallet_account_id", "wallet_opened_at"])
        audit_record(
            actor=actor,
            action="customers.wallet_open",
            target_type="customers.customer",
            target_id=str(customer.id),
            occurred_at=now,
            after={"wallet_account_id": str(account.id), "currency": WALLET_CURRENCY},
        )
        event_emit(
            aggregate_type="customers.customer",
            aggregate_id=str(customer.id),
            event_type="customers.account_opened",
            occurred_at=now,
            payload={
                "customer_id": str(customer.id),
                "user_id": str(customer.user_id),
                "account_id": str(account.id),
                "currency": WALLET_CURRENCY,
            },
        )
        return account.id
