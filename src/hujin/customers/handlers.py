"""Domain-event subscribers (registered in CustomersConfig.ready()). Each is idempotent."""

import uuid

from hujin.core.actors import system_actor
from hujin.core.events import DomainEvent
from hujin.customers.models import Customer
from hujin.customers.services import customer_ensure
from hujin.customers.services.wallet import wallet_open_if_ready

ACTOR = system_actor("customers")


def on_customer_registered(event: DomainEvent) -> None:
    """identity.customer_registered {"user_id"}: the new login gets its customer profile."""
    customer_ensure(user_id=uuid.UUID(event.payload["user_id"]), actor=ACTOR, now=event.occurred_at)


def on_consent_given(event: DomainEvent) -> None:
    """privacy.consent_given {"user_id"}: the last missing consent may complete onboarding."""
    customer = Customer.objects.filter(user_id=event.payload["user_id"]).first()
    if customer is not None:
        wallet_open_if_ready(customer_id=customer.id, actor=ACTOR, now=event.occurred_at)


def on_kyc_verified(event: DomainEvent) -> None:
    """customers.kyc_verified {"customer_id"}: open the wallet if consents are in place."""
    wallet_open_if_ready(
        customer_id=uuid.UUID(event.payload["customer_id"]), actor=ACTOR, now=event.occurred_at
    )
