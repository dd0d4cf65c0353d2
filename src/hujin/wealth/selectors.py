"""Wealth's reads (its public face). This slice: what the suitability gate decides on, and the
special risk warning as the customer reads it."""

import hashlib
import itertools
import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from hujin.core.actors import Actor
from hujin.core.dates import business_date_get, business_time_zone
from hujin.customers.selectors import OwnStanding
from hujin.products.errors import ProductNotFound
from hujin.products.selectors import nav_series, product_buyable, product_get, products_on_sale
from hujin.products.types import KIND_MMF, KIND_NAV_FUND, ProductView
from hujin.suitability.selectors import (
    LEVEL_LABELS,
    PRODUCT_LEVEL_LABELS,
    RiskProfile,
    risk_profile_current,
    risk_profile_latest,
)
from hujin.wealth.advice import HISTORY_DAYS, MIN_DAYS, History, suggested_mix
from hujin.wealth.models import DocumentsAcknowledgement, RiskWarningConfirmation
from hujin.wealth.standing import customer_of
from hujin.wealth.suitability import POLICIES, STRICT, level_rank
from hujin.wealth.types import Advice, AdviceLine, RiskWarning

# How long a confirmed warning, or an acknowledgement of the documents, stands for buying that
# product (one order uses it).
WARNING_VALID = timedelta(minutes=30)
ACKNOWLEDGEMENT_VALID = WARNING_VALID


def policy() -> str:
    """``HUJIN_WEALTH_SUITABILITY_POLICY``: ``strict`` (the default) or ``confirm``."""
    chosen = getattr(settings, "HUJIN_WEALTH_SUITABILITY_POLICY", STRICT)
    if chosen not in POLICIES:
        raise ValueError(f"HUJIN_WEALTH_SUITABILITY_POLICY must be one of {POLICIES}")
    return chosen


def suitability_inputs(
    *, actor: Actor, product_id: uuid.UUID, now: datetime
) -> tuple[OwnStanding, RiskProfile | None, ProductView]:
    """The customer's standing, their latest assessment (even expired) and the product, which
    must be on sale on the business date (any other is not found, as on the portal).
    Raises NotACustomer, ProductNotFound."""
    standing = customer_of(actor)
    product = product_get(product_id=product_id)
    if not product_buyable(product.id, business_date_get(now=now)):
        raise ProductNotFound()
    return standing, risk_profile_latest(user_id=standing.user_id, now=now), product


def warning_confirmation_valid(
    *, customer_id: uuid.UUID, product_id: uuid.UUID, assessment_id: uuid.UUID, now: datetime
) -> RiskWarningConfirmation | None:
    """The customer's latest unused confirmation of the warning for this product, made under
    this assessment and not yet expired."""
    return (
        RiskWarningConfirmation.objects.filter(
            customer_id=customer_id, product_id=product_id, assessment_id=assessment_id,
            expires_at__gt=now, used_at__isnull=True,
        ).order_by("-confirmed_at").first()
    )  # fmt: skip


def documents_acknowledgement_valid(
    *, customer_id: uuid.UUID, product: ProductView, now: datetime
) -> DocumentsAcknowledgement | None:
    """The customer's latest unused acknowledgement of this product's documents as they are now
    (the same documents: a replaced one makes it stale), not yet expired."""
    current = sorted(str(d.id) for d in product.documents)
    for acknowledgement in DocumentsAcknowledgement.objects.filter(
        customer_id=customer_id, product_id=product.id, expires_at__gt=now, used_at__isnull=True
    ).order_by("-acknowledged_at")[:5]:
        if sorted(d["id"] for d in acknowledgement.documents) == current:
            return acknowledgement
    return None


def risk_warning(*, actor: Actor, product_id: uuid.UUID, now: datetime) -> RiskWarning | None:
    """The special risk warning for buying ``product_id`` above the customer's risk tolerance,
    in the request's language; None when the product is within their level or they hold no
    valid assessment (there is nothing to warn of then, or nothing can be bought). Raises
    NotACustomer, ProductNotFound."""
    _, profile, product = suitability_inputs(actor=actor, product_id=product_id, now=now)
    return warning_of(profile, product)


def warning_of(profile: RiskProfile | None, product: ProductView) -> RiskWarning | None:
    """``risk_warning``'s text for this assessment and product (nothing read)."""
    if (
        profile is None
        or profile.is_expired
        or level_rank(product.risk_level) <= level_rank(profile.level)
    ):
        return None
    language = translation.get_language() or settings.LANGUAGE_CODE
    assessed = profile.assessed_at.astimezone(business_time_zone()).date()
    text = gettext(
        "Special risk warning. %(product)s is rated %(product_level)s (%(product_label)s). Your "
        "risk tolerance, from your questionnaire of %(assessed)s, is %(level)s (%(label)s): this "
        "product's risk is above what you can bear. Its value can fall and you may lose part or "
        "all of the money you put in, more than you are prepared to lose. Buying it is your own "
        "decision, made at your own request; it has not been recommended to you. Confirm only "
        "if you have read and understood this warning."
    ) % {
        "product": product.name(language), "product_level": product.risk_level,
        "product_label": PRODUCT_LEVEL_LABELS[product.risk_level],
        "assessed": assessed.isoformat(), "level": profile.level,
        "label": LEVEL_LABELS[profile.level],
    }  # fmt: skip
    return RiskWarning(
        product_id=product.id, assessment_id=profile.assessment_id,
        customer_level=profile.level, product_level=product.risk_level, language=language,
        text=text, text_sha256=hashlib.sha256(text.encode()).hexdigest(),
    )  # fmt: skip


