"""The reads behind the console's and the portal's pages: plain values for the templates, the
viewer's permissions already applied (staff need ``products.view_products``; customers see only
products that can be bought)."""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count

from hujin.core.actors import Actor
from hujin.core.errors import PermissionDenied
from hujin.products import labels, selectors
from hujin.products import types as t
from hujin.products.chart import LineChart, line_chart
from hujin.products.errors import DocumentNotFound, ProductNotFound
from hujin.products.models import AdmissionStep, NavPoint, Product, ProductDocument
from hujin.products.permissions import (
    MANAGE_PRODUCTS,
    PUBLISH_NAV,
    REVIEW_PRODUCTS,
    VIEW_PRODUCTS,
)

CHART_DAYS = 180


def _require(actor: Actor, scope: str = VIEW_PRODUCTS) -> None:
    if not actor.has_scope(scope):
        raise PermissionDenied(details={"required_scope": scope})


def percent(rate: Decimal | None, places: int = 2) -> str:
    """0.0385 -> "3.85 %" (None -> "")."""
    if rate is None:
        return ""
    return f"{(Decimal(rate) * 100).quantize(Decimal(1).scaleb(-places)):f} %"


@dataclass(frozen=True, slots=True)
class ProductRow:
    id: uuid.UUID
    code: str
    name: str
    kind_label: str
    risk_level: str
    state: str
    on_sale_from: date | None
    updated_at: object


def _name(product, language: str) -> str:
    return product.name_zh if str(language).startswith("zh") else product.name_en


def kind_label(kind: str, subtype: str) -> str:
    return str(labels.SUBTYPE_LABELS.get(subtype) or labels.KIND_LABELS.get(kind, kind))


def products_console_list(
    *, actor: Actor, language: str, state: str = "", kind: str = ""
) -> list[ProductRow]:
    _require(actor)
    rows = Product.objects.all().order_by("code")
    if state in t.STATES:
        rows = rows.filter(state=state)
    if kind in t.KINDS:
        rows = rows.filter(kind=kind)
    return [
        ProductRow(
            p.id,
            p.code,
            _name(p, language),
            kind_label(p.kind, p.subtype),
            p.risk_level,
            p.state,
            p.on_sale_from,
            p.updated_at,
        )
        for p in rows[:500]
    ]


def review_waiting_count(actor: Actor) -> int:
    """Products waiting for a compliance review (the menu's count)."""
    if not actor.has_scope(REVIEW_PRODUCTS):
        return 0
    return Product.objects.filter(state=t.STATE_SUBMITTED).count()


def admission_queue(*, actor: Actor, language: str) -> list[ProductRow]:
    _require(actor, REVIEW_PRODUCTS)
    rows = Product.objects.filter(state=t.STATE_SUBMITTED).order_by("updated_at")
    return [
        ProductRow(
            p.id,
            p.code,
            _name(p, language),
            kind_label(p.kind, p.subtype),
            p.risk_level,
            p.state,
            p.on_sale_from,
            p.updated_at,
        )
        for p in rows
    ]


@dataclass(frozen=True, slots=True)
class Step:
    action_label: str
    to_state: str
    actor_label: str
    note: str
    checklist: list[tuple[str, str]]
    occurred_at: object


@dataclass(frozen=True, slots=True)
class Param:
    label: str
    value: str
    money_minor: int | None = None


@dataclass(frozen=True, slots=True)
class Series:
    """The chart of a product's publications and its last values."""

    chart: LineChart | None
    label: str  # what the chart shows ("NAV per unit", "7-day annualised yield")
    low: str
    high: str
    last: str
    last_date: date | None
    second_label: str = ""
    second_last: str = ""


@dataclass(frozen=True, slots=True)
class ProductPage:
    view: t.ProductView
    name: str
    description: str
    kind_label: str
    risk_label: str
    risk_explained: str
    term_label: str
    params: list[Param]
    fee_lines: list[str]
    redemption_lines: list[str]
    documents: list[tuple[uuid.UUID, str, str, int]]  # id, label, file name, size
    missing_documents: list[str]
    steps: list[Step]
    series: Series | None
    buyable: bool
    headline: str = ""  # a fixed-term product's expected rate, as its pages lead with it
    headline_label: str = ""
    may_edit: bool = False
    may_submit: bool = False
    may_put_on_sale: bool = False
    may_suspend: bool = False
    may_resume: bool = False
    may_close: bool = False
    may_review: bool = False
    may_publish: bool = False


def _money_param(label, minor) -> Param | None:
    return None if minor is None else Param(str(label), "", minor)


