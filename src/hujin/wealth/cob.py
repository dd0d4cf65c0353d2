"""Wealth's close-of-business steps, in the order they run (``ORDER``), each idempotent for its
business date and resumable: a rerun skips what is done and retries the rest.

1. ``wealth.nav_check``: which products that customers hold or can buy lack the date's NAV or
   income; their orders wait and their income is distributed when it is published.
2. ``wealth.income_distribute``: each money-market fund's income of the date, to every holder
   as units, in one set-based ledger fan-out (``income_distribute``), before the date's
   subscriptions are confirmed: those start earning on the next date.
3. ``wealth.cooling_off_release``: orders whose cooling-off ended are placed for real: their
   trade date becomes the date it ended (at the earliest).
4. ``wealth.orders_confirm``: orders due are confirmed at their trade date's price.
5. ``wealth.raise_close``: fixed-term products whose fundraising ended are raised (orders
   confirmed) or failed (every order refunded: its held money released).
6. ``wealth.maturity_pay``: matured fixed-term products pay principal and interest.

An order or a holding whose step fails is recorded (the order's ``last_error``, a distribution's
shortfall) and the step goes on with the others; the next attempt picks it up.
"""

import logging
import uuid
from datetime import date, datetime

from django.db import connection, transaction

from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.core.money import unit_asset
from hujin.customers.selectors import wallet_account_of
from hujin.ledger.errors import Result
from hujin.ledger.selectors import balances_query
from hujin.ledger.services import transfers_fan_out
from hujin.ledger.types import FanOutLines
from hujin.products.selectors import nav_series, product_get, products_on_sale
from hujin.products.types import KIND_MMF, KIND_NAV_FUND, ProductView
from hujin.wealth import events, movements
from hujin.wealth.accounts import (
    ACTOR,
    HOLDING_CODE,
    INCOME_CODE,
    NAMESPACE,
    product_accounts_open,
    units_issued_id,
)
from hujin.wealth.confirm import (
    NotPriced,
    cost_taken,
    order_confirm_now,
    order_release,
    units_held,
)
from hujin.wealth.models import (
    DistributionShortfall,
    Fundraising,
    Holding,
    IncomeDistribution,
    Order,
)
from hujin.wealth.timing import order_timing
from hujin.wealth.types import FAILED, MATURITY, SUBMITTED, SUBSCRIBE
from hujin.wealth.valuation import fixed_term_interest

logger = logging.getLogger(__name__)

ORDER = {
    "wealth.nav_check": 200,
    "wealth.income_distribute": 205,
    "wealth.cooling_off_release": 210,
    "wealth.orders_confirm": 215,
    "wealth.raise_close": 220,
    "wealth.maturity_pay": 230,
}
ERROR_MAX = 200
# Income per 10,000 units has 4 decimals: × 10,000 it is a whole number, and a holding's
# income in fen is balance (hundredths of a unit) × that ÷ 10^8.
INCOME_SCALE = 10_000
SHARE_DIVISOR = 100_000_000


def _products_held_or_on_sale(business_date: date) -> list[ProductView]:
    ids = {p.id for p in products_on_sale(on=business_date)}
    ids |= set(Holding.objects.values_list("product_id", flat=True).distinct())
    return sorted((product_get(product_id=i) for i in ids), key=lambda p: p.code)


def _published(product: ProductView, day: date):
    points = nav_series(product_id=product.id, start=day, end=day)
    return points[0] if points else None


def nav_check(business_date: date, now: datetime) -> dict:
    """Step 1: the products that lack the date's publication (NAV or income)."""
    priced = [p for p in _products_held_or_on_sale(business_date)
              if p.kind in (KIND_MMF, KIND_NAV_FUND)]  # fmt: skip
    missing = [p.code for p in priced if _published(p, business_date) is None]
    return {"checked": len(priced), "missing": missing}


# -- 2. money-market income ---------------------------------------------------------------------


