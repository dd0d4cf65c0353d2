"""The console's alert queue and decision log (``risk.view_risk`` to see, ``risk.work_alerts`` to
triage):

- "Alerts": the alerts by state, source, rule and customer, the newest first, in pages; the
  filters swap the results in (htmx);
- an alert's page: the rule's name and reason, the customer, the movement, why the rule fired
  (the decision's findings), and the forms that dismiss it (with the reason) or escalate it;
- "Decision log": every decision kept, by outcome, kind, rule fired, customer and business days;
- a decision's page: each rule's finding, the values it read.

A payment a rule held is released or refused in payments' review queue: the pages link to it.
Each view makes one domain call; a refused triage is said next to its form."""

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from hujin.core.errors import PermissionDenied as HujinPermissionDenied
from hujin.identity.access import staff_actor, staff_required
from hujin.risk.alerts import REASON_MIN, alert_dismiss, alert_escalate
from hujin.risk.alerts_navigation import ALERT_STATES, OUTCOMES, alert_state_key, outcome_key
from hujin.risk.alerts_selectors import ALERT_SOURCES, AlertFilters, alert_detail, alert_queue
from hujin.risk.cases_selectors import case_of_alert
from hujin.risk.decisions_selectors import (
    KINDS,
    DecisionFilters,
    decision_detail,
    decision_log,
    rule_choices,
)
from hujin.risk.errors import (
    AlertNotFound,
    AlertStateInvalid,
    AlertTriageInvalid,
    DecisionNotFound,
)
from hujin.risk.permissions import VIEW_RISK, WORK_ALERTS
from hujin.risk.rulebook_names import OUTCOMES as RULE_OUTCOMES
from hujin.risk.words import KIND_LABELS, SOURCE_LABELS

PAGE_SIZE = 50
EVERYTHING = [("", gettext_lazy("All"))]


class AlertFilterForm(forms.Form):
    state = forms.ChoiceField(label=pgettext_lazy("alert", "State"), required=False,
                              initial="open")  # fmt: skip
    source = forms.ChoiceField(label=pgettext_lazy("alert", "Source"), required=False)
    code = forms.ChoiceField(label=gettext_lazy("Rule"), required=False)
    customer = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = EVERYTHING + [(k, v[0]) for k, v in ALERT_STATES.items()]
        self.fields["source"].choices = EVERYTHING + [(k, SOURCE_LABELS[k]) for k in ALERT_SOURCES]
        self.fields["code"].choices = EVERYTHING + [(r.code, f"{r.name} ({r.code})") for r in rules]

    def filters(self) -> AlertFilters:
        """The valid fields' filters (an invalid one is shown and ignored); the open alerts
        when nothing is asked."""
        if not self.is_bound:
            return AlertFilters(state="open")
        data = {n: self.cleaned_data.get(n) for n in self.fields if n not in self.errors}
        state = data.get("state") or "" if "state" in self.data else "open"  # a page link
        return AlertFilters(
            state=state, source=data.get("source") or "", code=data.get("code") or "",
            customer_id=data.get("customer"),
        )  # fmt: skip


class DecisionFilterForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    code = forms.ChoiceField(label=gettext_lazy("Rule fired"), required=False)
    date_from = forms.DateField(
        label=pgettext_lazy("date range", "From"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "To"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    customer = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = EVERYTHING + [(k, v[0]) for k, v in OUTCOMES.items()]
        self.fields["kind"].choices = EVERYTHING + [(k, KIND_LABELS[k]) for k in KINDS]
        self.fields["code"].choices = EVERYTHING + [(r.code, f"{r.name} ({r.code})") for r in rules]

    def filters(self) -> DecisionFilters:
        if not self.is_bound:
            return DecisionFilters()
        data = {n: self.cleaned_data.get(n) for n in self.fields if n not in self.errors}
        return DecisionFilters(
            outcome=data.get("outcome") or "", kind=data.get("kind") or "",
            code=data.get("code") or "", customer_id=data.get("customer"),
            date_from=data.get("date_from"), date_to=data.get("date_to"),
        )  # fmt: skip


def _actor(request):
    return staff_actor(request.user)


def _fragment(request) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _words() -> dict:
    return {"rule_outcomes": RULE_OUTCOMES}


def _listing(request, form_class, read, full: str, part: str):
    actor = _actor(request)
    try:
        form = form_class(request.GET or None, rules=rule_choices(actor=actor))
        if form.is_bound:
            form.is_valid()
        page = read(actor=actor, filters=form.filters(), before=request.GET.get("before", ""),
                    limit=PAGE_SIZE)  # fmt: skip
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_RISK) from None
    context = {"form": form, "page": page, "paged": bool(request.GET.get("before")), **_words()}
    response = render(request, part if _fragment(request) else full, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@staff_required(permission=VIEW_RISK)
def alerts(request):
    return _listing(request, AlertFilterForm, alert_queue, "risk/alerts.html",
                    "risk/alerts_results.html")  # fmt: skip


@require_GET
@staff_required(permission=VIEW_RISK)
def decisions(request):
    return _listing(request, DecisionFilterForm, decision_log, "risk/decisions.html",
                    "risk/decisions_results.html")  # fmt: skip


def _alert_page(request, alert_id, *, error="", field="", values=None, status=200):
    try:
        detail = alert_detail(actor=_actor(request), alert_id=alert_id)
    except AlertNotFound:
        raise Http404("no such alert") from None
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_RISK) from None
    context = {"a": detail, "r": detail.row, "d": detail.decision, "error": error,
               "case": case_of_alert(alert_id=detail.row.id),
               "error_field": field, "values": values or {}, "reason_min": REASON_MIN,
               "state_key": alert_state_key(detail.row.state),
               "outcome_key": outcome_key(detail.row.outcome) if detail.row.outcome else "",
               **_words()}  # fmt: skip
    return render(request, "risk/alerts_detail.html", context, status=status)


@require_GET
@staff_required(permission=VIEW_RISK)
def alert(request, alert_id: uuid.UUID):
    return _alert_page(request, alert_id)


def _triage(request, alert_id, service, field: str, done: str):
    text = request.POST.get(field, "")
    try:
        service(actor=_actor(request), alert_id=alert_id, now=timezone.now(), **{field: text})
    except AlertNotFound:
        raise Http404("no such alert") from None
    except HujinPermissionDenied:
        raise PermissionDenied(WORK_ALERTS) from None
    except AlertTriageInvalid:
        if field == "reason":
            error = _("Say why this is a false positive, in at least %(n)d characters.") % {
                "n": REASON_MIN
            }
        else:
            error = _("Write what you saw.")
        return _alert_page(request, alert_id, error=error, field=field, values={field: text},
                           status=400)  # fmt: skip
    except AlertStateInvalid:
        return _alert_page(request, alert_id, error=_("This alert has been triaged already."),
                           field=field, status=409)  # fmt: skip
    messages.success(request, done)
    return redirect("risk:alert", alert_id)


@require_POST
@staff_required(permission=WORK_ALERTS)
def alert_dismiss_view(request, alert_id: uuid.UUID):
    return _triage(request, alert_id, alert_dismiss, "reason",
                   _("The alert is dismissed as a false positive."))  # fmt: skip


@require_POST
@staff_required(permission=WORK_ALERTS)
def alert_escalate_view(request, alert_id: uuid.UUID):
    return _triage(request, alert_id, alert_escalate, "note", _("The alert is escalated."))


@require_GET
@staff_required(permission=VIEW_RISK)
def decision(request, decision_id: uuid.UUID):
    try:
        detail = decision_detail(actor=_actor(request), decision_id=decision_id)
    except DecisionNotFound:
        raise Http404("no such decision") from None
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_RISK) from None
    context = {"d": detail, "outcome_key": outcome_key(detail.row.outcome), **_words()}
    return render(request, "risk/decisions_detail.html", context)
