"""The annualised rate of a loan's whole cost (APR), as 中国人民银行公告〔2021〕第3号 requires
every offer and contract to show it: the internal rate of return of the real cash flows (what
the customer receives, less any one-off fee, against every instalment of principal, interest and
fees on its due date), per repayment period, times the periods in a year (the announcement's
IRR method, simple annualisation: 12 for monthly instalments, 365 / term for a loan repaid at
once after a term in days).

A first period shorter or longer than a month counts as that fraction of a period (its days over
the days of the calendar month from the disbursement). The root is found by scipy's Brent
method, shown as a Decimal with 4 decimals (0.0600 is 6.00 %), rounded half up.
"""

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from scipy.optimize import brentq

from hujin.core.dates import month_add
from hujin.lending import types as t

APR_PLACES = Decimal("0.0001")


def cash_flows(terms: t.Terms, rows: Sequence[t.Instalment]) -> tuple[list[float], list[float]]:
    """(times in periods, amounts): the disbursement net of the one-off fee at 0, then each
    instalment's total, negative."""
    received = terms.principal_minor - terms.upfront_fee_minor
    times, amounts = [0.0], [float(received)]
    if terms.term_unit == t.TERM_DAYS or terms.method == t.BULLET:
        # One period: the whole term.
        times.append(1.0)
        amounts.append(-float(rows[0].total_minor))
        return times, amounts
    first = rows[0].due_date
    month = (month_add(terms.start, 1) - terms.start).days
    offset = (first - terms.start).days / month
    for k, row in enumerate(rows):
        times.append(offset + k)
        amounts.append(-float(row.total_minor))
    return times, amounts


def periods_per_year(terms: t.Terms, rows: Sequence[t.Instalment]) -> Decimal:
    """12 for monthly instalments; a single payment: 12 / its months when it falls due whole
    calendar months after the disbursement (its interest is n/12 of a year's), else 365 / its
    days."""
    whole_months = rows[-1].due_date == month_add(terms.start, terms.term)
    if terms.term_unit == t.TERM_MONTHS and terms.method == t.BULLET and whole_months:
        return Decimal(12) / Decimal(terms.term)
    if terms.term_unit == t.TERM_DAYS or terms.method == t.BULLET:
        days = (rows[-1].due_date - terms.start).days
        return Decimal(365) / Decimal(days)
    return Decimal(12)


def irr(times: Sequence[float], amounts: Sequence[float]) -> float:
    """The rate per period r with Σ amount / (1 + r)^time = 0, found between bounds that no
    power of (1 + r) over the loan's periods can overflow or vanish at (exp(±700))."""

    def npv(rate: float) -> float:
        growth = math.log1p(rate)
        return sum(a * math.exp(-tm * growth) for tm, a in zip(times, amounts, strict=True))

    if sum(amounts) == 0:
        return 0.0
    reach = 700.0 / (max(times) or 1.0)  # the largest |log(1 + r)| that stays finite
    low = max(-0.99, math.expm1(-reach))
    high = min(1e6, math.expm1(min(reach, math.log1p(1e6))))
    return brentq(npv, low, high, xtol=1e-14, rtol=1e-12, maxiter=500)


def apr_of(terms: t.Terms, rows: Sequence[t.Instalment]) -> Decimal:
    times, amounts = cash_flows(terms, rows)
    rate = Decimal(repr(irr(times, amounts))) * periods_per_year(terms, rows)
    return rate.quantize(APR_PLACES, rounding=ROUND_HALF_UP)
