"""The console's "Payment channels" pages (staff holding ``payments.view_payments``; every role
that holds ``payments.manage_payment_rules`` holds it too, and only they get the forms):

- ``/payments/channels/``: the channels in the order routing tries them, each one's health, banks,
  maximum, cost and payments; who may change them adds a channel (a name and an adapter path:
  it starts disabled, to be set up before it takes payments).
- ``/payments/channels/<name>/``: one channel; who may change it gets the form (enabled, order,
  banks as checkboxes from the BIN table or typed as codes, the maximum and the fixed cost in
  yuan, the cost rate as a percentage). The adapter path is under "Technical details".

Every refusal of ``channel_configure`` is shown next to the field it names and changes nothing.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods

from hujin.core.errors import PermissionDenied as HujinPermissionDenied
from hujin.identity.access import staff_actor, staff_required
from hujin.payments import selectors
from hujin.payments.channels.routing import DEFAULT_CHANNEL
from hujin.payments.errors import RuleInvalid
from hujin.payments.permissions import MANAGE_PAYMENT_RULES, VIEW_PAYMENTS
from hujin.payments.services import channel_configure
from hujin.payments.views_rules import YuanField, _yuan

# The service's field (RuleInvalid.details.field) -> the form's field, and what to say there.
FIELDS = {
    "name": "name", "adapter": "adapter", "priority": "priority", "banks": "other_banks",
    "max_amount_minor": "max_amount", "cost_rate": "cost_rate",
    "cost_fixed_minor": "cost_fixed",
}  # fmt: skip
REFUSALS = {
    "name": gettext_lazy("At most 32 letters, digits, dashes or underscores, such as unionpay_2."),
    "adapter": gettext_lazy(
        "No payment channel adapter at this path, or one this installation may not use."
    ),
    "priority": gettext_lazy("A whole number from 0 to 1,000."),
    "other_banks": gettext_lazy("Bank codes of letters and digits, separated by commas."),
    "max_amount": gettext_lazy("Above zero, or empty for no maximum."),
    "cost_rate": gettext_lazy("A percentage below 100 with at most four decimals, such as 0.25."),
    "cost_fixed": gettext_lazy("An amount from zero to 100.00."),
}
PRIORITY_STEP = 10  # a new channel goes after the last one
PRIORITY_MAX = 1000


class ChannelForm(forms.Form):
    enabled = forms.BooleanField(label=gettext_lazy("Takes payments"), required=False)
    priority = forms.IntegerField(
        label=pgettext_lazy("channel", "Order"), min_value=0, max_value=PRIORITY_MAX,
        help_text=gettext_lazy("Lower first: a payment goes to the first channel that takes it."),
    )  # fmt: skip
    banks = forms.MultipleChoiceField(
        label=gettext_lazy("Banks"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked and no code typed: the channel serves every bank."),
    )  # fmt: skip
    other_banks = forms.CharField(
        label=gettext_lazy("Other bank codes"), required=False, max_length=400,
        help_text=gettext_lazy("Codes of banks not listed above, separated by commas."),
    )  # fmt: skip
    max_amount = YuanField(
        label=gettext_lazy("Maximum per payment (yuan)"), required=False,
        help_text=gettext_lazy("Empty: no maximum."),
    )  # fmt: skip
    cost_rate = forms.CharField(
        label=gettext_lazy("Cost rate (%)"), max_length=12,
        help_text=gettext_lazy("What the channel charges Hujin, a percentage of the amount."),
    )  # fmt: skip
    cost_fixed = YuanField(label=gettext_lazy("Fixed cost per payment (yuan)"), required=False)

    def __init__(self, *args, banks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["banks"].choices = [(b.code, b.name) for b in banks]

    def clean_cost_rate(self) -> Decimal:
        text = self.cleaned_data["cost_rate"].replace("%", "").strip()
        try:
            percent = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(REFUSALS["cost_rate"], code="cost_rate") from None
        if not percent.is_finite():
            raise forms.ValidationError(REFUSALS["cost_rate"], code="cost_rate")
        return percent.scaleb(-2)  # the fraction the channel keeps: 0.25 % -> 0.0025

    def clean_cost_fixed(self) -> int:
        return self.cleaned_data["cost_fixed"] or 0

    def bank_codes(self) -> list[str]:
        typed = [code.strip() for code in self.cleaned_data["other_banks"].split(",")]
        return [*self.cleaned_data["banks"], *(code for code in typed if code)]

    @classmethod
    def of(cls, channel, *, banks) -> "ChannelForm":
        listed = {b.code for b in banks}
        return cls(
            banks=banks,
            initial={
                "enabled": channel.enabled, "priority": channel.priority,
                "banks": [code for code in channel.banks if code in listed],
                "other_banks": ", ".join(code for code in channel.banks if code not in listed),
                "max_amount": _yuan(channel.max_amount_minor),
                "cost_rate": channel.cost_rate_percent,
                "cost_fixed": _yuan(channel.cost_fixed_minor),
            },
        )  # fmt: skip


class ChannelAddForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=32,
        help_text=gettext_lazy("Letters, digits and dashes, such as unionpay_2. It cannot change."),
    )  # fmt: skip
    adapter = forms.CharField(
        label=gettext_lazy("Adapter"), max_length=200,
        widget=forms.TextInput(attrs={"placeholder": DEFAULT_CHANNEL}),
        help_text=gettext_lazy("The Python path of the class that talks to the gateway."),
    )  # fmt: skip


def _refused(form: forms.Form, exc: RuleInvalid) -> None:
    """Put the service's refusal next to the field it names (or above the form)."""
    field = FIELDS.get(str((exc.details or {}).get("field", "")))
    if field in form.fields:
        form.add_error(field, REFUSALS.get(field, exc.message))
    else:
        form.add_error(None, exc.message)


