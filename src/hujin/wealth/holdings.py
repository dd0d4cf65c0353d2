"""Reads of a customer's orders, holdings and earnings (re-exported by ``selectors``).

Units come from the holdings' ledger accounts (posted, and held by redemptions waiting for
their confirmation); values and earnings follow ``valuation``."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Sum
from django.utils import translation

from hujin.core.actors import Actor
from hujin.core.dates import business_date_get
from hujin.ledger.selectors import account_balances, accounts_get_many, credits_by_day
from hujin.products.selectors import product_get
from hujin.products.types import KIND_FIXED_TERM, KIND_MMF
from hujin.wealth.accounts import ACTOR, INCOME_CODE
from hujin.wealth.confirm import redemption_price
from hujin.wealth.errors import OrderNotFound
from hujin.wealth.models import Holding, HoldingLot, Order
from hujin.wealth.presenters import Products, order_view
from hujin.wealth.rebalancing import DEFAULT_THRESHOLD, rebalancing
from hujin.wealth.standing import customer_of
from hujin.wealth.timing import order_timing
from hujin.wealth.types import (
    CONFIRMED,
    REDEEM,
    SUBMITTED,
    SUBSCRIBE,
    AssetOverview,
    HoldingView,
    OrderView,
)
from hujin.wealth.valuation import day_earnings, market_value, price_on

ORDERS_PAGE = 50


def fast_redeemed_on(*, holding_id: uuid.UUID, business_date: date) -> int:
    """Units a holding fast-redeemed on the business date (the quota counts them)."""
    total = Order.objects.filter(
        holding_id=holding_id, kind=REDEEM, fast=True, state=CONFIRMED, trade_date=business_date
    ).aggregate(total=Sum("units_minor"))["total"]  # fmt: skip
    return int(total or 0)


def my_orders(
    *, actor: Actor, product_id: uuid.UUID | None = None, state: str = "", limit: int = ORDERS_PAGE
) -> list[OrderView]:
    """The customer's orders, newest first (of one product, in one state)."""
    standing = customer_of(actor)
    orders = Order.objects.filter(customer_id=standing.customer_id)
    if product_id is not None:
        orders = orders.filter(product_id=product_id)
    if state:
        orders = orders.filter(state=state)
    products = Products()
    return [order_view(o, products) for o in orders.order_by("-submitted_at")[: max(limit, 1)]]


def my_order(*, actor: Actor, order_id: uuid.UUID) -> OrderView:
    """One of the customer's orders. Raises NotACustomer, OrderNotFound."""
    standing = customer_of(actor)
    order = Order.objects.filter(id=order_id, customer_id=standing.customer_id).first()
    if order is None:
        raise OrderNotFound()
    return order_view(order)


@dataclass(frozen=True, slots=True)
class _Units:
    posted: int
    redeeming: int


def _units(holdings: list[Holding]) -> dict[uuid.UUID, _Units]:
    accounts = accounts_get_many(actor=ACTOR, account_ids=[h.account_id for h in holdings])
    return {
        a.id: _Units(a.credits_posted - a.debits_posted, a.debits_pending)
        for a in accounts.values()
    }


def _units_at(holding: Holding, day: date, product) -> int:
    """The units posted to the holding by the end of ``day`` (a money-market fund's earnings
    need none: they are its income)."""
    if product.kind == KIND_MMF:
        return 0
    balances = account_balances(actor=ACTOR, account_id=holding.account_id, business_date=day)
    return balances.credits_posted - balances.debits_posted


def _holding_views(holdings: list[Holding], on: date) -> list[HoldingView]:
    """The holdings valued at the end of ``on`` (the last closed business date)."""
    units = _units(holdings)
    income = credits_by_day(actor=ACTOR, account_ids=[h.account_id for h in holdings],
                            code=INCOME_CODE, from_date=on, to_date=on)  # fmt: skip
    products = Products()
    views = []
    for holding in holdings:
        product = products[holding.product_id]
        held = units.get(holding.account_id, _Units(0, 0))
        value = market_value(product, held.posted, on)
        price, price_date = price_on(product, on)
        views.append(HoldingView(
            id=holding.id, product_id=product.id, product_code=product.code,
            product_name_zh=product.name_zh, product_name_en=product.name_en,
            product_kind=product.kind, risk_level=product.risk_level,
            units_minor=held.posted, units_redeeming_minor=held.redeeming,
            cost_minor=holding.cost_minor, price=price, price_date=price_date,
            market_value_minor=value,
            yesterday_earnings_minor=day_earnings(
                product, _units_at(holding, on - timedelta(days=1), product),
                on, income.get((holding.account_id, on), 0)),
            cumulative_earnings_minor=value - holding.cost_minor + holding.realised_minor,
            maturity_date=product.maturity_date, expected_rate=product.expected_rate,
        ))  # fmt: skip
    return views


