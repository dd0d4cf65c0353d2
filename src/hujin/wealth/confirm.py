"""Confirming an order and releasing one: what the close of business does to orders that are
due (and a fast redemption does at once), and what a cancellation or a failure does.

Pricing, in ``Decimal`` and rounded once:
- A subscription buys ``net / price`` units, rounded down to the hundredth of a unit (what
  rounding leaves stays with the product); the price is 1.00 for a money-market fund and a
  fixed-term product, the trade date's NAV for a NAV fund.
- A redemption pays ``units × price`` rounded half up to the fen, less the redemption fee of
  each lot it takes, first in first out, at the rate for the days that lot was held
  (``products.fees``).
- The holding's cost falls in proportion to the units redeemed (all of it with the last unit).
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal

from django.db.models import F

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.dates import business_date_get
from hujin.core.events import event_emit
from hujin.customers.selectors import customer_user_id, wallet_account_of
from hujin.ledger.errors import Result
from hujin.ledger.selectors import account_get
from hujin.products.selectors import nav_series, redemption_fee, to_fen
from hujin.products.types import KIND_NAV_FUND, ProductView
from hujin.wealth import events, movements
from hujin.wealth.accounts import ACTOR
from hujin.wealth.models import Fundraising, HoldingLot, Order
from hujin.wealth.types import CONFIRMED, SUBSCRIBE

UNIT_PLACES = Decimal("0.01")
PAR = Decimal(1)


class NotPriced(Exception):
    """The order's price is not published yet: it waits for a later close of business."""


def price_of(product: ProductView, trade_date: date) -> Decimal:
    """The price per unit an order of ``trade_date`` is confirmed at. Raises NotPriced."""
    if product.kind != KIND_NAV_FUND:
        return PAR
    points = nav_series(product_id=product.id, start=trade_date, end=trade_date)
    if not points or points[0].nav is None:
        raise NotPriced(f"no NAV for {trade_date.isoformat()}")
    return points[0].nav


def units_for(net_minor: int, price: Decimal) -> int:
    """Hundredths of a unit ``net_minor`` fen buy at ``price``, rounded down."""
    units = (Decimal(net_minor) / 100 / price).quantize(UNIT_PLACES, rounding=ROUND_DOWN)
    return int(units * 100)


def units_held(holding) -> int:
    """The units posted to the holding's ledger account (hundredths of a unit)."""
    account = account_get(actor=ACTOR, account_id=holding.account_id)
    return account.credits_posted - account.debits_posted


@dataclass(frozen=True, slots=True)
class RedemptionPrice:
    gross_minor: int
    fee_minor: int
    takes: tuple[tuple[HoldingLot, int], ...]  # (lot, units it gives)

    @property
    def net_minor(self) -> int:
        return self.gross_minor - self.fee_minor


def redemption_price(
    lots, *, units_minor: int, price: Decimal, trade_date: date, product: ProductView
) -> RedemptionPrice:
    """``units_minor`` at ``price``, rounded half up to the fen once; taken from ``lots`` first
    in, first out, each lot's part paying the redemption fee for the days it was held by
    ``trade_date`` (units beyond the lots, a money-market fund's reinvested income, pay none).
    Nothing is changed."""
    left, fee, takes = units_minor, 0, []
    for lot in lots:
        if not left:
            break
        taken = min(lot.remaining_minor, left)
        quote = redemption_fee(
            product.redemption_fees, units=Decimal(taken) / 100, nav=price,
            days_held=max((trade_date - lot.confirmed_on).days, 0),
        )  # fmt: skip
        fee, left = fee + quote.fee_minor, left - taken
        takes.append((lot, taken))
    return RedemptionPrice(to_fen(Decimal(units_minor) * price), fee, tuple(takes))


def redemption_priced(order: Order, product: ProductView, nav: Decimal | None) -> None:
    """Price a redemption and take its units from the holding's lots and cost (not saved to
    the ledger: the caller books it). ``nav`` None: the price of its trade date."""
    price = nav if nav is not None else price_of(product, order.trade_date)
    holding = order.holding
    held = units_held(holding)
    lots = HoldingLot.objects.select_for_update().filter(holding=holding, remaining_minor__gt=0)
    priced = redemption_price(lots, units_minor=order.units_minor, price=price,
                              trade_date=order.trade_date, product=product)  # fmt: skip
    for lot, taken in priced.takes:
        lot.remaining_minor -= taken
        lot.save(update_fields=["remaining_minor"])
    order.nav, order.amount_minor, order.fee_minor = price, priced.gross_minor, priced.fee_minor
    order.net_minor = order.payout_minor = priced.net_minor
    cost_taken(holding, units_minor=order.units_minor, held=held, received=order.payout_minor)


