"""One payment as the console shows it (re-exported by ``selectors``), and the payments section
of a customer's console page (registered with customers' ``customer_console_section_register``).

The payment's history is its audit entries (who changed it, from which state to which); its
money is the ledger transfers it made (read through ``hujin.ledger.selectors``, as far as the
viewer may see them, linked to the ledger's pages for who may open them).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.core.actors import Actor
from hujin.core.errors import PermissionDenied
from hujin.core.links import TargetLink, audit_action_label
from hujin.core.models import AuditEntry
from hujin.core.navigation import url_if_mounted
from hujin.customers.selectors import ConsoleSection
from hujin.ledger.selectors import LEDGER_READ_PERMISSION, transfer_code_label, transfers_get_many
from hujin.payments.errors import PaymentNotFound
from hujin.payments.models import Payment
from hujin.payments.monitor import (
    UNRESOLVED,
    PaymentRow,
    age_bucket_of,
    customer_links,
    payment_rows,
    require_viewer,
)
from hujin.payments.permissions import VIEW_PAYMENTS
from hujin.payments.presenters import card_view
from hujin.payments.services.house import payment_transfer_id
from hujin.payments.services.requests import TARGET

# The ledger transfers a payment may make, by step (services.house.payment_transfer_id).
STEPS = ("hold", "post", "void", "fee")
TRANSFER_KINDS = {
    "single": pgettext_lazy("ledger transfer", "Posted"),
    "pending": pgettext_lazy("ledger transfer", "Hold"),
    "post_pending": pgettext_lazy("ledger transfer", "Hold posted"),
    "void_pending": pgettext_lazy("ledger transfer", "Hold released"),
}
ACTOR_KINDS = {
    "customer": _("The customer"),
    "system": _("Hujin (automatic)"),
    "api_key": _("An API client"),
}
SECTION_RECENT = 10


@dataclass(frozen=True, slots=True)
class HistoryStep:
    """One audit entry of the payment: what happened, the state it left, who did it."""

    entry_id: int
    occurred_at: datetime
    action: str
    action_label: Promise | str
    status_before: str
    status_after: str
    by: Promise | str  # a staff member's name, or "the customer", "Hujin (automatic)"


@dataclass(frozen=True, slots=True)
class LedgerStep:
    id: uuid.UUID
    kind_label: Promise | str
    purpose: Promise | str
    amount_minor: int
    currency: str
    created_at: datetime
    url: str  # "" when the viewer may not open the ledger's page


@dataclass(frozen=True, slots=True)
class PaymentDetail:
    id: uuid.UUID
    kind: str
    status: str
    amount_minor: int
    fee_minor: int
    currency: str
    customer: TargetLink
    payee: TargetLink | None
    card_masked: str
    card_bank_name: str
    channel: str
    channel_reference: str
    failure_code: str
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    age_seconds: int
    age: str
    unresolved: bool
    history: list[HistoryStep]
    transfers: list[LedgerStep]


def _history(payment_id: uuid.UUID) -> list[HistoryStep]:
    entries = AuditEntry.objects.filter(target_type=TARGET, target_id=str(payment_id)).only(
        "id", "occurred_at", "actor_kind", "actor_label", "action", "before", "after"
    )
    steps = []
    for entry in entries.order_by("occurred_at", "id"):
        before, after = entry.before or {}, entry.after or {}
        by = entry.actor_label if entry.actor_kind == "staff" else ACTOR_KINDS.get(entry.actor_kind)
        steps.append(
            HistoryStep(
                entry_id=entry.id,
                occurred_at=entry.occurred_at,
                action=entry.action,
                action_label=audit_action_label(entry.action) or entry.action,
                status_before=str(before.get("status", "")) if isinstance(before, dict) else "",
                status_after=str(after.get("status", "")) if isinstance(after, dict) else "",
                by=by or entry.actor_kind,
            )
        )
    return steps


def _transfers(actor: Actor, payment: Payment) -> list[LedgerStep]:
    ids = {payment_transfer_id(payment.id, step) for step in STEPS}
    ids |= {i for i in (payment.hold_transfer_id, payment.resolution_transfer_id) if i}
    try:
        transfers = transfers_get_many(actor=actor, transfer_ids=sorted(ids, key=str))
    except PermissionDenied:
        return []
    linked = actor.has_scope(LEDGER_READ_PERMISSION)
    return [
        LedgerStep(
            id=t.id,
            kind_label=TRANSFER_KINDS.get(t.kind, t.kind),
            purpose=transfer_code_label(t.code) or t.code,
            amount_minor=t.amount,
            currency=t.currency,
            created_at=t.created_at,
            url=(url_if_mounted("ledger:transfer_detail", args=[t.id]) or "") if linked else "",
        )
        for t in transfers
    ]


def payment_detail(*, actor: Actor, payment_id: uuid.UUID, now: datetime) -> PaymentDetail:
    """One payment for the console: its customer (and payee) by name, the card masked, its
    amounts, its history and its ledger transfers. Raises PermissionDenied, PaymentNotFound."""
    require_viewer(actor)
    payment = Payment.objects.select_related("card").filter(id=payment_id).first()
    if payment is None:
        raise PaymentNotFound()
    names = customer_links(actor, {payment.customer_id, payment.payee_id})
    card = card_view(payment.card) if payment.card_id else None
    age = now - payment.created_at
    return PaymentDetail(
        id=payment.id,
        kind=payment.kind,
        status=payment.status,
        amount_minor=payment.amount,
        fee_minor=payment.fee,
        currency=payment.currency,
        customer=names[payment.customer_id],
        payee=names.get(payment.payee_id) if payment.payee_id else None,
        card_masked=card.masked_number if card else "",
        card_bank_name=card.bank_name if card else "",
        channel=payment.channel,
        channel_reference=payment.channel_reference,
        failure_code=payment.failure_code,
        created_at=payment.created_at,
        updated_at=payment.updated_at,
        finished_at=payment.finished_at,
        age_seconds=max(0, int(age.total_seconds())),
        age=age_bucket_of(age),
        unresolved=payment.status in UNRESOLVED,
        history=_history(payment.id),
        transfers=_transfers(actor, payment),
    )


@dataclass(frozen=True, slots=True)
class CustomerPayments:
    """The payments section of a customer's console page."""

    customer_id: uuid.UUID
    recent: list[PaymentRow]
    unresolved_count: int
    count: int


def customer_payments(
    *, actor: Actor, customer_id: uuid.UUID, now: datetime, limit: int = SECTION_RECENT
) -> CustomerPayments:
    """A customer's latest payments (sent, and transfers received) and how many are open."""
    require_viewer(actor)
    rows = Payment.objects.filter(customer_id=customer_id) | Payment.objects.filter(
        payee_id=customer_id
    )
    recent = list(rows.order_by("-created_at", "-id")[:limit])
    return CustomerPayments(
        customer_id=customer_id,
        recent=payment_rows(actor, recent, now),
        unresolved_count=rows.filter(status__in=UNRESOLVED).count(),
        count=rows.count(),
    )


def customer_payments_section(
    *, actor: Actor, customer_id: uuid.UUID, now: datetime
) -> ConsoleSection | None:
    """The provider customers asks for its console page (None for who may not see payments)."""
    if actor.kind != "staff" or not actor.has_scope(VIEW_PAYMENTS):
        return None
    return ConsoleSection(
        key="payments",
        title=_("Payments"),
        template="payments/console_customer_section.html",
        data={"payments": customer_payments(actor=actor, customer_id=customer_id, now=now)},
    )