def _shares_query(product: ProductView, income_scaled: int) -> FanOutLines:
    """Each holding's share of the income, in fen: balance × income ÷ 10^8 rounded down, and
    the fen left over from the total declared (the sum of the exact shares, rounded half up)
    given one each to the holdings with the largest fractions, then the lowest account number.
    Integer arithmetic only, the same on PostgreSQL and SQLite."""
    holders, params = balances_query(code=HOLDING_CODE, currency=unit_asset(product.code))
    sql = f"""
        WITH held AS ({holders}),
        exact AS (
            SELECT account_id, number, balance * %s AS scaled FROM held WHERE balance > 0
        ),
        floored AS (
            SELECT account_id, number, scaled / {SHARE_DIVISOR} AS base,
                   scaled - (scaled / {SHARE_DIVISOR}) * {SHARE_DIVISOR} AS fraction,
                   (CAST(SUM(scaled) OVER () AS BIGINT) + {SHARE_DIVISOR // 2}) / {SHARE_DIVISOR}
                   - CAST(SUM(scaled / {SHARE_DIVISOR}) OVER () AS BIGINT) AS remainder
            FROM exact
        ),
        ranked AS (
            SELECT account_id, number, base, remainder,
                   ROW_NUMBER() OVER (ORDER BY fraction DESC, number) AS place
            FROM floored
        )
        SELECT account_id, base + CASE WHEN place <= remainder THEN 1 ELSE 0 END AS amount
        FROM ranked
        WHERE base + CASE WHEN place <= remainder THEN 1 ELSE 0 END > 0
        ORDER BY number
    """
    return FanOutLines(sql=sql, params=(*params, income_scaled))


def _units_outstanding(product: ProductView) -> tuple[int, int]:
    holders, params = balances_query(code=HOLDING_CODE, currency=unit_asset(product.code))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), COALESCE(SUM(balance), 0) FROM ({holders}) held WHERE balance > 0",
            params,
        )
        count, units = cursor.fetchone()
    return int(count), int(units)


def income_distribute(*, product_id: uuid.UUID, business_date: date, now: datetime) -> dict:
    """Distribute a money-market fund's income of ``business_date`` to every holder as units:
    one ledger fan-out from the units issued, recorded as an IncomeDistribution in the same
    transaction. Idempotent: a date distributed before is left alone. Returns a summary."""
    product = product_get(product_id=product_id)
    point = _published(product, business_date)
    if product.kind != KIND_MMF or point is None or point.income_per_10k is None:
        return {"status": "no_income"}
    if IncomeDistribution.objects.filter(product_id=product.id,
                                         business_date=business_date).exists():  # fmt: skip
        return {"status": "done_before"}
    scaled = int(point.income_per_10k * INCOME_SCALE)
    if scaled < 0:
        raise ValueError(f"{product.code}: a negative income is not distributed automatically")
    product_accounts_open(product_code=product.code, now=now)
    batch_id = uuid.uuid5(NAMESPACE, f"wealth.income:{product.code}:{business_date}")
    with transaction.atomic():
        result = transfers_fan_out(
            batch_id=batch_id, debit_account_id=units_issued_id(product.code),
            lines=_shares_query(product, scaled), code=INCOME_CODE,
            metadata={"product": product.code, "business_date": business_date.isoformat()},
            actor=ACTOR, now=now, business_date=business_date,
        )  # fmt: skip
        refused = [(account_id, code, amount) for account_id, code, amount in result.refused]
        holders, units_after = _units_outstanding(product)
        distribution = IncomeDistribution.objects.create(
            product_id=product.id, business_date=business_date,
            income_per_10k=point.income_per_10k, units_minor=units_after - result.total,
            declared_minor=result.total + sum(a for _, _, a in refused),
            distributed_minor=result.total, holders=holders, batch_id=batch_id,
            distributed_at=now,
        )  # fmt: skip
        DistributionShortfall.objects.bulk_create(
            DistributionShortfall(distribution=distribution, account_id=account_id,
                                  amount_minor=amount, code=code)
            for account_id, code, amount in refused
        )  # fmt: skip
        facts = {
            "product_id": str(product.id), "business_date": business_date.isoformat(),
            "declared_minor": distribution.declared_minor,
            "distributed_minor": distribution.distributed_minor, "holders": holders,
            "shortfalls": len(refused),
        }  # fmt: skip
        audit_record(actor=ACTOR, action=events.INCOME_DISTRIBUTED,
                     target_type="wealth.income_distribution", target_id=str(distribution.id),
                     occurred_at=now, after=facts)  # fmt: skip
        payload = {"distribution_id": str(distribution.id), **facts}
        event_emit(aggregate_type="wealth.income_distribution",
                   aggregate_id=str(distribution.id), event_type=events.INCOME_DISTRIBUTED,
                   occurred_at=now, payload=payload)  # fmt: skip
    return {"status": "distributed", **facts}


