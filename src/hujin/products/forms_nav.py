"""The console's NAV and income forms: one business date by hand, or a CSV file."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from hujin.products import labels
from hujin.products import types as t
from hujin.products.forms import PercentField


class NavEntryForm(forms.Form):
    business_date = forms.DateField(
        label=_("Business date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    nav = forms.DecimalField(
        label=labels.NAV,
        required=False,
        decimal_places=4,
        max_digits=12,
        min_value=Decimal("0.0001"),
    )
    cumulative_nav = forms.DecimalField(
        label=labels.CUMULATIVE_NAV,
        required=False,
        decimal_places=4,
        max_digits=12,
        help_text=_("Empty: moves with the NAV."),
    )
    income_per_10k = forms.DecimalField(
        label=labels.INCOME_PER_10K, required=False, decimal_places=4, max_digits=12
    )
    yield_7d = PercentField(
        label=_("7-day annualised yield (%)"),
        required=False,
        below_100=True,
        help_text=_("Empty: computed from the last 7 days' income."),
    )
    confirmed = forms.BooleanField(
        label=_("Confirmed: publish even an unusually large change"), required=False
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        drop = (
            ("income_per_10k", "yield_7d") if kind == t.KIND_NAV_FUND else ("nav", "cumulative_nav")
        )
        for name in drop:
            del self.fields[name]
        first = "nav" if kind == t.KIND_NAV_FUND else "income_per_10k"
        self.fields[first].required = True


class NavImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
    confirmed = forms.BooleanField(
        label=_("Confirmed: publish even unusually large changes"), required=False
    )
