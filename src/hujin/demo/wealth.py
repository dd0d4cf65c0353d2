"""The demo customers' wealth: each customer with a wallet and a valid risk assessment buys what
suits them (a money-market fund for everyone, the bond fund from C2, the mixed fund from C3, the
equity fund from C4), with the documents read and the suitability gate asked as on the portal;
the wealth steps of the close of business confirm them at today's prices; one customer's
subscription to the fixed-term product stays in its 24-hour cooling-off, cancellable.

``demo_wealth_step`` is a step of ``hujin.demo.loader.STEPS`` after the products. Idempotent: a
first customer who has an order means the step ran, and it is left as it is.
"""

from datetime import datetime, time, timedelta

from hujin.core.dates import business_date_get, business_time_zone
from hujin.core.errors import HujinError
from hujin.demo.customers import CUSTOMERS
from hujin.demo.loader import DemoContext
from hujin.identity.selectors import customer_actor_get, user_id_for_mobile
from hujin.products.selectors import product_get_by_code
from hujin.suitability.selectors import risk_profile_current
from hujin.wealth.selectors import my_orders
from hujin.wealth.services import documents_acknowledge, order_subscribe, wealth_steps_run

# (product code, lowest customer level, amount in yuan)
BASKET = [
    ("HJ-MMF-01", "C1", 5_000),
    ("HJ-BOND-01", "C2", 3_000),
    ("HJ-MIX-01", "C3", 2_000),
    ("HJ-EQ-01", "C4", 1_500),
]
FIXED_TERM = ("HJ-FT-90", 10_000)


def _ordered_at(now: datetime) -> datetime:
    """This morning at 09:30 (before the NAV funds' 15:00 cut-off), or just now if earlier."""
    zone = business_time_zone()
    today = now.astimezone(zone).date()
    morning = datetime.combine(today, time(9, 30), tzinfo=zone)
    midnight = datetime.combine(today, time(0, 1), tzinfo=zone)
    return max(min(morning, now - timedelta(minutes=1)), midnight)


def _buy(actor, code: str, yuan: int, key: str, at: datetime) -> str | None:
    """One order as the portal places it; None when done, else why not."""
    try:
        product = product_get_by_code(code=code)
        documents_acknowledge(actor=actor, product_id=product.id,
                              document_ids=[d.id for d in product.documents], now=at)  # fmt: skip
        order_subscribe(actor=actor, product_id=product.id, amount_minor=yuan * 100,
                        idempotency_key=key, now=at)  # fmt: skip
    except HujinError as exc:
        return f"{code}: {exc.message}"
    return None


def demo_wealth_step(ctx: DemoContext) -> None:
    buyers = []
    for spec in CUSTOMERS:
        user_id = user_id_for_mobile(mobile=spec.mobile) if spec.state == "open" else None
        profile = risk_profile_current(user_id=user_id, now=ctx.now) if user_id else None
        if profile is not None:
            buyers.append((customer_actor_get(actor=ctx.actor, user_id=user_id), profile.level))
    if not buyers or my_orders(actor=buyers[0][0], limit=1):
        return
    at = _ordered_at(ctx.now)
    placed, skipped = 0, []
    for actor, level in buyers:
        for code, lowest, yuan in BASKET:
            if level >= lowest:
                why = _buy(actor, code, yuan, f"demo:{code}", at)
                placed, skipped = (
                    (placed + 1, skipped) if why is None else (placed, [*skipped, why])
                )
    # Confirmed at today's prices; the first buyer's fixed-term order stays in its cooling-off.
    wealth_steps_run(business_date=business_date_get(now=ctx.now), now=ctx.now)
    code, yuan = FIXED_TERM
    why = _buy(buyers[0][0], code, yuan, f"demo:{code}", ctx.now - timedelta(minutes=5))
    placed += why is None
    ctx.report.notes.append(
        f"Wealth: {placed} orders placed by {len(buyers)} demo customers, confirmed at today's "
        f"prices; one fixed-term order in its cooling-off: {ctx.report.url('/wealth/')}"
        + (f" (not placed: {'; '.join(skipped)})" if skipped else "")
    )
