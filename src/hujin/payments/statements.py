"""The customer's statement history: their own payments as one list (top-ups, withdrawals,
transfers sent and transfers received), filtered and paged. Re-exported by
``payments.selectors``: the public face; the wallet's statement of a month is
``statements_monthly``.

Everything here is read as the customer ``actor`` acts as: a payment of anyone else (neither
theirs nor paid to them) is PaymentNotFound, as if it did not exist. Counterparties leave masked
(a card as ``工商银行 ···· 1234``, a person as ``张*``); amounts stay in minor units.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hujin.core.actors import Actor
from hujin.core.dates import business_time_zone
from hujin.core.errors import InvalidInput
from hujin.core.masking import mask_name
from hujin.core.pages import keyset_page
from hujin.customers.selectors import own_standing
from hujin.payments.errors import PaymentNotFound
from hujin.payments.models import Payment
from hujin.payments.presenters import bank_name
from hujin.payments.types import PAYMENT_STATUSES, TOPUP, TRANSFER, WITHDRAWAL

# What a statement calls an entry: a payment's kind, a transfer split by its direction.
TRANSFER_OUT = "transfer_out"
TRANSFER_IN = "transfer_in"
STATEMENT_KINDS = (TOPUP, WITHDRAWAL, TRANSFER_OUT, TRANSFER_IN)
KIND_LABELS = {
    TOPUP: _("Top-up"),
    WITHDRAWAL: _("Withdrawal"),
    TRANSFER_OUT: _("Transfer sent"),
    TRANSFER_IN: _("Transfer received"),
}
PAGE_SIZE = 25
MAX_EXPORT_ROWS = 10_000  # one CSV; a customer with more narrows the dates


class StatementFilterInvalid(InvalidInput):
    code = "statement_filter_invalid"
    message = _("Choose a kind and a status from the list, and a start date on or before the end.")


@dataclass(frozen=True, slots=True)
class StatementFilters:
    """What a history is narrowed to: a kind (STATEMENT_KINDS), a payment status, the calendar
    dates (business time zone) the payments were asked for on, both ends included."""

    kind: str = ""
    status: str = ""
    from_date: date | None = None
    to_date: date | None = None

    @property
    def any(self) -> bool:
        return bool(self.kind or self.status or self.from_date or self.to_date)


@dataclass(frozen=True, slots=True)
class StatementEntry:
    """One payment as the customer's history shows it. ``amount_minor`` is what was asked;
    ``signed_minor`` is it with the direction's sign (+ into the wallet, − out of it)."""

    id: uuid.UUID
    kind: str  # STATEMENT_KINDS
    label: str  # the kind in the viewer's language
    direction: str  # "in" or "out"
    status: str
    amount_minor: int
    signed_minor: int
    fee_minor: int
    currency: str
    reference: str  # the payment's short reference, for support
    channel_reference: str  # the bank's reference ("" for a transfer between customers)
    counterparty: str  # masked: "工商银行 ···· 1234" or "张*"
    created_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True, slots=True)
class StatementPage:
    entries: list[StatementEntry]
    filters: StatementFilters
    newer_cursor: str | None
    older_cursor: str | None


def short_reference(payment_id: uuid.UUID) -> str:
    """The payment's short reference: the last 12 hex digits of its id (the random part)."""
    return payment_id.hex[-12:].upper()


def statement_filters(
    *, kind: str = "", status: str = "", from_date: date | None = None,
    to_date: date | None = None,
) -> StatementFilters:  # fmt: skip
    """The filters, checked. Raises StatementFilterInvalid."""
    if kind not in ("", *STATEMENT_KINDS) or status not in ("", *PAYMENT_STATUSES):
        raise StatementFilterInvalid(details={"kind": kind, "status": status})
    if from_date and to_date and from_date > to_date:
        raise StatementFilterInvalid(
            details={"from_date": from_date.isoformat(), "to_date": to_date.isoformat()}
        )
    return StatementFilters(kind=kind, status=status, from_date=from_date, to_date=to_date)


def day_start(day: date) -> datetime:
    """The first moment of the calendar ``day`` in the business time zone."""
    return datetime.combine(day, time.min, tzinfo=business_time_zone())


