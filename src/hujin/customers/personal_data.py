"""PIPL: what the customers module holds about a person, for export and anonymisation.

Registered with the privacy module (``register_personal_data(name="customers", ...)``).
Anonymisation clears names, document numbers, birth dates and their blind indexes; the customer
row, its status history and its ledger accounts stay (financial records have retention duties),
linked to an anonymised person.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hujin.core.actors import Actor, system_actor
from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.customers.models import Customer, CustomerStatus, EnterpriseDetails, KycApplication
from hujin.customers.selectors import accounts_of
from hujin.identity.selectors import customer_actor_get

RETENTION = (
    "Real-name verification records: kept while the customer relationship lasts and at least "
    "5 years after it ends (Anti-Money Laundering Law art. 19); the customer row and ledger "
    "accounts stay, anonymised, after deletion."
)


def _open_relationship(user_id: uuid.UUID) -> bool:
    return Customer.objects.filter(
        user_id=user_id,
        status__in=[CustomerStatus.ACTIVE, CustomerStatus.FROZEN],
        wallet_account_id__isnull=False,
    ).exists()


def customer_deletion_blocker(*, user_id: uuid.UUID) -> str | None:
    """Personal data cannot be erased while the customer still holds an open account."""
    if _open_relationship(user_id):
        return _("You still hold an open account: close it first (its balance must be zero).")
    return None


def service_agreement_withdrawal_guard(*, user_id: uuid.UUID) -> str | None:
    """The service agreement is what the open account rests on: it stays while the account does."""
    if _open_relationship(user_id):
        return _("The service agreement cannot be withdrawn while your account is open.")
    return None


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def customer_data_export(user_id: uuid.UUID) -> dict[str, Any]:
    """Everything this module keeps about the person with login ``user_id`` (plaintext: the
    export goes to that person only)."""
    customer = Customer.objects.filter(user_id=user_id).first()
    if customer is None:
        return {}
    applications = []
    for application in customer.applications.order_by("submitted_at"):
        row = {
            "id": str(application.id),
            "kind": application.kind,
            "document_type": application.document_type,
            "document_number": application.document_number,
            "legal_name": application.legal_name,
            "birth_date": _iso(application.birth_date),
            "status": application.status,
            "provider_decision": application.provider_decision,
            "review_reason": application.review_reason,
            "submitted_at": _iso(application.submitted_at),
            "decided_at": _iso(application.decided_at),
        }
        details = EnterpriseDetails.objects.filter(application=application).first()
        if details is not None:
            row["legal_representative"] = {
                "name": details.representative_name,
                "document_type": details.representative_document_type,
                "document_number": details.representative_document_number,
            }
            row["authorised_operators"] = [str(c.id) for c in details.operators.all()]
        applications.append(row)
    return {
        "customer": {
            "id": str(customer.id),
            "type": customer.type,
            "status": customer.status,
            "legal_name": customer.legal_name,
            "kyc_status": customer.kyc_status,
            "verified_at": _iso(customer.verified_at),
            "wallet_account_id": str(customer.wallet_account_id or "") or None,
            "created_at": _iso(customer.created_at),
        },
        "verification_applications": applications,
        "accounts": _accounts(customer),
    }


def _accounts(customer: Customer) -> list[dict[str, Any]]:
    """The person's ledger accounts and their balances now, read as the person themselves."""
    if customer.user_id is None:
        return []
    person = customer_actor_get(actor=system_actor("privacy.export"), user_id=customer.user_id)
    return [
        {
            "account_code": line.code,
            "currency": line.currency,
            "balance_minor": line.balance_minor,
            "available_minor": line.available_minor,
            "closed": line.closed,
        }
        for line in accounts_of(actor=person, customer_id=customer.id)
    ]


def customer_data_anonymise(*, user_id: uuid.UUID, actor: Actor, now: datetime) -> None:
    """Replace the person's identifying data with nothing; keep the records that must stay."""
    with transaction.atomic():
        customer = Customer.objects.select_for_update(no_key=True).filter(user_id=user_id).first()
        if customer is None or customer.anonymised_at is not None:
            return
        customer.legal_name = ""
        customer.name_index = ""
        customer.anonymised_at = now
        customer.save(update_fields=["legal_name", "name_index", "anonymised_at"])
        for application in KycApplication.objects.select_for_update().filter(customer=customer):
            # A unique placeholder keeps "one verified per document" satisfiable.
            application.document_number = ""
            application.document_index = f"anonymised:{application.id}"
            application.legal_name = ""
            application.name_index = ""
            application.birth_date = None
            application.save(
                update_fields=[
                    "document_number",
                    "document_index",
                    "legal_name",
                    "name_index",
                    "birth_date",
                ]
            )
        for details in EnterpriseDetails.objects.filter(application__customer=customer):
            details.representative_name = ""
            details.representative_document_number = ""
            details.representative_document_index = f"anonymised:{details.pk}"
            details.save(
                update_fields=[
                    "representative_name",
                    "representative_document_number",
                    "representative_document_index",
                ]
            )
        audit_record(
            actor=actor,
            action="customers.anonymise",
            target_type="customers.customer",
            target_id=str(customer.id),
            occurred_at=now,
            after={"anonymised": True},
        )
        event_emit(
            aggregate_type="customers.customer",
            aggregate_id=str(customer.id),
            event_type="customers.anonymised",
            occurred_at=now,
            payload={"customer_id": str(customer.id)},
        )
