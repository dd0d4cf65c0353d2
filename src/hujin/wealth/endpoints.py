"""The customer's wealth API, mounted at /api/v1/me/ behind the customer's access token: the
suitability gate (the decision on buying a product, recorded; the special risk warning and its
confirmation; the documents read), then orders, holdings and earnings: money as decimal strings
in yuan, units as decimal strings in the product's units. Each endpoint makes one service or
selector call as that customer; the wall clock is read here."""

import uuid
from dataclasses import asdict
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone, translation
from ninja import Query, Router, Status

from hujin.core.api_errors import error_responses
from hujin.core.dates import business_date_get
from hujin.core.errors import HujinError
from hujin.core.money import format_minor, parse_amount, unit_asset
from hujin.products.selectors import product_get
from hujin.wealth import selectors, services
from hujin.wealth.accounts import CURRENCY
from hujin.wealth.errors import AmountInvalid, WarningNotNeeded
from hujin.wealth.schemas import (
    AssetOverviewOut,
    DocumentsAcknowledgedOut,
    DocumentsAcknowledgeIn,
    EarningsOut,
    EarningsQuery,
    HoldingsOut,
    OrderOut,
    OrdersOut,
    OrdersQuery,
    RedeemIn,
    RedemptionQuoteOut,
    RedemptionQuoteQuery,
    RiskWarningConfirmedOut,
    RiskWarningConfirmIn,
    RiskWarningOut,
    SubscribeIn,
    SuitabilityOut,
)
from hujin.wealth.types import HoldingView, OrderView

router = Router()
PRICE_PLACES = Decimal("0.0001")


@router.post(
    "products/{product_id}/suitability", response={200: SuitabilityOut, **error_responses(404)},
    operation_id="me_products_suitability", summary="May I buy this product?",
)  # fmt: skip
def suitability(request, product_id: uuid.UUID):
    """Decide, and record, whether the customer may buy the product now: ``allowed``,
    ``warning_required`` (policy confirm: confirm the special risk warning first) or
    ``refused``, with the reason in plain words."""
    decision = services.suitability_check(actor=request.actor, product_id=product_id,
                                          now=timezone.now())  # fmt: skip
    return {**asdict(decision), "message": str(decision.message)}


@router.get(
    "products/{product_id}/risk-warning",
    response={200: RiskWarningOut, **error_responses(404, 409)},
    operation_id="me_products_risk_warning", summary="The special risk warning",
)  # fmt: skip
def risk_warning(request, product_id: uuid.UUID):
    """The warning to show in full before buying a product above the customer's risk level,
    in the request's language (409 ``risk_warning_not_needed`` when there is none)."""
    warning = selectors.risk_warning(actor=request.actor, product_id=product_id,
                                     now=timezone.now())  # fmt: skip
    if warning is None:
        raise WarningNotNeeded()
    return {key: value for key, value in asdict(warning).items() if key != "assessment_id"}


@router.post(
    "products/{product_id}/risk-warning/confirmations",
    response={201: RiskWarningConfirmedOut, **error_responses(404, 409)},
    operation_id="me_products_risk_warning_confirm", summary="Confirm the special risk warning",
)  # fmt: skip
def risk_warning_confirm(request, product_id: uuid.UUID, body: RiskWarningConfirmIn):
    """Record that the customer read and confirmed the warning whose text has this SHA-256
    (409 ``risk_warning_changed`` when it is not the text shown now)."""
    confirmation_id = services.risk_warning_confirm(
        actor=request.actor, product_id=product_id, text_sha256=body.text_sha256,
        now=timezone.now(),
    )  # fmt: skip
    return Status(201, {"confirmation_id": confirmation_id})


@router.post(
    "products/{product_id}/documents/acknowledgements",
    response={201: DocumentsAcknowledgedOut, **error_responses(404, 409)},
    operation_id="me_products_documents_acknowledge", summary="I have read the documents",
)  # fmt: skip
def documents_acknowledge(request, product_id: uuid.UUID, body: DocumentsAcknowledgeIn):
    """Record that the customer read the product's documents before buying: every one it has
    now (409 ``product_documents_changed`` otherwise, with the current ids)."""
    acknowledgement_id = services.documents_acknowledge(
        actor=request.actor, product_id=product_id, document_ids=body.document_ids,
        now=timezone.now(),
    )  # fmt: skip
    return Status(201, {"acknowledgement_id": acknowledgement_id})


# --- orders, holdings and earnings ----------------------------------------------------------------


def _money(minor: int) -> str:
    return format_minor(minor, CURRENCY)


def _minor(text: str, field: str) -> int:
    """A decimal string of yuan (``amount``) or units (``units``, hundredths of a unit too) in
    minor units; anything else is ``order_amount_invalid`` naming the field."""
    try:
        return parse_amount(text, CURRENCY)
    except HujinError:
        raise AmountInvalid(details={"field": field}) from None


