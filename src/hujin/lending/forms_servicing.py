"""The console's forms for working a loan in difficulty: a collector's note with an optional
promise to pay (the amount in yuan), and a risk analyst's requests for a downgrade, a
restructuring or a write-off, each with the reason the second person reads."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hujin.lending.forms_console import fen, yuan_field
from hujin.lending.selectors.console_servicing import CHANNEL_LABELS

NOTE_MAX = 2000  # servicing.TEXT_MAX
REASON_MAX = 1000  # what an approval request keeps (core.approvals.REASON_MAX_LENGTH)


def _reason() -> forms.CharField:
    return forms.CharField(label=_("Reason, for the person who approves"),
                           max_length=REASON_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class NoteForm(forms.Form):
    channel = forms.ChoiceField(label=_("How you reached the customer"),
                                choices=list(CHANNEL_LABELS.items()))  # fmt: skip
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    promise_date = forms.DateField(label=_("Promised to pay by (optional)"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    promise_amount = yuan_field(_("Amount promised, yuan (optional)"), required=False)

    def clean(self):
        data = super().clean()
        day, amount = data.get("promise_date"), data.get("promise_amount")
        if "promise_date" in self.errors or "promise_amount" in self.errors:
            return data
        if day is None and amount is not None:
            self.add_error("promise_date", _("A promise needs a date as well as an amount."))
        elif day is not None and amount is None:
            self.add_error("promise_amount", _("A promise needs an amount as well as a date."))
        return data

    def promise_amount_minor(self) -> int | None:
        amount = self.cleaned_data.get("promise_amount")
        return None if amount is None else fen(amount)


class DowngradeForm(forms.Form):
    prefix = "downgrade"
    to_class = forms.ChoiceField(label=_("Class it as"))
    reason = _reason()

    def __init__(self, *args, classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_class"].choices = list(classes)


class RestructureForm(forms.Form):
    prefix = "restructure"
    new_term = forms.IntegerField(label=_("New term (months)"), min_value=1, max_value=120)
    reason = _reason()


class WriteOffForm(forms.Form):
    prefix = "write_off"
    reason = _reason()
