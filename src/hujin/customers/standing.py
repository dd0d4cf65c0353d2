"""A customer's own standing (type, status, verification) and verified legal name, for checks
of the customer's own actions in modules above (a bank card's holder must be this name).
Re-exported by ``hujin.customers.selectors``, the public face."""

import uuid
from dataclasses import dataclass

from hujin.core.actors import Actor
from hujin.core.crypto import decrypt
from hujin.core.sql import Dialect, hot_rows
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


def standing_of_row(user_id: uuid.UUID, row) -> OwnStanding | None:
    """The standing from a row of the database function ``customers_standing_of_user``
    (customers migration 0003: customer id, type, status, verified, the stored legal name, the
    wallet; all None when there is no customer profile), the legal name decrypted."""
    customer_id, type_, status, verified, stored_name, wallet = row
    if customer_id is None:
        return None
    name = decrypt(stored_name, purpose=_NAME_PURPOSE) if stored_name else ""
    return OwnStanding(
        customer_id=customer_id, user_id=user_id, type=type_, status=status,
        verified=bool(verified), legal_name=name, wallet_account_id=wallet,
    )  # fmt: skip


_NAME_PURPOSE = Customer._meta.get_field("legal_name").purpose


@dataclass(frozen=True, slots=True)
class CreditFacts:
    """What a credit assessment reads of a customer, without personal data: the birth date
    and the hashed (blind-indexed) document number of the verified application, not the name
    or the number itself."""

    customer_id: uuid.UUID
    user_id: uuid.UUID
    type: str
    status: str
    verified: bool
    verified_at: object  # datetime | None
    birth_date: object  # date | None
    document_index: str  # the blind index of the verified document ("" when unverified)
    wallet_account_id: uuid.UUID | None


def credit_facts(*, customer_id: uuid.UUID) -> CreditFacts | None:
    from hujin.customers.models import ApplicationStatus, KycApplication

    customer = Customer.objects.filter(id=customer_id).first()
    if customer is None:
        return None
    verified = customer.kyc_status == KycStatus.VERIFIED
    application = (
        KycApplication.objects.filter(customer=customer, status=ApplicationStatus.VERIFIED)
        .order_by("-submitted_at")
        .values("birth_date", "document_index")
        .first()
        if verified
        else None
    ) or {}
    return CreditFacts(
        customer_id=customer.id, user_id=customer.user_id, type=customer.type,
        status=customer.status, verified=verified, verified_at=customer.verified_at,
        birth_date=application.get("birth_date"),
        document_index=application.get("document_index", ""),
        wallet_account_id=customer.wallet_account_id,
    )  # fmt: skip


def own_credit_facts(*, actor: Actor) -> CreditFacts | None:
    """``credit_facts`` of the customer ``actor`` acts as, in one statement: what a credit
    application needs of its applicant,
    the standing with the birth date and the document's blind index of the latest verified
    check. None for anyone else (staff, systems) or a login without a customer profile. Nothing
    personal is read: no name is decrypted. Plain SQL: it is the first read of every credit
    decision."""
    if actor.kind != "customer":
        return None
    d = Dialect()
    rows = hot_rows(d, _CREDIT_FACTS_SQL, [d.uuid_in(uuid.UUID(str(actor.id)))])
    if not rows:
        return None
    (customer_id, user_id, kind, status, kyc_status, verified_at, wallet_account_id,
     birth_date, document_index) = rows[0]  # fmt: skip
    verified = kyc_status == KycStatus.VERIFIED
    return CreditFacts(
        customer_id=d.uuid_out(customer_id), user_id=d.uuid_out(user_id), type=kind,
        status=status, verified=verified, verified_at=d.datetime_out(verified_at),
        birth_date=d.date_out(birth_date) if verified else None,
        document_index=(document_index or "") if verified else "",
        wallet_account_id=d.uuid_out(wallet_account_id),
    )  # fmt: skip


# The profile with its latest verified check, if any: the left join gives one row without one,
# and with some, the newest first (no row of them has a null submission time).
_CREDIT_FACTS_SQL = (
    "SELECT c.id, c.user_id, c.type, c.status, c.kyc_status, c.verified_at, "
    "c.wallet_account_id, a.birth_date, a.document_index FROM customers_customer c "
    "LEFT JOIN customers_kycapplication a ON a.customer_id = c.id AND a.status = 'verified' "
    "WHERE c.user_id = %s ORDER BY a.submitted_at DESC LIMIT 1"
)