def _params(view: t.ProductView) -> list[Param]:
    L = labels.FIELD_LABELS
    params = [
        Param(str(L["code"]), view.code),
        Param(str(L["issuer"]), view.issuer),
        _money_param(L["min_amount_minor"], view.min_amount_minor),
        _money_param(L["increment_minor"], view.increment_minor),
        _money_param(L["per_customer_cap_minor"], view.per_customer_cap_minor),
    ]
    if view.kind == t.KIND_MMF:
        params += [
            Param(str(labels.UNIT_PRICE), "1.00"),
            _money_param(L["fast_redemption_quota_minor"], view.fast_redemption_quota_minor),
            Param(str(L["redemption_days"]), f"T+{view.redemption_days}"),
        ]
    elif view.kind == t.KIND_FIXED_TERM:
        params += [
            Param(str(L["raise_start_date"]), view.raise_start_date.isoformat()),
            Param(str(L["raise_end_date"]), view.raise_end_date.isoformat()),
            _money_param(L["min_raise_minor"], view.min_raise_minor),
            _money_param(L["max_size_minor"], view.max_size_minor),
            Param(str(L["value_date"]), view.value_date.isoformat()),
            Param(str(L["maturity_date"]), view.maturity_date.isoformat()),
            Param(str(L["expected_rate"]), percent(view.expected_rate)),
            Param(str(labels.DAY_COUNT), "actual/365"),
        ]
    else:
        params += [
            Param(str(labels.CUTOFF), view.cutoff_time.strftime("%H:%M")),
            Param(str(L["confirm_days"]), f"T+{view.confirm_days}"),
            Param(str(L["redemption_days"]), f"T+{view.redemption_days}"),
        ]
    params.append(Param(str(labels.COOLING_OFF), str(labels.yes_no(view.cooling_off))))
    return [p for p in params if p is not None]


def fee_lines(view: t.ProductView, *, portal: bool) -> tuple[list[str], list[str]]:
    """The fee schedules in words: "From ¥0.00: 1.50 %"."""
    subscription = []
    tiers = view.subscription_fees
    for index, tier in enumerate(tiers):
        upper = tiers[index + 1].from_minor if index + 1 < len(tiers) else None
        fee = (
            percent(tier.rate)
            if tier.rate is not None
            else labels.fixed_fee(tier.fixed_minor, portal)
        )
        subscription.append(labels.amount_band(tier.from_minor, upper, fee, portal))
    redemption = []
    days = view.redemption_fees
    for index, tier in enumerate(days):
        upper = days[index + 1].from_days if index + 1 < len(days) else None
        redemption.append(labels.days_band(tier.from_days, upper, percent(tier.rate)))
    return subscription, redemption


def _series(product_id: uuid.UUID, kind: str, on: date) -> Series | None:
    if kind not in (t.KIND_MMF, t.KIND_NAV_FUND):
        return None
    points = selectors.nav_series(
        product_id=product_id, start=on - timedelta(days=CHART_DAYS), end=on
    )
    if kind == t.KIND_NAV_FUND:
        values = [(p.business_date, p.nav) for p in points]
        last = points[-1] if points else None
        fmt = lambda v: f"{v:.4f}"  # noqa: E731
        return Series(
            line_chart(values),
            str(labels.NAV),
            fmt(min(v for _, v in values)) if values else "",
            fmt(max(v for _, v in values)) if values else "",
            fmt(last.nav) if last else "",
            last.business_date if last else None,
            str(labels.CUMULATIVE_NAV),
            fmt(last.cumulative_nav) if last and last.cumulative_nav else "",
        )
    values = [(p.business_date, p.yield_7d) for p in points if p.yield_7d is not None]
    last = points[-1] if points else None
    return Series(
        line_chart(values),
        str(labels.YIELD_7D),
        percent(min(v for _, v in values), 3) if values else "",
        percent(max(v for _, v in values), 3) if values else "",
        percent(last.yield_7d, 3) if last and last.yield_7d is not None else "",
        last.business_date if last else None,
        str(labels.INCOME_PER_10K),
        f"{last.income_per_10k:.4f}" if last else "",
    )


