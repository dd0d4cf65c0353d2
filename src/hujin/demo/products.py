"""The demo's products: six products across the kinds and risk levels, admitted the way the
console admits them (the product manager makes and submits, compliance approves against the
checklist, the product manager puts them on sale today), each with three small PDF documents,
and ~180 business dates of NAV / income history from a seeded random walk (deterministic: the
same database gets the same figures), so the charts are not empty.

``demo_products_step`` is a step of ``hujin.demo.loader.STEPS`` (after the staff). Idempotent:
an existing product is left as it is; its history is only extended up to today's business date.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model

from hujin.core.dates import business_date_get
from hujin.demo.loader import DemoContext
from hujin.identity.access import staff_actor
from hujin.products.errors import ProductNotFound
from hujin.products.selectors import nav_latest, product_get_by_code
from hujin.products.services import (
    document_attach,
    nav_import_csv,
    product_approve,
    product_create,
    product_put_on_sale,
    product_submit,
)
from hujin.products.types import (
    CHECKLIST,
    DOCUMENT_KINDS,
    KIND_FIXED_TERM,
    KIND_MMF,
    KIND_NAV_FUND,
    ProductDraft,
    RedemptionTier,
    SubscriptionTier,
    checklist_for,
)

HISTORY_DAYS = 180
# (mean, standard deviation) of a day's NAV return by fund subtype.
WALKS = {"bond": (0.00012, 0.0007), "mixed": (0.00025, 0.007), "equity": (0.0003, 0.011)}
EQUITY_FEES = (
    SubscriptionTier(0, rate=Decimal("0.015")),
    SubscriptionTier(100_000_000, rate=Decimal("0.012")),
    SubscriptionTier(500_000_000, rate=Decimal("0.008")),
    SubscriptionTier(1_000_000_000, fixed_minor=100_000),
)
BOND_FEES = (
    SubscriptionTier(0, rate=Decimal("0.008")),
    SubscriptionTier(100_000_000, rate=Decimal("0.005")),
    SubscriptionTier(500_000_000, fixed_minor=100_000),
)
REDEMPTION = (
    RedemptionTier(0, Decimal("0.015")),
    RedemptionTier(7, Decimal("0.005")),
    RedemptionTier(365, Decimal("0.0025")),
    RedemptionTier(730, Decimal("0")),
)
BOND_REDEMPTION = (
    RedemptionTier(0, Decimal("0.015")),
    RedemptionTier(7, Decimal("0.001")),
    RedemptionTier(30, Decimal("0")),
)


@dataclass(frozen=True)
class DemoProduct:
    draft: ProductDraft
    start: Decimal  # NAV or income per 10,000 units on the first day


def _products(today: date) -> list[DemoProduct]:
    value_date = today + timedelta(days=11)
    return [
        DemoProduct(
            ProductDraft(
                code="HJ-MMF-01",
                kind=KIND_MMF,
                name_zh="互金现金宝货币A",
                name_en="Hujin Cash Plus Money Market Fund A",
                issuer="互金基金管理有限公司",
                risk_level="R1",
                min_amount_minor=1,
                increment_minor=1,
                description_zh="投资于现金、银行存款、短期债券等货币市场工具，每日计算收益，T+0快速赎回每日最高1万元。",
                description_en="Invests in cash, bank deposits and short-term money-market "
                "instruments. Income accrues daily; fast redemption up to CNY 10,000 a day.",
            ),
            Decimal("0.5000"),
        ),
        DemoProduct(
            ProductDraft(
                code="HJ-BOND-01",
                kind=KIND_NAV_FUND,
                subtype="bond",
                name_zh="互金稳利债券A",
                name_en="Hujin Steady Income Bond Fund A",
                issuer="互金基金管理有限公司",
                risk_level="R2",
                min_amount_minor=1_000,
                increment_minor=1,
                subscription_fees=BOND_FEES,
                redemption_fees=BOND_REDEMPTION,
                description_zh="主要投资于利率债和高等级信用债，追求稳健收益。",
                description_en="Mostly government and high-grade corporate bonds, for steady "
                "income.",
            ),
            Decimal("1.0520"),
        ),
        DemoProduct(
            ProductDraft(
                code="HJ-FT-90",
                kind=KIND_FIXED_TERM,
                name_zh="互金季季盈90天",
                name_en="Hujin Quarterly Income 90-Day",
                issuer="互金理财有限责任公司",
                risk_level="R2",
                min_amount_minor=100_000,
                increment_minor=100_000,
                per_customer_cap_minor=500_000_000,
                cooling_off=True,
                raise_start_date=today - timedelta(days=5),
                raise_end_date=today + timedelta(days=10),
                min_raise_minor=500_000_000,
                max_size_minor=20_000_000_000,
                value_date=value_date,
                maturity_date=value_date + timedelta(days=90),
                expected_rate=Decimal("0.0315"),
                description_zh="封闭期90天，到期一次性还本付息（实际天数/365），不可提前赎回。业绩比较基准不代表实际收益。",
                description_en="Closed for 90 days; principal and interest paid at maturity "
                "(actual/365); no early redemption. The expected rate is not a promise.",
            ),
            Decimal(0),
        ),
        DemoProduct(
            ProductDraft(
                code="HJ-MIX-01",
                kind=KIND_NAV_FUND,
                subtype="mixed",
                name_zh="互金均衡配置混合",
                name_en="Hujin Balanced Allocation Mixed Fund",
                issuer="互金基金管理有限公司",
                risk_level="R3",
                min_amount_minor=1_000,
                increment_minor=1,
                subscription_fees=EQUITY_FEES,
                redemption_fees=REDEMPTION,
                description_zh="股票与债券均衡配置，力求在控制波动的同时获取长期回报。",
                description_en="A balance of equities and bonds, for long-term growth with "
                "moderate swings.",
            ),
            Decimal("1.3480"),
        ),
        DemoProduct(
            ProductDraft(
                code="HJ-EQ-01",
                kind=KIND_NAV_FUND,
                subtype="equity",
                name_zh="互金沪深300指数增强",
                name_en="Hujin CSI 300 Enhanced Index Fund",
                issuer="互金基金管理有限公司",
                risk_level="R4",
                min_amount_minor=1_000,
                increment_minor=1,
                subscription_fees=EQUITY_FEES,
                redemption_fees=REDEMPTION,
                description_zh="跟踪沪深300指数并力求超越，适合长期投资。",
                description_en="Tracks the CSI 300 index and aims to beat it; for long-term "
                "investors.",
            ),
            Decimal("1.8125"),
        ),
        DemoProduct(
            ProductDraft(
                code="HJ-EQ-02",
                kind=KIND_NAV_FUND,
                subtype="equity",
                name_zh="互金科技创新股票",
                name_en="Hujin Technology Innovation Equity Fund",
                issuer="互金基金管理有限公司",
                risk_level="R5",
                min_amount_minor=1_000,
                increment_minor=1,
                subscription_fees=EQUITY_FEES,
                redemption_fees=REDEMPTION,
                description_zh="集中投资于科技创新企业股票，波动较大。",
                description_en="Concentrated in technology and innovation stocks; expect large "
                "swings.",
            ),
            Decimal("0.9630"),
        ),
    ]


def demo_pdf(title: str) -> bytes:
    """A one-page PDF saying ``title`` (ASCII), valid enough for any viewer."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _staff(username: str):
    return staff_actor(get_user_model().objects.get(username=username))


