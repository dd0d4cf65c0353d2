"""The customer's wealth pages (portal): the asset overview, buying, redeeming, orders and
earnings. Each view asks the wealth module (services and selectors, as the customer) and shows
its answer; a service's refusal is shown as its message next to the field it is about, with
nothing changed. The wall clock is read here, once per request.

Gains are red and losses green, the convention of Chinese markets and wealth apps (红涨绿跌),
in both languages; the sign (+ / −) is always written, so the colour is never the only clue.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hujin.core.dates import business_date_get
from hujin.core.errors import HujinError
from hujin.core.money import display_amount, format_minor, unit_asset
from hujin.identity.access import customer_actor, customer_required
from hujin.products.errors import ProductNotFound
from hujin.products.selectors import RISK_EXPLAINED, product_get, subscription_fee_for
from hujin.products.types import KIND_FIXED_TERM, KIND_MMF, KIND_NAV_FUND, ProductView
from hujin.suitability.selectors import PRODUCT_LEVEL_LABELS
from hujin.wealth import forms_portal as forms
from hujin.wealth.errors import NotSuitable, OrderNotFound
from hujin.wealth.labels import (
    DOCUMENT_LABELS,
    FAST_LABEL,
    ORDER_KIND_LABELS,
    ORDER_STATES,
    PRODUCT_KIND_LABELS,
    STATE_LABELS,
)
from hujin.wealth.selectors import (
    asset_overview,
    earnings_statement,
    my_order,
    my_orders,
    redemption_quote,
    risk_warning,
)
from hujin.wealth.services import (
    order_cancel,
    order_redeem,
    order_subscribe,
    risk_warning_confirm,
    suitability_check,
)
from hujin.wealth.types import CANCELLED, CONFIRMED, FAILED, SUBMITTED, SUBSCRIBE

KIND_LABELS = PRODUCT_KIND_LABELS
# The donut's colours, one per product kind (wealth.css).
KIND_ORDER = (KIND_MMF, KIND_FIXED_TERM, KIND_NAV_FUND)


def _language() -> str:
    return translation.get_language() or "en"


def _units(minor: int, product_code: str) -> str:
    """Units as a person reads them: "1,234.56 units" (never a currency sign)."""
    return display_amount(minor, unit_asset(product_code))


def _tone(minor: int) -> str:
    return "up" if minor > 0 else ("down" if minor < 0 else "flat")


def _product(product_id: uuid.UUID) -> ProductView:
    try:
        return product_get(product_id=product_id)
    except ProductNotFound:
        raise Http404 from None


# --- the asset overview ------------------------------------------------------------------------


@dataclass(frozen=True)
class Slice:
    kind: str
    label: str
    value_minor: int
    percent: float
    dash: str  # stroke-dasharray on a circle of circumference 100
    offset: float  # stroke-dashoffset: where the slice starts (12 o'clock, clockwise)


def donut(by_kind: dict) -> list[Slice]:
    """The split by product kind as slices of a ring (an SVG circle whose circumference is
    100: each slice is a dash as long as its percentage)."""
    total = sum(v for v in by_kind.values() if v > 0)
    slices, start = [], 0.0
    for kind in KIND_ORDER:
        value = by_kind.get(kind, 0)
        if value <= 0 or not total:
            continue
        percent = round(value * 100 / total, 2)
        slices.append(Slice(kind, str(KIND_LABELS[kind]), value, percent,
                            f"{percent} {round(100 - percent, 2)}",
                            round(25 - start, 2)))  # fmt: skip
        start += percent
    return slices


def _holding_row(view, language: str) -> dict:
    return {
        "view": view, "name": view.product_name(language),
        "kind_label": KIND_LABELS.get(view.product_kind, ""),
        "units": _units(view.units_minor, view.product_code),
        "redeeming": _units(view.units_redeeming_minor, view.product_code)
        if view.units_redeeming_minor else "",
        "yesterday_tone": _tone(view.yesterday_earnings_minor),
        "cumulative_tone": _tone(view.cumulative_earnings_minor),
        "redeemable": view.product_kind != KIND_FIXED_TERM,
    }  # fmt: skip


def _order_row(order, language: str, now: datetime) -> dict:
    cancellable = order.cancellable(now)
    left = int((order.cancel_until - now).total_seconds()) if cancellable else 0
    return {
        "order": order, "name": order.product_name(language),
        "kind_label": FAST_LABEL if order.fast else ORDER_KIND_LABELS.get(order.kind, order.kind),
        "state_label": STATE_LABELS.get(order.state, order.state),
        "units": _units(order.units_minor, order.product_code) if order.units_minor else "",
        "cancellable": cancellable, "cancel_left_seconds": max(left, 60) if cancellable else 0,
        "in_cooling_off": order.in_cooling_off(now),
    }  # fmt: skip


@require_GET
@customer_required
def overview(request):
    now = timezone.now()
    overview = asset_overview(actor=customer_actor(request.user), now=now)
    language = _language()
    return render(request, "wealth/portal/overview.html", {
        "overview": overview, "slices": donut(overview.by_kind),
        "yesterday_tone": _tone(overview.yesterday_earnings_minor),
        "cumulative_tone": _tone(overview.cumulative_earnings_minor),
        "holdings": [_holding_row(h, language) for h in overview.holdings],
        "pending": [_order_row(o, language, now) for o in overview.pending_orders],
    })  # fmt: skip


# --- buying ------------------------------------------------------------------------------------


def _product_facts(product: ProductView, language: str) -> dict:
    return {
        "product": product,
        "name": product.name(language),
        "kind_label": KIND_LABELS.get(product.kind, ""),
        "risk_label": PRODUCT_LEVEL_LABELS.get(product.risk_level, ""),
        "risk_explained": RISK_EXPLAINED.get(product.risk_level, ""),
        "min_plain": format_minor(product.min_amount_minor, "CNY"),  # the amount's placeholder
        "documents": [
            {"id": d.id, "label": DOCUMENT_LABELS.get(d.kind, d.file_name), "size": d.size_bytes}
            for d in product.documents
        ],
    }


def _fee(product: ProductView, amount_minor: int | None):
    if amount_minor is None:
        return None
    return subscription_fee_for(product_id=product.id, amount_minor=amount_minor)


def _buy_page(request, product, *, decision=None, warning=None, values=None, errors=None,
              fee=None, status=200):  # fmt: skip
    return render(request, "wealth/portal/buy.html", {
        **_product_facts(product, _language()), "decision": decision, "warning": warning,
        "values": values or {"amount": "", "key": uuid.uuid4().hex, "acknowledged": False},
        "errors": errors or {}, "fee": fee,
    }, status=status)  # fmt: skip


@require_http_methods(["GET", "POST"])
@customer_required
def buy(request, product_id: uuid.UUID):
    """GET: the product, the suitability decision (asked, and so recorded, as the page opens),
    the documents and the amount. POST: acknowledge the documents and place the order, both or
    neither; then the order's page."""
    actor, now = customer_actor(request.user), timezone.now()
    if request.method == "GET":
        try:
            decision = suitability_check(actor=actor, product_id=product_id, now=now)
        except ProductNotFound:
            return render(request, "wealth/portal/not_on_sale.html", status=404)
        product = _product(product_id)
        warning = None
        if decision.outcome == "warning_required":
            warning = risk_warning(actor=actor, product_id=product_id, now=now)
        return _buy_page(request, product, decision=decision, warning=warning)

    product = _product(product_id)
    values = {
        "amount": request.POST.get("amount", "").strip()[: forms.MAX_TEXT],
        "key": request.POST.get("key", "").strip()[:64] or uuid.uuid4().hex,
        "acknowledged": request.POST.get("acknowledged") == "on",
    }  # fmt: skip
    errors = {}
    amount, error = forms.amount_read(values["amount"])
    if error:
        errors[forms.AMOUNT] = error
    if product.documents and not values["acknowledged"]:
        errors[forms.DOCUMENTS] = gettext("Tick the box once you have read the documents.")
    if not errors:
        try:
            # The documents read and the order placed, or neither: one service call.
            read = [d.id for d in product.documents] if product.documents else None
            order = order_subscribe(actor=actor, product_id=product.id, amount_minor=amount,
                                    idempotency_key=values["key"], now=now,
                                    documents_read=read)  # fmt: skip
        except ProductNotFound:
            return render(request, "wealth/portal/not_on_sale.html", status=404)
        except HujinError as exc:
            errors[forms.field_of(exc)] = exc.message
            if isinstance(exc, NotSuitable):
                errors["not_suitable"] = True
        else:
            messages.success(request, gettext("Your order is placed."))
            return redirect("wealth:order", order_id=order.id)
    fee = _fee(product, amount) if forms.AMOUNT not in errors else None
    return _buy_page(request, product, values=values, errors=errors, fee=fee, status=400)