def income_distribute_step(business_date: date, now: datetime) -> dict:
    """Step 2: every money-market fund's income of the date."""
    summary = {"distributed": 0, "holders": 0, "declared_minor": 0, "waiting": []}
    for product in _products_held_or_on_sale(business_date):
        if product.kind != KIND_MMF:
            continue
        outcome = income_distribute(product_id=product.id, business_date=business_date, now=now)
        if outcome["status"] == "no_income":
            summary["waiting"].append(product.code)
        elif outcome["status"] == "distributed":
            summary["distributed"] += 1
            summary["holders"] += outcome["holders"]
            summary["declared_minor"] += outcome["declared_minor"]
    return summary


# -- 3 and 4. orders ----------------------------------------------------------------------------


def cooling_off_release(business_date: date, now: datetime) -> dict:
    """Step 3: orders whose cooling-off ended by ``now`` are placed for real: priced at the
    date it ended at the earliest, confirmed as their product's timing says from there."""
    released = 0
    due = Order.objects.filter(state=SUBMITTED, cooling_off_until__lte=now,
                               cooling_off_ended_on__isnull=True)  # fmt: skip
    for order in due.select_related("holding"):
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


def _due_orders(business_date: date, now: datetime):
    """Orders the date's close of business confirms: due, past any cooling-off, and not a
    fixed-term subscription (its fundraising's close confirms those)."""
    orders = Order.objects.filter(state=SUBMITTED, confirm_on__lte=business_date).exclude(
        cooling_off_until__gt=now
    )
    return orders.exclude(cooling_off_until__isnull=False, cooling_off_ended_on__isnull=True)


def _confirm_one(order_id, business_date: date, now: datetime, product: ProductView) -> str:
    """Confirm one order in its own transaction: ``confirmed``, ``failed`` (the ledger refused
    it: its holds are released), ``waiting`` (no price yet) or ``error`` (recorded on it)."""
    try:
        with transaction.atomic():
            order = Order.objects.select_for_update().select_related("holding").get(id=order_id)
            if order.state != SUBMITTED:
                return "skipped"
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
        _note(order_id, str(waiting))
        return "waiting"
    except Exception as exc:  # one order's failure must not stop the others: recorded on it
        logger.warning("wealth: order %s not confirmed: %s", order_id, type(exc).__name__)
        _note(order_id, f"{type(exc).__name__}: {exc}")
        return "error"


def _note(order_id, error: str) -> None:
    with transaction.atomic():
        order = Order.objects.select_for_update().get(id=order_id)
        order.attempts += 1
        order.last_error = error[:ERROR_MAX]
        order.save(update_fields=["attempts", "last_error"])


def _tally(outcomes: list[str]) -> dict:
    keys = ("confirmed", "failed", "waiting", "error")
    return {key: outcomes.count(key) for key in keys}


def orders_confirm(business_date: date, now: datetime) -> dict:
    """Step 4: confirm the orders due."""
    due = _due_orders(business_date, now).exclude(kind=SUBSCRIBE, product_id__in=_fixed_term_ids())
    products: dict = {}
    outcomes = []
    for order_id, product_id in due.order_by("submitted_at").values_list("id", "product_id"):
        if product_id not in products:
            products[product_id] = product_get(product_id=product_id)
        outcomes.append(_confirm_one(order_id, business_date, now, products[product_id]))
    return _tally(outcomes)


def _fixed_term_ids() -> list:
    return [f.product_id for f in Fundraising.objects.all()]


# -- 5 and 6. fixed-term products ----------------------------------------------------------------


