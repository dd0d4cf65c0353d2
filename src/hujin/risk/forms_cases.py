"""The case pages' forms: the queue's view, a note, a file, the assignee, a freeze request and
the closing. They check what a browser can get wrong; the services check everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.risk.cases_attachments import MAX_BYTES
from hujin.risk.cases_names import CONCLUSIONS, TYPOLOGIES
from hujin.risk.cases_work import NARRATIVE_MAX, NARRATIVE_MIN, NOTE_MAX, REASON_MAX

QUEUE_VIEWS = {
    "open": pgettext_lazy("cases", "Open"),
    "mine": pgettext_lazy("cases", "Assigned to me"),
    "overdue": pgettext_lazy("cases", "Overdue"),
    "closed": pgettext_lazy("cases", "Closed"),
    "all": pgettext_lazy("cases", "All"),
}


class OpenForm(forms.Form):
    title = forms.CharField(label=_("What is to be looked into"), max_length=200)
    customer = forms.UUIDField(widget=forms.HiddenInput)
    back = forms.UUIDField(widget=forms.HiddenInput, required=False)


class JoinForm(forms.Form):
    alert = forms.UUIDField(widget=forms.HiddenInput)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, PNG, JPEG, CSV or plain text, at most 10 MB; kept encrypted."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.png,.jpg,.jpeg,.csv,.txt,application/pdf,image/png,"
                             "image/jpeg,text/csv,text/plain"}),
    )  # fmt: skip
    max_bytes = MAX_BYTES


class AssignForm(forms.Form):
    """The staff who may work the case as choices; whether the one chosen may is the service's
    to say (``case_assign``)."""

    assignee = forms.UUIDField(label=_("Give the case to"), widget=forms.Select)

    def staff_set(self, staff) -> "AssignForm":
        self.fields["assignee"].widget.choices = list(staff)
        return self


class FreezeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Another person approves the freeze in the approvals inbox."),
    )  # fmt: skip


class CloseForm(forms.Form):
    conclusion = forms.ChoiceField(label=_("Conclusion"), widget=forms.RadioSelect,
                                   choices=list(CONCLUSIONS.items()))  # fmt: skip
    typology = forms.ChoiceField(
        label=_("Typology"), required=False,
        choices=[("", _("— choose when suspicious —")), *TYPOLOGIES.items()],
    )  # fmt: skip
    narrative = forms.CharField(
        label=_("Narrative"), min_length=NARRATIVE_MIN, max_length=NARRATIVE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was found and why it is, or is not, suspicious: at least 20 "
                    "characters. A suspicious case drafts its report with this text."),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("conclusion") == "suspicious" and not data.get("typology"):
            self.add_error("typology", _("Choose the typology of a suspicious case."))
        return data
