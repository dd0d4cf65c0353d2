"""Wealth's close-of-business steps, in the order they run (``ORDER``), each idempotent for its
business date and resumable: a rerun skips what is done and retries the rest.

1. ``wealth.nav_check``: which products that customers hold or can buy lack the date's NAV or
   income; their orders wait and their income is distributed when it is published.
2. ``wealth.income_distribute``: each money-market fund's income of the date (and of earlier
   dates published late), to every holder as units, in one set-based ledger fan-out
   (``cob_income``), before the date's subscriptions are confirmed: those start earning on the
   next date.
3. ``wealth.cooling_off_release``: orders whose cooling-off ended are placed for real: their
   trade date becomes the date it ended (at the earliest).
4. ``wealth.orders_confirm``: orders due are confirmed at their trade date's price.
5. ``wealth.raise_close``: fixed-term products whose fundraising ended are raised (orders
   confirmed) or failed (every order refunded: its held money released) (``cob_fixed_term``).
6. ``wealth.maturity_pay``: matured fixed-term products pay principal and interest.

An order or a holding whose step fails is recorded (the order's ``last_error``, a distribution's
shortfall) and the step goes on with the others; the next attempt picks it up.
"""

from datetime import date, datetime

from django.utils.translation import pgettext_lazy

from hujin.products.types import KIND_MMF, KIND_NAV_FUND
from hujin.wealth.cob_fixed_term import maturity_pay, raise_close
from hujin.wealth.cob_income import (
    income_distribute,
    income_distribute_step,
    products_held_or_on_sale,
    published,
)
from hujin.wealth.cob_orders import cooling_off_release, orders_confirm

ORDER = {
    "wealth.nav_check": 200,
    "wealth.income_distribute": 205,
    "wealth.cooling_off_release": 210,
    "wealth.orders_confirm": 215,
    "wealth.raise_close": 220,
    "wealth.maturity_pay": 230,
}


def nav_check(business_date: date, now: datetime) -> dict:
    """Step 1: the products that lack the date's publication (NAV or income)."""
    priced = [p for p in products_held_or_on_sale(business_date)
              if p.kind in (KIND_MMF, KIND_NAV_FUND)]  # fmt: skip
    missing = [p.code for p in priced if published(p, business_date) is None]
    return {"checked": len(priced), "missing": missing}


# What the console's close-of-business page calls them (``hujin.core.cob_labels``).
STEP_LABELS = {
    "wealth.nav_check": pgettext_lazy("cob step", "Check NAVs and income"),
    "wealth.income_distribute": pgettext_lazy("cob step", "Distribute money-market income"),
    "wealth.cooling_off_release": pgettext_lazy("cob step", "Release orders past cooling-off"),
    "wealth.orders_confirm": pgettext_lazy("cob step", "Confirm orders"),
    "wealth.raise_close": pgettext_lazy("cob step", "Close fundraising (confirm or refund)"),
    "wealth.maturity_pay": pgettext_lazy("cob step", "Pay matured products"),
}
STEPS = {
    "wealth.nav_check": nav_check,
    "wealth.income_distribute": income_distribute_step,
    "wealth.cooling_off_release": cooling_off_release,
    "wealth.orders_confirm": orders_confirm,
    "wealth.raise_close": raise_close,
    "wealth.maturity_pay": maturity_pay,
}


def wealth_steps_run(*, business_date: date, now: datetime) -> dict:
    """The wealth steps of one close of business for ``business_date``, in their order, outside
    the core COB (the demo confirms its orders with them): {step: its summary}. Each step is
    idempotent, so the core COB running them again later changes nothing."""
    return {name: STEPS[name](business_date, now) for name in sorted(STEPS, key=ORDER.__getitem__)}


__all__ = ["ORDER", "STEPS", "income_distribute", "nav_check", "wealth_steps_run"]