def _actor(request):
    return staff_actor(request.user)


def _may_manage_or_403(actor) -> None:
    if not actor.has_scope(MANAGE_PAYMENT_RULES):
        raise PermissionDenied(MANAGE_PAYMENT_RULES)


def _configure(request, form, **values) -> bool:
    try:
        channel_configure(actor=_actor(request), now=timezone.now(), **values)
    except HujinPermissionDenied:
        raise PermissionDenied(MANAGE_PAYMENT_RULES) from None
    except RuleInvalid as exc:
        _refused(form, exc)
        return False
    return True


@require_http_methods(["GET", "POST"])
@staff_required(permission=VIEW_PAYMENTS)
def channels(request):
    """The table; a POST adds a channel (disabled, after the last one)."""
    actor = _actor(request)
    try:
        page = selectors.payment_channels(actor=actor, now=timezone.now())
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_PAYMENTS) from None
    form = ChannelAddForm() if page.may_manage else None
    if request.method == "POST":
        _may_manage_or_403(actor)
        form = ChannelAddForm(request.POST)
        if form.is_valid() and _add(request, form, page):
            messages.success(
                request,
                _("The channel is added and takes no payment yet: choose its banks, maximum "
                  "and cost, then tick Takes payments."),
            )  # fmt: skip
            return redirect("payments:channel", name=form.cleaned_data["name"].strip())
    status = 400 if form is not None and form.is_bound else 200
    return render(request, "payments/channels.html", {"page": page, "add_form": form},
                  status=status)  # fmt: skip


def _add(request, form: ChannelAddForm, page) -> bool:
    name = form.cleaned_data["name"].strip()
    if any(c.name == name for c in page.channels):
        form.add_error("name", _("A channel of this name exists: open it to change it."))
        return False
    last = max((c.priority for c in page.channels), default=0)
    return _configure(
        request, form, name=name, adapter=form.cleaned_data["adapter"], enabled=False,
        priority=min(PRIORITY_MAX, last + PRIORITY_STEP),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@staff_required(permission=VIEW_PAYMENTS)
def channel(request, name: str):
    """One channel; who may change it gets the form."""
    actor = _actor(request)
    try:
        row = selectors.payment_channel_get(actor=actor, name=name, now=timezone.now())
    except selectors.ChannelNotFound:
        raise Http404("no such channel") from None
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_PAYMENTS) from None
    may_manage = actor.has_scope(MANAGE_PAYMENT_RULES)
    banks = selectors.bank_choices()
    form = ChannelForm.of(row, banks=banks) if may_manage else None
    if request.method == "POST":
        _may_manage_or_403(actor)
        form = ChannelForm(request.POST, banks=banks)
        if form.is_valid() and _edit(request, form, row):
            messages.success(request, _("The channel is saved. It applies to the next payment."))
            return redirect("payments:channels")
    status = 400 if form is not None and form.is_bound else 200
    return render(request, "payments/channels_edit.html", {"c": row, "form": form}, status=status)


def _edit(request, form: ChannelForm, row) -> bool:
    data = form.cleaned_data
    return _configure(
        request, form, name=row.name, adapter=row.adapter, enabled=data["enabled"],
        priority=data["priority"], banks=form.bank_codes(), max_amount_minor=data["max_amount"],
        cost_rate=data["cost_rate"], cost_fixed_minor=data["cost_fixed"],
    )  # fmt: skip
