"""The console pages' filter forms. All read-only: each one narrows what a page shows.

Django's CharField already refuses NUL characters; dates are bounded as at the API.
"""

from datetime import datetime, timedelta

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.core.dates import business_time_zone
from hujin.core.money import CURRENCY_EXPONENTS
from hujin.ledger.errors import StatementPeriodInvalid
from hujin.ledger.schemas import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_SEQ,
)
from hujin.ledger.validation import CODE_RE, statement_period_check

KIND_LABELS = {
    "asset": _("Asset"),
    "liability": _("Liability"),
    "equity": _("Equity"),
    "income": _("Income"),
    "expense": _("Expense"),
}
TRANSFER_KIND_LABELS = {
    "single": _("Posted"),
    "pending": pgettext_lazy("ledger", "Pending"),
    "post_pending": _("Post pending"),
    "void_pending": _("Void pending"),
    "expire_pending": _("Pending expired"),
}
PENDING_STATUS_LABELS = {
    "pending": pgettext_lazy("ledger", "Pending"),
    "posted": _("Posted"),
    "voided": _("Voided"),
    "expired": _("Expired"),
}
SIDE_LABELS = {"debit": _("Debit"), "credit": _("Credit")}
MADE_BY_LABELS = {
    "staff": _("Staff member"),
    "customer": _("Customer"),
    "api_key": _("API key"),
    "system": _("System"),
    "unknown": _("Not recorded"),
}

CURRENCY_CHOICES = [("", _("Any currency"))] + [(c, c) for c in sorted(CURRENCY_EXPONENTS)]
_DATE_BOUNDS = [MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)]
_SEQ_BOUNDS = [MinValueValidator(0), MaxValueValidator(MAX_SEQ)]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """To the second, as the pages show times."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__({"step": "1", **(attrs or {})}, format="%Y-%m-%dT%H:%M:%S")


class AccountSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off",
                                      "placeholder": _("Code, name, owner or id")}),
    )  # fmt: skip
    currency = forms.ChoiceField(label=_("Currency"), required=False, choices=CURRENCY_CHOICES)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False,
        choices=[("", _("Any kind")), *KIND_LABELS.items()],
    )  # fmt: skip
    after = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


class BalancesAsOfForm(forms.Form):
    """Balances at a past moment (read in the business time zone) or at a day's end."""

    as_of = forms.DateTimeField(
        label=_("As of (date and time)"), required=False, widget=DateTimeInput,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )  # fmt: skip
    business_date = forms.DateField(
        label=_("At the end of business date"), required=False, widget=DateInput,
        validators=_DATE_BOUNDS,
    )  # fmt: skip
    before = forms.IntegerField(required=False, validators=_SEQ_BOUNDS, widget=forms.HiddenInput)

    def clean_as_of(self):
        value = self.cleaned_data.get("as_of")
        if value is None:
            return None
        # The field made it aware in the current time zone; staff mean the business time zone.
        naive = value.replace(tzinfo=None) if value.tzinfo else value
        if not (EARLIEST_DATE.year <= naive.year <= LATEST_DATE.year - 1):
            raise forms.ValidationError(_("Choose a date between 1970 and 9998."))
        return datetime.combine(naive.date(), naive.time(), tzinfo=business_time_zone())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("as_of") and cleaned.get("business_date"):
            raise forms.ValidationError(_("Choose a moment or a business date, not both."))
        return cleaned

    @staticmethod
    def through_second(as_of: datetime) -> datetime:
        """The last moment balances "as of" ``as_of`` include: the pages show times to the
        second while the ledger records them to the microsecond, so a transfer shown at
        10:00:05 is in the balances as of 10:00:05."""
        return as_of.replace(microsecond=0) + timedelta(microseconds=999_999)


class StatementForm(forms.Form):
    from_date = forms.DateField(
        label=pgettext_lazy("date range", "From"), widget=DateInput, validators=_DATE_BOUNDS
    )
    to_date = forms.DateField(
        label=pgettext_lazy("date range", "To"), widget=DateInput, validators=_DATE_BOUNDS
    )
    after = forms.IntegerField(required=False, validators=_SEQ_BOUNDS, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("from_date") and cleaned.get("to_date"):
            try:
                statement_period_check(cleaned["from_date"], cleaned["to_date"])
            except StatementPeriodInvalid:
                raise forms.ValidationError(
                    _("A statement runs from a date to the same or a later date, "
                      "at most 366 days.")
                ) from None  # fmt: skip
        return cleaned


class TransferFilterForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), required=False, max_length=64,
        validators=[RegexValidator(CODE_RE, _("Letters, digits and _.:- only."))],
    )  # fmt: skip
    kind = forms.ChoiceField(
        label=_("Kind"), required=False,
        choices=[("", _("Any kind")), *TRANSFER_KIND_LABELS.items()],
    )  # fmt: skip
    business_date = forms.DateField(
        label=_("Business date"), required=False, widget=DateInput, validators=_DATE_BOUNDS
    )
    before = forms.IntegerField(required=False, validators=_SEQ_BOUNDS, widget=forms.HiddenInput)


class TrialBalanceForm(forms.Form):
    currency = forms.ChoiceField(label=_("Currency"), required=False, choices=CURRENCY_CHOICES)
