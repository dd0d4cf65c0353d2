"""The console's pages over the rules money moves under and the payments a screen held:

- "Limits and fees" (staff holding ``payments.view_payments`` or ``manage_payment_rules``): both
  tables; who may change them adds a limit rule for a tier and level, edits a rule (amounts typed
  in yuan, the rate as a percentage), removes a narrower one and edits a fee.
- "Payments held for review" (``payments.review_payments``): the queue, and one held payment
  with Release and Reject, each with its note.

Every refusal of the services is shown next to the field it names. Each view makes one domain
call (a refused form is drawn again from its page's read)."""

import uuid
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hujin.core.errors import HujinError
from hujin.core.errors import PermissionDenied as HujinPermissionDenied
from hujin.core.money import InvalidAmount, format_minor, parse_amount
from hujin.identity.access import staff_actor, staff_required
from hujin.payments import selectors
from hujin.payments.errors import NotHeldForReview, PaymentNotFound, RuleInvalid
from hujin.payments.permissions import MANAGE_PAYMENT_RULES, REVIEW_PAYMENTS, VIEW_PAYMENTS
from hujin.payments.services import (
    fee_rule_set,
    limit_rule_delete,
    limit_rule_set,
    payment_review_reject,
    payment_review_release,
)
from hujin.payments.types import PAYMENT_KINDS

CURRENCY = "CNY"
# The service's field (RuleInvalid.details.field) -> the form's field, and what to say there.
FIELDS = {
    "kind": "kind", "tier": "tier", "level": "level", "note": "note",
    "per_transaction_minor": "per_transaction", "per_day_minor": "per_day",
    "per_month_minor": "per_month", "free_per_month": "free_per_month", "rate": "rate",
    "fixed_minor": "fixed", "minimum_minor": "minimum", "maximum_minor": "maximum",
}  # fmt: skip
REFUSALS = {
    "kind": gettext_lazy("Choose a kind of payment."),
    "tier": gettext_lazy("Type a tier's name, or * for every tier."),
    "level": gettext_lazy("Choose a verification level."),
    "per_transaction": gettext_lazy(
        "Above zero and no more than the daily limit, or empty for no limit."
    ),
    "per_day": gettext_lazy(
        "Above zero, at least the limit per payment and no more than the monthly limit, or "
        "empty for no limit."
    ),
    "per_month": gettext_lazy("Above zero and at least the daily limit, or empty for no limit."),
    "free_per_month": gettext_lazy("A whole number from 0 to 1,000."),
    "rate": gettext_lazy("A percentage below 100 with at most four decimals, such as 0.1."),
    "fixed": gettext_lazy("An amount of zero or more."),
    "minimum": gettext_lazy("An amount of zero or more."),
    "maximum": gettext_lazy("At least the minimum, or empty for no maximum."),
    "note": gettext_lazy("Write a note of at most 500 characters."),
}


class YuanField(forms.CharField):
    """An amount typed in yuan ("5000.00", "5,000", "¥5000") -> fen; empty -> None."""

    MAX_LENGTH = 24  # checked on the text typed (the value is fen)

    def widget_attrs(self, widget):
        attrs = {"inputmode": "decimal", "autocomplete": "off", "maxlength": self.MAX_LENGTH}
        return {**super().widget_attrs(widget), **attrs}

    def to_python(self, value):
        text = (super().to_python(value) or "").replace(",", "").replace("¥", "").strip()
        if not text:
            return None
        try:
            if len(text) > self.MAX_LENGTH:
                raise InvalidAmount("too long")
            return parse_amount(text, CURRENCY)
        except InvalidAmount:
            raise forms.ValidationError(
                _("Type an amount in yuan, such as 5000.00."), code="amount"
            ) from None


def _yuan(minor: int | None) -> str:
    return "" if minor is None else format_minor(minor, CURRENCY)


class LimitForm(forms.Form):
    per_transaction = YuanField(label=gettext_lazy("Per payment (yuan)"), required=False)
    per_day = YuanField(label=gettext_lazy("Per day (yuan)"), required=False)
    per_month = YuanField(label=gettext_lazy("Per month (yuan)"), required=False)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=200)

    @classmethod
    def of(cls, rule) -> "LimitForm":
        return cls(
            initial={
                "per_transaction": _yuan(rule.per_transaction_minor),
                "per_day": _yuan(rule.per_day_minor),
                "per_month": _yuan(rule.per_month_minor),
                "note": rule.note,
            }
        )


