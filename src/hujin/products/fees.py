"""Fees and yields as pure functions on a product's schedule (public through ``selectors``).

One rounding rule: an amount in money is rounded once, to the fen, ROUND_HALF_UP.

- Subscription fee (front-end, charged out of the amount paid, the "外扣法" of CSRC's 2007
  notice on fund subscription fees): the tier is the one with the largest ``from_minor`` at or
  below the amount; with a rate, net = amount / (1 + rate) rounded to the fen and fee = amount −
  net; with a fixed fee, fee = min(fixed, amount) and net = amount − fee.
- Redemption fee: the tier with the largest ``from_days`` at or below the days held; gross =
  units × NAV rounded to the fen, fee = gross × rate rounded to the fen, net = gross − fee.
- 7-day annualised yield of a money-market fund that carries its income into the holding daily
  (the compounded yield of CSRC's rule on money-market fund disclosure of the 7-day annualised
  yield, for funds whose income is carried forward daily):
  [∏ (1 + income per 10,000 units / 10,000) over the last 7 business dates]^(365/7) − 1, worked
  in Decimal at 40 significant digits and rounded once, half up, to 6 decimals.
"""

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from hujin.products.errors import ScheduleInvalid, ShortHoldingFeeTooLow
from hujin.products.types import (
    SHORT_HOLDING_DAYS,
    SHORT_HOLDING_MIN_RATE,
    FeeQuote,
    RedemptionQuote,
    RedemptionTier,
    SubscriptionTier,
)

FEN = Decimal(1)
RATE_PLACES = Decimal("0.000001")  # rates are kept to 6 decimals
NAV_PLACES = Decimal("0.0001")
YIELD_7D_TOLERANCE = Decimal("0.0001")  # 0.01 percentage point: a given yield vs the formula
YIELD_PRECISION = 40  # significant digits of the 7-day yield's working, before its one rounding


def to_fen(value: Decimal) -> int:
    return int(value.quantize(FEN, rounding=ROUND_HALF_UP))


def _rate(value, field: str) -> Decimal:
    try:
        rate = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ScheduleInvalid(details={"field": field}) from None
    if not rate.is_finite() or not Decimal(0) <= rate < 1 or rate != rate.quantize(RATE_PLACES):
        raise ScheduleInvalid(details={"field": field})
    return rate


def subscription_tiers_parse(rows: Iterable) -> tuple[SubscriptionTier, ...]:
    """Stored rows ``[from_minor, rate|None, fixed_minor|None]`` -> tiers, validated: the first
    starts at 0, ``from_minor`` strictly rising, each tier a rate or a fixed fee (not both), a
    fixed fee only for the top tier. Raises ScheduleInvalid."""
    tiers: list[SubscriptionTier] = []
    for row in rows:
        try:
            start, rate, fixed = row
        except (TypeError, ValueError):
            raise ScheduleInvalid(details={"field": "subscription_fees"}) from None
        if type(start) is not int or start < 0 or (tiers and start <= tiers[-1].from_minor):
            raise ScheduleInvalid(details={"field": "subscription_fees"})
        if (rate is None) == (fixed is None):
            raise ScheduleInvalid(details={"field": "subscription_fees"})
        if fixed is not None and (type(fixed) is not int or fixed < 0):
            raise ScheduleInvalid(details={"field": "subscription_fees"})
        tiers.append(
            SubscriptionTier(
                from_minor=start,
                rate=None if rate is None else _rate(rate, "subscription_fees"),
                fixed_minor=fixed,
            )
        )
    if tiers and tiers[0].from_minor != 0:
        raise ScheduleInvalid(details={"field": "subscription_fees"})
    if any(tier.fixed_minor is not None for tier in tiers[:-1]):
        raise ScheduleInvalid(details={"field": "subscription_fees"})
    return tuple(tiers)


