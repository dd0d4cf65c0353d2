"""Drafts of each kind and products walked through admission, for the products tests."""

from datetime import date, timedelta
from decimal import Decimal

from hujin.demo.products import demo_pdf
from hujin.products.services import (
    document_attach,
    product_approve,
    product_create,
    product_put_on_sale,
    product_submit,
)
from hujin.products.types import (
    DOCUMENT_KINDS,
    KIND_FIXED_TERM,
    KIND_MMF,
    KIND_NAV_FUND,
    ProductDraft,
    RedemptionTier,
    SubscriptionTier,
    checklist_for,
)

PDF = demo_pdf("test document")
TODAY = date(2025, 3, 14)


def mmf_draft(**changes) -> ProductDraft:
    values = dict(
        code="HJ-MMF-01",
        kind=KIND_MMF,
        name_zh="互金现金宝",
        name_en="Hujin Cash",
        issuer="互金基金",
        risk_level="R1",
        min_amount_minor=1,
        increment_minor=1,
    )
    return ProductDraft(**{**values, **changes})


def fund_draft(**changes) -> ProductDraft:
    values = dict(
        code="HJ-EQ-01",
        kind=KIND_NAV_FUND,
        subtype="equity",
        name_zh="互金股票",
        name_en="Hujin Equity",
        issuer="互金基金",
        risk_level="R4",
        min_amount_minor=1_000,
        increment_minor=1,
        subscription_fees=(
            SubscriptionTier(0, rate=Decimal("0.015")),
            SubscriptionTier(100_000_000, rate=Decimal("0.012")),
            SubscriptionTier(1_000_000_000, fixed_minor=100_000),
        ),
        redemption_fees=(
            RedemptionTier(0, Decimal("0.015")),
            RedemptionTier(7, Decimal("0.005")),
            RedemptionTier(365, Decimal("0")),
        ),
    )
    return ProductDraft(**{**values, **changes})


def fixed_draft(**changes) -> ProductDraft:
    values = dict(
        code="HJ-FT-90",
        kind=KIND_FIXED_TERM,
        name_zh="互金季季盈",
        name_en="Hujin Quarterly",
        issuer="互金理财",
        risk_level="R2",
        min_amount_minor=100_000,
        increment_minor=100_000,
        raise_start_date=TODAY - timedelta(days=3),
        raise_end_date=TODAY + timedelta(days=10),
        min_raise_minor=500_000_000,
        max_size_minor=2_000_000_000,
        value_date=TODAY + timedelta(days=11),
        maturity_date=TODAY + timedelta(days=101),
        expected_rate=Decimal("0.0385"),
        cooling_off=True,
    )
    return ProductDraft(**{**values, **changes})


def documents_attached(actor, product, now) -> None:
    for kind in DOCUMENT_KINDS:
        document_attach(
            actor=actor,
            product_id=product.id,
            kind=kind,
            file_name=f"{kind}.pdf",
            content=PDF,
            now=now,
        )


def submitted(maker, draft, now):
    product = product_create(actor=maker, draft=draft, now=now)
    documents_attached(maker, product, now)
    return product_submit(actor=maker, product_id=product.id, now=now)


def approved(maker, checker, draft, now):
    product = submitted(maker, draft, now)
    ticks = {item: "ok" for item in checklist_for(product.kind)}
    return product_approve(actor=checker, product_id=product.id, checklist=ticks, now=now)


def on_sale(maker, checker, draft, now, *, from_date=TODAY):
    product = approved(maker, checker, draft, now)
    return product_put_on_sale(
        actor=maker, product_id=product.id, on_sale_from=from_date, business_date=TODAY, now=now
    )
