"""The console's reports to the authority (``risk.view_risk`` to see; ``risk.work_alerts`` to
edit and propose; ``risk.approve_reports`` to export and file):

- "Reports to the authority": the reports by kind and state with their clocks (working days
  left, overdue), the soonest due first; the dates whose large-value reports are proposed or
  filed together;
- a report's page: its content, the transactions, the narrative (edited while a draft), the
  proposal, a link to the approval in the inbox, the export and the filed file's download.

Each view makes one domain call; a refused action is said on the page."""

from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from hujin.core.approvals import (
    ApprovalAlreadyPending,
    ApprovalInputInvalid,
    ApprovalReasonRequired,
)
from hujin.core.dates import business_date_get
from hujin.core.errors import PermissionDenied as HujinPermissionDenied
from hujin.customers.errors import CustomerNotFound
from hujin.identity.access import staff_actor, staff_required
from hujin.risk.errors import (
    ReportFileAltered,
    ReportIdentityUnverified,
    ReportInvalid,
    ReportNotFound,
    ReportStateInvalid,
)
from hujin.risk.models_cases import REPORT_KINDS
from hujin.risk.permissions import APPROVE_REPORTS, VIEW_RISK, WORK_ALERTS
from hujin.risk.reports import (
    NARRATIVE_MAX,
    NARRATIVE_MIN,
    lv_reports_export,
    lv_reports_propose,
    report_export,
    report_narrative_edit,
    report_propose,
)
from hujin.risk.reports_navigation import KINDS, STATES, page_words, state_key
from hujin.risk.reports_selectors import (
    ReportFilters,
    lv_dates_open,
    report_detail,
    reports_queue,
)

EVERYTHING = [("", gettext_lazy("Not filed yet")), ("all", gettext_lazy("All"))]


class ReportFilterForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("report", "Kind"), required=False)
    state = forms.ChoiceField(label=pgettext_lazy("report", "State"), required=False)
    overdue = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", gettext_lazy("Every kind"))] + [
            (k, KINDS[k]) for k in REPORT_KINDS
        ]
        self.fields["state"].choices = EVERYTHING + [(k, v[0]) for k, v in STATES.items()]

    def filters(self) -> ReportFilters:
        if not self.is_bound:
            return ReportFilters()
        data = {n: self.cleaned_data.get(n) for n in self.fields if n not in self.errors}
        return ReportFilters(kind=data.get("kind") or "", state=data.get("state") or "",
                             overdue=bool(data.get("overdue")))  # fmt: skip


def _actor(request):
    return staff_actor(request.user)


def _today(now) -> date:
    return business_date_get(now=now)


def _fragment(request) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


@require_GET
@staff_required(permission=VIEW_RISK)
def reports(request):
    actor, now = _actor(request), timezone.now()
    form = ReportFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    try:
        rows = reports_queue(actor=actor, filters=form.filters(), today=_today(now))
        dates = lv_dates_open(actor=actor)
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_RISK) from None
    context = {"form": form, "rows": rows, "lv_dates": dates,
               "may_propose": actor.has_scope(WORK_ALERTS),
               "may_export": actor.has_scope(APPROVE_REPORTS), **page_words()}  # fmt: skip
    part = "risk/reports_results.html" if _fragment(request) else "risk/reports.html"
    response = render(request, part, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _report_page(request, report_id, *, error="", values=None, status=200):
    now = timezone.now()
    try:
        detail = report_detail(actor=_actor(request), report_id=report_id, today=_today(now),
                               now=now)  # fmt: skip
    except ReportNotFound:
        raise Http404("no such report") from None
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_RISK) from None
    context = {"r": detail, "row": detail.row, "error": error, "values": values or {},
               "state_key": state_key(detail.row.state), "narrative_min": NARRATIVE_MIN,
               "narrative_max": NARRATIVE_MAX, **page_words()}  # fmt: skip
    return render(request, "risk/reports_detail.html", context, status=status)


@require_GET
@staff_required(permission=VIEW_RISK)
def report(request, report_id):
    return _report_page(request, report_id)


