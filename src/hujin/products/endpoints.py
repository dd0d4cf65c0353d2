"""The product catalogue for the customer's app, mounted at /api/v1/me/products behind the
customer's access token: the products on sale with the portal's filters, a product's terms, fees
and documents, its NAV or income series. A product not on sale is 404 ``product_not_found``, as
one that does not exist. The wall clock is read here (the business date)."""

import uuid
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone, translation
from ninja import Query, Router

from hujin.core.api_errors import error_responses
from hujin.core.dates import business_date_get
from hujin.core.money import format_minor
from hujin.products import selectors
from hujin.products import types as t
from hujin.products.errors import ProductNotFound
from hujin.products.schemas import (
    ProductNavQuery,
    ProductNavSeriesOut,
    ProductOut,
    ProductsOut,
    ProductsQuery,
)

router = Router()
SERIES_DAYS = 180


def _money(minor: int | None, currency: str) -> str | None:
    return None if minor is None else format_minor(minor, currency)


def _text(value) -> str | None:
    return None if value is None else str(value)


def _nav(point: t.NavPointView | None) -> dict | None:
    if point is None:
        return None
    return {
        "business_date": point.business_date, "nav": _text(point.nav),
        "cumulative_nav": _text(point.cumulative_nav),
        "income_per_10k": _text(point.income_per_10k), "yield_7d": _text(point.yield_7d),
    }  # fmt: skip


def _summary(view: t.ProductView, on) -> dict:
    language = translation.get_language() or "en"
    return {
        "id": view.id, "code": view.code, "kind": view.kind, "subtype": view.subtype,
        "name": view.name(language), "issuer": view.issuer, "risk_level": view.risk_level,
        "currency": view.currency, "min_amount": _money(view.min_amount_minor, view.currency),
        "term": selectors.term_of(view),
        "latest": _nav(selectors.nav_latest(product_id=view.id, on=on)),
    }  # fmt: skip


def _on_sale(product_id: uuid.UUID, on) -> t.ProductView:
    """The product, if a customer may see it: on sale on ``on``."""
    view = selectors.product_get(product_id=product_id)
    if not selectors.product_buyable(view.id, on):
        raise ProductNotFound()
    return view


@router.get(
    "products", response={200: ProductsOut, **error_responses()},
    operation_id="me_products_list", summary="Products on sale",
)  # fmt: skip
def products_list(request, query: Query[ProductsQuery]):
    """The products on sale today, lowest risk first, filtered by kind (mmf, fixed_term,
    nav_fund), risk level (R1–R5) and term (open, 3m, 1y, long); an unknown filter value
    matches nothing."""
    on = business_date_get(now=timezone.now())
    views = selectors.products_on_sale(on=on, kind=query.kind, risk_level=query.risk_level,
                                       term=query.term)  # fmt: skip
    return {"items": [_summary(v, on) for v in views]}


@router.get(
    "products/{product_id}", response={200: ProductOut, **error_responses(404)},
    operation_id="me_products_get", summary="A product's terms",
)  # fmt: skip
def product_get(request, product_id: uuid.UUID):
    """Everything a customer reads before buying: terms, fees, documents, the last NAV or
    income."""
    on = business_date_get(now=timezone.now())
    view = _on_sale(product_id, on)
    language = translation.get_language() or "en"
    money = lambda minor: _money(minor, view.currency)  # noqa: E731
    return {
        **_summary(view, on), "description": view.description(language),
        "increment": money(view.increment_minor),
        "per_customer_cap": money(view.per_customer_cap_minor),
        "cooling_off": view.cooling_off, "on_sale_from": view.on_sale_from,
        "fast_redemption_quota": money(view.fast_redemption_quota_minor),
        "raise_start_date": view.raise_start_date, "raise_end_date": view.raise_end_date,
        "min_raise": money(view.min_raise_minor), "max_size": money(view.max_size_minor),
        "value_date": view.value_date, "maturity_date": view.maturity_date,
        "expected_rate": _text(view.expected_rate), "day_count": view.day_count,
        "cutoff_time": view.cutoff_time, "confirm_days": view.confirm_days,
        "redemption_days": view.redemption_days,
        "subscription_fees": [
            {"from_amount": money(tier.from_minor), "rate": _text(tier.rate),
             "fixed_fee": money(tier.fixed_minor)} for tier in view.subscription_fees
        ],
        "redemption_fees": [
            {"from_days": tier.from_days, "rate": str(tier.rate)} for tier in view.redemption_fees
        ],
        "documents": [
            {"id": d.id, "kind": d.kind, "file_name": d.file_name, "size_bytes": d.size_bytes,
             "url": reverse("products:document", args=[d.id])} for d in view.documents
        ],
    }  # fmt: skip


@router.get(
    "products/{product_id}/nav", response={200: ProductNavSeriesOut, **error_responses(404)},
    operation_id="me_products_nav", summary="A product's NAV or income series",
)  # fmt: skip
def product_nav(request, product_id: uuid.UUID, query: Query[ProductNavQuery]):
    """The publications from ``start`` to ``end`` (business dates, both included), oldest
    first: NAVs for a NAV fund, income per 10,000 units and the 7-day yield for a money-market
    fund; by default the last 180 days. A date before 1990-01-01 is a 422 (``validation_error``);
    a ``start`` after the ``end`` answers an empty list."""
    on = business_date_get(now=timezone.now())
    view = _on_sale(product_id, on)
    end = min(query.end or on, on)
    start = query.start or end - timedelta(days=SERIES_DAYS)
    points = selectors.nav_series(product_id=view.id, start=start, end=end)
    return {"items": [_nav(p) for p in points]}