def _valued(standing, now: datetime) -> tuple[date, list[HoldingView]]:
    """Every holding the customer ever had, valued at the end of the last closed business
    date (those emptied too: what they realised counts in the cumulative earnings)."""
    on = business_date_get(now=now) - timedelta(days=1)
    return on, _holding_views(list(Holding.objects.filter(customer_id=standing.customer_id)), on)


def _held(views: list[HoldingView]) -> list[HoldingView]:
    views = [v for v in views if v.units_minor or v.units_redeeming_minor]
    return sorted(views, key=lambda v: -v.market_value_minor)


def my_holdings(*, actor: Actor, now: datetime) -> list[HoldingView]:
    """The customer's holdings with units, largest first. Raises NotACustomer."""
    _, views = _valued(customer_of(actor), now)
    return _held(views)


def asset_overview(*, actor: Actor, now: datetime) -> AssetOverview:
    """Total assets (the wallet and the holdings at market value), yesterday's and cumulative
    earnings, the split by product kind and the orders still open. Raises NotACustomer."""
    standing = customer_of(actor)
    on, views = _valued(standing, now)
    holdings = _held(views)
    wallet = 0
    if standing.wallet_account_id is not None:
        [account] = accounts_get_many(
            actor=ACTOR, account_ids=[standing.wallet_account_id]
        ).values()
        wallet = account.credits_posted - account.debits_posted
    by_kind: dict[str, int] = {}
    for view in holdings:
        by_kind[view.product_kind] = by_kind.get(view.product_kind, 0) + view.market_value_minor
    invested = sum(by_kind.values())
    products = Products()
    pending = Order.objects.filter(customer_id=standing.customer_id, state=SUBMITTED)
    return AssetOverview(
        as_of=on, total_minor=wallet + invested, wallet_minor=wallet, invested_minor=invested,
        yesterday_earnings_minor=sum(v.yesterday_earnings_minor for v in holdings),
        cumulative_earnings_minor=sum(v.cumulative_earnings_minor for v in views),
        by_kind=by_kind, holdings=tuple(holdings),
        pending_orders=tuple(order_view(o, products) for o in pending.order_by("-submitted_at")),
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class EarningsLine:
    product_id: uuid.UUID
    product_code: str
    product_name_zh: str
    product_name_en: str
    opening_minor: int
    paid_minor: int
    received_minor: int
    closing_minor: int
    earnings_minor: int

    def product_name(self, language: str) -> str:
        return self.product_name_zh if str(language).startswith("zh") else self.product_name_en


@dataclass(frozen=True, slots=True)
class EarningsStatement:
    """Per product, over the business dates [start, end]: the value at the end of the day
    before ``start`` and at the end of ``end``, what was paid in and received, and the
    earnings = closing − opening − paid + received."""

    start: date
    end: date
    lines: tuple[EarningsLine, ...]

    @property
    def earnings_minor(self) -> int:
        return sum(line.earnings_minor for line in self.lines)


def earnings_statement(*, actor: Actor, start: date, end: date) -> EarningsStatement:
    """The customer's earnings over [start, end]. Raises NotACustomer."""
    standing = customer_of(actor)
    if end < start:
        start, end = end, start
    products = Products()
    lines = []
    for holding in Holding.objects.filter(customer_id=standing.customer_id):
        product = products[holding.product_id]
        values = []
        for day in (start - timedelta(days=1), end):
            balances = account_balances(actor=ACTOR, account_id=holding.account_id,
                                        business_date=day)  # fmt: skip
            values.append(market_value(product, balances.credits_posted - balances.debits_posted,
                                       day))  # fmt: skip
        confirmed = Order.objects.filter(
            holding=holding, state=CONFIRMED, confirmed_on__gte=start, confirmed_on__lte=end
        )
        paid = confirmed.filter(kind=SUBSCRIBE).aggregate(t=Sum("amount_minor"))["t"] or 0
        received = confirmed.exclude(kind=SUBSCRIBE).aggregate(t=Sum("payout_minor"))["t"] or 0
        if not (values[0] or values[1] or paid or received):
            continue
        lines.append(EarningsLine(
            product_id=product.id, product_code=product.code, product_name_zh=product.name_zh,
            product_name_en=product.name_en, opening_minor=values[0], paid_minor=int(paid),
            received_minor=int(received), closing_minor=values[1],
            earnings_minor=values[1] - values[0] - int(paid) + int(received),
        ))  # fmt: skip
    return EarningsStatement(start=start, end=end, lines=tuple(lines))


@dataclass(frozen=True, slots=True)
class RedemptionQuote:
    """What redeeming ``units_minor`` would pay if priced at the latest price (``price`` of
    ``price_date``): an estimate for the customer before they confirm; the order is priced at
    its trade date's price. ``available_minor``: the units free to redeem."""

    product_id: uuid.UUID
    units_minor: int
    available_minor: int
    price: Decimal
    price_date: date | None
    gross_minor: int
    fee_minor: int
    net_minor: int
    trade_date: date
    confirm_on: date
    fast_left_minor: int | None  # a money-market fund: what is left of today's fast quota


def redemption_quote(
    *, actor: Actor, product_id: uuid.UUID, units_minor: int, now: datetime
) -> RedemptionQuote:
    """Estimate a redemption of the customer's units. Raises NotACustomer, ProductNotFound."""
    standing = customer_of(actor)
    product = product_get(product_id=product_id)
    business_date = business_date_get(now=now)
    timing = order_timing(product, subscribe=False, business_date=business_date, now=now)
    holding = Holding.objects.filter(customer_id=standing.customer_id, product_id=product.id)
    holding = holding.first()
    available, lots, fast_left = 0, [], None
    if holding is not None:
        held = _units([holding]).get(holding.account_id, _Units(0, 0))
        available = held.posted - held.redeeming
        lots = list(HoldingLot.objects.filter(holding=holding, remaining_minor__gt=0))
        if product.kind == KIND_MMF:
            used = fast_redeemed_on(holding_id=holding.id, business_date=business_date)
            fast_left = max((product.fast_redemption_quota_minor or 0) - used, 0)
    price, price_date = price_on(product, business_date)
    units = max(min(units_minor, available), 0)
    priced = redemption_price(lots, units_minor=units, price=price,
                              trade_date=timing.trade_date, product=product)  # fmt: skip
    return RedemptionQuote(
        product_id=product.id, units_minor=units, available_minor=available, price=price,
        price_date=price_date, gross_minor=priced.gross_minor, fee_minor=priced.fee_minor,
        net_minor=priced.net_minor, trade_date=timing.trade_date, confirm_on=timing.confirm_on,
        fast_left_minor=fast_left,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class RebalanceLine:
    product_id: uuid.UUID
    product_name: str  # in the request's language
    current_minor: int
    target_minor: int
    current_percent: Decimal
    target_percent: int
    drift_points: Decimal
    amount_minor: int  # positive: buy; negative: redeem; 0: nothing worth moving

    @property
    def buy_minor(self) -> int:
        return max(self.amount_minor, 0)

    @property
    def redeem_minor(self) -> int:
        return max(-self.amount_minor, 0)


@dataclass(frozen=True, slots=True)
class RebalancingView:
    """The customer's open-ended holdings against their suggested mix (``rebalancing``)."""

    needed: bool
    threshold_points: Decimal
    largest_drift_points: Decimal
    total_minor: int
    lines: tuple[RebalanceLine, ...]


def rebalance_threshold() -> Decimal:
    """``HUJIN_WEALTH_REBALANCE_THRESHOLD``: percentage points, 0 to 100."""
    value = str(getattr(settings, "HUJIN_WEALTH_REBALANCE_THRESHOLD", DEFAULT_THRESHOLD))
    try:
        threshold = Decimal(value)
    except InvalidOperation:
        threshold = Decimal(-1)
    if not threshold.is_finite() or not 0 <= threshold <= 100:
        raise ImproperlyConfigured(
            f"HUJIN_WEALTH_REBALANCE_THRESHOLD must be percentage points from 0 to 100: {value!r}"
        )
    return threshold


def rebalancing_for(*, actor: Actor, now: datetime, advice) -> RebalancingView | None:
    """How the customer's money-market and NAV fund holdings drift from ``advice`` (their
    suggested mix, ``advice_for``); None without a mix or without such holdings."""
    if not advice.lines:
        return None
    threshold = rebalance_threshold()
    held = {str(h.product_id): h.market_value_minor for h in my_holdings(actor=actor, now=now)
            if h.product_kind != KIND_FIXED_TERM}  # fmt: skip
    result = rebalancing(held, {str(line.product_id): line.percent for line in advice.lines},
                         threshold=threshold)  # fmt: skip
    if not result.total_minor:
        return None
    moving = {m.key for m in result.moves}
    products = Products()
    language = translation.get_language() or settings.LANGUAGE_CODE
    lines = tuple(
        RebalanceLine(
            product_id=products[uuid.UUID(m.key)].id,
            product_name=products[uuid.UUID(m.key)].name(language),
            current_minor=m.current_minor, target_minor=m.target_minor,
            current_percent=m.current_percent, target_percent=m.target_percent,
            drift_points=m.drift_points, amount_minor=m.amount_minor if m.key in moving else 0,
        )
        for m in result.lines
    )  # fmt: skip
    return RebalancingView(needed=result.needed, threshold_points=threshold,
                           largest_drift_points=result.largest_drift_points,
                           total_minor=result.total_minor, lines=lines)  # fmt: skip
