"""The close of business's fixed-term steps (``cob``): a fundraising's close and a maturity.

A fundraising is **decided** once, under its row's lock, when its last day has closed: raised
when the subscriptions reach the product's minimum, failed otherwise. The decision is stored
before any order is touched, so no new order gets in (``orders._raise_take`` checks it under the
same lock) and a retry finishes the orders left with the same decision, never another. It is
**settled** when no order is left submitted; only a settled, raised product pays at maturity.
"""

import logging
from datetime import date, datetime

from django.db import transaction

from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.customers.selectors import wallet_account_of
from hujin.ledger.errors import Result
from hujin.products.selectors import product_get
from hujin.products.types import ProductView
from hujin.wealth import events, movements
from hujin.wealth.accounts import ACTOR
from hujin.wealth.cob_orders import confirm_one, note, refund_one, tally
from hujin.wealth.confirm import cost_taken, order_confirm_now, units_held
from hujin.wealth.models import Fundraising, Holding, Order
from hujin.wealth.types import MATURITY, SUBMITTED, SUBSCRIBE
from hujin.wealth.valuation import fixed_term_interest

logger = logging.getLogger(__name__)

RAISED, FAILED_RAISE = "raised", "failed"
# Orders of the house's own making are keyed in a namespace customers' keys cannot use
# (``orders.RESERVED_KEY_PREFIX``).
MATURITY_KEY = "hujin:maturity:{code}"


def raise_close(business_date: date, now: datetime) -> dict:
    """Step 5: fundraisings whose last day has closed: decided, then each order confirmed
    (raised) or refunded (failed); an order still in its cooling-off or that fails waits for
    the next attempt, with the same decision."""
    closed = []
    for fundraising in Fundraising.objects.filter(settled_on__isnull=True):
        product = product_get(product_id=fundraising.product_id)
        if product.raise_end_date > business_date:
            continue
        outcome = _decided(fundraising.pk, product, business_date, now)
        orders = Order.objects.filter(product_id=product.id, kind=SUBSCRIBE, state=SUBMITTED)
        outcomes = [
            confirm_one(order_id, business_date, now, product)
            if outcome == RAISED
            else refund_one(order_id, business_date, now, "raise_failed")
            for order_id in orders.order_by("submitted_at").values_list("id", flat=True)
        ]
        settled = not any(o in ("error", "waiting") for o in outcomes)
        if settled:
            Fundraising.objects.filter(pk=fundraising.pk).update(settled_on=business_date)
        closed.append({"product": product.code, "outcome": outcome, "settled": settled,
                       **tally(outcomes)})  # fmt: skip
    return {"closed": closed}


def _decided(product_pk, product: ProductView, business_date: date, now: datetime) -> str:
    """The fundraising's outcome: decided now under its lock if it was not yet, else as stored."""
    with transaction.atomic():
        fundraising = Fundraising.objects.select_for_update().get(pk=product_pk)
        if fundraising.outcome:
            return fundraising.outcome
        raised = fundraising.subscribed_minor >= (product.min_raise_minor or 0)
        fundraising.outcome = RAISED if raised else FAILED_RAISE
        fundraising.decided_on = business_date
        fundraising.save(update_fields=["outcome", "decided_on"])
        facts = {"product_id": str(product.id), "outcome": fundraising.outcome,
                 "raised_minor": fundraising.subscribed_minor,
                 "decided_on": business_date.isoformat()}  # fmt: skip
        audit_record(actor=ACTOR, action=events.RAISE_CLOSED, target_type="products.product",
                     target_id=str(product.id), occurred_at=now, after=facts)  # fmt: skip
        event_emit(aggregate_type="products.product", aggregate_id=str(product.id),
                   event_type=events.RAISE_CLOSED, occurred_at=now, payload=facts)  # fmt: skip
        return fundraising.outcome


def maturity_pay(business_date: date, now: datetime) -> dict:
    """Step 6: raised, settled fixed-term products matured by the date pay each holding with
    units its principal and the interest from the value date to maturity, actual/365, and take
    its units back."""
    paid = failed = 0
    due = Fundraising.objects.filter(outcome=RAISED, settled_on__isnull=False,
                                     matured_on__isnull=True)  # fmt: skip
    for fundraising in due:
        product = product_get(product_id=fundraising.product_id)
        if product.maturity_date > business_date:
            continue
        results = [_pay_one(h, product, business_date, now)
                   for h in Holding.objects.filter(product_id=product.id)]  # fmt: skip
        paid += results.count("paid")
        failed += results.count("error")
        if "error" not in results:
            Fundraising.objects.filter(pk=fundraising.pk).update(matured_on=business_date)
    return {"paid": paid, "failed": failed}


def _pay_one(holding, product: ProductView, business_date: date, now: datetime) -> str:
    """One holding's payout, as an order (submitted until it is paid, so a payout that failed
    shows with its error until a retry pays it): ``paid``, ``done`` (before, or nothing held)
    or ``error``."""
    key = MATURITY_KEY.format(code=product.code)
    order = None
    try:
        if (
            not units_held(holding)
            and not Order.objects.filter(holding=holding, idempotency_key=key).exists()
        ):
            return "done"
        order, _ = Order.objects.get_or_create(
            holding=holding, idempotency_key=key,
            defaults={"customer_id": holding.customer_id, "product_id": product.id,
                      "kind": MATURITY, "state": SUBMITTED, "trade_date": business_date,
                      "confirm_on": business_date, "submitted_at": now},
        )  # fmt: skip
        with transaction.atomic():
            order = (
                Order.objects.select_for_update(of=("self",)).select_related("holding")
                .get(id=order.id)
            )  # fmt: skip
            if order.state != SUBMITTED:
                return "done"
            _pay(order, product, business_date, now)
        return "paid"
    except Exception as exc:  # this holding waits for the next attempt; the others are paid
        logger.warning("wealth: maturity of holding %s not paid: %s", holding.id,
                       type(exc).__name__)  # fmt: skip
        if order is not None:
            note(order.id, f"{type(exc).__name__}: {exc}")
        return "error"


def _pay(order: Order, product: ProductView, business_date: date, now: datetime) -> None:
    held = units_held(order.holding)
    days = (product.maturity_date - product.value_date).days
    payout = held + fixed_term_interest(held, product.expected_rate, days)
    order.units_minor = held
    order.amount_minor = order.net_minor = order.payout_minor = payout
    if held:
        wallet_id = wallet_account_of(customer_id=order.customer_id)
        code = movements.book(
            movements.take_requests(order, code=product.code, wallet_id=wallet_id),
            now=now, business_date=business_date,
        )  # fmt: skip
        if code != Result.OK:
            raise RuntimeError(f"the ledger refused the payout: {code}")
        cost_taken(order.holding, units_minor=held, held=held, received=payout)
    order_confirm_now(order, product, business_date=business_date, now=now, booked=True)