def cost_taken(holding, *, units_minor: int, held: int, received: int) -> None:
    """``units_minor`` of the ``held`` leave the holding for ``received`` fen: their share of
    the cost goes with them and what they brought above it is realised."""
    share = holding.cost_minor
    if 0 < units_minor < held:
        share = to_fen(Decimal(holding.cost_minor) * units_minor / held)
    holding.cost_minor -= share
    holding.realised_minor += received - share
    holding.save(update_fields=["cost_minor", "realised_minor"])


def order_confirm_now(
    order: Order, product: ProductView, *, business_date: date, now: datetime,
    booked: bool = False,
) -> str:  # fmt: skip
    """Confirm ``order`` (locked by the caller, in its transaction): price it, book it, record
    it. ``booked``: its transfers are already booked (a fast redemption). Returns ``ok`` or
    the ledger's refusal, in which case nothing is kept (the caller's transaction is rolled
    back to a savepoint). Raises NotPriced."""
    if not booked:
        if order.kind == SUBSCRIBE:
            order.nav = price_of(product, order.trade_date)
            order.units_minor = units_for(order.net_minor, order.nav)
        else:
            redemption_priced(order, product, nav=None)
        code = movements.book(
            movements.confirm_requests(order, code=product.code,
                                       wallet_id=_wallet_of(order)),
            now=now, business_date=business_date,
        )  # fmt: skip
        if code != Result.OK:
            return code
    if order.kind == SUBSCRIBE:
        HoldingLot.objects.create(
            holding=order.holding, order=order, units_minor=order.units_minor,
            remaining_minor=order.units_minor, confirmed_on=business_date,
        )  # fmt: skip
        order.holding.cost_minor += order.amount_minor
        order.holding.save(update_fields=["cost_minor"])
    order.state, order.confirmed_at, order.confirmed_on = CONFIRMED, now, business_date
    order.last_error = ""
    order.save()
    _recorded(ACTOR, order, events.ORDER_CONFIRMED, now,
              {"units_minor": order.units_minor, "nav": str(order.nav or ""),
               "payout_minor": order.payout_minor,
               "confirmed_on": business_date.isoformat()})  # fmt: skip
    return Result.OK


def order_release(
    order: Order, *, state: str, failure_code: str, actor: Actor, now: datetime,
    business_date: date | None = None,
) -> None:  # fmt: skip
    """Void the order's holds and end it as ``state`` (failed or cancelled), in the caller's
    transaction with the order locked. A fixed-term subscription gives its amount back to the
    fundraising."""
    day = business_date or business_date_get(now=now)
    code = movements.book(movements.release_requests(order), now=now, business_date=day)
    if code not in (Result.OK, Result.PENDING_TRANSFER_ALREADY_VOIDED):
        raise RuntimeError(f"the ledger refused to release order {order.id}: {code}")
    if order.kind == SUBSCRIBE:
        Fundraising.objects.filter(product_id=order.product_id).update(
            subscribed_minor=F("subscribed_minor") - order.net_minor
        )
    order.state, order.ended_at, order.failure_code = state, now, failure_code
    order.save(update_fields=["state", "ended_at", "failure_code"])
    event = events.ORDER_CANCELLED if state == "cancelled" else events.ORDER_FAILED
    _recorded(actor, order, event, now, {"failure_code": failure_code})


def _wallet_of(order: Order):
    return wallet_account_of(customer_id=order.customer_id)


def _recorded(actor: Actor, order: Order, event_type: str, now: datetime, facts: dict) -> None:
    facts = {"product_id": str(order.product_id), "kind": order.kind, **facts}
    audit_record(actor=actor, action=event_type, target_type="wealth.order",
                 target_id=str(order.id), occurred_at=now, after=facts)  # fmt: skip
    event_emit(
        aggregate_type="wealth.order", aggregate_id=str(order.id), event_type=event_type,
        occurred_at=now,
        payload={"order_id": str(order.id), "customer_id": str(order.customer_id),
                 "user_id": str(customer_user_id(customer_id=order.customer_id)), **facts},
    )  # fmt: skip
