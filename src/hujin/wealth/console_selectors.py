"""The console's reads over every customer's wealth orders: the order monitor (counts by state,
the orders that need attention, a filtered list in keyset pages), one order with its ledger
transfers, suitability decision and documents acknowledgement, and the money-market funds'
income distributions per business date.

Staff holding ``wealth.view_orders`` only; anyone else is refused (PermissionDenied). Customers
are named as the console names them (``hujin.core.links``: a person's name masked, linked to
their page for who may open it); ledger transfers are linked to the ledger's pages for who may
open those. Values out, never querysets; ``now`` and the business date come in.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hujin.core.actors import Actor
from hujin.core.errors import PermissionDenied
from hujin.core.links import TargetLink, target_links
from hujin.core.money import unit_asset
from hujin.core.pages import moment_cursor, moment_cursor_parsed
from hujin.wealth.accounts import CURRENCY
from hujin.wealth.labels import (
    FAST_LABEL,
    ORDER_KIND_LABELS,
    PRODUCT_KIND_LABELS,
)
from hujin.wealth.models import (
    DistributionShortfall,
    IncomeDistribution,
    Order,
)
from hujin.wealth.permissions import VIEW_ORDERS
from hujin.wealth.presenters import Products
from hujin.wealth.types import CANCELLED, CONFIRMED, FAILED, MATURITY, REDEEM, SUBMITTED, SUBSCRIBE

CUSTOMER_TARGET = "customers.customer"
STATES = (SUBMITTED, CONFIRMED, FAILED, CANCELLED)
KINDS = (SUBSCRIBE, REDEEM, MATURITY)
FAST = "fast"  # the kind filter's value for a money-market fund's fast redemptions
PAGE_SIZE = 50
MAX_PAGE = 200
DISTRIBUTIONS_PAGE = 60

KIND_LABELS = ORDER_KIND_LABELS


def require_viewer(actor: Actor) -> None:
    """Staff holding ``wealth.view_orders``; anyone else is refused."""
    if actor.kind != "staff" or not actor.has_scope(VIEW_ORDERS):
        raise PermissionDenied(
            _("You may not see customers' wealth orders."),
            details={"required_permission": VIEW_ORDERS},
        )


def _attention(on: date) -> Q:
    """An order that needs someone to look: still submitted after the close of business that
    should have confirmed it (its confirm date is behind the business date), or still
    submitted after an attempt of the close of business failed on it (its last error; a
    confirmation clears it). Only submitted orders: the (state, confirm date) index finds
    them, and an order that ended needs nothing more."""
    return Q(state=SUBMITTED) & (Q(confirm_on__lt=on) | ~Q(last_error=""))


@dataclass(frozen=True, slots=True)
class OrderFilters:
    state: str = ""
    kind: str = ""  # one of KINDS, or FAST
    product_id: uuid.UUID | None = None
    date_from: date | None = None  # trade dates, inclusive
    date_to: date | None = None
    attention: bool = False


@dataclass(frozen=True, slots=True)
class OrderRow:
    """One order in the monitor's table: the customer by name, never an id on the page."""

    id: uuid.UUID
    submitted_at: datetime
    customer: TargetLink
    product_id: uuid.UUID
    product_code: str
    product_name: str
    product_kind_label: Promise | str
    kind: str
    kind_label: Promise | str
    fast: bool
    state: str
    currency: str
    unit: str  # the product's unit asset ("U:HJ-MMF-01"): the units' "currency"
    amount_minor: int
    units_minor: int
    payout_minor: int
    trade_date: date
    confirm_on: date
    last_error: str
    attention: bool


@dataclass(frozen=True, slots=True)
class StateCount:
    state: str
    count: int


@dataclass(frozen=True, slots=True)
class ProductChoice:
    id: uuid.UUID
    label: str


@dataclass(frozen=True, slots=True)
class OrdersMonitor:
    counts: list[StateCount]
    total: int
    attention_count: int
    rows: list[OrderRow]
    next_cursor: str | None  # the ``before`` of the next (older) page
    products: list[ProductChoice]  # every product ordered, for the filter
    filters: OrderFilters = field(default_factory=OrderFilters)
    business_date: date | None = None


def _language_name(product, language: str) -> str:
    return product.name_zh if str(language).startswith("zh") else product.name_en


def _customers(actor: Actor, customer_ids) -> dict[uuid.UUID, TargetLink]:
    """The customers as the console names them for ``actor``, in one call for a whole page."""
    ids = {str(i) for i in customer_ids if i is not None}
    links = target_links(actor=actor, targets=[(CUSTOMER_TARGET, i) for i in ids])
    return {uuid.UUID(i): links[(CUSTOMER_TARGET, i)] for i in ids}


def order_rows(actor: Actor, orders: list[Order], on: date, language: str) -> list[OrderRow]:
    names = _customers(actor, {o.customer_id for o in orders})
    products = Products()
    rows = []
    for order in orders:
        product = products[order.product_id]
        rows.append(OrderRow(
            id=order.id, submitted_at=order.submitted_at, customer=names[order.customer_id],
            product_id=product.id, product_code=product.code,
            product_name=_language_name(product, language),
            product_kind_label=PRODUCT_KIND_LABELS.get(product.kind, product.kind),
            kind=order.kind,
            kind_label=FAST_LABEL if order.fast else KIND_LABELS.get(order.kind, order.kind),
            fast=order.fast, state=order.state, currency=CURRENCY,
            unit=unit_asset(product.code), amount_minor=order.amount_minor,
            units_minor=order.units_minor, payout_minor=order.payout_minor,
            trade_date=order.trade_date, confirm_on=order.confirm_on,
            last_error=order.last_error,
            attention=order.state == SUBMITTED
            and (order.confirm_on < on or bool(order.last_error)),
        ))  # fmt: skip
    return rows


