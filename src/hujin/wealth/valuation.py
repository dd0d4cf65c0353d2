"""What units are worth on a business date, and what a holding earned: one set of rules for the
asset overview, the holdings list and the earnings statement.

- A money-market fund's unit is worth 1.00; its earnings are the income credited as units.
- A NAV fund's unit is worth the last NAV published on or before the date.
- A fixed-term product's unit is 1.00 of principal plus the interest accrued since the value
  date, actual/365 (``fixed_term_interest``), up to maturity.
- Cumulative earnings = market value − cost + what redemptions realised above their cost.
"""

from datetime import date, timedelta
from decimal import Decimal

from hujin.products.selectors import nav_latest, nav_series, to_fen
from hujin.products.types import KIND_FIXED_TERM, KIND_MMF, KIND_NAV_FUND, ProductView

PAR = Decimal(1)
DAYS_IN_YEAR = 365


def fixed_term_interest(principal_minor: int, rate: Decimal, days: int) -> int:
    """Interest on ``principal_minor`` fen at the annual ``rate`` for ``days`` days,
    actual/365, rounded half up to the fen once."""
    if days <= 0:
        return 0
    return to_fen(Decimal(principal_minor) * rate * days / DAYS_IN_YEAR)


def interest_days(product: ProductView, on: date) -> int:
    """Days of interest a fixed-term product has accrued at the end of ``on``."""
    if product.value_date is None or on < product.value_date:
        return 0
    return (min(on, product.maturity_date) - product.value_date).days


def price_on(product: ProductView, on: date) -> tuple[Decimal, date | None]:
    """The price per unit at the end of ``on`` and the date it was published (NAV funds)."""
    if product.kind != KIND_NAV_FUND:
        return PAR, None
    point = nav_latest(product_id=product.id, on=on)
    if point is None or point.nav is None:
        return PAR, None
    return point.nav, point.business_date


def market_value(product: ProductView, units_minor: int, on: date) -> int:
    """``units_minor`` hundredths of a unit at the end of ``on``, in fen."""
    price, _ = price_on(product, on)
    value = to_fen(Decimal(units_minor) * price)
    if product.kind == KIND_FIXED_TERM:
        value += fixed_term_interest(value, product.expected_rate, interest_days(product, on))
    return value


def day_earnings(product: ProductView, units_minor: int, day: date, income_minor: int) -> int:
    """What a holding earned on the business date ``day``: ``units_minor`` are the units it held
    at the end of the day before (units bought at ``day``'s price did not earn its change);
    ``income_minor`` a money-market fund's income credited to it that day (from the ledger)."""
    if product.kind == KIND_MMF:
        return income_minor
    if product.kind == KIND_FIXED_TERM:
        before = market_value(product, units_minor, day - timedelta(days=1))
        return market_value(product, units_minor, day) - before
    points = [p for p in nav_series(product_id=product.id, start=day - timedelta(days=14),
                                    end=day) if p.nav is not None]  # fmt: skip
    if len(points) < 2 or points[-1].business_date != day:
        return 0
    return to_fen(Decimal(units_minor) * (points[-1].nav - points[-2].nav))