def redemption_tiers_parse(rows: Iterable) -> tuple[RedemptionTier, ...]:
    """Stored rows ``[from_days, rate]`` -> tiers, validated: the first starts at 0 days,
    ``from_days`` strictly rising, and every tier that covers a holding under 7 days charges at
    least 1.5 % (《公开募集开放式证券投资基金流动性风险管理规定》 art. 23). Raises ScheduleInvalid
    (ShortHoldingFeeTooLow for the last)."""
    tiers: list[RedemptionTier] = []
    for row in rows:
        try:
            days, rate = row
        except (TypeError, ValueError):
            raise ScheduleInvalid(details={"field": "redemption_fees"}) from None
        if type(days) is not int or days < 0 or (tiers and days <= tiers[-1].from_days):
            raise ScheduleInvalid(details={"field": "redemption_fees"})
        tiers.append(RedemptionTier(from_days=days, rate=_rate(rate, "redemption_fees")))
    if tiers and tiers[0].from_days != 0:
        raise ScheduleInvalid(details={"field": "redemption_fees"})
    for tier in tiers:
        if tier.from_days < SHORT_HOLDING_DAYS and tier.rate < SHORT_HOLDING_MIN_RATE:
            raise ShortHoldingFeeTooLow(details={"field": "redemption_fees"})
    return tuple(tiers)


def subscription_rows(tiers: Sequence[SubscriptionTier]) -> list:
    return [[x.from_minor, None if x.rate is None else str(x.rate), x.fixed_minor] for x in tiers]


def redemption_rows(tiers: Sequence[RedemptionTier]) -> list:
    return [[x.from_days, str(x.rate)] for x in tiers]


def subscription_fee(tiers: Sequence[SubscriptionTier], amount_minor: int) -> FeeQuote:
    """The fee in a subscription of ``amount_minor`` (no schedule: no fee)."""
    if type(amount_minor) is not int or amount_minor < 0:
        raise ScheduleInvalid(details={"field": "amount_minor"})
    tier = None
    for candidate in tiers:
        if candidate.from_minor <= amount_minor:
            tier = candidate
    if tier is None:
        return FeeQuote(amount_minor, 0, amount_minor, None, False)
    if tier.fixed_minor is not None:
        fee = min(tier.fixed_minor, amount_minor)
        return FeeQuote(amount_minor, fee, amount_minor - fee, None, True)
    net = to_fen(Decimal(amount_minor) / (1 + tier.rate))
    return FeeQuote(amount_minor, amount_minor - net, net, tier.rate, False)


def redemption_rate(tiers: Sequence[RedemptionTier], days_held: int) -> Decimal:
    rate = Decimal(0)
    for tier in tiers:
        if tier.from_days <= days_held:
            rate = tier.rate
    return rate


def redemption_fee(
    tiers: Sequence[RedemptionTier], *, units: Decimal, nav: Decimal, days_held: int
) -> RedemptionQuote:
    """Redeeming ``units`` at ``nav`` after ``days_held`` days."""
    if type(days_held) is not int or days_held < 0:
        raise ScheduleInvalid(details={"field": "days_held"})
    units, nav = Decimal(units), Decimal(nav)
    if units < 0 or nav <= 0:
        raise ScheduleInvalid(details={"field": "units"})
    gross = to_fen(units * nav * 100)
    rate = redemption_rate(tiers, days_held)
    fee = to_fen(Decimal(gross) * rate)
    return RedemptionQuote(gross_minor=gross, rate=rate, fee_minor=fee, net_minor=gross - fee)


def yield_7d(incomes_per_10k: Sequence[Decimal]) -> Decimal:
    """The 7-day annualised yield (a rate) from the last 7 business dates' income per 10,000
    units, compounded daily: [∏ (1 + income / 10,000)]^(365/7) − 1, rounded half up to 6
    decimals. Raises ValueError unless there are exactly 7 incomes, each above −10,000."""
    if len(incomes_per_10k) != 7:
        raise ValueError("the 7-day yield needs exactly 7 days of income")
    with localcontext() as context:
        context.prec = YIELD_PRECISION
        growth = Decimal(1)
        for income in incomes_per_10k:
            growth *= 1 + Decimal(income) / Decimal(10000)
        if growth <= 0:
            raise ValueError("an income per 10,000 units must be above -10,000")
        annual = growth ** (Decimal(365) / Decimal(7)) - 1
    return annual.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
