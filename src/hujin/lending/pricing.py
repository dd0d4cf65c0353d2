"""What an offer costs: the fees a product charges on a principal, the terms of an offer, and
the APR cap every product and offer is held to.

The cap: ``HUJIN_LENDING_APR_CAP`` (default 24 %), never above the 36 % ceiling of
整治办函〔2017〕141号 (《关于规范整顿"现金贷"业务的通知》: the comprehensive annualised cost of a
loan, interest and every fee together, may not exceed 36 %; the 24 % default follows the
judicial protection line that lenders commonly hold to)."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from hujin.lending import types as t
from hujin.lending.schedule import schedule

OUTER_BOUND = Decimal("0.36")
DEFAULT_CAP = Decimal("0.24")


def apr_cap() -> Decimal:
    cap = Decimal(str(getattr(settings, "HUJIN_LENDING_APR_CAP", DEFAULT_CAP)))
    if not Decimal(0) < cap <= OUTER_BOUND:
        raise ImproperlyConfigured("HUJIN_LENDING_APR_CAP must be above 0 and at most 0.36")
    return cap


def fee_of(principal_minor: int, rate: Decimal) -> int:
    return int((principal_minor * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def terms_of(product, *, amount_minor: int, term: int, rate: Decimal, start: date,
             repayment_day: int | None = None) -> t.Terms:  # fmt: skip
    """The terms a product gives ``amount_minor`` over ``term`` at ``rate``."""
    return t.Terms(
        principal_minor=amount_minor, annual_rate=rate, term=term, method=product.method,
        start=start, term_unit=product.term_unit, day_count=product.day_count,
        repayment_day=repayment_day,
        upfront_fee_minor=fee_of(amount_minor, product.upfront_fee_rate),
        instalment_fee_minor=fee_of(amount_minor, product.instalment_fee_rate),
    )  # fmt: skip


def _terms_to_try(product) -> list[int]:
    if product.term_unit == t.TERM_MONTHS:
        return list(range(product.min_term, product.max_term + 1))
    days = {product.min_term, product.max_term}
    days.update(range(product.min_term, product.max_term + 1, 7))
    return sorted(days)


def worst_apr(product, *, start: date) -> Decimal:
    """The highest APR the product's terms allow: the maximum rate, every fee, each term (days
    in steps of a week), the smallest and the largest amount."""
    worst = Decimal(0)
    for term in _terms_to_try(product):
        for amount in {product.min_amount_minor, product.max_amount_minor}:
            terms = terms_of(product, amount_minor=amount, term=term, rate=product.max_rate,
                             start=start)  # fmt: skip
            worst = max(worst, schedule(terms).apr)
    return worst
