"""Privacy pages. Portal: consents, published documents, "my data". Console: the worklist of
personal-data requests. Each view makes one domain call (the console detail adds the audit of
the customer's free text being read)."""

import json
import uuid
from pathlib import Path

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hujin.core import context
from hujin.core.dates import business_time_zone
from hujin.core.errors import HujinError
from hujin.identity.access import (
    customer_actor,
    customer_required,
    staff_actor,
    staff_required,
)
from hujin.privacy import selectors, services
from hujin.privacy.data_document import data_document
from hujin.privacy.errors import ConsentDocumentNotFound, DataRequestNotFound
from hujin.privacy.forms import CorrectionForm, DeletionForm, ResolutionForm, WorklistFilterForm
from hujin.privacy.permissions import HANDLE_REQUESTS

# --- portal: consents ---------------------------------------------------------------------------


@customer_required
@require_GET
def consents(request):
    views = selectors.consent_overview(user_id=request.user.pk)
    return render(request, "privacy/consents.html", {"consents": views})


@require_GET
def document(request, document_id: uuid.UUID):
    """A published document's full text. Public: people read it before they sign up."""
    try:
        view = selectors.consent_document_get(document_id=document_id)
    except ConsentDocumentNotFound:
        raise Http404("no such document") from None
    return render(request, "privacy/document.html", {"document": view})


@customer_required
@require_POST
def consent_accept(request):
    try:
        record = services.consent_accept(
            user_id=request.user.pk,
            document_id=request.POST.get("document_id", ""),
            channel="web",
            ip=context.current().ip or request.META.get("REMOTE_ADDR"),
            actor=customer_actor(request.user),
            now=timezone.now(),
        )
    except HujinError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Thank you. You accepted version %(version)s.")
            % {"version": record.document.version},
        )
    return redirect("privacy:consents")


@customer_required
@require_POST
def consent_withdraw(request):
    try:
        services.consent_withdraw(
            user_id=request.user.pk,
            kind=request.POST.get("kind", ""),
            actor=customer_actor(request.user),
            now=timezone.now(),
        )
    except HujinError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your consent has been withdrawn."))
    return redirect("privacy:consents")


# --- portal: my data ----------------------------------------------------------------------------


def _my_data(request, *, correction=None, deletion=None, status=200):
    context_ = {
        "requests": selectors.data_requests_for_user(user_id=request.user.pk, now=timezone.now()),
        "correction_form": correction or CorrectionForm(prefix="correction"),
        "deletion_form": deletion or DeletionForm(prefix="deletion"),
        "due_days": services.DUE_DAYS,
    }
    return render(request, "privacy/my_data.html", context_, status=status)


@customer_required
@require_GET
def my_data(request):
    return _my_data(request)


def _document_stylesheet() -> str:
    """The site's stylesheet, for a downloaded document to carry inside it (a file opened from
    the disk later must not fetch anything from a server)."""
    path = finders.find("web/hujin.css")
    return Path(path).read_text(encoding="utf-8").replace("</", "<\\/") if path else ""


@never_cache
@customer_required
@require_POST
def my_data_download(request):
    """The customer's data as a file: JSON by default, or (``format=html``) a readable page in
    the customer's language built from the same export. Either way one export, audited."""
    now = timezone.now()
    data = services.personal_data_export(
        user_id=request.user.pk, actor=customer_actor(request.user), now=now
    )
    if request.POST.get("format") == "html":
        context_ = {
            "doc": data_document(data),
            "stylesheet": _document_stylesheet(),
        }
        body = render_to_string("privacy/my_data_document.html", context_, request=request)
        response = HttpResponse(body, content_type="text/html; charset=utf-8")
        day = timezone.localtime(now, business_time_zone()).date()
        filename = f"hujin-my-data-{day:%Y-%m-%d}.html"
    else:
        body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        filename = f"hujin-my-data-{now:%Y%m%d-%H%M%S}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@customer_required
@require_http_methods(["POST"])
def my_data_request(request, kind: str):
    if kind == "correction":
        form = CorrectionForm(request.POST, prefix="correction")
    elif kind == "deletion":
        form = DeletionForm(request.POST, prefix="deletion")
    else:
        raise Http404("no such request kind")
    if form.is_valid():
        try:
            services.data_request_create(
                user_id=request.user.pk,
                kind=kind,
                field=form.cleaned_data.get("field", ""),
                details=form.cleaned_data.get("details", ""),
                actor=customer_actor(request.user),
                now=timezone.now(),
            )
        except HujinError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Your request has been received. We will answer within %(days)s days.")
                % {"days": services.DUE_DAYS},
            )
            return redirect("privacy:my_data")
    forms_ = {"correction": form} if kind == "correction" else {"deletion": form}
    return _my_data(request, status=400, **forms_)


@customer_required
@require_GET
def my_request(request, request_id: uuid.UUID):
    try:
        view = selectors.data_request_for_user(
            user_id=request.user.pk, request_id=request_id, now=timezone.now()
        )
    except DataRequestNotFound:
        raise Http404("no such request") from None
    return render(request, "privacy/my_request.html", {"item": view})


# --- console: requests --------------------------------------------------------------------------


@staff_required(permission=HANDLE_REQUESTS)
@require_GET
def worklist(request):
    form = WorklistFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.data_request_worklist(
        actor=staff_actor(request.user),
        now=timezone.now(),
        status=filters.get("status", ""),
        kind=filters.get("kind", ""),
        overdue_only=bool(filters.get("overdue")),
    )
    return render(request, "privacy/worklist.html", {"form": form, "rows": rows})


def _detail(request, request_id, *, form=None, status=200):
    now = timezone.now()
    actor = staff_actor(request.user)
    try:
        view = selectors.data_request_for_handler(actor=actor, request_id=request_id, now=now)
    except DataRequestNotFound:
        raise Http404("no such request") from None
    if view.details:
        # The customer's own words may carry personal data: reading them leaves a trace.
        services.data_request_details_read(request_id=view.id, actor=actor, now=now)
    context_ = {"item": view, "form": form or ResolutionForm()}
    return render(request, "privacy/request_detail.html", context_, status=status)


@staff_required(permission=HANDLE_REQUESTS)
@require_GET
def request_detail(request, request_id: uuid.UUID):
    return _detail(request, request_id)


@staff_required(permission=HANDLE_REQUESTS)
@require_POST
def request_start(request, request_id: uuid.UUID):
    try:
        services.data_request_start(
            request_id=request_id, actor=staff_actor(request.user), now=timezone.now()
        )
    except DataRequestNotFound:
        raise Http404("no such request") from None
    except HujinError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("You are now handling this request."))
    return redirect("privacy:request_detail", request_id=request_id)


@staff_required(permission=HANDLE_REQUESTS)
@require_POST
def request_close(request, request_id: uuid.UUID, outcome: str):
    service = {
        "complete": services.data_request_complete,
        "reject": services.data_request_reject,
    }.get(outcome)
    if service is None:
        raise Http404("no such outcome")
    form = ResolutionForm(request.POST)
    if form.is_valid():
        try:
            service(
                request_id=request_id,
                resolution=form.cleaned_data["resolution"],
                actor=staff_actor(request.user),
                now=timezone.now(),
            )
        except DataRequestNotFound:
            raise Http404("no such request") from None
        except HujinError as exc:
            form.add_error(None, exc.message)
        else:
            if outcome == "complete":
                messages.success(request, _("The request is completed."))
            else:
                messages.success(request, _("The request is rejected."))
            return redirect("privacy:request_detail", request_id=request_id)
    return _detail(request, request_id, form=form, status=400)
