"""The compliance console's forms: audit filters, the approve/reject decision and the subscriber
whose event deliveries to discard."""

from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.compliance.selectors import AuditFilters
from hujin.core.approvals import REASON_MAX_LENGTH

_MAX_ID = 2**63 - 1
_DATE_BOUNDS = [
    MinValueValidator(date(2000, 1, 1)),
    MaxValueValidator(date(2199, 12, 31)),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150)
    action = forms.CharField(
        label=_("Action"), required=False, max_length=64,
        help_text=_("Exact, or a prefix ending in a dot, e.g. “ledger.”"),
    )  # fmt: skip
    target_type = forms.CharField(label=_("Object type"), required=False, max_length=64)
    target_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    request_id = forms.CharField(label=_("Request id"), required=False, max_length=64)
    date_from = forms.DateField(
        label=pgettext_lazy("date range", "From"),
        required=False,
        widget=DateInput,
        validators=_DATE_BOUNDS,
    )
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "To"),
        required=False,
        widget=DateInput,
        validators=_DATE_BOUNDS,
    )
    before = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=_MAX_ID
    )
    after = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=0, max_value=_MAX_ID
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> AuditFilters:
        data = self.cleaned_data
        return AuditFilters(
            actor=data["actor"].strip(),
            action=data["action"].strip(),
            target_type=data["target_type"].strip(),
            target_id=data["target_id"].strip(),
            request_id=data["request_id"].strip(),
            date_from=data["date_from"],
            date_to=data["date_to"],
        )


class ApprovalFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)

    def __init__(self, *args, action_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Any action")), *action_choices]


class ApprovalDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the audit trail. Do not write personal data here."),
    )


class SubscriberDiscardForm(forms.Form):
    subscriber = forms.CharField(max_length=100, strip=False)