def raise_close(business_date: date, now: datetime) -> dict:
    """Step 5: fundraisings that ended by the date: raised when the subscriptions reach the
    minimum (each confirmed), failed otherwise (each refunded)."""
    closed = []
    for fundraising in Fundraising.objects.filter(outcome=""):
        product = product_get(product_id=fundraising.product_id)
        if product.raise_end_date > business_date:
            continue
        raised = fundraising.subscribed_minor >= (product.min_raise_minor or 0)
        orders = Order.objects.filter(product_id=product.id, kind=SUBSCRIBE, state=SUBMITTED)
        outcomes = []
        for order_id in orders.order_by("submitted_at").values_list("id", flat=True):
            if raised:
                outcomes.append(_confirm_one(order_id, business_date, now, product))
            else:
                outcomes.append(_refund_one(order_id, business_date, now))
        if any(o in ("error", "waiting") for o in outcomes):
            closed.append({"product": product.code, "outcome": "incomplete", **_tally(outcomes)})
            continue  # a retry finishes it
        _raise_decided(fundraising, product, raised, business_date, now)
        outcome = "raised" if raised else "failed"
        closed.append({"product": product.code, "outcome": outcome, **_tally(outcomes)})
    return {"closed": closed}


def _refund_one(order_id, business_date: date, now: datetime) -> str:
    try:
        with transaction.atomic():
            order = Order.objects.select_for_update().select_related("holding").get(id=order_id)
            if order.state == SUBMITTED:
                order_release(order, state=FAILED, failure_code="raise_failed", actor=ACTOR,
                              now=now, business_date=business_date)  # fmt: skip
        return "failed"
    except Exception as exc:  # recorded on the order; the next attempt retries it
        _note(order_id, f"{type(exc).__name__}: {exc}")
        return "error"


def _raise_decided(fundraising, product, raised: bool, business_date: date, now) -> None:
    with transaction.atomic():
        fundraising.refresh_from_db()
        fundraising.outcome = "raised" if raised else "failed"
        fundraising.decided_on = business_date
        fundraising.save(update_fields=["outcome", "decided_on"])
        facts = {"product_id": str(product.id), "outcome": fundraising.outcome,
                 "raised_minor": fundraising.subscribed_minor,
                 "decided_on": business_date.isoformat()}  # fmt: skip
        audit_record(actor=ACTOR, action=events.RAISE_CLOSED, target_type="products.product",
                     target_id=str(product.id), occurred_at=now, after=facts)  # fmt: skip
        event_emit(aggregate_type="products.product", aggregate_id=str(product.id),
                   event_type=events.RAISE_CLOSED, occurred_at=now, payload=facts)  # fmt: skip


def maturity_pay(business_date: date, now: datetime) -> dict:
    """Step 6: fixed-term products matured by the date pay each holding its principal and the
    interest from the value date to maturity, actual/365, and take its units back."""
    paid = failed = 0
    for fundraising in Fundraising.objects.filter(outcome="raised", matured_on__isnull=True):
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


def _maturity_order(holding, product: ProductView, business_date: date, now) -> Order:
    """The holding's payout at maturity, as an order: submitted until it is paid, so a payout
    that failed shows, with its error, until a retry pays it."""
    order, _ = Order.objects.get_or_create(
        holding=holding, idempotency_key=f"maturity:{product.code}",
        defaults={"customer_id": holding.customer_id, "product_id": product.id,
                  "kind": MATURITY, "state": SUBMITTED, "trade_date": business_date,
                  "confirm_on": business_date, "submitted_at": now},
    )  # fmt: skip
    return order


def _pay_one(holding, product: ProductView, business_date: date, now: datetime) -> str:
    order = _maturity_order(holding, product, business_date, now)
    if order.state != SUBMITTED:
        return "done"
    try:
        with transaction.atomic():
            order = Order.objects.select_for_update().select_related("holding").get(id=order.id)
            held = units_held(order.holding)
            days = (product.maturity_date - product.value_date).days
            payout = held + fixed_term_interest(held, product.expected_rate, days)
            order.units_minor = held
            order.amount_minor = order.net_minor = order.payout_minor = payout
            if held:
                wallet_id = wallet_account_of(customer_id=holding.customer_id)
                code = movements.book(
                    movements.take_requests(order, code=product.code, wallet_id=wallet_id),
                    now=now, business_date=business_date,
                )  # fmt: skip
                if code != Result.OK:
                    raise RuntimeError(f"the ledger refused the payout: {code}")
                cost_taken(order.holding, units_minor=held, held=held, received=payout)
            order_confirm_now(order, product, business_date=business_date, now=now, booked=True)
        return "paid"
    except Exception as exc:  # this holding waits for the next attempt; the others are paid
        logger.warning("wealth: maturity of holding %s not paid: %s", holding.id,
                       type(exc).__name__)  # fmt: skip
        _note(order.id, f"{type(exc).__name__}: {exc}")
        return "error"


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
