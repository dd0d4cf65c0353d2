"""A customer's own standing (type, status, verification) and verified legal name, for checks
of the customer's own actions in modules above (a bank card's holder must be this name).
Re-exported by ``hujin.customers.selectors``, the public face."""

import uuid
from dataclasses import dataclass

from hujin.core.actors import Actor
from hujin.customers.models import Customer, KycStatus


@dataclass(frozen=True, slots=True)
class OwnStanding:
    """A customer's own standing and verified legal name, for checks the customer's own
    actions need (a bank card's holder must be this name)."""

    customer_id: uuid.UUID
    user_id: uuid.UUID
    type: str  # individual | enterprise
    status: str  # active | frozen | closed
    verified: bool
    legal_name: str  # "" until verified
    wallet_account_id: uuid.UUID | None = None  # None until the wallet opens


def own_standing(*, actor: Actor) -> OwnStanding | None:
    """The standing of the customer ``actor`` acts as; None for anyone else (staff, systems) or
    a login without a customer profile. The name is the person's own: never masked, not audited."""
    if actor.kind != "customer":
        return None
    customer = Customer.objects.filter(user_id=actor.id).first()
    if customer is None:
        return None
    verified = customer.kyc_status == KycStatus.VERIFIED
    return OwnStanding(
        customer_id=customer.id,
        user_id=customer.user_id,
        type=customer.type,
        status=customer.status,
        verified=verified,
        legal_name=customer.legal_name if verified else "",
        wallet_account_id=customer.wallet_account_id,
    )
