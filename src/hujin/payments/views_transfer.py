"""The portal's Transfer pages: the payee's mobile and the amount → a confirmation page with the
payee's masked name, the amount and the fee → the payment's page. Each view makes one domain
call. The key made when the form is first shown travels through the confirmation, so a
confirmation sent twice is one transfer."""

import uuid

from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from hujin.core.errors import HujinError
from hujin.identity.access import customer_actor, customer_required
from hujin.payments import services
from hujin.payments.types import PAYMENT_CURRENCY
from hujin.payments.views_money import _amount_minor

FIELDS = ("mobile", "amount", "key")


def _form(request, values: dict, error: str = "", status: int = 200):
    context = {"values": values, "error": error, "currency": PAYMENT_CURRENCY}
    return render(request, "payments/transfer.html", context, status=status)


@customer_required
@require_http_methods(["GET", "POST"])
def transfer(request):
    """GET: the form. POST: the confirmation page (nothing moves yet)."""
    if request.method == "GET":
        return _form(request, {"mobile": "", "amount": "", "key": uuid.uuid4().hex})
    values = {k: request.POST.get(k, "").strip() for k in FIELDS}
    try:
        preview = services.transfer_preview(
            actor=customer_actor(request.user), payee_mobile=values["mobile"],
            amount_minor=_amount_minor(values["amount"]), now=timezone.now(),
        )  # fmt: skip
    except HujinError as exc:
        return _form(request, values, exc.message, 400)
    context = {"values": values, "preview": preview}
    return render(request, "payments/transfer_confirm.html", context)


@customer_required
@require_POST
def transfer_send(request):
    values = {k: request.POST.get(k, "").strip() for k in FIELDS}
    try:
        payment = services.transfer_request(
            actor=customer_actor(request.user), payee_mobile=values["mobile"],
            amount_minor=_amount_minor(values["amount"]), idempotency_key=values["key"],
            now=timezone.now(),
        )  # fmt: skip
    except HujinError as exc:
        return _form(request, values, exc.message, 400)
    return redirect("payments:payment", payment_id=payment.id)
