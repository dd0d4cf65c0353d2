"""The portal's Top up and Withdraw pages and a payment's own page. Each view makes one domain
call per step:

1. the form (amount, card; what is left of today's limit);
2. ``step=review``: the confirmation page — the fee, the total, and for a large withdrawal the
   code (``views_confirm``); nothing has moved;
3. ``step=send``: the payment, with the fee the customer saw (a fee that rose in between is
   refused, not charged) → the payment's page.

The form carries an idempotency key made when the form is shown, so a form sent twice (a
double click, a reload) is one payment."""

import uuid

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from hujin.core.errors import HujinError
from hujin.core.money import parse_amount
from hujin.identity.access import customer_actor, customer_required
from hujin.payments import selectors, services
from hujin.payments.errors import (
    AmountInvalid,
    CardNotFound,
    ConfirmationInvalid,
    ConfirmationRequired,
    FeeChanged,
    PaymentNotFound,
)
from hujin.payments.types import PAYMENT_CURRENCY, TOPUP, WITHDRAWAL
from hujin.payments.views_confirm import confirm_step

_SERVICES = {TOPUP: services.topup_request, WITHDRAWAL: services.withdrawal_request}
FIELDS = ("amount", "card", "key", "fee")
# Refusals the confirmation page answers itself (the customer fixes them there).
ON_CONFIRMATION = (ConfirmationRequired, ConfirmationInvalid, FeeChanged)


def _amount_minor(text: str) -> int:
    try:
        return parse_amount((text or "").replace(",", "").replace("¥", "").strip(), "CNY")
    except HujinError:
        raise AmountInvalid() from None


def _card_id(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except (TypeError, ValueError):
        return None


def _fee(text: str) -> int | None:
    return int(text) if (text or "").isdigit() else None


def _form(request, kind: str, values: dict, error: str = "", status: int = 200):
    actor = customer_actor(request.user)
    mine = selectors.my_cards(actor=actor)
    default = next((c for c in mine.cards if c.is_default), None)
    if not values["card"] and default is not None:
        values["card"] = str(default.id)
    limits = (selectors.limits_of(actor=actor, now=timezone.now()) or {}).get(kind)
    context = {
        "kind": kind, "mine": mine, "values": values, "error": error, "limits": limits,
        "currency": PAYMENT_CURRENCY,
    }  # fmt: skip
    return render(request, "payments/pay.html", context, status=status)


def _confirmation(request, kind, values, *, notice="", error="", status=200):
    """The confirmation page: raises what the form shows instead (a bad amount, a card not
    the customer's)."""
    actor = customer_actor(request.user)
    amount = _amount_minor(values["amount"])
    card = next((c for c in selectors.my_cards(actor=actor).cards
                 if str(c.id) == values["card"]), None)  # fmt: skip
    if card is None:
        raise CardNotFound()
    quote = selectors.payment_quote(actor=actor, kind=kind, amount_minor=amount,
                                    now=timezone.now())  # fmt: skip
    context = {"kind": kind, "values": {**values, "fee": quote.fee_minor}, "quote": quote,
               "card": card, "notice": notice, "error": error}  # fmt: skip
    return render(request, "payments/pay_confirm.html", context, status=status)


def _flow(request, kind: str):
    if request.method == "GET":
        return _form(request, kind, {"amount": "", "card": "", "key": uuid.uuid4().hex})
    values = {k: request.POST.get(k, "").strip() for k in FIELDS}
    try:
        if request.POST.get("step") != "send":
            return _confirmation(request, kind, values)
        amount, card_id, now = (
            _amount_minor(values["amount"]),
            _card_id(values["card"]),
            timezone.now(),
        )
        step = confirm_step(request, kind=kind, amount_minor=amount, card_id=card_id, now=now)
        if not step.pay:
            return _confirmation(request, kind, values, notice=step.notice, error=step.error,
                                 status=200 if step.notice else 400)  # fmt: skip
        try:
            payment = _SERVICES[kind](
                actor=customer_actor(request.user), card_id=card_id, amount_minor=amount,
                idempotency_key=values["key"], now=now, confirmation=step.confirmation,
                fee_confirmed_minor=_fee(values["fee"]),
            )  # fmt: skip
        except ON_CONFIRMATION as exc:
            return _confirmation(request, kind, values, error=exc.message, status=400)
    except HujinError as exc:
        return _form(request, kind, values, exc.message, 400)
    return redirect("payments:payment", payment_id=payment.id)


@customer_required
@require_http_methods(["GET", "POST"])
def topup(request):
    return _flow(request, TOPUP)


@customer_required
@require_http_methods(["GET", "POST"])
def withdraw(request):
    return _flow(request, WITHDRAWAL)


@customer_required
def payment(request, payment_id: uuid.UUID):
    try:
        view = selectors.my_payment(actor=customer_actor(request.user), payment_id=payment_id)
    except PaymentNotFound:
        raise Http404("no such payment") from None
    return render(request, "payments/payment.html", {"payment": view})
