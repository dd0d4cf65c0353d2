"""The screening at onboarding and on a new payee, on other modules' events (subscribed in
``RiskConfig.ready()``; each handler is idempotent: a hit is raised once).

- ``customers.kyc_verified``: the customer, once verified, against every current list;
- ``payments.transfer_succeeded`` (by its name: payments sits above risk and is never imported
  here): the first transfer of a customer to a payee screens the payee, the hit raised as an
  alert on the payer with the role ``payee``; the payee is marked as paid in the screening's
  transaction, so a screening that fails leaves it unmarked for the event's next delivery.
"""

import uuid

from django.db import IntegrityError, transaction

from hujin.core.events import DomainEvent, event_subscribe
from hujin.customers.selectors import customer_screening_facts
from hujin.risk.lists_screening import party_screen
from hujin.risk.models_lists import ROLE_CUSTOMER, ROLE_PAYEE, WatchListPayee

KYC_VERIFIED = "customers.kyc_verified"
TRANSFER_SUCCEEDED = "payments.transfer_succeeded"
SUBSCRIBER = "risk.watchlist_screening"


def on_kyc_verified(event: DomainEvent) -> None:
    customer_id = uuid.UUID(event.payload["customer_id"])
    facts = customer_screening_facts(customer_id=customer_id)
    if facts is None:
        return
    party_screen(party=facts, subject={"customer_id": customer_id, "role": ROLE_CUSTOMER},
                 now=event.occurred_at)  # fmt: skip


def on_transfer_succeeded(event: DomainEvent) -> None:
    payer, payee = event.payload.get("customer_id"), event.payload.get("payee_customer_id")
    if not payer or not payee or payer == payee:
        return
    payer, payee = uuid.UUID(payer), uuid.UUID(payee)
    # The marker and the screening in one transaction: a screening that fails rolls the marker
    # back with it, so the event delivered again screens the payee rather than finding it
    # "paid before".
    with transaction.atomic():
        try:
            with transaction.atomic():
                WatchListPayee.objects.create(
                    customer_id=payer, payee_id=payee, first_paid_at=event.occurred_at
                )
        except IntegrityError:
            return  # paid before: screened then (and as a customer on every list update)
        facts = customer_screening_facts(customer_id=payee)
        if facts is None:
            return
        party_screen(
            party=facts,
            subject={"customer_id": payer, "role": ROLE_PAYEE, "party_id": payee},
            now=event.occurred_at,
        )


def register() -> None:
    event_subscribe(KYC_VERIFIED, on_kyc_verified, name=SUBSCRIBER)
    event_subscribe(TRANSFER_SUCCEEDED, on_transfer_succeeded, name=SUBSCRIBER)
