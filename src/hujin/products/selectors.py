"""The products module's reads (its public face): the catalogue as the ``wealth`` module and the
portal read it, fees and yields on a product's schedule, the NAV / income series, and whether a
product can be bought on a date."""

import uuid
from datetime import date
from decimal import Decimal

from hujin.products import fees, labels
from hujin.products import types as t
from hujin.products.errors import ProductNotFound
from hujin.products.models import NavPoint, Product

# The portal's term filter: open-ended products, and fixed-term ones by their days to maturity.
TERM_OPEN = "open"
TERM_UP_TO_3M = "3m"
TERM_UP_TO_1Y = "1y"
TERM_LONGER = "long"
TERMS = (TERM_OPEN, TERM_UP_TO_3M, TERM_UP_TO_1Y, TERM_LONGER)


def _uuid(product_id) -> uuid.UUID:
    try:
        return uuid.UUID(str(product_id))
    except ValueError:
        raise ProductNotFound() from None


def view_of(product: Product) -> t.ProductView:
    """A product row as its frozen view (documents read from the product's prefetched or
    related set)."""
    documents = tuple(
        t.DocumentView(
            id=d.id,
            kind=d.kind,
            file_name=d.file_name,
            size_bytes=d.size_bytes,
            uploaded_at=d.uploaded_at,
        )
        for d in product.documents.all()
    )
    return t.ProductView(
        id=product.id,
        code=product.code,
        kind=product.kind,
        subtype=product.subtype,
        name_zh=product.name_zh,
        name_en=product.name_en,
        issuer=product.issuer,
        risk_level=product.risk_level,
        currency=product.currency,
        min_amount_minor=product.min_amount_minor,
        increment_minor=product.increment_minor,
        per_customer_cap_minor=product.per_customer_cap_minor,
        cooling_off=product.cooling_off,
        description_zh=product.description_zh,
        description_en=product.description_en,
        state=product.state,
        on_sale_from=product.on_sale_from,
        unit_price=Decimal("1.00") if product.kind == t.KIND_MMF else None,
        fast_redemption_quota_minor=product.fast_redemption_quota_minor,
        raise_start_date=product.raise_start_date,
        raise_end_date=product.raise_end_date,
        min_raise_minor=product.min_raise_minor,
        max_size_minor=product.max_size_minor,
        value_date=product.value_date,
        maturity_date=product.maturity_date,
        expected_rate=product.expected_rate,
        day_count="actual/365" if product.kind == t.KIND_FIXED_TERM else None,
        cutoff_time=product.cutoff_time,
        confirm_days=product.confirm_days,
        redemption_days=product.redemption_days,
        subscription_fees=fees.subscription_tiers_parse(product.subscription_fees),
        redemption_fees=fees.redemption_tiers_parse(product.redemption_fees),
        documents=documents,
    )


def product_get(*, product_id: uuid.UUID) -> t.ProductView:
    """A product's view, whatever its state. Raises ProductNotFound."""
    product = Product.objects.prefetch_related("documents").filter(pk=_uuid(product_id)).first()
    if product is None:
        raise ProductNotFound()
    return view_of(product)


def product_get_by_code(*, code: str) -> t.ProductView:
    product = (
        Product.objects.prefetch_related("documents")
        .filter(code=(code or "").strip().upper())
        .first()
    )
    if product is None:
        raise ProductNotFound(details={"code": code})
    return view_of(product)


def _buyable(view: t.ProductView, on: date) -> bool:
    if view.state != t.STATE_ON_SALE or view.on_sale_from is None or view.on_sale_from > on:
        return False
    if view.kind == t.KIND_FIXED_TERM:
        return view.raise_start_date <= on <= view.raise_end_date
    return True


def product_buyable(product_id: uuid.UUID, on: date) -> bool:
    """Can the product be bought on business date ``on``: on sale, its sale date reached and,
    for a fixed-term product, inside its fundraising window. An unknown product is not."""
    try:
        return _buyable(product_get(product_id=product_id), on)
    except ProductNotFound:
        return False


def term_of(view: t.ProductView) -> str:
    days = view.term_days
    if days is None:
        return TERM_OPEN
    return TERM_UP_TO_3M if days <= 92 else TERM_UP_TO_1Y if days <= 366 else TERM_LONGER


def products_on_sale(
    *, on: date, kind: str = "", risk_level: str = "", term: str = ""
) -> list[t.ProductView]:
    """The products that can be bought on ``on``, filtered by kind, risk level and term (each
    ignored when empty), lowest risk first, then by code."""
    rows = Product.objects.filter(state=t.STATE_ON_SALE, on_sale_from__lte=on)
    if kind:
        rows = rows.filter(kind=kind)
    if risk_level:
        rows = rows.filter(risk_level=risk_level)
    views = [view_of(p) for p in rows.prefetch_related("documents").order_by("risk_level", "code")]
    return [v for v in views if _buyable(v, on) and (not term or term_of(v) == term)]


def _point(row: NavPoint) -> t.NavPointView:
    return t.NavPointView(
        business_date=row.business_date,
        nav=row.nav,
        cumulative_nav=row.cumulative_nav,
        income_per_10k=row.income_per_10k,
        yield_7d=row.yield_7d,
    )


def nav_series(*, product_id: uuid.UUID, start: date, end: date) -> list[t.NavPointView]:
    """The publications from ``start`` to ``end`` (both included), oldest first."""
    rows = NavPoint.objects.filter(
        product_id=_uuid(product_id), business_date__gte=start, business_date__lte=end
    ).order_by("business_date")
    return [_point(r) for r in rows]


def nav_latest(*, product_id: uuid.UUID, on: date) -> t.NavPointView | None:
    """The last publication on or before ``on`` (None before the first)."""
    row = (
        NavPoint.objects.filter(product_id=_uuid(product_id), business_date__lte=on)
        .order_by("-business_date")
        .first()
    )
    return _point(row) if row else None


def subscription_fee_for(*, product_id: uuid.UUID, amount_minor: int) -> t.FeeQuote:
    """The fee in subscribing ``amount_minor`` to the product (fees.subscription_fee)."""
    return fees.subscription_fee(product_get(product_id=product_id).subscription_fees, amount_minor)


def redemption_fee_for(
    *, product_id: uuid.UUID, units: Decimal, nav: Decimal, days_held: int
) -> t.RedemptionQuote:
    """The fee in redeeming ``units`` held ``days_held`` days at ``nav``
    (fees.redemption_fee)."""
    return fees.redemption_fee(
        product_get(product_id=product_id).redemption_fees,
        units=units,
        nav=nav,
        days_held=days_held,
    )


subscription_fee = fees.subscription_fee
redemption_fee = fees.redemption_fee
yield_7d = fees.yield_7d
to_fen = fees.to_fen
# The risk levels explained to customers, for the pages of the modules that sell products.
RISK_EXPLAINED = labels.RISK_EXPLAINED
