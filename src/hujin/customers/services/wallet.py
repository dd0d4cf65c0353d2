"""Account opening: a verified, consenting, active customer gets one CNY wallet in the ledger.

Every ledger account customers opens for a customer goes through ``customer_account_open``: it is
owned under the customer's owner reference and opens with its debits frozen while the customer
is frozen.

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
from hujin.customers.services.owners import owner_ref_for
from hujin.customers.services.status import CUSTOMER_FREEZE_REASON
from hujin.ledger.services import account_create
from hujin.privacy import selectors as privacy_selectors

WALLET_CODE = "2001.wallet"
WALLET_CURRENCY = "CNY"
WALLET_NAMESPACE = uuid.UUID("6f1c2d3e-8a4b-5c6d-9e0f-a1b2c3d4e5f6")


def wallet_account_id_for(customer_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(WALLET_NAMESPACE, f"customers.wallet:{customer_id}")


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


def account_open_for_customer(
    *,
    customer_id: uuid.UUID,
    id: uuid.UUID,
    currency: str,
    code: str,
    kind: str,
    name: str,
    actor: Actor,
    now: datetime,
    debits_must_not_exceed_credits: bool = False,
) -> uuid.UUID:
    """``customer_account_open`` for another module (a holding of a wealth product): the
    customer's row is locked for it, so a freeze waits and then freezes this account too.
    Joins the caller's transaction without a savepoint. Raises CustomerNotFound."""
    with transaction.atomic(savepoint=False):
        customer = Customer.objects.select_for_update(no_key=True).filter(id=customer_id).first()
        if customer is None:
            raise CustomerNotFound()
        return customer_account_open(
            customer=customer, id=id, currency=currency, code=code, kind=kind, name=name,
            actor=actor, now=now, debits_must_not_exceed_credits=debits_must_not_exceed_credits,
        )  # fmt: skip


def wallet_readiness(customer: Customer) -> Readiness:
    return Readiness(
        verified=customer.kyc_status == KycStatus.VERIFIED,
        active=customer.status == CustomerStatus.ACTIVE,
        consents_outstanding=consents_outstanding(user_id=customer.user_id),
    )


def customer_account_open(
    *,
    customer: Customer,
    id: uuid.UUID,
    currency: str,
    code: str,
    kind: str,
    name: str,
    actor: Actor,
    now: datetime,
    debits_must_not_exceed_credits: bool = False,
) -> uuid.UUID:
    """Open (or, with the same ``id`` and fields, find) a ledger account owned by ``customer``;
    returns its id.

    While the customer is frozen the account opens with its debits frozen, for the customer
    freeze's reason (``CUSTOMER_FREEZE_REASON``), so the unfreeze lifts it with the customer's
    other accounts. Call it inside the transaction that holds the customer's row locked: a freeze
    waits for that lock, then freezes every account the customer owns, this one too. Raises the
    ledger's AccountInvalid, AccountExistsWithDifferentFields.
    """
    frozen = customer.status == CustomerStatus.FROZEN
    account, _created = account_create(
        id=id,
        currency=currency,
        code=code,
        kind=kind,
        name=name,
        owner_ref=owner_ref_for(customer.id),
        debits_must_not_exceed_credits=debits_must_not_exceed_credits,
        debits_frozen=frozen,
        debits_frozen_reason_code=CUSTOMER_FREEZE_REASON if frozen else "",
        actor=actor,
        now=now,
    )
    return account.id


def wallet_open_if_ready(
    *, customer_id: uuid.UUID, actor: Actor, now: datetime
) -> uuid.UUID | None:
    """Open the customer's wallet once they are verified, active and have every consent.

    Returns the wallet's ledger account id, or None while the customer is not ready.
    Idempotent: a customer who has a wallet gets the same id back. Raises CustomerNotFound.
    Inside a caller's transaction (a payment) it takes no savepoint: nothing here catches its
    own error, and a payment asks for it on every request.
    """
    with transaction.atomic(savepoint=False):
        customer = Customer.objects.select_for_update(no_key=True).filter(id=customer_id).first()
        if customer is None:
            raise CustomerNotFound()
        if customer.wallet_account_id is not None:
            return customer.wallet_account_id
        if not wallet_readiness(customer).ready:
            return None
        account_id = customer_account_open(
            customer=customer,
            id=wallet_account_id_for(customer.id),
            currency=WALLET_CURRENCY,
            code=WALLET_CODE,
            kind="liability",
            name="Customer wallet",
            debits_must_not_exceed_credits=True,
            actor=actor,
            now=now,
        )
        customer.wallet_account_id = account_id
        customer.wallet_opened_at = now
        customer.save(update_fields=["wallet_account_id", "wallet_opened_at"])
        audit_record(
            actor=actor,
            action="customers.wallet_open",
            target_type="customers.customer",
            target_id=str(customer.id),
            occurred_at=now,
            after={"wallet_account_id": str(account_id), "currency": WALLET_CURRENCY},
        )
        event_emit(
            aggregate_type="customers.customer",
            aggregate_id=str(customer.id),
            event_type="customers.account_opened",
            occurred_at=now,
            payload={
                "customer_id": str(customer.id),
                "user_id": str(customer.user_id),
                "account_id": str(account_id),
                "currency": WALLET_CURRENCY,
            },
        )
        return account_id
