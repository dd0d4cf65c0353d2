"""The console's cases (``risk.view_risk`` to see, ``risk.work_alerts`` to work):

- "Cases": the queue by view (open, assigned to me, overdue, closed, all), the nearest clock
  first, with each case's customer, assignee and working days left;
- a case's page: its header (customer, state, assignee, clock), the counterparty graph, its
  alerts, the linked movements, the timeline and the files, and the forms that add a note or a
  file, give the case to someone, ask for the customer's freeze and close it;
- a file's download (audited); an upload past 10 MB is stopped while it streams
  (``UploadCap``), never stored first.

Each view makes one domain call; a refused write is said next to its form and changes nothing."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from hujin.core.errors import HujinError
from hujin.core.errors import PermissionDenied as HujinPermissionDenied
from hujin.customers.permissions import REQUEST_FREEZE
from hujin.identity.access import staff_actor, staff_required
from hujin.risk.alerts_navigation import alert_state_key
from hujin.risk.cases import case_alert_add, case_open
from hujin.risk.cases_attachments import MAX_BYTES, case_attachment_add, case_attachment_read
from hujin.risk.cases_detail import case_detail
from hujin.risk.cases_names import CONCLUSIONS, TYPOLOGIES
from hujin.risk.cases_navigation import case_state_key
from hujin.risk.cases_selectors import QUEUE_MAX, VIEWS, case_queue
from hujin.risk.cases_work import case_assign, case_close, case_freeze_request, case_note_add
from hujin.risk.errors import AttachmentRefused, CaseInvalid, CaseNotFound, CaseStateInvalid
from hujin.risk.forms_cases import (
    QUEUE_VIEWS,
    AssignForm,
    AttachmentForm,
    CloseForm,
    FreezeForm,
    JoinForm,
    NoteForm,
    OpenForm,
)
from hujin.risk.permissions import VIEW_RISK, WORK_ALERTS

FORMS = {"note": NoteForm, "file": AttachmentForm, "freeze": FreezeForm, "close": CloseForm}
ALERT_REFUSALS = {
    "dismissed": gettext_lazy(
        "This alert was dismissed as a false positive: it cannot join a case."
    ),
    "in_case": gettext_lazy("This alert is in a case already."),
}
REFUSALS = {
    "empty": gettext_lazy("The file is empty."),
    "too_large": gettext_lazy("The file is larger than 10 MB."),
    "type": gettext_lazy("Only PDF, PNG, JPEG, CSV or plain-text files can be attached."),
    "name": gettext_lazy("The file's name says another type than its content."),
}


def _actor(request):
    return staff_actor(request.user)


@require_GET
@staff_required(permission=VIEW_RISK)
def cases(request):
    view = request.GET.get("view", "open")
    view = view if view in VIEWS else "open"
    try:
        rows = case_queue(actor=_actor(request), view=view, now=timezone.now(),
                          limit=QUEUE_MAX + 1)  # fmt: skip
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_RISK) from None
    context = {"rows": rows[:QUEUE_MAX], "more": len(rows) > QUEUE_MAX, "shown": QUEUE_MAX,
               "view": view, "views": QUEUE_VIEWS, "conclusions": CONCLUSIONS}  # fmt: skip
    return render(request, "risk/cases.html", context)


def _page(request, case_id, *, forms=None, error="", status=200):
    actor = _actor(request)
    try:
        detail = case_detail(actor=actor, case_id=case_id, now=timezone.now())
    except CaseNotFound:
        raise Http404("no such case") from None
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_RISK) from None
    forms = forms or {}
    bound = {key: forms.get(key) or form() for key, form in FORMS.items()}
    bound["assign"] = (forms.get("assign") or AssignForm()).staff_set(detail.staff)
    bound["open"] = forms.get("open") or OpenForm(
        initial={"customer": detail.customer_id, "back": detail.row.id}
    )
    context = {"c": detail, "r": detail.row, "forms": bound, "error": error,
               "may_open": detail.row.state != "open" and actor.has_scope(WORK_ALERTS),
               "may_freeze": detail.may_work and actor.has_scope(REQUEST_FREEZE),
               "state": case_state_key(detail.row.state), "alert_state": alert_state_key,
               "conclusions": CONCLUSIONS, "typologies": TYPOLOGIES}  # fmt: skip
    return render(request, "risk/cases_detail.html", context, status=status)


@require_GET
@staff_required(permission=VIEW_RISK)
def case(request, case_id: uuid.UUID):
    return _page(request, case_id)


def _refusal(exc: HujinError) -> str:
    if isinstance(exc, AttachmentRefused):
        return str(REFUSALS.get(exc.details.get("reason"), exc.message))
    if isinstance(exc, CaseStateInvalid):
        return ALERT_REFUSALS.get(
            exc.details.get("alert_state"), _("This case is closed: it cannot be changed any more.")
        )
    if isinstance(exc, CaseInvalid) and exc.details.get("reason") == "unchanged":
        return _("The case is already theirs.")
    if isinstance(exc, CaseInvalid):
        return _("Check what you wrote: it cannot be saved as it is.")
    return exc.message  # customers' and approvals' own words (already frozen, pending...)


def _work(request, case_id, key: str, form, call, done: str):
    """Validate ``form``, make the one call, say what happened; a refusal re-draws the page
    with the form and the reason (nothing was changed)."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except CaseNotFound:
            raise Http404("no such case") from None
        except HujinPermissionDenied:
            raise PermissionDenied(WORK_ALERTS) from None
        except HujinError as exc:  # a domain refusal: said next to the form
            return _page(request, case_id, forms={key: form}, error=_refusal(exc), status=409
                         if isinstance(exc, CaseStateInvalid) else 400)  # fmt: skip
        messages.success(request, done)
        return redirect("risk:case", case_id)
    return _page(request, case_id, forms={key: form}, status=400)