def _history(product: ProductView, on: date) -> History:
    """The product's daily returns over the window: a money-market fund's income per 10,000
    units ÷ 10,000; a NAV fund's change of cumulative NAV over the day before's NAV (a
    dividend paid out lowers the NAV, not the cumulative NAV: the change of the cumulative NAV
    is the day's whole gain per unit, and the unit was worth the NAV)."""
    start = on - timedelta(days=HISTORY_DAYS)
    points = nav_series(product_id=product.id, start=start, end=on)
    if product.kind == KIND_MMF:
        values = {p.business_date: float(p.income_per_10k) / 10_000
                  for p in points if p.income_per_10k is not None}  # fmt: skip
        return History(key=str(product.id), values=values, returns=True)
    priced = [(p.business_date, p.nav, p.cumulative_nav or p.nav) for p in points if p.nav]
    values = {
        day: float((cumulative - cumulative_before) / nav_before)
        for (_, nav_before, cumulative_before), (day, _, cumulative) in itertools.pairwise(priced)
    }
    return History(key=str(product.id), values=values, returns=True)


def advice_for(*, actor: Actor, now: datetime, on: date) -> Advice:
    """The suggested mix for the customer ``actor`` acts as, from their valid assessment, over
    the open-ended products on sale on the business date ``on`` at or below their level.
    Raises NotACustomer."""
    standing = customer_of(actor)
    profile = risk_profile_current(user_id=standing.user_id, now=now)
    if profile is None:
        return Advice(level="", level_label="", lines=(), expected_return=None, volatility=None,
                      low=None, high=None, days=0, missing="no_assessment")  # fmt: skip
    reach = level_rank(profile.level)
    products = [
        p for p in products_on_sale(on=on)
        if p.kind in (KIND_MMF, KIND_NAV_FUND) and level_rank(p.risk_level) <= reach
    ]  # fmt: skip
    histories = [_history(p, on) for p in products]
    # A product with too short a history (just launched) is left out rather than shortening
    # everyone's common history below what the estimates need.
    usable = [(p, h) for p, h in zip(products, histories, strict=True)
              if len(h.values) >= MIN_DAYS]  # fmt: skip
    mix = suggested_mix([h for _, h in usable], profile.level) if usable else None
    if mix is None:
        return Advice(level=profile.level, level_label=profile.label, lines=(),
                      expected_return=None, volatility=None, low=None, high=None, days=0,
                      missing="no_products")  # fmt: skip
    language = translation.get_language() or settings.LANGUAGE_CODE
    lines = tuple(
        AdviceLine(product_id=p.id, code=p.code, name=p.name(language), kind=p.kind,
                   risk_level=p.risk_level, percent=percent)
        for (p, _), percent in zip(usable, mix.percents, strict=True) if percent
    )  # fmt: skip
    return Advice(
        level=profile.level, level_label=profile.label,
        lines=tuple(sorted(lines, key=lambda line: -line.percent)),
        expected_return=mix.expected_return, volatility=mix.volatility,
        low=mix.expected_return - mix.volatility, high=mix.expected_return + mix.volatility,
        days=mix.days,
    )  # fmt: skip


# Orders, holdings and earnings (holdings.py), the public face's other half.
from hujin.wealth.holdings import (  # noqa: E402 -- after the suitability reads, as they grew
    EarningsLine,
    EarningsStatement,
    RedemptionQuote,
    asset_overview,
    earnings_statement,
    fast_redeemed_on,
    my_holdings,
    my_order,
    my_orders,
    rebalancing_for,
    redemption_quote,
)


def advice_and_rebalancing(*, actor: Actor, now: datetime, on: date):
    """The suggested mix (``advice_for``) and how the customer's holdings drift from it, for
    the advice page: (Advice, RebalancingView | None). Raises NotACustomer."""
    advice = advice_for(actor=actor, now=now, on=on)
    return advice, rebalancing_for(actor=actor, now=now, advice=advice)


__all__ = [
    "ACKNOWLEDGEMENT_VALID",
    "WARNING_VALID",
    "EarningsLine",
    "EarningsStatement",
    "RedemptionQuote",
    "advice_and_rebalancing",
    "advice_for",
    "asset_overview",
    "customer_of",
    "documents_acknowledgement_valid",
    "earnings_statement",
    "fast_redeemed_on",
    "my_holdings",
    "my_order",
    "my_orders",
    "policy",
    "rebalancing_for",
    "redemption_quote",
    "risk_warning",
    "suitability_inputs",
    "warning_confirmation_valid",
    "warning_of",
]
