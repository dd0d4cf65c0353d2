"""What the console calls customers where other modules show them: the owner of a ledger account
(registered with the ledger's pages) and the object of an audit entry or approval request
(registered with ``hujin.core.links``). Registered in ``CustomersConfig.ready``.

A person's name is masked for every viewer here (``张*``): showing it in full is a deliberate,
audited step on the customer's own page, one click away for those who may. A company's name is
public registry data and shows as it is. Each resolver reads a whole page's customers in one
query.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.core.actors import Actor
from hujin.core.ids import uuids_parsed
from hujin.core.links import TargetLink, audit_action_label_register, target_type_register
from hujin.core.masking import mask
from hujin.customers.models import Customer, CustomerType, KycApplication
from hujin.customers.permissions import REVIEW_KYC, VIEW_CUSTOMERS
from hujin.ledger.selectors import CUSTOMER_OWNER_NAMESPACE, OwnerLabel, owner_labels_register

NOT_VERIFIED = _("Customer (not verified yet)")
ANONYMISED = _("Anonymised customer")
UNKNOWN = _("Unknown customer")

# The names customers gives the accounts it opens (services.wallet), as people read them. An
# account name customers did not write shows as the generic name, never as stored.
ACCOUNT_NAMES = {"Customer wallet": _("Customer wallet")}
ACCOUNT_NAME_OTHER = _("Customer account")


def _account_name(stored: str):
    return ACCOUNT_NAMES.get(stored, ACCOUNT_NAME_OTHER)


def _name(customer_type: str, legal_name: str, anonymised: bool):
    if anonymised:
        return ANONYMISED
    if not legal_name:
        return NOT_VERIFIED
    if customer_type == CustomerType.ENTERPRISE:
        return legal_name
    return mask("name", legal_name)


def customer_names(ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, object]:
    """Each customer's name as the console shows it, in one query."""
    rows = Customer.objects.filter(id__in=list(ids)).only(
        "id", "type", "legal_name", "anonymised_at"
    )
    return {c.id: _name(c.type, c.legal_name, c.anonymised_at is not None) for c in rows}


def _customer_url(actor: Actor, customer_id: uuid.UUID) -> str:
    if actor.has_scope(VIEW_CUSTOMERS):
        return reverse("customers:detail", args=[customer_id])
    return ""


def ledger_owner_labels(actor: Actor, owner_refs: frozenset[str]) -> dict[str, OwnerLabel]:
    """The ``customer:`` owners among ``owner_refs``, named for the ledger's pages: every one of
    them answered (an unknown one as "Unknown customer"), so an account customers owns never
    shows its stored name."""
    mine = {
        ref: ref.removeprefix(CUSTOMER_OWNER_NAMESPACE)
        for ref in owner_refs
        if ref.startswith(CUSTOMER_OWNER_NAMESPACE)
    }
    ids = uuids_parsed(mine.values())
    names = customer_names(ids.values())
    labels = {}
    for ref, raw_id in mine.items():
        customer_id = ids.get(raw_id)
        if customer_id is None or customer_id not in names:
            labels[ref] = OwnerLabel(UNKNOWN, account_name=_account_name)
            continue
        labels[ref] = OwnerLabel(
            names[customer_id],
            url=_customer_url(actor, customer_id),
            account_name=_account_name,
        )
    return labels


def customer_targets(actor: Actor, target_ids: list[str]) -> dict[str, TargetLink]:
    """Audit and approval objects of type ``customers.customer``."""
    ids = uuids_parsed(target_ids)
    names = customer_names(ids.values())
    return {
        raw: TargetLink(names[customer_id], url=_customer_url(actor, customer_id))
        for raw, customer_id in ids.items()
        if customer_id in names
    }


def kyc_application_targets(actor: Actor, target_ids: list[str]) -> dict[str, TargetLink]:
    """Audit and approval objects of type ``customers.kyc_application``: named after the
    applicant (the name on the application, masked), linked to the review page (or, for who
    may not review, the customer's page)."""
    ids = uuids_parsed(target_ids)
    rows = KycApplication.objects.filter(id__in=list(ids.values())).only(
        "id", "kind", "legal_name", "customer_id"
    )
    by_id = {row.id: row for row in rows}
    links = {}
    for raw, application_id in ids.items():
        row = by_id.get(application_id)
        if row is None:
            continue
        if actor.has_scope(REVIEW_KYC):
            url = reverse("customers:kyc_detail", args=[application_id])
        else:
            url = _customer_url(actor, row.customer_id)
        links[raw] = TargetLink(_name(row.kind, row.legal_name, False), url=url)
    return links


# What the audit trail calls the actions customers records.
AUDIT_ACTION_LABELS = {
    "customers.customer_create": pgettext_lazy("audit action", "Customer profile created"),
    "customers.kyc_submit": pgettext_lazy("audit action", "Verification submitted"),
    "customers.kyc_verify": pgettext_lazy("audit action", "Customer verified"),
    "customers.kyc_reject": pgettext_lazy("audit action", "Verification rejected"),
    "customers.wallet_open": pgettext_lazy("audit action", "Wallet opened"),
    "customers.freeze": pgettext_lazy("audit action", "Customer frozen"),
    "customers.unfreeze": pgettext_lazy("audit action", "Customer unfrozen"),
    "customers.close": pgettext_lazy("audit action", "Customer closed"),
    "customers.anonymise": pgettext_lazy("audit action", "Customer anonymised"),
}


def register() -> None:
    """Called from ``CustomersConfig.ready``."""
    owner_labels_register(ledger_owner_labels)
    target_type_register("customers.customer", label=_("Customer"), resolve=customer_targets)
    target_type_register(
        "customers.kyc_application",
        label=_("Verification application"),
        resolve=kyc_application_targets,
    )
    for action, label in AUDIT_ACTION_LABELS.items():
        audit_action_label_register(action, label)