@require_GET
@customer_required
def buy_fee(request, product_id: uuid.UUID):
    """The htmx fragment under the amount: the fee in it and what buys units."""
    product = _product(product_id)
    amount, error = forms.amount_read(request.GET.get("amount", ""))
    fee = _fee(product, amount) if not error else None
    return render(request, "wealth/portal/_fee.html", {"fee": fee})


@require_POST
@customer_required
def warning_confirm(request, product_id: uuid.UUID):
    """The customer read the special risk warning and confirms it (its text's SHA-256)."""
    try:
        risk_warning_confirm(actor=customer_actor(request.user), product_id=product_id,
                             text_sha256=request.POST.get("text_sha256", "")[:64],
                             now=timezone.now())  # fmt: skip
    except ProductNotFound:
        raise Http404 from None
    except HujinError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("Your confirmation of the risk warning is recorded."))
    return redirect("wealth:buy", product_id=product_id)


# --- redeeming ---------------------------------------------------------------------------------


def _quote_facts(quote, product: ProductView, fast: bool) -> dict:
    return {
        "quote": quote, "fast": fast,
        "units": _units(quote.units_minor, product.code),
        "available": _units(quote.available_minor, product.code),
        "arrives_on": quote.confirm_on + timedelta(days=1),
        "fast_left": display_amount(quote.fast_left_minor, "CNY")
        if quote.fast_left_minor is not None else "",
    }  # fmt: skip