def cursor_of(row: OrderRow) -> str:
    """Where the next page starts: after this row (its moment in microseconds, its id)."""
    return moment_cursor(row.submitted_at, row.id)


_cursor_parsed = moment_cursor_parsed


def _filtered(filters: OrderFilters, on: date):
    orders = Order.objects.all()
    if filters.state in STATES:
        orders = orders.filter(state=filters.state)
    if filters.kind in KINDS:
        orders = orders.filter(kind=filters.kind)
    elif filters.kind == FAST:
        orders = orders.filter(kind=REDEEM, fast=True)
    if filters.product_id is not None:
        orders = orders.filter(product_id=filters.product_id)
    if filters.date_from is not None:
        orders = orders.filter(trade_date__gte=filters.date_from)
    if filters.date_to is not None:
        orders = orders.filter(trade_date__lte=filters.date_to)
    if filters.attention:
        orders = orders.filter(_attention(on))
    return orders


def _products_ordered(language: str) -> list[ProductChoice]:
    ids = Order.objects.values_list("product_id", flat=True).distinct().order_by()
    products = Products()
    choices = [products[product_id] for product_id in ids]
    return sorted(
        (ProductChoice(p.id, f"{_language_name(p, language)} ({p.code})") for p in choices),
        key=lambda choice: choice.label,
    )


def orders_monitor(
    *, actor: Actor, filters: OrderFilters, on: date, language: str, before: str = "",
    limit: int = PAGE_SIZE,
) -> OrdersMonitor:  # fmt: skip
    """Every order counted by state (and how many need attention, as of the business date
    ``on``), and the orders matching ``filters``, the newest first, in keyset pages:
    ``before`` is the ``next_cursor`` of the page before (unparseable: the first page)."""
    require_viewer(actor)
    grouped = dict(
        Order.objects.values_list("state").annotate(n=Count("id")).order_by().values_list(
            "state", "n"
        )
    )  # fmt: skip
    counts = [StateCount(state, grouped.get(state, 0)) for state in STATES]
    rows = _filtered(filters, on)
    position = _cursor_parsed(before) if before else None
    if position is not None:
        at, last_id = position
        rows = rows.filter(Q(submitted_at__lt=at) | Q(submitted_at=at, id__lt=last_id))
    limit = max(1, min(limit, MAX_PAGE))
    window = list(rows.order_by("-submitted_at", "-id")[: limit + 1])
    page = order_rows(actor, window[:limit], on, language)
    return OrdersMonitor(
        counts=counts, total=sum(c.count for c in counts),
        attention_count=Order.objects.filter(_attention(on)).count(), rows=page,
        next_cursor=cursor_of(page[-1]) if len(window) > limit and page else None,
        products=_products_ordered(language), filters=filters, business_date=on,
    )  # fmt: skip


def orders_attention_count(*, actor: Actor, on: date) -> int:
    """Orders that need attention on the business date ``on`` (0 for who may not see them)."""
    if actor.kind != "staff" or not actor.has_scope(VIEW_ORDERS):
        return 0
    return Order.objects.filter(_attention(on)).count()


# --- one order ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DistributionRow:
    id: uuid.UUID
    business_date: date
    product_id: uuid.UUID
    product_name: str
    product_code: str
    unit: str
    income_per_10k: Decimal
    units_minor: int
    declared_minor: int
    distributed_minor: int
    holders: int
    shortfalls: int
    shortfall_minor: int
    shortfall_unpaid: int


@dataclass(frozen=True, slots=True)
class DistributionsPage:
    rows: list[DistributionRow]
    next_before: date | None  # the ``before`` of the next (older) page
    currency: str = CURRENCY


def income_distributions(
    *, actor: Actor, language: str, before: date | None = None, limit: int = DISTRIBUTIONS_PAGE
) -> DistributionsPage:
    """The money-market funds' income distributions, the latest business date first, in pages
    of whole business dates: ``before`` is the ``next_before`` of the page before."""
    require_viewer(actor)
    rows = IncomeDistribution.objects.all()
    if before is not None:
        rows = rows.filter(business_date__lt=before)
    limit = max(1, min(limit, MAX_PAGE))
    window = list(rows.order_by("-business_date", "product_id")[: limit + 1])
    more = len(window) > limit
    page = window[:limit]
    if more and page:  # a page ends with a whole business date
        last = page[-1].business_date
        if window[limit].business_date == last and any(d.business_date != last for d in page):
            page = [d for d in page if d.business_date != last]
    shortfalls = {
        s["distribution_id"]: s
        for s in DistributionShortfall.objects.filter(distribution__in=page)
        .values("distribution_id")
        .annotate(n=Count("id"), total=Sum("amount_minor"),
                  unpaid=Count("id", filter=Q(paid_batch_id__isnull=True)))
        .order_by()
    }  # fmt: skip
    products = Products()
    out = []
    for d in page:
        product = products[d.product_id]
        short = shortfalls.get(d.id, {})
        out.append(DistributionRow(
            id=d.id, business_date=d.business_date, product_id=product.id,
            product_name=_language_name(product, language), product_code=product.code,
            unit=unit_asset(product.code), income_per_10k=d.income_per_10k,
            units_minor=d.units_minor, declared_minor=d.declared_minor,
            distributed_minor=d.distributed_minor, holders=d.holders,
            shortfalls=short.get("n", 0), shortfall_minor=int(short.get("total") or 0),
            shortfall_unpaid=short.get("unpaid", 0),
        ))  # fmt: skip
    next_before = out[-1].business_date if more and out else None
    return DistributionsPage(out, next_before)
