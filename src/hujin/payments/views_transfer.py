"""The portal's Transfer pages: the payee's mobile and the amount → a confirmation page with the
payee's masked name, the amount, the fee and, for a large amount, the code (``views_confirm``)
→ the payment's page. Each view makes one domain call per step. The key made when the form is
first shown travels through the confirmation, so a confirmation sent twice is one transfer."""

import uuid

from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from hujin.core.errors import HujinError
from hujin.identity.access import customer_actor, customer_required
from hujin.payments import services
from hujin.payments.types import PAYMENT_CURRENCY, TRANSFER
from hujin.payments.views_confirm import confirm_step
from hujin.payments.views_money import ON_CONFIRMATION, _amount_minor, _fee

FIELDS = ("mobile", "amount", "key", "fee")


def _form(request, values: dict, error: str = "", status: int = 200):
    context = {"values": values, "error": error, "currency": PAYMENT_CURRENCY}
    return render(request, "payments/transfer.html", context, status=status)


def _confirmation(request, values: dict, *, notice: str = "", error: str = "", status=200):
    """The confirmation page (raises what the form shows instead)."""
    preview = services.transfer_preview(
        actor=customer_actor(request.user), payee_mobile=values["mobile"],
        amount_minor=_amount_minor(values["amount"]), now=timezone.now(),
    )  # fmt: skip
    context = {"values": {**values, "fee": preview.fee_minor}, "preview": preview,
               "total_minor": preview.amount_minor + preview.fee_minor, "notice": notice,
               "error": error}  # fmt: skip
    return render(request, "payments/transfer_confirm.html", context, status=status)


@customer_required
@require_http_methods(["GET", "POST"])
def transfer(request):
    """GET: the form. POST: the confirmation page (nothing moves yet)."""
    if request.method == "GET":
        return _form(request, {"mobile": "", "amount": "", "key": uuid.uuid4().hex})
    values = {k: request.POST.get(k, "").strip() for k in FIELDS}
    try:
        return _confirmation(request, values)
    except HujinError as exc:
        return _form(request, values, exc.message, 400)


@customer_required
@require_POST
def transfer_send(request):
    values = {k: request.POST.get(k, "").strip() for k in FIELDS}
    try:
        amount, now = _amount_minor(values["amount"]), timezone.now()
        step = confirm_step(request, kind=TRANSFER, amount_minor=amount,
                            payee_mobile=values["mobile"], now=now)  # fmt: skip
        if not step.pay:
            return _confirmation(request, values, notice=step.notice, error=step.error,
                                 status=200 if step.notice else 400)  # fmt: skip
        try:
            payment = services.transfer_request(
                actor=customer_actor(request.user), payee_mobile=values["mobile"],
                amount_minor=amount, idempotency_key=values["key"], now=now,
                confirmation=step.confirmation, fee_confirmed_minor=_fee(values["fee"]),
            )  # fmt: skip
        except ON_CONFIRMATION as exc:
            return _confirmation(request, values, error=exc.message, status=400)
    except HujinError as exc:
        return _form(request, values, exc.message, 400)
    return redirect("payments:payment", payment_id=payment.id)