def payments_of(customer_id: uuid.UUID, filters: StatementFilters):
    """The payments of the customer and the transfers paid to them, filtered (a queryset, for
    this module and ``statements_monthly`` only)."""
    by_kind = {
        TOPUP: Q(customer_id=customer_id, kind=TOPUP),
        WITHDRAWAL: Q(customer_id=customer_id, kind=WITHDRAWAL),
        TRANSFER_OUT: Q(customer_id=customer_id, kind=TRANSFER),
        TRANSFER_IN: Q(payee_id=customer_id, kind=TRANSFER),
    }
    rows = Payment.objects.select_related("card", "customer", "payee").filter(
        by_kind.get(filters.kind) or Q(customer_id=customer_id) | Q(payee_id=customer_id)
    )
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.from_date:
        rows = rows.filter(created_at__gte=day_start(filters.from_date))
    if filters.to_date:
        rows = rows.filter(created_at__lt=day_start(filters.to_date + timedelta(days=1)))
    return rows


def _counterparty(payment: Payment, incoming: bool) -> str:
    if payment.kind == TRANSFER:
        return mask_name((payment.customer if incoming else payment.payee).legal_name)
    card = payment.card
    return " ".join(part for part in (bank_name(card.bank_code), "····", card.last4) if part)


def statement_entry_of(payment: Payment, *, customer_id: uuid.UUID) -> StatementEntry:
    """``payment`` as ``customer_id`` (its payer or its payee) sees it."""
    incoming = payment.kind == TOPUP or (
        payment.kind == TRANSFER and payment.payee_id == customer_id
    )
    if payment.kind == TRANSFER:
        kind = TRANSFER_IN if payment.payee_id == customer_id else TRANSFER_OUT
    else:
        kind = payment.kind
    return StatementEntry(
        id=payment.id, kind=kind, label=str(KIND_LABELS[kind]),
        direction="in" if incoming else "out", status=payment.status,
        amount_minor=payment.amount,
        signed_minor=payment.amount if incoming else -payment.amount,
        fee_minor=payment.fee if not (payment.kind == TRANSFER and incoming) else 0,
        currency=payment.currency, reference=short_reference(payment.id),
        channel_reference=payment.channel_reference,
        counterparty=_counterparty(payment, payment.kind == TRANSFER and incoming),
        created_at=payment.created_at, finished_at=payment.finished_at,
    )  # fmt: skip


def acting_customer_id(actor: Actor) -> uuid.UUID | None:
    """The customer ``actor`` acts as; None for anyone else."""
    standing = own_standing(actor=actor)
    return standing.customer_id if standing is not None else None


def my_statement_page(
    *, actor: Actor, filters: StatementFilters = StatementFilters(),
    before: uuid.UUID | None = None, after: uuid.UUID | None = None, limit: int = PAGE_SIZE,
) -> StatementPage:  # fmt: skip
    """The customer's own payments and the transfers they received, newest first, one keyset
    page at a time (``before``: older than that payment, ``after``: newer). Anyone but a
    customer gets an empty page."""
    customer_id = acting_customer_id(actor)
    if customer_id is None:
        return StatementPage([], filters, None, None)
    limit = max(1, min(limit, 200))
    page = keyset_page(payments_of(customer_id, filters), before=before, after=after, limit=limit)
    entries = [statement_entry_of(p, customer_id=customer_id) for p in page.rows]
    return StatementPage(entries, filters, page.newer_cursor, page.older_cursor)


def my_statement_rows(*, actor: Actor, filters: StatementFilters) -> list[StatementEntry]:
    """Every entry the filters keep, oldest first (the CSV), at most MAX_EXPORT_ROWS."""
    customer_id = acting_customer_id(actor)
    if customer_id is None:
        return []
    rows = payments_of(customer_id, filters).order_by("created_at", "id")[:MAX_EXPORT_ROWS]
    return [statement_entry_of(p, customer_id=customer_id) for p in rows]


def my_statement_entry(*, actor: Actor, payment_id: uuid.UUID) -> StatementEntry:
    """One of the customer's payments, or a transfer paid to them. PaymentNotFound otherwise."""
    customer_id = acting_customer_id(actor)
    payment = (
        payments_of(customer_id, StatementFilters()).filter(id=payment_id).first()
        if customer_id is not None
        else None
    )
    if payment is None:
        raise PaymentNotFound()
    return statement_entry_of(payment, customer_id=customer_id)
