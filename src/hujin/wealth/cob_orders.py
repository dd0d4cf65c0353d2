"""The close of business's order steps (``cob``): cooling-off release and confirmation, and the
per-order work the fixed-term steps share (confirm one, refund one, record an error on one).

Each order is handled in its own transaction: one that fails is recorded on the order
(``last_error``, ``attempts``) and the step goes on with the others.
"""

import logging
from datetime import date, datetime

from django.db import transaction

from hujin.ledger.errors import Result
from hujin.products.selectors import product_get
from hujin.products.types import ProductView
from hujin.wealth.accounts import ACTOR
from hujin.wealth.confirm import NotPriced, order_confirm_now, order_release
from hujin.wealth.models import Fundraising, Order
from hujin.wealth.timing import order_timing
from hujin.wealth.types import FAILED, MATURITY, SUBMITTED, SUBSCRIBE

logger = logging.getLogger(__name__)

ERROR_MAX = 200
OUTCOMES = ("confirmed", "failed", "waiting", "error")


def cooling_off_release(business_date: date, now: datetime) -> dict:
    """Step 3: orders whose cooling-off ended by ``now`` are placed for real: priced at the
    date it ended at the earliest, confirmed as their product's timing says from there."""
    released = 0
    due = Order.objects.filter(state=SUBMITTED, cooling_off_until__lte=now,
                               cooling_off_ended_on__isnull=True)  # fmt: skip
    for order in due:
        product = product_get(product_id=order.product_id)
        timing = order_timing(product, subscribe=order.kind == SUBSCRIBE,
                              business_date=business_date, now=order.cooling_off_until)  # fmt: skip
        with transaction.atomic():
            Order.objects.filter(id=order.id, cooling_off_ended_on__isnull=True).update(
                cooling_off_ended_on=business_date,
                trade_date=max(order.trade_date, timing.trade_date),
                confirm_on=max(order.confirm_on, timing.confirm_on),
            )
        released += 1
    return {"released": released}


def in_cooling_off(order: Order, now: datetime) -> bool:
    """Still cancellable by the customer: not to be confirmed yet."""
    return order.cooling_off_until is not None and (
        order.cooling_off_until > now or order.cooling_off_ended_on is None
    )


def confirm_one(order_id, business_date: date, now: datetime, product: ProductView) -> str:
    """Confirm one order in its own transaction: ``confirmed``, ``failed`` (the ledger refused
    it: its holds are released), ``waiting`` (no price yet, or still in its cooling-off) or
    ``error`` (recorded on it)."""
    try:
        with transaction.atomic():
            order = (
                Order.objects.select_for_update(of=("self",)).select_related("holding")
                .get(id=order_id)
            )  # fmt: skip
            if order.state != SUBMITTED:
                return "skipped"
            if in_cooling_off(order, now):
                return "waiting"
            with transaction.atomic():  # a refusal undoes the confirmation's own writes
                code = order_confirm_now(order, product, business_date=business_date, now=now)
                if code != Result.OK:
                    transaction.set_rollback(True)
            if code != Result.OK:
                order.refresh_from_db()
                order_release(order, state=FAILED, failure_code=code, actor=ACTOR, now=now,
                              business_date=business_date)  # fmt: skip
                return "failed"
        return "confirmed"
    except NotPriced as waiting:
        note(order_id, str(waiting))
        return "waiting"
    except Exception as exc:  # one order's failure must not stop the others: recorded on it
        logger.warning("wealth: order %s not confirmed: %s", order_id, type(exc).__name__)
        note(order_id, f"{type(exc).__name__}: {exc}")
        return "error"


def refund_one(order_id, business_date: date, now: datetime, failure_code: str) -> str:
    """Release one submitted order's holds and end it as failed (a failed fundraising)."""
    try:
        with transaction.atomic():
            order = Order.objects.select_for_update(of=("self",)).get(id=order_id)
            if order.state == SUBMITTED:
                order_release(order, state=FAILED, failure_code=failure_code, actor=ACTOR,
                              now=now, business_date=business_date)  # fmt: skip
        return "failed"
    except Exception as exc:  # recorded on the order; the next attempt retries it
        note(order_id, f"{type(exc).__name__}: {exc}")
        return "error"


def note(order_id, error: str) -> None:
    """Record on the order why this attempt did not finish it."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(id=order_id)
        order.attempts += 1
        order.last_error = error[:ERROR_MAX]
        order.save(update_fields=["attempts", "last_error"])


def tally(outcomes: list[str]) -> dict:
    return {key: outcomes.count(key) for key in OUTCOMES}


def orders_confirm(business_date: date, now: datetime) -> dict:
    """Step 4: confirm the orders due: subscriptions and redemptions of open-ended products
    (a fixed-term product's subscriptions wait for its fundraising's close, its payouts are the
    maturity step's)."""
    due = (
        Order.objects.filter(state=SUBMITTED, confirm_on__lte=business_date)
        .exclude(kind=MATURITY)
        .exclude(kind=SUBSCRIBE, product_id__in=Fundraising.objects.values("product_id"))
    )
    products: dict = {}
    outcomes = []
    for order_id, product_id in due.order_by("submitted_at").values_list("id", "product_id"):
        if product_id not in products:
            products[product_id] = product_get(product_id=product_id)
        outcomes.append(confirm_one(order_id, business_date, now, products[product_id]))
    return tally(outcomes)