class LimitAddForm(LimitForm):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"))
    tier = forms.CharField(
        label=pgettext_lazy("customer tier", "Tier"), max_length=32, initial="standard",
        help_text=gettext_lazy(
            "A tier's name (the default tier is filled in), or * for every tier."
        ),
    )  # fmt: skip
    level = forms.ChoiceField(label=pgettext_lazy("limit level", "Level"))
    field_order = ["kind", "tier", "level", "per_transaction", "per_day", "per_month", "note"]

    def __init__(self, *args, kinds=(), levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(kinds)
        self.fields["level"].choices = list(levels)


class FeeForm(forms.Form):
    free_per_month = forms.IntegerField(
        label=gettext_lazy("Free each month"), min_value=0, max_value=1000
    )
    rate = forms.CharField(
        label=gettext_lazy("Rate (%)"), max_length=12,
        help_text=gettext_lazy("A percentage of the amount: 0.1 is 0.1 %."),
    )  # fmt: skip
    fixed = YuanField(label=gettext_lazy("Fixed part (yuan)"))
    minimum = YuanField(label=gettext_lazy("Minimum (yuan)"))
    maximum = YuanField(label=gettext_lazy("Maximum (yuan)"), required=False)

    def clean_rate(self) -> Decimal:
        text = self.cleaned_data["rate"].replace("%", "").strip()
        try:
            percent = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(REFUSALS["rate"], code="rate") from None
        if not percent.is_finite():
            raise forms.ValidationError(REFUSALS["rate"], code="rate")
        return percent.scaleb(-2)  # the fraction the rule keeps: 0.1 % -> 0.001

    @classmethod
    def of(cls, rule) -> "FeeForm":
        return cls(initial={"free_per_month": rule.free_per_month, "rate": rule.rate_percent,
                            "fixed": _yuan(rule.fixed_minor), "minimum": _yuan(rule.minimum_minor),
                            "maximum": _yuan(rule.maximum_minor)})  # fmt: skip


def _refused(form: forms.Form, exc: RuleInvalid) -> None:
    """Put the service's refusal next to the field it names (or above the form)."""
    field = FIELDS.get(str((exc.details or {}).get("field", "")))
    if field in form.fields:
        form.add_error(field, REFUSALS.get(field, exc.message))
    else:
        form.add_error(None, exc.message)


def _actor(request):
    return staff_actor(request.user)


def _rules(request):
    try:
        return selectors.payment_rules(actor=_actor(request))
    except HujinPermissionDenied:
        raise PermissionDenied(MANAGE_PAYMENT_RULES) from None


def _rules_page(request, page, add_form, status=200):
    return render(request, "payments/rules.html", {"page": page, "add_form": add_form},
                  status=status)  # fmt: skip


@require_GET
@staff_required(permission=VIEW_PAYMENTS)  # every role that manages the rules also has it
def rules(request):
    page = _rules(request)
    add_form = LimitAddForm(kinds=page.kinds, levels=page.levels) if page.may_manage else None
    return _rules_page(request, page, add_form)


def _limit_set(request, form, *, kind, tier, level) -> bool:
    data = form.cleaned_data
    try:
        limit_rule_set(
            actor=_actor(request), kind=kind, tier=tier, level=level,
            per_transaction_minor=data["per_transaction"], per_day_minor=data["per_day"],
            per_month_minor=data["per_month"], note=data["note"], now=timezone.now(),
        )  # fmt: skip
    except HujinPermissionDenied:
        raise PermissionDenied(MANAGE_PAYMENT_RULES) from None
    except RuleInvalid as exc:
        _refused(form, exc)
        return False
    return True


@require_POST
@staff_required(permission=MANAGE_PAYMENT_RULES)
def limit_add(request):
    page = _rules(request)
    form = LimitAddForm(request.POST, kinds=page.kinds, levels=page.levels)
    if form.is_valid():
        data = form.cleaned_data
        if _limit_set(request, form, kind=data["kind"], tier=data["tier"], level=data["level"]):
            messages.success(request, _("The limit rule is saved. It applies to the next payment."))
            return redirect("payments:rules")
    return _rules_page(request, page, form, status=400)


def _limit_rule(request, rule_id):
    try:
        return selectors.limit_rule_get(actor=_actor(request), rule_id=rule_id)
    except selectors.LimitRuleNotFound:
        raise Http404("no such limit rule") from None
    except HujinPermissionDenied:
        raise PermissionDenied(MANAGE_PAYMENT_RULES) from None


@require_http_methods(["GET", "POST"])
@staff_required(permission=MANAGE_PAYMENT_RULES)
def limit_edit(request, rule_id: uuid.UUID):
    rule = _limit_rule(request, rule_id)
    form = LimitForm(request.POST) if request.method == "POST" else LimitForm.of(rule)
    saved = request.method == "POST" and form.is_valid()
    if saved and _limit_set(request, form, kind=rule.kind, tier=rule.tier, level=rule.level):
        messages.success(request, _("The limit rule is saved. It applies to the next payment."))
        return redirect("payments:rules")
    status = 400 if form.is_bound else 200
    return render(request, "payments/rules_limit.html", {"rule": rule, "form": form},
                  status=status)  # fmt: skip


@require_POST
@staff_required(permission=MANAGE_PAYMENT_RULES)
def limit_delete(request, rule_id: uuid.UUID):
    try:
        limit_rule_delete(actor=_actor(request), rule_id=rule_id, now=timezone.now())
    except HujinPermissionDenied:
        raise PermissionDenied(MANAGE_PAYMENT_RULES) from None
    except RuleInvalid as exc:
        if (exc.details or {}).get("field") == "rule":
            raise Http404("no such limit rule") from None
        messages.error(request, _("The rule for every customer of a kind cannot be removed."))
        return redirect("payments:rules")
    messages.success(
        request, _("The rule is removed: its customers now follow the next wider rule.")
    )
    return redirect("payments:rules")


@require_http_methods(["GET", "POST"])
@staff_required(permission=MANAGE_PAYMENT_RULES)
def fee_edit(request, kind: str):
    if kind not in PAYMENT_KINDS:
        raise Http404("no such kind")
    try:
        rule = selectors.fee_rule_get(actor=_actor(request), kind=kind)
    except selectors.FeeRuleNotFound:
        raise Http404("no fee rule") from None
    except HujinPermissionDenied:
        raise PermissionDenied(MANAGE_PAYMENT_RULES) from None
    form = FeeForm(request.POST) if request.method == "POST" else FeeForm.of(rule)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            fee_rule_set(
                actor=_actor(request), kind=kind, free_per_month=data["free_per_month"],
                rate=data["rate"], fixed_minor=data["fixed"], minimum_minor=data["minimum"],
                maximum_minor=data["maximum"], now=timezone.now(),
            )  # fmt: skip
        except HujinPermissionDenied:
            raise PermissionDenied(MANAGE_PAYMENT_RULES) from None
        except RuleInvalid as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The fee is saved. It applies to the next payment."))
            return redirect("payments:rules")
    status = 400 if form.is_bound else 200
    return render(request, "payments/rules_fee.html", {"rule": rule, "form": form},
                  status=status)  # fmt: skip


# -- payments held for review ------------------------------------------------------------------


@require_GET
@staff_required(permission=REVIEW_PAYMENTS)
def review_queue(request):
    try:
        queue = selectors.review_queue(actor=_actor(request), now=timezone.now())
    except HujinPermissionDenied:
        raise PermissionDenied(REVIEW_PAYMENTS) from None
    return render(request, "payments/review.html", {"queue": queue})


DECISIONS = {"release": payment_review_release, "reject": payment_review_reject}


def _decided(request, payment_id, action: str, note: str) -> str:
    """Release or reject; the error to show next to the note ("" when it was done)."""
    try:
        DECISIONS[action](payment_id=payment_id, actor=_actor(request), note=note,
                          now=timezone.now())  # fmt: skip
    except HujinPermissionDenied:
        raise PermissionDenied(REVIEW_PAYMENTS) from None
    except PaymentNotFound:
        raise Http404("no such payment") from None
    except RuleInvalid:
        return _("Write a note (at most 500 characters): it is kept with the decision.")
    except NotHeldForReview as exc:
        return str(exc.message)
    except HujinError as exc:
        return str(exc.message)
    return ""


@require_http_methods(["GET", "POST"])
@staff_required(permission=REVIEW_PAYMENTS)
def review_payment(request, payment_id: uuid.UUID):
    errors, notes = {}, {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in DECISIONS:
            return redirect("payments:review_payment", payment_id=payment_id)
        notes[action] = request.POST.get("note", "")
        errors[action] = _decided(request, payment_id, action, notes[action])
        if not errors[action]:
            done = {
                "release": _("Released: the payment goes on."),
                "reject": _("Rejected: the hold is released and the customer is told."),
            }
            messages.success(request, done[action])
            return redirect("payments:review")
    try:
        detail = selectors.held_payment(
            actor=_actor(request), payment_id=payment_id, now=timezone.now()
        )
    except PaymentNotFound:
        raise Http404("no such payment") from None
    except HujinPermissionDenied:
        raise PermissionDenied(REVIEW_PAYMENTS) from None
    context = {"d": detail, "p": detail.payment, "errors": errors, "notes": notes}
    return render(request, "payments/review_payment.html", context, status=400 if errors else 200)
