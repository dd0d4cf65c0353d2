"""The console's payment pages (staff holding ``payments.view_payments``): the monitor (states
by age, and what is still unresolved), the filtered list in keyset pages, and one payment. Each
view makes one domain call."""

import uuid

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET

from hujin.core.errors import PermissionDenied as HujinPermissionDenied
from hujin.core.statuses import status_get
from hujin.identity.access import staff_actor, staff_required
from hujin.payments import selectors
from hujin.payments.errors import PaymentNotFound
from hujin.payments.permissions import VIEW_PAYMENTS
from hujin.payments.types import PAYMENT_KINDS, PAYMENT_STATUSES, TOPUP, TRANSFER, WITHDRAWAL

PAGE_SIZE = 50
KIND_LABELS = {
    TOPUP: pgettext_lazy("payment kind", "Top-up"),
    WITHDRAWAL: pgettext_lazy("payment kind", "Withdrawal"),
    TRANSFER: pgettext_lazy("payment kind", "Transfer"),
}


def _status_label(key: str):
    status = status_get(key)
    return status.label if status is not None else key


class PaymentFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    status = forms.ChoiceField(label=pgettext_lazy("payment", "Status"), required=False)
    age = forms.ChoiceField(label=_("Age"), required=False)
    channel = forms.SlugField(label=_("Channel"), required=False, max_length=32)
    date_from = forms.DateField(
        label=pgettext_lazy("date range", "From"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "To"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    customer = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["kind"].choices = everything + [(k, KIND_LABELS[k]) for k in PAYMENT_KINDS]
        self.fields["status"].choices = everything + [
            (s, _status_label(s)) for s in PAYMENT_STATUSES
        ]
        self.fields["age"].choices = everything + [(b.key, b.label) for b in selectors.AGE_BUCKETS]

    def filters(self) -> selectors.PaymentFilters:
        """The filters of the fields that are valid (an invalid one is shown and ignored)."""
        data = {
            name: self.cleaned_data.get(name)
            for name in self.fields
            if self.is_bound and name not in self.errors
        }
        return selectors.PaymentFilters(
            kind=data.get("kind") or "", status=data.get("status") or "",
            channel=data.get("channel") or "", age=data.get("age") or "",
            date_from=data.get("date_from"), date_to=data.get("date_to"),
            customer_id=data.get("customer"),
        )  # fmt: skip


def _actor(request):
    return staff_actor(request.user)


@require_GET
@staff_required(permission=VIEW_PAYMENTS)
def monitor(request):
    kind = request.GET.get("kind", "")
    try:
        page = selectors.payments_monitor(
            actor=_actor(request), now=timezone.now(), kind=kind if kind in PAYMENT_KINDS else ""
        )
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_PAYMENTS) from None
    context = {"page": page, "kind": kind, "kinds": list(KIND_LABELS.items())}
    return render(request, "payments/console_monitor.html", context)


@require_GET
@staff_required(permission=VIEW_PAYMENTS)
def payment_list(request):
    form = PaymentFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    try:
        page = selectors.payments_list(
            actor=_actor(request), filters=form.filters(), now=timezone.now(),
            before=request.GET.get("before", ""), limit=PAGE_SIZE,
        )  # fmt: skip
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_PAYMENTS) from None
    context = {"form": form, "page": page, "paged": bool(request.GET.get("before"))}
    return render(request, "payments/console_list.html", context)


@require_GET
@staff_required(permission=VIEW_PAYMENTS)
def payment(request, payment_id: uuid.UUID):
    try:
        detail = selectors.payment_detail(
            actor=_actor(request), payment_id=payment_id, now=timezone.now()
        )
    except PaymentNotFound:
        raise Http404("no such payment") from None
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_PAYMENTS) from None
    return render(request, "payments/console_payment.html", {"p": detail})