@require_POST
@staff_required(permission=WORK_ALERTS)
def case_note(request, case_id: uuid.UUID):
    return _work(request, case_id, "note", NoteForm(request.POST),
                 lambda d: case_note_add(actor=_actor(request), case_id=case_id, text=d["text"],
                                         now=timezone.now()),
                 _("The note is added."))  # fmt: skip


class UploadCap(FileUploadHandler):
    """Counts an upload's bytes as they arrive and stops reading the request once a file
    passes ``MAX_BYTES``: nothing past the limit is kept in memory or on disk."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > MAX_BYTES:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data  # the next handlers keep it

    def file_complete(self, file_size):
        return None  # the next handlers make the file


@csrf_exempt  # the handler goes in before the CSRF check reads the body; checked below
@require_POST
@staff_required(permission=WORK_ALERTS)
def case_file_add(request, case_id: uuid.UUID):
    cap = UploadCap(request)
    request.upload_handlers.insert(0, cap)
    return _file_add(request, case_id, cap)


@csrf_protect
def _file_add(request, case_id, cap: UploadCap):
    form = AttachmentForm(request.POST, request.FILES)
    if cap.exceeded:
        return _page(request, case_id, forms={"file": AttachmentForm()}, status=400,
                     error=str(REFUSALS["too_large"]))  # fmt: skip

    def call(d):
        upload = d["file"]
        case_attachment_add(actor=_actor(request), case_id=case_id, file_name=upload.name,
                            content=upload.read(), now=timezone.now())  # fmt: skip

    return _work(request, case_id, "file", form, call, _("The file is attached."))


@require_POST
@staff_required(permission=WORK_ALERTS)
def case_assign_view(request, case_id: uuid.UUID):
    actor = _actor(request)
    return _work(request, case_id, "assign", AssignForm(request.POST),
                 lambda d: case_assign(actor=actor, case_id=case_id, assignee_id=d["assignee"],
                                       now=timezone.now()),
                 _("The case is assigned."))  # fmt: skip


@require_POST
@staff_required(permission=WORK_ALERTS)
def case_alert_join(request, case_id: uuid.UUID):
    return _work(request, case_id, "join", JoinForm(request.POST),
                 lambda d: case_alert_add(actor=_actor(request), case_id=case_id,
                                          alert_id=d["alert"], now=timezone.now()),
                 _("The alert joined the case."))  # fmt: skip


@require_POST
@staff_required(permission=WORK_ALERTS)
def case_freeze(request, case_id: uuid.UUID):
    return _work(request, case_id, "freeze", FreezeForm(request.POST),
                 lambda d: case_freeze_request(actor=_actor(request), case_id=case_id,
                                               reason=d["reason"], now=timezone.now()),
                 _("The freeze is asked for: another person approves it."))  # fmt: skip


@require_POST
@staff_required(permission=WORK_ALERTS)
def case_close_view(request, case_id: uuid.UUID):
    return _work(request, case_id, "close", CloseForm(request.POST),
                 lambda d: case_close(actor=_actor(request), case_id=case_id,
                                      conclusion=d["conclusion"], narrative=d["narrative"],
                                      typology=d.get("typology") or "", now=timezone.now()),
                 _("The case is closed."))  # fmt: skip


@require_POST
@staff_required(permission=WORK_ALERTS)
def case_open_view(request):
    """Open a new case for the customer of a closed case (from its page): refused, and said
    there, while the customer has an open case — which it then links to."""
    form = OpenForm(request.POST)
    back = form["back"].value() if form.is_bound else None
    if not form.is_valid():
        return _open_refused(request, form, back)
    data = form.cleaned_data
    try:
        case = case_open(actor=_actor(request), customer_id=data["customer"],
                         title=data["title"], now=timezone.now())  # fmt: skip
    except HujinPermissionDenied:
        raise PermissionDenied(WORK_ALERTS) from None
    except CaseInvalid as exc:
        if exc.details.get("field") != "title":
            raise Http404("no such customer") from None
        form.add_error("title", _("Check what you wrote: it cannot be saved as it is."))
        return _open_refused(request, form, back)
    except CaseStateInvalid as exc:
        messages.error(request, _("This customer has an open case already: %(n)s.")
                       % {"n": exc.details.get("case", "")})  # fmt: skip
        return redirect("risk:case", data["back"]) if data.get("back") else redirect("risk:cases")
    messages.success(request, _("The case is opened."))
    return redirect("risk:case", case.id)


def _open_refused(request, form, back):
    """The case page the form was sent from, re-drawn with the form and its errors."""
    try:
        back = uuid.UUID(str(back))
    except ValueError:
        raise Http404("no such case") from None
    return _page(request, back, forms={"open": form}, status=400)


@require_GET
@staff_required(permission=VIEW_RISK)
def case_file(request, case_id: uuid.UUID, attachment_id: uuid.UUID):
    try:
        f = case_attachment_read(actor=_actor(request), case_id=case_id,
                                 attachment_id=attachment_id, now=timezone.now())  # fmt: skip
    except CaseNotFound:
        raise Http404("no such file") from None
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_RISK) from None
    kind = f"{f.content_type}; charset=utf-8" if f.content_type.startswith("text/") else \
        f.content_type  # fmt: skip
    response = HttpResponse(f.content, content_type=kind)
    response["Content-Disposition"] = content_disposition_header(True, f.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
