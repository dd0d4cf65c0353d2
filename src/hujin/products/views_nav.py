"""The console's NAV and income pages (operations): one business date entered by hand, or a CSV
file of several; a refusal says which line or date and why, and nothing is published then."""

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hujin.core.errors import HujinError
from hujin.identity.access import staff_required
from hujin.products import console_selectors as pages
from hujin.products import labels, services
from hujin.products import types as t
from hujin.products.errors import NavInvalid, ProductNotFound
from hujin.products.forms_nav import NavEntryForm, NavImportForm
from hujin.products.permissions import PUBLISH_NAV
from hujin.products.selectors import product_get
from hujin.products.views_console import _actor, _language, _today


def _nav_render(request, product_id, *, entry=None, upload=None, refused="", status=200):
    try:
        page = pages.nav_page(actor=_actor(request), product_id=product_id, language=_language())
    except ProductNotFound:
        raise Http404 from None
    entry = entry or NavEntryForm(kind=page.kind, initial={"business_date": page.next_date})
    return render(
        request,
        "products/console_nav.html",
        {
            "page": page,
            "entry": entry,
            "upload": upload or NavImportForm(),
            "refused": refused,
            "is_mmf": page.kind == t.KIND_MMF,
        },
        status=status,
    )


def _nav_refusal(exc: HujinError) -> str:
    details = exc.details or {}
    reason = labels.nav_reason(details) or exc.message
    if "line" in details:
        return _("Line %(line)s: %(reason)s Nothing was published.") % {
            "line": details["line"],
            "reason": reason,
        }
    if "date" in details:
        return _("%(date)s: %(reason)s Nothing was published.") % {
            "date": details["date"],
            "reason": reason,
        }
    return str(reason)


@require_http_methods(["GET", "POST"])
@staff_required(permission=PUBLISH_NAV)
def console_nav(request, product_id: uuid.UUID):
    if request.method == "GET":
        return _nav_render(request, product_id)
    try:
        kind = product_get(product_id=product_id).kind
    except ProductNotFound:
        raise Http404 from None
    form = NavEntryForm(request.POST, kind=kind)
    if not form.is_valid():
        return _nav_render(request, product_id, entry=form, status=400)
    d, now = form.cleaned_data, timezone.now()
    try:
        services.nav_publish(
            actor=_actor(request),
            product_id=product_id,
            business_date_of=d["business_date"],
            nav=d.get("nav"),
            cumulative_nav=d.get("cumulative_nav"),
            income_per_10k=d.get("income_per_10k"),
            yield_7d=d.get("yield_7d"),
            confirmed=d["confirmed"],
            business_date=_today(now),
            now=now,
        )
    except NavInvalid as exc:
        return _nav_render(request, product_id, entry=form, refused=_nav_refusal(exc), status=400)
    messages.success(request, _("Published."))
    return redirect("products:console_nav", product_id)


@require_POST
@staff_required(permission=PUBLISH_NAV)
def console_nav_import(request, product_id: uuid.UUID):
    form = NavImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _nav_render(request, product_id, upload=form, status=400)
    raw = form.cleaned_data["file"].read(2_000_000)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _nav_render(
            request, product_id, upload=form, status=400, refused=_("The file is not UTF-8 text.")
        )
    now = timezone.now()
    try:
        points = services.nav_import_csv(
            actor=_actor(request),
            product_id=product_id,
            text=text,
            confirmed=form.cleaned_data["confirmed"],
            business_date=_today(now),
            now=now,
        )
    except ProductNotFound:
        raise Http404 from None
    except NavInvalid as exc:
        return _nav_render(request, product_id, upload=form, refused=_nav_refusal(exc), status=400)
    messages.success(request, _("%(n)d dates published.") % {"n": len(points)})
    return redirect("products:console_nav", product_id)
