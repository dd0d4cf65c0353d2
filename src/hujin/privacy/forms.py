from django import forms
from django.utils.translation import gettext_lazy as _

from hujin.privacy.models import DataSubjectRequest
from hujin.privacy.services.requests import (
    CORRECTION_FIELDS,
    DETAILS_MAX_CHARS,
    RESOLUTION_MAX_CHARS,
)


class CorrectionForm(forms.Form):
    field = forms.ChoiceField(
        label=_("Which information is wrong?"),
        choices=[("", "—"), *CORRECTION_FIELDS.items()],
    )
    details = forms.CharField(
        label=_("What is wrong, and what should it be?"),
        max_length=DETAILS_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("We may ask you for a document that shows the correct information."),
    )


class DeletionForm(forms.Form):
    details = forms.CharField(
        label=_("Reason (optional)"),
        max_length=DETAILS_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that my account will be closed and I will no longer be able to log in."
        ),
    )


class ResolutionForm(forms.Form):
    resolution = forms.CharField(
        label=_("Resolution (the customer reads this)"),
        max_length=RESOLUTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class WorklistFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Still open")), *DataSubjectRequest.Status.choices],
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *DataSubjectRequest.Kind.choices],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
