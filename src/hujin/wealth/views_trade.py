"""The customer's buy and redeem flows (portal): the suitability result in plain words, the
special warning to confirm where the policy asks for one, the documents to read, the amount with
its fee before confirming; the units with the estimate of what they pay. Each view asks the
wealth module once; a refusal is shown next to the field it is about, with nothing changed."""

import uuid
from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hujin.core.errors import HujinError
from hujin.core.money import display_amount, format_minor, unit_asset
from hujin.identity.access import customer_actor, customer_required
from hujin.products.errors import ProductNotFound
from hujin.products.selectors import RISK_EXPLAINED, subscription_fee_for
from hujin.products.types import KIND_FIXED_TERM, KIND_MMF, ProductView
from hujin.suitability.selectors import PRODUCT_LEVEL_LABELS
from hujin.wealth import forms_portal as forms
from hujin.wealth.errors import NotSuitable
from hujin.wealth.labels import (
    DOCUMENT_LABELS,
    PRODUCT_KIND_LABELS,
)
from hujin.wealth.selectors import (
    redemption_quote,
    risk_warning,
)
from hujin.wealth.services import (
    order_redeem,
    order_subscribe,
    risk_warning_confirm,
    suitability_check,
)
from hujin.wealth.views_portal import _language, _product, _units


def _product_facts(product: ProductView, language: str) -> dict:
    return {
        "product": product,
        "name": product.name(language),
        "kind_label": PRODUCT_KIND_LABELS.get(product.kind, ""),
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
