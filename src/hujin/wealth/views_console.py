"""The console's wealth pages (staff holding ``wealth.view_orders``): the order monitor (counts
by state, filters, the orders in keyset pages), one order with its ledger transfers, suitability
decision and documents acknowledgement, and the money-market funds' income distributions. Each
view makes one domain call; the wall clock is read here."""

import uuid

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET

from hujin.core.dates import business_date_get
from hujin.core.errors import PermissionDenied as HujinPermissionDenied
from hujin.identity.access import staff_actor, staff_required
from hujin.wealth import console_order
from hujin.wealth import console_selectors as pages
from hujin.wealth.errors import OrderNotFound
from hujin.wealth.labels import STATE_LABELS
from hujin.wealth.permissions import VIEW_ORDERS

PAGE_SIZE = 50


class OrderFilterForm(forms.Form):
    state = forms.ChoiceField(label=pgettext_lazy("order", "State"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    product = forms.ChoiceField(label=_("Product"), required=False)
    date_from = forms.DateField(
        label=pgettext_lazy("trade date range", "Trade date from"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    date_to = forms.DateField(
        label=pgettext_lazy("trade date range", "Trade date to"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    attention = forms.BooleanField(label=_("Needs attention"), required=False)

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["state"].choices = everything + list(STATE_LABELS.items())
        kinds = [*pages.KIND_LABELS.items(), (pages.FAST, pages.FAST_LABEL)]
        self.fields["kind"].choices = everything + kinds
        self.fields["product"].choices = everything + [(str(p.id), p.label) for p in products]

    def filters(self) -> pages.OrderFilters:
        """The filters of the fields that are valid (an invalid one is shown and ignored)."""
        data = {
            name: self.cleaned_data.get(name)
            for name in self.fields
            if self.is_bound and name not in self.errors
        }
        product = data.get("product") or ""
        return pages.OrderFilters(
            state=data.get("state") or "", kind=data.get("kind") or "",
            product_id=uuid.UUID(product) if product else None,
            date_from=data.get("date_from"), date_to=data.get("date_to"),
            attention=bool(data.get("attention")),
        )  # fmt: skip


def _actor(request):
    return staff_actor(request.user)


def _language() -> str:
    return translation.get_language() or "en"


def _product_choices(request) -> list[pages.ProductChoice]:
    """The product filter's choices: any well-formed product id is let through the form (the
    page lists the products ordered; an id no order has matches nothing)."""
    raw = request.GET.get("product", "")
    try:
        return [pages.ProductChoice(uuid.UUID(raw), raw)] if raw else []
    except ValueError:
        return []


@require_GET
@staff_required(permission=VIEW_ORDERS)
def orders(request):
    form = OrderFilterForm(request.GET or None, products=_product_choices(request))
    if form.is_bound:
        form.is_valid()
    try:
        monitor = pages.orders_monitor(
            actor=_actor(request), filters=form.filters(),
            on=business_date_get(now=timezone.now()), language=_language(),
            before=request.GET.get("before", ""), limit=PAGE_SIZE,
        )  # fmt: skip
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_ORDERS) from None
    # The form shows the products ordered, with their names.
    form.fields["product"].choices = [("", _("All"))] + [
        (str(p.id), p.label) for p in monitor.products
    ]
    context = {
        "form": form, "monitor": monitor, "paged": bool(request.GET.get("before")),
        "state_labels": STATE_LABELS,
    }  # fmt: skip
    return render(request, "wealth/console/orders.html", context)


@require_GET
@staff_required(permission=VIEW_ORDERS)
def order(request, order_id: uuid.UUID):
    try:
        detail = console_order.order_detail(
            actor=_actor(request), order_id=order_id,
            on=business_date_get(now=timezone.now()), language=_language(),
        )  # fmt: skip
    except OrderNotFound:
        raise Http404("no such order") from None
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_ORDERS) from None
    return render(request, "wealth/console/order.html", {"o": detail})


class _BeforeForm(forms.Form):
    before = forms.DateField(required=False)


@require_GET
@staff_required(permission=VIEW_ORDERS)
def distributions(request):
    form = _BeforeForm(request.GET)
    before = form.cleaned_data.get("before") if form.is_valid() else None
    try:
        page = pages.income_distributions(actor=_actor(request), language=_language(),
                                          before=before)  # fmt: skip
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_ORDERS) from None
    return render(request, "wealth/console/distributions.html",
                  {"page": page, "paged": before is not None})  # fmt: skip
