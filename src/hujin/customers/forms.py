"""Forms: shape checks only; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.customers import documents
from hujin.customers.models import DocumentType

PERSON_DOCUMENT_CHOICES = [
    (value, label) for value, label in DocumentType.choices if value != documents.USCC
]


class KycForm(forms.Form):
    legal_name = forms.CharField(
        label=_("Full legal name"),
        max_length=100,
        help_text=_("Exactly as written on your identity document."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    document_type = forms.ChoiceField(label=_("Identity document"), choices=PERSON_DOCUMENT_CHOICES)
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class KybForm(forms.Form):
    company_name = forms.CharField(
        label=_("Company name"),
        max_length=100,
        help_text=_("As registered on the business licence."),
    )
    uscc = forms.CharField(
        label=_("Unified Social Credit Code"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    representative_name = forms.CharField(label=_("Legal representative's name"), max_length=100)
    representative_document_type = forms.ChoiceField(
        label=_("Legal representative's identity document"), choices=PERSON_DOCUMENT_CHOICES
    )
    representative_document_number = forms.CharField(
        label=_("Legal representative's document number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    operators = forms.CharField(
        label=_("Authorised operators"),
        required=False,
        help_text=_(
            "Identity document numbers of verified Hujin customers who may act for the "
            "company, one per line (at most 10)."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
    )

    def operator_numbers(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data["operators"].splitlines() if line.strip()
        ]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, mobile or document number"),
        required=False,
        max_length=100,
        help_text=_("Exact match only."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", pgettext_lazy("review decision", "Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        help_text=_("Required when rejecting; the customer sees it."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
