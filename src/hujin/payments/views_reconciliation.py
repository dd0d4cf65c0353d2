"""The console's reconciliation pages: the runs by date and channel with their balance
statement, one run's report, the break queue (by kind and age bucket), a break's page with the
form that proposes its resolution (approved in the approvals queue), and running or replaying a
date. Each view makes one domain call."""

import uuid
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hujin.core.dates import business_date_get
from hujin.core.errors import HujinError
from hujin.core.errors import PermissionDenied as HujinPermissionDenied
from hujin.core.money import InvalidAmount, format_minor, parse_amount
from hujin.identity.access import staff_actor, staff_required
from hujin.payments.models_reconciliation import BREAK_KINDS
from hujin.payments.permissions import RECONCILE, RESOLVE_BREAKS, VIEW_RECONCILIATION
from hujin.payments.reconciliation import selectors
from hujin.payments.reconciliation.errors import BreakNotFound, ResolutionInvalid
from hujin.payments.reconciliation.resolution import break_resolution_propose
from hujin.payments.reconciliation.runs import reconciliation_run
from hujin.payments.reconciliation.values import BUCKETS


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def _as_of() -> date:
    return business_date_get(now=timezone.now())


@require_GET
@staff_required(permission=VIEW_RECONCILIATION)
def runs(request):
    day, channel = _date(request.GET.get("date", "")), request.GET.get("channel", "")[:32]
    try:
        rows = selectors.reconciliation_runs(
            actor=staff_actor(request.user), business_date=day, channel=channel
        )
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_RECONCILIATION) from None
    context = {"runs": rows, "day": day, "channel": channel, "today": _as_of(),
               "may_run": request.user.has_perm(RECONCILE)}  # fmt: skip
    return render(request, "payments/reconciliation.html", context)


@require_POST
@staff_required(permission=RECONCILE)
def run_now(request):
    day = _date(request.POST.get("date", ""))
    if day is None:
        messages.error(request, _("Choose a business date."))
        return redirect("payments:reconciliation")
    try:
        run = reconciliation_run(business_date=day, actor=staff_actor(request.user),
                                 now=timezone.now(), replay=True)  # fmt: skip
    except HujinPermissionDenied:
        raise PermissionDenied(RECONCILE) from None
    except HujinError as exc:
        messages.error(request, exc.message)
        return redirect("payments:reconciliation")
    return redirect("payments:recon_report", run_id=run.id)


@require_GET
@staff_required(permission=VIEW_RECONCILIATION)
def report(request, run_id: uuid.UUID):
    try:
        page = selectors.reconciliation_report(
            actor=staff_actor(request.user), run_id=run_id, as_of=_as_of()
        )
    except BreakNotFound:
        raise Http404("no such run") from None
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_RECONCILIATION) from None
    return render(request, "payments/reconciliation_report.html", {"page": page})


@require_GET
@staff_required(permission=VIEW_RECONCILIATION)
def breaks(request):
    kind = request.GET.get("kind", "")
    bucket = request.GET.get("age", "")
    resolved = request.GET.get("resolved") == "1"
    kind = kind if kind in BREAK_KINDS else ""
    bucket = bucket if bucket in [b[0] for b in BUCKETS] else ""
    try:
        queue = selectors.break_queue(actor=staff_actor(request.user), as_of=_as_of(),
                                      kind=kind, bucket=bucket, resolved=resolved)  # fmt: skip
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_RECONCILIATION) from None
    context = {"queue": queue, "kind": kind, "bucket": bucket, "resolved": resolved}
    return render(request, "payments/reconciliation_breaks.html", context)


def _amount_minor(text: str) -> int:
    try:
        return parse_amount((text or "").replace(",", "").replace("¥", "").strip(), "CNY")
    except InvalidAmount:
        raise ResolutionInvalid() from None


@require_http_methods(["GET", "POST"])
@staff_required(permission=VIEW_RECONCILIATION)
def break_page(request, break_id: uuid.UUID):
    actor, error, values = staff_actor(request.user), "", {}
    if request.method == "POST":
        if not request.user.has_perm(RESOLVE_BREAKS):
            raise PermissionDenied(RESOLVE_BREAKS)
        values = {k: request.POST.get(k, "") for k in ("action", "amount", "note")}
        try:
            break_resolution_propose(
                break_id=break_id, action=values["action"],
                amount_minor=_amount_minor(values["amount"]), note=values["note"], actor=actor,
                now=timezone.now(),
            )  # fmt: skip
        except BreakNotFound:
            raise Http404("no such break") from None
        except HujinPermissionDenied:
            raise PermissionDenied(RESOLVE_BREAKS) from None
        except HujinError as exc:
            error = exc.message
        else:
            messages.success(
                request, _("The resolution is proposed. Another person approves it in the "
                           "approvals queue; only then is it posted.")
            )  # fmt: skip
            return redirect("payments:recon_break", break_id=break_id)
    try:
        detail = selectors.break_detail(actor=actor, break_id=break_id, as_of=_as_of())
    except BreakNotFound:
        raise Http404("no such break") from None
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_RECONCILIATION) from None
    values = values or {
        "action": detail.suggested_action,
        "amount": format_minor(detail.suggested_amount_minor, "CNY"),
        "note": "",
    }
    context = {"d": detail, "b": detail.item, "error": error, "values": values}
    status = 400 if error else 200
    return render(request, "payments/reconciliation_break.html", context, status=status)
