"""The console's lending forms: a loan product's terms (amounts in yuan, rates as percentages),
an analyst's review, the funds arrived, the loans' filters. Each turns what people type into
what the services take (integer fen, annual Decimal rates)."""

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.lending import types as t
from hujin.lending.selectors.console import (
    BUCKETS,
    CLASSES,
    DAY_COUNT_LABELS,
    METHOD_LABELS,
    PART_LABELS,
    TERM_UNIT_LABELS,
)

HUNDRED = Decimal(100)


def yuan_field(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(label=label, min_value=Decimal("0.01"), max_digits=14,
                              decimal_places=2, **kwargs)  # fmt: skip


def percent_field(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(label=label, min_value=Decimal(0), max_value=Decimal("99.9999"),
                              max_digits=8, decimal_places=4, **kwargs)  # fmt: skip


def fen(value: Decimal) -> int:
    return int((value * HUNDRED).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rate(value: Decimal) -> Decimal:
    return (value / HUNDRED).quantize(Decimal("0.000001"))


class ProductForm(forms.Form):
    """Every field of ``types.ProductInput``."""

    code = forms.CharField(label=_("Code"), max_length=32)
    name_zh = forms.CharField(label=_("Name in Chinese"), max_length=100)
    name_en = forms.CharField(label=_("Name in English"), max_length=100)
    min_amount = yuan_field(_("Smallest amount (yuan)"))
    max_amount = yuan_field(_("Largest amount (yuan)"))
    term_unit = forms.ChoiceField(label=_("Term counted in"),
                                  choices=list(TERM_UNIT_LABELS.items()))  # fmt: skip
    min_term = forms.IntegerField(label=_("Shortest term"), min_value=1)
    max_term = forms.IntegerField(label=_("Longest term"), min_value=1)
    method = forms.ChoiceField(label=_("Repayment method"), choices=list(METHOD_LABELS.items()))
    day_count = forms.ChoiceField(label=_("Interest day count"), initial=t.ACT_365,
                                  choices=list(DAY_COUNT_LABELS.items()))  # fmt: skip
    min_rate = percent_field(_("Lowest annual rate (%)"))
    max_rate = percent_field(_("Highest annual rate (%)"))
    penalty_rate = percent_field(_("Penalty interest, annual (%)"))
    upfront_fee_rate = percent_field(_("One-off fee, of the principal (%)"), initial=0)
    instalment_fee_rate = percent_field(_("Fee per instalment, of the principal (%)"), initial=0)
    grace_days = forms.IntegerField(label=_("Grace days"), min_value=0, max_value=30, initial=0)
    prepayment_allowed = forms.BooleanField(label=_("Prepayment allowed"), required=False,
                                            initial=True)  # fmt: skip
    prepayment_fee_rate = percent_field(_("Prepayment fee, of the principal repaid (%)"),
                                        initial=0)  # fmt: skip
    allocation_1 = forms.ChoiceField(label=_("A repayment pays first"))
    allocation_2 = forms.ChoiceField(label=_("then"))
    allocation_3 = forms.ChoiceField(label=_("then"))
    allocation_4 = forms.ChoiceField(label=_("and last"))
    min_age = forms.IntegerField(label=_("Youngest borrower (years)"), min_value=18, initial=18)
    max_age = forms.IntegerField(label=_("Oldest borrower (years)"), max_value=100, initial=60)
    min_score = forms.IntegerField(label=_("Lowest score"), min_value=0, max_value=1000,
                                   initial=0)  # fmt: skip
    max_debt_to_income = forms.DecimalField(
        label=_("Highest monthly debt to income (%)"), min_value=Decimal(1),
        max_value=Decimal(500), max_digits=5, decimal_places=0, initial=50,
    )  # fmt: skip
    description_zh = forms.CharField(label=_("Description in Chinese"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    description_en = forms.CharField(label=_("Description in English"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

    # the services' field names -> the form's
    SERVICE_FIELDS = {"min_amount_minor": "min_amount", "max_amount_minor": "max_amount",
                      "allocation_order": "allocation_1"}  # fmt: skip
    PERCENT_FIELDS = ("min_rate", "max_rate", "penalty_rate", "upfront_fee_rate",
                      "instalment_fee_rate", "prepayment_fee_rate")  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parts = list(PART_LABELS.items())
        for n, default in enumerate(t.DEFAULT_ALLOCATION, start=1):
            self.fields[f"allocation_{n}"].choices = parts
            self.fields[f"allocation_{n}"].initial = default

    def clean(self):
        data = super().clean()
        order = [data.get(f"allocation_{n}") for n in range(1, 5)]
        if all(order) and sorted(order) != sorted(t.PARTS):
            self.add_error("allocation_1", _("Name each part once."))
        return data

    def product_input(self) -> t.ProductInput:
        d = self.cleaned_data
        return t.ProductInput(
            code=d["code"], name_zh=d["name_zh"], name_en=d["name_en"],
            min_amount_minor=fen(d["min_amount"]), max_amount_minor=fen(d["max_amount"]),
            term_unit=d["term_unit"], min_term=d["min_term"], max_term=d["max_term"],
            method=d["method"], day_count=d["day_count"],
            **{f: rate(d[f] or Decimal(0)) for f in self.PERCENT_FIELDS},
            grace_days=d["grace_days"] or 0, prepayment_allowed=d["prepayment_allowed"],
            allocation_order=tuple(d[f"allocation_{n}"] for n in range(1, 5)),
            min_age=d["min_age"], max_age=d["max_age"], min_score=d["min_score"] or 0,
            max_debt_to_income=(d["max_debt_to_income"] / HUNDRED).quantize(Decimal("0.01")),
            description_zh=d["description_zh"], description_en=d["description_en"],
        )  # fmt: skip

    @classmethod
    def initial_of(cls, product) -> dict:
        initial = {name: getattr(product, name) for name in (
            "code", "name_zh", "name_en", "term_unit", "min_term", "max_term", "method",
            "day_count", "grace_days", "prepayment_allowed", "min_age", "max_age", "min_score",
            "description_zh", "description_en")}  # fmt: skip
        initial["min_amount"] = Decimal(product.min_amount_minor) / HUNDRED
        initial["max_amount"] = Decimal(product.max_amount_minor) / HUNDRED
        for f in cls.PERCENT_FIELDS:
            initial[f] = (Decimal(getattr(product, f)) * HUNDRED).normalize()
        initial["max_debt_to_income"] = (Decimal(product.max_debt_to_income) * HUNDRED).normalize()
        for n, part in enumerate(product.allocation_order, start=1):
            initial[f"allocation_{n}"] = part
        return initial


class MoveForm(forms.Form):
    action = forms.ChoiceField(choices=[("suspend", "suspend"), ("resume", "resume"),
                                        ("close", "close")])  # fmt: skip


class SubmitForm(forms.Form):
    reason = forms.CharField(label=_("What compliance should know"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("approve", pgettext_lazy("loan decision", "Approve")),
        ("decline", pgettext_lazy("loan decision", "Decline")),
    ])  # fmt: skip
    amount = yuan_field(_("Amount to lend (yuan)"), required=False)
    rate = percent_field(_("Annual rate (%)"), required=False)
    note = forms.CharField(label=_("Note"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("decision") == "approve":
            for name in ("amount", "rate"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Needed to approve."))
        return data


class FundingForm(forms.Form):
    amount = yuan_field(_("Amount arrived (yuan)"))
    reference = forms.CharField(label=_("Bank reference"), max_length=64)


class LoanFilterForm(forms.Form):
    state = forms.ChoiceField(label=pgettext_lazy("loan", "State"), required=False)
    bucket = forms.ChoiceField(label=_("Overdue bucket"), required=False)
    classification = forms.ChoiceField(label=_("Classification"), required=False)
    product = forms.ChoiceField(label=_("Product"), required=False)

    def __init__(self, *args, products=(), state_labels=None, class_labels=None, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["state"].choices = everything + [
            (s, (state_labels or {}).get(s, s)) for s in t.LOAN_STATES
        ]
        self.fields["bucket"].choices = everything + [(b, b) for b in BUCKETS]
        self.fields["classification"].choices = everything + [
            (c, (class_labels or {}).get(c, c)) for c in CLASSES
        ]
        self.fields["product"].choices = everything + list(products)