def _redeem_page(request, product, quote, *, values, errors=None, status=200):
    return render(request, "wealth/portal/redeem.html", {
        **_product_facts(product, _language()), **_quote_facts(quote, product, values["fast"]),
        "values": values, "errors": errors or {}, "is_mmf": product.kind == KIND_MMF,
        "fixed_term": product.kind == KIND_FIXED_TERM,
        "all_value": format_minor(quote.available_minor, unit_asset(product.code)),
    }, status=status)  # fmt: skip


@require_http_methods(["GET", "POST"])
@customer_required
def redeem(request, product_id: uuid.UUID):
    """GET: the units free to redeem and the estimate (``?units=all`` fills in all of them).
    POST: place the redemption; then the order's page."""
    actor, now = customer_actor(request.user), timezone.now()
    product = _product(product_id)
    data = request.POST if request.method == "POST" else request.GET
    values = {
        "units": data.get("units", "").strip()[: forms.MAX_TEXT],
        "fast": data.get("fast") == "on" and product.kind == KIND_MMF,
        "key": data.get("key", "").strip()[:64] or uuid.uuid4().hex,
    }  # fmt: skip
    if request.method == "GET":
        quote = redemption_quote(actor=actor, product_id=product.id, units_minor=0, now=now)
        if values["units"] == "all":
            values["units"] = format_minor(quote.available_minor, unit_asset(product.code))
        units, error = forms.units_read(values["units"], product.code)
        if not error:
            quote = redemption_quote(actor=actor, product_id=product.id, units_minor=units,
                                     now=now)  # fmt: skip
        return _redeem_page(request, product, quote, values=values)
    errors = {}
    units, error = forms.units_read(values["units"], product.code)
    if error:
        errors[forms.UNITS] = error
    else:
        try:
            order = order_redeem(
                actor=actor, product_id=product.id, units_minor=units,
                idempotency_key=values["key"], now=now, fast=values["fast"],
            )  # fmt: skip
        except HujinError as exc:
            errors[forms.field_of(exc, redeeming=True)] = exc.message
        else:
            messages.success(request, gettext("Your redemption is placed."))
            return redirect("wealth:order", order_id=order.id)
    quote = redemption_quote(actor=actor, product_id=product.id, units_minor=units or 0, now=now)
    return _redeem_page(request, product, quote, values=values, errors=errors, status=400)