def _price(value: Decimal) -> str:
    """A price per unit as NAVs are published: four decimal places ("1.0000")."""
    return str(value.quantize(PRICE_PLACES))


def _language() -> str:
    return translation.get_language() or "en"


def _order(view: OrderView, now: datetime) -> dict:
    unit = unit_asset(view.product_code)
    return {
        "id": view.id, "product_id": view.product_id, "product_code": view.product_code,
        "product_name": view.product_name(_language()), "product_kind": view.product_kind,
        "kind": view.kind, "state": view.state, "fast": view.fast, "currency": CURRENCY,
        "amount": _money(view.amount_minor), "fee": _money(view.fee_minor),
        "net": _money(view.net_minor), "unit": unit,
        "units": format_minor(view.units_minor, unit),
        "nav": None if view.nav is None else _price(view.nav),
        "payout": _money(view.payout_minor), "trade_date": view.trade_date,
        "confirm_on": view.confirm_on, "cooling_off_until": view.cooling_off_until,
        "cancel_until": view.cancel_until, "cancellable": view.cancellable(now),
        "submitted_at": view.submitted_at, "confirmed_at": view.confirmed_at,
        "ended_at": view.ended_at, "failure_code": view.failure_code,
    }  # fmt: skip


def _holding(view: HoldingView) -> dict:
    unit = unit_asset(view.product_code)
    return {
        "id": view.id, "product_id": view.product_id, "product_code": view.product_code,
        "product_name": view.product_name(_language()), "product_kind": view.product_kind,
        "risk_level": view.risk_level, "currency": CURRENCY, "unit": unit,
        "units": format_minor(view.units_minor, unit),
        "units_redeeming": format_minor(view.units_redeeming_minor, unit),
        "cost": _money(view.cost_minor), "price": _price(view.price),
        "price_date": view.price_date, "market_value": _money(view.market_value_minor),
        "yesterday_earnings": _money(view.yesterday_earnings_minor),
        "cumulative_earnings": _money(view.cumulative_earnings_minor),
        "maturity_date": view.maturity_date,
        "expected_rate": None if view.expected_rate is None else str(view.expected_rate),
    }  # fmt: skip


@router.get(
    "assets", response={200: AssetOverviewOut, **error_responses()},
    operation_id="me_assets", summary="My assets at a glance",
)  # fmt: skip
def assets(request):
    """Total assets (the wallet and the holdings at market value, at the end of the last closed
    business date), yesterday's and cumulative earnings, the split by product kind, the
    holdings and the orders still open."""
    now = timezone.now()
    overview = selectors.asset_overview(actor=request.actor, now=now)
    by_kind = sorted(overview.by_kind.items(), key=lambda item: (-item[1], item[0]))
    return {
        "as_of": overview.as_of, "currency": CURRENCY, "total": _money(overview.total_minor),
        "wallet": _money(overview.wallet_minor), "invested": _money(overview.invested_minor),
        "yesterday_earnings": _money(overview.yesterday_earnings_minor),
        "cumulative_earnings": _money(overview.cumulative_earnings_minor),
        "by_kind": [{"kind": kind, "market_value": _money(value)} for kind, value in by_kind],
        "holdings": [_holding(h) for h in overview.holdings],
        "pending_orders": [_order(o, now) for o in overview.pending_orders],
    }  # fmt: skip


@router.get(
    "holdings", response={200: HoldingsOut, **error_responses()},
    operation_id="me_holdings", summary="My holdings",
)  # fmt: skip
def holdings(request):
    """The products I hold units of, the largest first, valued at the end of the last closed
    business date."""
    views = selectors.my_holdings(actor=request.actor, now=timezone.now())
    return {"items": [_holding(h) for h in views]}


@router.get(
    "orders", response={200: OrdersOut, **error_responses()},
    operation_id="me_orders", summary="My orders",
)  # fmt: skip
def orders(request, query: Query[OrdersQuery]):
    """My orders, the newest first, of one product and in one state if asked."""
    views = selectors.my_orders(actor=request.actor, product_id=query.product_id,
                                state=query.state or "", limit=query.limit)  # fmt: skip
    now = timezone.now()
    return {"items": [_order(o, now) for o in views]}


@router.get(
    "orders/{order_id}", response={200: OrderOut, **error_responses(404)},
    operation_id="me_orders_get", summary="One of my orders",
)  # fmt: skip
def order_get(request, order_id: uuid.UUID):
    """404 ``order_not_found`` for an order that is not mine."""
    view = selectors.my_order(actor=request.actor, order_id=order_id)
    return _order(view, timezone.now())


