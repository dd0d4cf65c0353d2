"""When an order is priced, confirmed and may be cancelled: pure rules over the product's
terms, the business date and the moment it is placed (nothing read here).

- A NAV fund's order placed before the cut-off (15:00 in the business time zone by default) on
  a business date's own calendar day is priced at that date's NAV; later, at the next one's.
  Its close of business confirms it after ``confirm_days`` (subscriptions) or
  ``redemption_days`` (redemptions) business dates, counting the trade date as the first: with
  T+1, the close of business of T confirms it and the customer sees the units on T+1. It may be
  cancelled until the cut-off of its trade date.
- A money-market fund's order is confirmed by the close of business of the date it was placed.
- A fixed-term product's subscription is confirmed (or refunded) when its fundraising closes,
  by the close of business of its last day.
- A product with cooling-off: the order may be cancelled for ``COOLING_OFF`` after it was
  placed and is confirmed only afterwards.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from hujin.core.dates import business_time_zone
from hujin.products.types import KIND_FIXED_TERM, KIND_NAV_FUND, NAV_CUTOFF, ProductView

# At least 24 hours for private wealth products (《商业银行理财业务监督管理办法》, 2018).
COOLING_OFF = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Timing:
    trade_date: date
    confirm_on: date
    cooling_off_until: datetime | None
    cancel_until: datetime | None


def _local(now: datetime) -> datetime:
    return now.astimezone(business_time_zone())


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=business_time_zone())


def nav_trade_date(product: ProductView, business_date: date, now: datetime) -> date:
    """The business date whose NAV prices an order placed ``now``."""
    local = _local(now)
    day = max(business_date, local.date())
    cutoff = product.cutoff_time or NAV_CUTOFF
    return day + timedelta(days=1) if local.date() == day and local.time() >= cutoff else day


def order_timing(
    product: ProductView, *, subscribe: bool, business_date: date, now: datetime
) -> Timing:
    """The trade date, confirmation date and cancellation window of an order placed ``now``."""
    cooling = now + COOLING_OFF if subscribe and product.cooling_off else None
    if product.kind == KIND_NAV_FUND:
        trade = nav_trade_date(product, business_date, now)
        days = (product.confirm_days if subscribe else product.redemption_days) or 1
        cutoff = _at(trade, product.cutoff_time or NAV_CUTOFF)
        cancel = max(cooling, cutoff) if cooling else cutoff
        return Timing(trade, trade + timedelta(days=days - 1), cooling, cancel)
    if product.kind == KIND_FIXED_TERM and subscribe:
        return Timing(business_date, product.raise_end_date, cooling, cooling)
    return Timing(business_date, business_date, cooling, cooling)


def raise_closes_at(product: ProductView) -> datetime:
    """When a fixed-term product's fundraising closes: the end of its last day."""
    return _at(product.raise_end_date + timedelta(days=1), time(0, 0))
