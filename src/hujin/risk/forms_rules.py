"""The rule editor's form, and how a refusal of the rule store is said next to its field: a
condition's error with its line and column, the line itself with a caret under the place, and
for a misspelt name the one probably meant — in the page's language."""

import difflib

from django import forms
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from hujin.risk.errors import ExpressionInvalid, RuleInvalid
from hujin.risk.expressions import EVENT_VOCABULARY
from hujin.risk.rulebook import LIMITS
from hujin.risk.rulebook_names import OUTCOMES

REFUSALS = {
    "code": gettext_lazy(
        "3 to 64 capital letters, digits, _ or -, starting with a letter, such as BIG-PAYOUT."
    ),
    "outcome": gettext_lazy("Choose what the rule does when it fires."),
    "score": gettext_lazy("A whole number from 0 to 100."),
    "name_en": gettext_lazy("Write the name in English (at most 200 characters)."),
    "name_zh": gettext_lazy("Write the name in Chinese (at most 200 characters)."),
    "reason_en": gettext_lazy("Write the reason in English (at most 300 characters)."),
    "reason_zh": gettext_lazy("Write the reason in Chinese (at most 300 characters)."),
    "source": gettext_lazy("At most 300 characters."),
    "note": gettext_lazy("At most 500 characters."),
}


class RuleForm(forms.Form):
    code = forms.CharField(
        label=pgettext_lazy("risk rule", "Code"), max_length=64,
        help_text=format_lazy(gettext_lazy("Capital letters, digits, _ or -, such as {code}."),
                              code=mark_safe("<code>BIG-PAYOUT</code>")),
    )  # fmt: skip
    name_en = forms.CharField(label=gettext_lazy("Name in English"),
                              max_length=LIMITS["name_en"])  # fmt: skip
    name_zh = forms.CharField(label=gettext_lazy("Name in Chinese"),
                              max_length=LIMITS["name_zh"])  # fmt: skip
    condition = forms.CharField(
        label=gettext_lazy("Condition"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocapitalize": "off",
                                     "autocomplete": "off", "class": "condition-input"}),
        help_text=format_lazy(
            gettext_lazy("Such as: {example}. Amounts are in fen; {yuan} is n yuan. A condition "
                         "over several lines goes in parentheses."),
            example=mark_safe('<code>direction == "out" and amount &gt;= yuan(200000)</code>'),
            yuan=mark_safe("<code>yuan(n)</code>"),
        ),
    )  # fmt: skip
    outcome = forms.ChoiceField(label=gettext_lazy("When it fires"),
                                choices=list(OUTCOMES.items()))  # fmt: skip
    score = forms.IntegerField(label=gettext_lazy("Score (0–100)"), min_value=0, max_value=100)
    reason_en = forms.CharField(label=gettext_lazy("Reason in English"),
                                max_length=LIMITS["reason_en"])  # fmt: skip
    reason_zh = forms.CharField(label=gettext_lazy("Reason in Chinese"),
                                max_length=LIMITS["reason_zh"])  # fmt: skip
    source = forms.CharField(
        label=gettext_lazy("Source"), max_length=LIMITS["source"], required=False,
        help_text=gettext_lazy("The regulation a threshold comes from, or the typology."),
    )  # fmt: skip
    note = forms.CharField(
        label=gettext_lazy("What changed, and why"), max_length=LIMITS["note"], required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(self, *args, new: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not new:
            del self.fields["code"]

    @classmethod
    def of(cls, version) -> "RuleForm":
        """A form prefilled from ``version`` (the rule's latest), for its next version."""
        fields = ("name_en", "name_zh", "condition", "outcome", "score", "reason_en",
                  "reason_zh", "source")  # fmt: skip
        return cls(initial={f: getattr(version, f) for f in fields})


def condition_problem(error: ExpressionInvalid, text: str) -> dict:
    """What the page says of a refused condition: where, what, the line with a caret under the
    place, and the name probably meant."""
    details = error.details or {}
    line, column = int(details.get("line") or 1), int(details.get("column") or 1)
    lines = (text or "").replace("\r\n", "\n").strip().split("\n")
    shown = lines[line - 1] if 0 < line <= len(lines) else ""
    name = details.get("name", "")
    close = difflib.get_close_matches(name, EVENT_VOCABULARY, n=1) if name else []
    message = _("Unknown name “%(name)s”.") % {"name": name} if name else str(error.message)
    return {
        "line": line, "column": column, "message": message, "name": name,
        "suggestion": close[0] if close else "",
        "excerpt": shown, "caret": " " * (max(column, 1) - 1) + "^",
    }  # fmt: skip


def condition_error_text(problem: dict) -> str:
    where = _("Line %(line)d, column %(column)d") % problem
    text = _("%(where)s: %(what)s") % {"where": where, "what": problem["message"]}
    if problem["suggestion"]:
        text += " " + _("Did you mean “%(name)s”?") % {"name": problem["suggestion"]}
    return text


def refused(form: forms.Form, error: RuleInvalid) -> None:
    """Put the store's refusal next to the field it names (or above the form)."""
    field = str((error.details or {}).get("field", ""))
    if field == "code" and (error.details or {}).get("reason") == "exists":
        form.add_error(field, _("A rule with this code exists: write its next version from its "
                                "page."))  # fmt: skip
    elif field in form.fields:
        form.add_error(field, REFUSALS.get(field, error.message))
    else:
        form.add_error(None, error.message)