@router.post(
    "products/{product_id}/orders", response={201: OrderOut, **error_responses(404, 409)},
    operation_id="me_products_subscribe", summary="Buy a product",
)  # fmt: skip
def subscribe(request, product_id: uuid.UUID, body: SubscribeIn):
    """Subscribe ``amount`` (yuan, the fee included) from the wallet: the money is held until
    the order is confirmed. Needs the suitability gate's yes (a warning confirmed first where
    the policy asks) and the documents acknowledged. The same ``idempotency_key`` answers the
    first order. 400 ``order_amount_invalid`` (not a decimal string, under the minimum, off
    the increment); 404 ``product_not_found`` (not on sale); 409 ``not_suitable``,
    ``documents_not_acknowledged``, ``order_over_cap``, ``order_not_allowed``,
    ``insufficient_funds``, ``wallet_not_open``, ``idempotency_key_reused``."""
    now = timezone.now()
    view = services.order_subscribe(
        actor=request.actor, product_id=product_id, amount_minor=_minor(body.amount, "amount"),
        idempotency_key=body.idempotency_key, now=now,
    )  # fmt: skip
    return Status(201, _order(view, now))


@router.post(
    "products/{product_id}/redemptions", response={201: OrderOut, **error_responses(404, 409)},
    operation_id="me_products_redeem", summary="Redeem units of a product",
)  # fmt: skip
def redeem(request, product_id: uuid.UUID, body: RedeemIn):
    """Redeem ``units``: held until the order is confirmed, paid to the wallet then; ``fast``
    (a money-market fund) pays at once within today's quota. The same ``idempotency_key``
    answers the first order. 400 ``order_amount_invalid``; 404 ``product_not_found``; 409
    ``insufficient_units``, ``fast_redemption_quota``, ``order_not_allowed`` (a fixed-term
    product), ``wallet_not_open``, ``idempotency_key_reused``."""
    now = timezone.now()
    view = services.order_redeem(
        actor=request.actor, product_id=product_id, units_minor=_minor(body.units, "units"),
        idempotency_key=body.idempotency_key, now=now, fast=body.fast,
    )  # fmt: skip
    return Status(201, _order(view, now))


@router.get(
    "products/{product_id}/redemption-quote",
    response={200: RedemptionQuoteOut, **error_responses(404)},
    operation_id="me_products_redemption_quote", summary="What redeeming would pay",
)  # fmt: skip
def redemption_quote(request, product_id: uuid.UUID, query: Query[RedemptionQuoteQuery]):
    """An estimate at the latest price, before asking: the units priced (at most those free
    to redeem), the fee, the net, when it is priced and confirmed; the order itself is priced
    at its trade date's price."""
    quote = selectors.redemption_quote(
        actor=request.actor, product_id=product_id, units_minor=_minor(query.units, "units"),
        now=timezone.now(),
    )  # fmt: skip
    # The quote names no unit: the product's code gives it (a read of what was just read).
    unit = unit_asset(product_get(product_id=quote.product_id).code)
    left = quote.fast_left_minor
    return {
        "product_id": quote.product_id, "currency": CURRENCY, "unit": unit,
        "units": format_minor(quote.units_minor, unit),
        "available": format_minor(quote.available_minor, unit), "price": _price(quote.price),
        "price_date": quote.price_date, "gross": _money(quote.gross_minor),
        "fee": _money(quote.fee_minor), "net": _money(quote.net_minor),
        "trade_date": quote.trade_date, "confirm_on": quote.confirm_on,
        "fast_left": None if left is None else format_minor(left, unit),
    }  # fmt: skip


@router.post(
    "orders/{order_id}/cancel", response={200: OrderOut, **error_responses(404, 409)},
    operation_id="me_orders_cancel", summary="Cancel an order",
)  # fmt: skip
def order_cancel(request, order_id: uuid.UUID):
    """Within its window (cooling-off; a NAV fund's order until its trade date's cut-off): the
    money or units held are released in full. 404 ``order_not_found``; 409
    ``order_not_cancellable``."""
    now = timezone.now()
    view = services.order_cancel(actor=request.actor, order_id=order_id, now=now)
    return _order(view, now)


@router.get(
    "earnings", response={200: EarningsOut, **error_responses()},
    operation_id="me_earnings", summary="My earnings over a period",
)  # fmt: skip
def earnings(request, query: Query[EarningsQuery]):
    """Per product, over the business dates from ``start`` to ``end`` (both included): the
    value before and after, what was paid in and received, and the earnings = closing −
    opening − paid + received. By default the month of the last closed business date, so far.
    Dates the wrong way round are swapped."""
    end = query.end or business_date_get(now=timezone.now()) - timedelta(days=1)
    start = query.start or end.replace(day=1)
    statement = selectors.earnings_statement(actor=request.actor, start=start, end=end)
    language = _language()
    return {
        "start": statement.start, "end": statement.end, "currency": CURRENCY,
        "earnings": _money(statement.earnings_minor),
        "lines": [
            {"product_id": line.product_id, "product_code": line.product_code,
             "product_name": line.product_name(language), "opening": _money(line.opening_minor),
             "paid": _money(line.paid_minor), "received": _money(line.received_minor),
             "closing": _money(line.closing_minor), "earnings": _money(line.earnings_minor)}
            for line in statement.lines
        ],
    }  # fmt: skip