def _refusal(error) -> tuple[str, int]:
    if isinstance(error, ReportInvalid) and error.details.get("problem") == "control_characters":
        return _("The narrative holds control characters (invisible characters a file to the "
                 "authority cannot carry): remove them and save again."), 400  # fmt: skip
    if isinstance(error, ReportInvalid):
        return _("Write the narrative: at least %(min)d characters, at most %(max)d.") % {
            "min": NARRATIVE_MIN, "max": NARRATIVE_MAX}, 400  # fmt: skip
    if isinstance(error, CustomerNotFound):
        return _("The report's customer is no longer found: the file cannot be built."), 409
    if isinstance(error, ReportIdentityUnverified):
        return _("The customer has no verified identity to file."), 409
    if isinstance(error, ReportFileAltered):
        return _("The filed file no longer matches its fingerprint: it is not given out."), 409
    if isinstance(error, ApprovalReasonRequired):
        return _("Say why you propose it."), 400
    if isinstance(error, ApprovalInputInvalid):
        return _("The reason is too long."), 400
    if isinstance(error, ApprovalAlreadyPending):
        return _("An approval of this is waiting already."), 409
    return _("This report cannot be changed that way in its present state."), 409


def _act(request, report_id, call, done: str, *, values=None):
    try:
        call(actor=_actor(request), now=timezone.now())
    except ReportNotFound:
        raise Http404("no such report") from None
    except (ReportInvalid, ReportStateInvalid, ApprovalReasonRequired, ApprovalInputInvalid,
            ApprovalAlreadyPending) as error:  # fmt: skip
        text, status = _refusal(error)
        return _report_page(request, report_id, error=text, values=values, status=status)
    except HujinPermissionDenied:
        raise PermissionDenied(WORK_ALERTS) from None
    messages.success(request, done)
    return redirect("risk:report", report_id)


@require_POST
@staff_required(permission=WORK_ALERTS)
def report_narrative(request, report_id):
    text = request.POST.get("narrative", "")
    return _act(request, report_id,
                lambda **kw: report_narrative_edit(report_id=report_id, narrative=text, **kw),
                _("The narrative is saved."), values={"narrative": text})  # fmt: skip


@require_POST
@staff_required(permission=WORK_ALERTS)
def report_propose_view(request, report_id):
    reason = request.POST.get("reason", "")
    return _act(request, report_id,
                lambda **kw: report_propose(report_id=report_id, reason=reason, **kw),
                _("The report waits for a compliance officer's approval."),
                values={"reason": reason})  # fmt: skip


def _download(file) -> HttpResponse:
    response = HttpResponse(file.content, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file.name}"'
    response["X-Content-SHA256"] = file.sha256
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@staff_required(permission=APPROVE_REPORTS)
def report_export_view(request, report_id):
    try:
        file = report_export(actor=_actor(request), report_id=report_id, now=timezone.now())
    except ReportNotFound:
        raise Http404("no such report") from None
    except (ReportStateInvalid, CustomerNotFound, ReportIdentityUnverified,
            ReportFileAltered) as error:  # fmt: skip
        return _report_page(request, report_id, error=_refusal(error)[0], status=409)
    except HujinPermissionDenied:
        raise PermissionDenied(APPROVE_REPORTS) from None
    return _download(file)


def _on(request) -> date:
    try:
        return date.fromisoformat(request.POST.get("on", ""))
    except ValueError:
        raise Http404("no such date") from None


@require_POST
@staff_required(permission=WORK_ALERTS)
def lv_batch_propose(request):
    on = _on(request)
    try:
        reason = request.POST.get("reason", "")
        proposed = lv_reports_propose(actor=_actor(request), on=on, reason=reason,
                                      now=timezone.now())  # fmt: skip
    except ReportNotFound:
        messages.error(request, _("No draft large-value report of that day is left."))
    except (ReportStateInvalid, ApprovalReasonRequired, ApprovalInputInvalid,
            ApprovalAlreadyPending) as error:  # fmt: skip
        messages.error(request, _refusal(error)[0])
    except HujinPermissionDenied:
        raise PermissionDenied(WORK_ALERTS) from None
    else:
        messages.success(request, _("%(n)d large-value reports wait for approval.")
                         % {"n": len(proposed)})  # fmt: skip
    return redirect("risk:reports")


@require_POST
@staff_required(permission=APPROVE_REPORTS)
def lv_batch_export(request):
    on = _on(request)
    try:
        file = lv_reports_export(actor=_actor(request), on=on, now=timezone.now())
    except ReportNotFound:
        messages.error(request, _("No approved large-value report of that day is left to file."))
        return redirect("risk:reports")
    except (ReportStateInvalid, CustomerNotFound, ReportIdentityUnverified) as error:
        messages.error(request, _refusal(error)[0])
        return redirect("risk:reports")
    except HujinPermissionDenied:
        raise PermissionDenied(APPROVE_REPORTS) from None
    return _download(file)