@require_GET
@customer_required
def redeem_quote(request, product_id: uuid.UUID):
    """The htmx fragment under the units: what they would pay, and when."""
    product = _product(product_id)
    units, error = forms.units_read(request.GET.get("units", ""), product.code)
    fast = request.GET.get("fast") == "on" and product.kind == KIND_MMF
    quote = redemption_quote(actor=customer_actor(request.user), product_id=product.id,
                             units_minor=units or 0, now=timezone.now())  # fmt: skip
    return render(request, "wealth/portal/_quote.html", {
        **_quote_facts(quote, product, fast), "is_mmf": product.kind == KIND_MMF,
        "entered": not error,
    })  # fmt: skip


# --- orders ------------------------------------------------------------------------------------


@require_GET
@customer_required
def orders(request):
    state = request.GET.get("state", "")
    state = state if state in ORDER_STATES else ""
    now, language = timezone.now(), _language()
    found = my_orders(actor=customer_actor(request.user), state=state)
    return render(request, "wealth/portal/orders.html", {
        "rows": [_order_row(o, language, now) for o in found], "state": state,
        "states": [(s, STATE_LABELS[s]) for s in ORDER_STATES],
    })  # fmt: skip


@dataclass(frozen=True)
class Step:
    """One line of an order's timeline: a moment (``at``) or a business date (``day``)."""

    key: str
    title: str
    when: datetime | date | None
    text: str = ""
    done: bool = True

    @property
    def at(self) -> datetime | None:
        return self.when if isinstance(self.when, datetime) else None

    @property
    def day(self) -> date | None:
        return None if isinstance(self.when, datetime) else self.when


def _timeline(order, now: datetime) -> list[Step]:
    steps = [Step("submitted", gettext("Order placed"), order.submitted_at)]
    if order.cooling_off_until:
        steps.append(Step("cooling_off", gettext("Cooling-off period ends"),
                          order.cooling_off_until,
                          gettext("Until then you may cancel for a full refund."),
                          done=now >= order.cooling_off_until))  # fmt: skip
    if order.kind != "maturity":
        priced = order.product_kind == KIND_NAV_FUND
        steps.append(Step("trade_date", gettext("Trade date"), order.trade_date,
                          gettext("Priced at the NAV of this business date.") if priced else "",
                          done=order.state == CONFIRMED))  # fmt: skip
    if order.state == CONFIRMED:
        text = ""
        if order.nav is not None and order.units_minor:
            text = gettext("%(units)s at %(nav)s a unit") % {
                "units": _units(order.units_minor, order.product_code),
                "nav": order.nav,
            }
        steps.append(Step("confirmed", gettext("Confirmed"), order.confirmed_at, text))
        if order.kind != SUBSCRIBE:
            arrives = order.confirmed_at if order.fast else order.confirm_on + timedelta(days=1)
            steps.append(Step("payout", gettext("Paid to your wallet"), arrives,
                              display_amount(order.payout_minor, "CNY")))  # fmt: skip
    elif order.state == SUBMITTED:
        steps.append(Step("confirm_on", gettext("To be confirmed by the close of business of"),
                          order.confirm_on, done=False))  # fmt: skip
    elif order.state == CANCELLED:
        steps.append(Step("cancelled", gettext("Cancelled; the money held was released"),
                          order.ended_at))  # fmt: skip
    elif order.state == FAILED:
        steps.append(Step("failed", gettext("Not confirmed; the money held was released"),
                          order.ended_at))  # fmt: skip
    return steps