def page_fields(
    view: t.ProductView, *, language: str, on: date, steps: list[Step], portal: bool = False
) -> dict:
    subscription, redemption = fee_lines(view, portal=portal)
    attached = {d.kind for d in view.documents}
    return dict(
        view=view,
        name=view.name(language),
        description=view.description(language),
        kind_label=kind_label(view.kind, view.subtype),
        risk_label=str(labels.RISK_LABELS[view.risk_level]),
        risk_explained=str(labels.RISK_EXPLAINED[view.risk_level]),
        term_label=str(labels.TERM_LABELS[selectors.term_of(view)]),
        params=_params(view),
        fee_lines=subscription,
        redemption_lines=redemption,
        documents=[
            (d.id, str(labels.DOCUMENT_LABELS[d.kind]), d.file_name, d.size_bytes)
            for d in view.documents
        ],
        missing_documents=[
            str(labels.DOCUMENT_LABELS[k]) for k in t.DOCUMENT_KINDS if k not in attached
        ],
        steps=steps,
        series=_series(view.id, view.kind, on),
        buyable=selectors.product_buyable(view.id, on),
        headline=percent(view.expected_rate) if view.kind == t.KIND_FIXED_TERM else "",
        headline_label=str(labels.FIELD_LABELS["expected_rate"]),
    )


def product_console_page(
    *, actor: Actor, product_id: uuid.UUID, language: str, on: date
) -> ProductPage:
    """A product's console page: everything about it and what the viewer may do with it.
    Raises PermissionDenied, ProductNotFound."""
    _require(actor)
    view = selectors.product_get(product_id=product_id)
    steps = [
        Step(
            str(labels.ACTION_LABELS.get(s.action, s.action)),
            s.to_state,
            s.actor_label,
            s.note,
            [(str(labels.CHECKLIST_LABELS.get(k, k)), v) for k, v in (s.checklist or {}).items()],
            s.occurred_at,
        )
        for s in AdmissionStep.objects.filter(product_id=view.id)
    ]
    manage, state = actor.has_scope(MANAGE_PRODUCTS), view.state
    return ProductPage(
        **page_fields(view, language=language, on=on, steps=steps),
        may_edit=manage and state == t.STATE_DRAFT,
        may_submit=manage and state == t.STATE_DRAFT,
        may_put_on_sale=manage and state == t.STATE_APPROVED,
        may_suspend=manage and state == t.STATE_ON_SALE,
        may_resume=manage and state == t.STATE_SUSPENDED,
        may_close=manage and state in (t.STATE_APPROVED, t.STATE_ON_SALE, t.STATE_SUSPENDED),
        may_review=actor.has_scope(REVIEW_PRODUCTS) and state == t.STATE_SUBMITTED,
        may_publish=actor.has_scope(PUBLISH_NAV) and view.kind != t.KIND_FIXED_TERM,
    )


def document_for(*, document_id: uuid.UUID, actor: Actor | None, on: date) -> ProductDocument:
    """A document to download: staff holding ``view_products`` get any; customers (``actor``
    None) only those of a product that can be bought. Raises DocumentNotFound."""
    document = ProductDocument.objects.filter(pk=document_id).first()
    if document is None:
        raise DocumentNotFound()
    if actor is not None and actor.has_scope(VIEW_PRODUCTS):
        return document
    if not selectors.product_buyable(document.product_id, on):
        raise DocumentNotFound()
    return document


@dataclass(frozen=True, slots=True)
class NavPage:
    product: ProductRow
    kind: str
    recent: list[tuple[date, str, str]]  # date, NAV or income, cumulative NAV or yield
    next_date: date | None
    count: int


def nav_page(*, actor: Actor, product_id: uuid.UUID, language: str) -> NavPage:
    """The NAV / income entry page: the last 10 publications and the next date due."""
    _require(actor, PUBLISH_NAV)
    product = Product.objects.filter(pk=product_id).first()
    if product is None or product.kind == t.KIND_FIXED_TERM:
        raise ProductNotFound()
    rows = NavPoint.objects.filter(product=product).order_by("-business_date")
    if product.kind == t.KIND_MMF:
        recent = [
            (r.business_date, f"{r.income_per_10k:.4f}", percent(r.yield_7d, 3)) for r in rows[:10]
        ]
    else:
        recent = [
            (r.business_date, f"{r.nav:.4f}", f"{r.cumulative_nav:.4f}" if r.cumulative_nav else "")
            for r in rows[:10]
        ]
    stats = NavPoint.objects.filter(product=product).aggregate(n=Count("id"))
    row = ProductRow(
        product.id,
        product.code,
        _name(product, language),
        kind_label(product.kind, product.subtype),
        product.risk_level,
        product.state,
        product.on_sale_from,
        product.updated_at,
    )
    next_date = recent[0][0] + timedelta(days=1) if recent else None
    return NavPage(row, product.kind, recent, next_date, stats["n"])
