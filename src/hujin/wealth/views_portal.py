"""The customer's wealth pages (portal): the asset overview, orders and earnings (buying and
redeeming: ``views_trade``). Each view asks the wealth module (services and selectors, as the
customer) and shows its answer; a service's refusal is shown as its message next to the field
it is about, with nothing changed. The wall clock is read here, once per request.

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
from django.views.decorators.http import require_GET, require_http_methods

from hujin.core.dates import business_date_get
from hujin.core.errors import HujinError
from hujin.core.money import display_amount, unit_asset
from hujin.identity.access import customer_actor, customer_required
from hujin.products.errors import ProductNotFound
from hujin.products.selectors import product_get
from hujin.products.types import KIND_FIXED_TERM, KIND_MMF, KIND_NAV_FUND, ProductView
from hujin.wealth import forms_portal as forms
from hujin.wealth.errors import OrderNotFound
from hujin.wealth.labels import (
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
)
from hujin.wealth.services import (
    order_cancel,
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