def _my_order(request, order_id: uuid.UUID):
    try:
        return my_order(actor=customer_actor(request.user), order_id=order_id)
    except OrderNotFound:
        raise Http404 from None


@require_GET
@customer_required
def order(request, order_id: uuid.UUID):
    found, now = _my_order(request, order_id), timezone.now()
    return render(request, "wealth/portal/order.html", {
        **_order_row(found, _language(), now), "timeline": _timeline(found, now),
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
@customer_required
def cancel(request, order_id: uuid.UUID):
    """The confirmation step (GET, or a POST without ``confirmed``), then the cancellation."""
    if request.method == "POST" and request.POST.get("confirmed") == "yes":
        try:
            order_cancel(actor=customer_actor(request.user), order_id=order_id,
                         now=timezone.now())  # fmt: skip
        except OrderNotFound:
            raise Http404 from None
        except HujinError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("Your order is cancelled; the money is back in "
                                              "your wallet."))  # fmt: skip
        return redirect("wealth:order", order_id=order_id)
    found = _my_order(request, order_id)
    row = _order_row(found, _language(), timezone.now())
    if not row["cancellable"]:
        messages.error(request, gettext("This order can no longer be cancelled."))
        return redirect("wealth:order", order_id=order_id)
    return render(request, "wealth/portal/cancel.html", row)


# --- earnings ----------------------------------------------------------------------------------


def _period(request, business_date: date) -> tuple[date, date]:
    """The dates asked for, or this month so far (up to the last closed business date)."""
    last_closed = business_date - timedelta(days=1)
    end = forms.day_read(request.GET.get("end")) or last_closed
    start = forms.day_read(request.GET.get("start")) or end.replace(day=1)
    return (start, end) if start <= end else (end, start)


def earnings_bars(lines, language: str) -> list[dict]:
    """One bar per product, as long as its earnings against the largest (either sign); when
    some lost, the axis sits in the middle, gains to its right, losses to its left."""
    largest = max((abs(line.earnings_minor) for line in lines), default=0)
    axis = 50 if any(line.earnings_minor < 0 for line in lines) else 0
    room = 100 - axis
    bars = []
    for line in lines:
        length = round(abs(line.earnings_minor) * room / largest, 2) if largest else 0
        x = axis if line.earnings_minor >= 0 else axis - length
        bars.append({"name": line.product_name(language), "line": line, "x": x,
                     "width": max(length, 0.5) if line.earnings_minor else 0,
                     "tone": _tone(line.earnings_minor)})  # fmt: skip
    return bars


@require_GET
@customer_required
def earnings(request):
    start, end = _period(request, business_date_get(now=timezone.now()))
    statement = earnings_statement(actor=customer_actor(request.user), start=start, end=end)
    language = _language()
    return render(request, "wealth/portal/earnings.html", {
        "statement": statement, "bars": earnings_bars(statement.lines, language),
        "axis": 50 if any(line.earnings_minor < 0 for line in statement.lines) else 0,
        "rows": [{"line": line, "name": line.product_name(language),
                  "tone": _tone(line.earnings_minor)} for line in statement.lines],
        "total_tone": _tone(statement.earnings_minor),
        "overview_url": reverse("wealth:overview"),
    })  # fmt: skip