def _admit(spec: DemoProduct, *, today: date, ctx: DemoContext) -> None:
    maker, checker = _staff("product"), _staff("compliance")
    now = ctx.now
    product = product_create(actor=maker, draft=spec.draft, now=now)
    for kind in DOCUMENT_KINDS:
        title = f"{spec.draft.code} {kind.replace('_', ' ')} (demo)"
        document_attach(
            actor=maker,
            product_id=product.id,
            kind=kind,
            file_name=f"{spec.draft.code}-{kind}.pdf",
            content=demo_pdf(title),
            now=now,
        )
    product_submit(actor=maker, product_id=product.id, now=now)
    ticks = {item: "Checked (demo)" for item in checklist_for(spec.draft.kind)}
    assert set(ticks) <= set(CHECKLIST)
    product_approve(actor=checker, product_id=product.id, checklist=ticks, now=now)
    product_put_on_sale(
        actor=maker, product_id=product.id, on_sale_from=today, business_date=today, now=now
    )


def _q4(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def history_csv(spec: DemoProduct, *, start: date, end: date, last: Decimal | None) -> str:
    """The CSV of ``spec``'s history from ``start`` to ``end``: each day's step seeded by the
    product's code and the date, so a later run extends the same walk."""
    lines, value = [], last if last is not None else spec.start
    day = start
    while day <= end:
        rng = random.Random(f"{spec.draft.code}:{day.isoformat()}")
        if spec.draft.kind == KIND_MMF:
            # about 1.8 % a year, drifting slowly
            value = _q4(max(0.30, min(0.75, float(value) + rng.gauss(0, 0.006))))
            lines.append(f"{day.isoformat()},{value}")
        else:
            if day.weekday() < 5:  # markets are shut at weekends: the NAV stays
                mean, sigma = WALKS[spec.draft.subtype]
                step = max(-0.08, min(0.08, rng.gauss(mean, sigma)))
                value = _q4(float(value) * (1 + step))
            lines.append(f"{day.isoformat()},{value}")
        day += timedelta(days=1)
    return "\n".join(lines) + "\n"


def demo_products_step(ctx: DemoContext) -> None:
    today = business_date_get(now=ctx.now)
    made = 0
    ops = _staff("ops")
    for spec in _products(today):
        try:
            product = product_get_by_code(code=spec.draft.code)
        except ProductNotFound:
            _admit(spec, today=today, ctx=ctx)
            product = product_get_by_code(code=spec.draft.code)
            made += 1
        if spec.draft.kind == KIND_FIXED_TERM:
            continue
        latest = nav_latest(product_id=product.id, on=today)
        if latest is not None and latest.business_date >= today:
            continue
        start = (
            latest.business_date + timedelta(days=1)
            if latest
            else (today - timedelta(days=HISTORY_DAYS - 1))
        )
        last = (
            None
            if latest is None
            else (latest.income_per_10k if spec.draft.kind == KIND_MMF else latest.nav)
        )
        nav_import_csv(
            actor=ops,
            product_id=product.id,
            text=history_csv(spec, start=start, end=today, last=last),
            confirmed=True,
            business_date=today,
            now=ctx.now,
        )
    ctx.report.notes.append(
        f"Products: {made} made this run; the catalogue at {ctx.report.url('/products/')} "
        f"(customers) and {ctx.report.url('/products/console/')} (staff)."
    )
