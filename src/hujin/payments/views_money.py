"""The portal's Top up and Withdraw pages and a payment's own page. Each view makes one domain
call. The form carries an idempotency key made when the form is shown, so a form sent twice
(a double click, a reload) is one payment."""

import uuid

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from hujin.core.errors import HujinError
from hujin.core.money import parse_amount
from hujin.identity.access import customer_actor, customer_required
from hujin.payments import selectors, services
from hujin.payments.errors import AmountInvalid, PaymentNotFound
from hujin.payments.types import PAYMENT_CURRENCY, TOPUP, WITHDRAWAL

_SERVICES = {TOPUP: services.topup_request, WITHDRAWAL: services.withdrawal_request}


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


def _form(request, kind: str):
    actor = customer_actor(request.user)
    values = {"amount": "", "card": "", "key": uuid.uuid4().hex}
    status = 200
    error = ""
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("amount", "card", "key")}
        try:
            payment = _SERVICES[kind](
                actor=actor, card_id=_card_id(values["card"]),
                amount_minor=_amount_minor(values["amount"]), idempotency_key=values["key"],
                now=timezone.now(),
            )  # fmt: skip
        except HujinError as exc:
            error, status = exc.message, 400
        else:
            return redirect("payments:payment", payment_id=payment.id)
    mine = selectors.my_cards(actor=actor)
    default = next((c for c in mine.cards if c.is_default), None)
    if not values["card"] and default is not None:
        values["card"] = str(default.id)
    context = {
        "kind": kind, "mine": mine, "values": values, "error": error,
        "currency": PAYMENT_CURRENCY,
    }  # fmt: skip
    return render(request, "payments/pay.html", context, status=status)


@customer_required
@require_http_methods(["GET", "POST"])
def topup(request):
    return _form(request, TOPUP)


@customer_required
@require_http_methods(["GET", "POST"])
def withdraw(request):
    return _form(request, WITHDRAWAL)


@customer_required
def payment(request, payment_id: uuid.UUID):
    try:
        view = selectors.my_payment(actor=customer_actor(request.user), payment_id=payment_id)
    except PaymentNotFound:
        raise Http404("no such payment") from None
    return render(request, "payments/payment.html", {"payment": view})
