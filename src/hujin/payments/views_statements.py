"""The customer's statements in the portal: the history with its filters (a GET form, so a
filtered list is a link), the same list as CSV, and the printable statement of a month. Each
view checks its input and makes one selector call as the customer; another customer's payment
is never reached (the selectors scope by the customer).

The CSV is masked like the page and guarded against formula injection: a cell a spreadsheet
would read as a formula (it starts with = + - @, a tab or a carriage return) gets a leading '.
"""

import csv
import io

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_GET

from hujin.core.money import format_minor
from hujin.core.statuses import status_get
from hujin.identity.access import customer_actor, customer_required
from hujin.payments import selectors
from hujin.payments.statements import KIND_LABELS
from hujin.payments.types import PAYMENT_STATUSES

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _status_label(key: str) -> str:
    status = status_get(key)
    return str(status.label) if status is not None else key


class StatementFilterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    status = forms.ChoiceField(label=pgettext_lazy("payment", "Status"), required=False)
    from_date = forms.DateField(
        label=pgettext_lazy("date range", "From"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    to_date = forms.DateField(
        label=pgettext_lazy("date range", "To"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    before = forms.UUIDField(required=False, widget=forms.HiddenInput)
    after = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", pgettext("statement filter", "All"))]
        self.fields["kind"].choices = every + [
            (key, str(label)) for key, label in KIND_LABELS.items()
        ]
        # The states the vocabulary names (a state added before its word would show its key).
        self.fields["status"].choices = every + [
            (key, str(status_get(key).label)) for key in PAYMENT_STATUSES if status_get(key)
        ]

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                data["filters"] = selectors.statement_filters(
                    kind=data.get("kind") or "", status=data.get("status") or "",
                    from_date=data.get("from_date"), to_date=data.get("to_date"),
                )  # fmt: skip
            except selectors.StatementFilterInvalid as exc:
                raise forms.ValidationError(exc.message) from None
        return data


def _filters(request) -> tuple[StatementFilterForm, dict]:
    form = StatementFilterForm(request.GET or None)
    if request.GET and form.is_valid():
        return form, form.cleaned_data
    return form, {"filters": selectors.StatementFilters()}


@customer_required
@require_GET
def statements(request):
    form, data = _filters(request)
    actor = customer_actor(request.user)
    page = selectors.my_statement_page(
        actor=actor, filters=data["filters"], before=data.get("before"), after=data.get("after")
    )
    months = selectors.my_statement_months(actor=actor, now=timezone.now())
    context = {"form": form, "page": page, "months": months, "invalid": bool(form.errors)}
    return render(request, "payments/statements.html", context, status=400 if form.errors else 200)


def csv_cell(value) -> str:
    """A cell as text, with a leading ' when a spreadsheet would take it for a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


@customer_required
@require_GET
def statements_csv(request):
    form, data = _filters(request)
    if form.errors:
        return HttpResponse(_("The filters are not valid."), status=400, content_type="text/plain")
    rows = selectors.my_statement_rows(actor=customer_actor(request.user), filters=data["filters"])
    out = io.StringIO()
    out.write("\ufeff")  # so that a spreadsheet opens the Chinese as UTF-8
    writer = csv.writer(out)
    writer.writerow([
        pgettext("payment", "Requested"), _("Kind"), pgettext("payment", "Status"),
        _("Direction"), pgettext("payment", "Amount"), pgettext("payment", "Fee"),
        _("Currency"), _("Counterparty"), _("Reference"), _("Bank reference"),
    ])  # fmt: skip
    zone = timezone.get_current_timezone()
    for entry in rows:
        writer.writerow([
            csv_cell(value) for value in (
                entry.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"), entry.label,
                _status_label(entry.status),
                _("In") if entry.direction == "in" else _("Out"),
                format_minor(entry.amount_minor, entry.currency),
                format_minor(entry.fee_minor, entry.currency), entry.currency,
                entry.counterparty, entry.reference, entry.channel_reference,
            )
        ])  # fmt: skip
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="hujin-statement.csv"'
    return response


@customer_required
@require_GET
def statement_month(request, month: str):
    try:
        first_day = selectors.statement_month(month)
        statement = selectors.my_monthly_statement(
            actor=customer_actor(request.user), month=first_day, now=timezone.now()
        )
    except (selectors.StatementMonthInvalid, selectors.StatementMonthNotFound):
        raise Http404("no statement for that month") from None
    return render(request, "payments/statements_month.html", {"statement": statement})
