"""The console's product pages: the catalogue, a product (parameters, documents, admission
history, NAV / yield chart, the steps the viewer may take), the create and edit forms, the
admission queue with the review's checklist, and NAV / income entry and CSV import.

Each view makes one domain call; a refused step is shown on the page it came from."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hujin.core.dates import business_date_get
from hujin.core.errors import HujinError
from hujin.core.errors import PermissionDenied as HujinPermissionDenied
from hujin.identity.access import staff_actor, staff_required
from hujin.products import console_selectors as pages
from hujin.products import labels, services
from hujin.products import types as t
from hujin.products.errors import (
    DocumentNotFound,
    ProductInvalid,
    ProductNotFound,
    ScheduleInvalid,
)
from hujin.products.forms import (
    DocumentForm,
    OnSaleForm,
    ProductForm,
    ReasonForm,
)
from hujin.products.permissions import (
    MANAGE_PRODUCTS,
    REVIEW_PRODUCTS,
    VIEW_PRODUCTS,
)
from hujin.products.selectors import product_get


def _actor(request):
    return staff_actor(request.user)


def _today(now):
    return business_date_get(now=now)


def _language() -> str:
    return translation.get_language() or "en"


@require_GET
@staff_required(permission=VIEW_PRODUCTS)
def console_list(request):
    state, kind = request.GET.get("state", ""), request.GET.get("kind", "")
    rows = pages.products_console_list(
        actor=_actor(request), language=_language(), state=state, kind=kind
    )
    return render(
        request,
        "products/console_list.html",
        {
            "rows": rows,
            "state": state,
            "kind": kind,
            "states": [(s, labels.STATE_LABELS[s]) for s in t.STATES],
            "kinds": [(k, labels.KIND_LABELS[k]) for k in t.KINDS],
            "may_create": request.user.has_perm(MANAGE_PRODUCTS),
        },
    )


def _page(request, product_id, **extra):
    try:
        page = pages.product_console_page(
            actor=_actor(request),
            product_id=product_id,
            language=_language(),
            on=_today(timezone.now()),
        )
    except ProductNotFound:
        raise Http404 from None
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_PRODUCTS) from None
    context = {
        "page": page,
        "document_form": DocumentForm(),
        "reason_form": ReasonForm(),
        "on_sale_form": OnSaleForm(initial={"on_sale_from": _today(timezone.now())}),
        **extra,
    }
    status = 400 if extra.get("refused") else 200
    return render(request, "products/console_product.html", context, status=status)


@require_GET
@staff_required(permission=VIEW_PRODUCTS)
def console_product(request, product_id: uuid.UUID):
    return _page(request, product_id)


def _form_refused(form: ProductForm, exc: HujinError) -> None:
    field = str((exc.details or {}).get("field", ""))
    field = ProductForm.SERVICE_FIELDS.get(field, field)
    if field in form.fields:
        form.add_error(
            field,
            exc.message
            if not isinstance(exc, ProductInvalid)
            else _("Check this value: %(hint)s") % {"hint": _hint(field)},
        )
    else:
        form.add_error(None, exc.message)


def _hint(field: str) -> str:
    hints = {
        "code": _("capital letters, digits and hyphens, 3 to 32 of them"),
        "value_date": _("after the end of the fundraising window"),
        "maturity_date": _("after the value date"),
        "raise_end_date": _("on or after the start of the window"),
        "max_size": _("at least the minimum raise"),
        "cap": _("at least the minimum amount"),
        "expected_rate": _("a percentage from 0 to under 100, at most 4 decimals"),
    }
    return hints.get(field, _("it is missing or out of range"))


@require_http_methods(["GET", "POST"])
@staff_required(permission=MANAGE_PRODUCTS)
def console_create(request, kind: str):
    if kind not in t.KINDS:
        raise Http404
    form = ProductForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(
                actor=_actor(request), draft=form.draft(), now=timezone.now()
            )
        except (ProductInvalid, ScheduleInvalid, HujinError) as exc:
            _form_refused(form, exc)
        else:
            messages.success(request, _("The product is saved as a draft."))
            return redirect("products:console_product", product.id)
    return render(
        request,
        "products/console_form.html",
        {"form": form, "kind_label": labels.KIND_LABELS[kind], "product": None},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required(permission=MANAGE_PRODUCTS)
def console_edit(request, product_id: uuid.UUID):
    try:
        view = product_get(product_id=product_id)
    except ProductNotFound:
        raise Http404 from None
    if view.state != t.STATE_DRAFT:
        messages.error(
            request, _("Only a draft can be edited: suspend or close a product on sale instead.")
        )
        return redirect("products:console_product", product_id)
    if request.method == "POST":
        form = ProductForm(request.POST, kind=view.kind)
        if form.is_valid():
            try:
                services.product_update(
                    actor=_actor(request),
                    product_id=product_id,
                    draft=form.draft(),
                    now=timezone.now(),
                )
            except HujinError as exc:
                _form_refused(form, exc)
            else:
                messages.success(request, _("The draft is saved."))
                return redirect("products:console_product", product_id)
    else:
        form = ProductForm(initial=ProductForm.initial_of(_draft(view)), kind=view.kind)
    return render(
        request,
        "products/console_form.html",
        {"form": form, "kind_label": labels.KIND_LABELS[view.kind], "product": view},
        status=400 if form.errors else 200,
    )


def _draft(view: t.ProductView) -> t.ProductDraft:
    fields = t.ProductDraft.__dataclass_fields__
    return t.ProductDraft(**{f: getattr(view, f) for f in fields})


@require_POST
@staff_required(permission=MANAGE_PRODUCTS)
def console_document(request, product_id: uuid.UUID):
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, product_id, document_form=form, refused=True)
    upload = form.cleaned_data["file"]
    content = upload.read(t.DOCUMENT_MAX_BYTES + 1)
    try:
        services.document_attach(
            actor=_actor(request),
            product_id=product_id,
            kind=form.cleaned_data["kind"],
            file_name=upload.name,
            content=content,
            now=timezone.now(),
        )
    except ProductNotFound:
        raise Http404 from None
    except HujinError as exc:
        form.add_error("file", exc.message)
        return _page(request, product_id, document_form=form, refused=True)
    messages.success(request, _("The document is attached."))
    return redirect("products:console_product", product_id)


def _step(request, product_id, call):
    try:
        call()
    except ProductNotFound:
        raise Http404 from None
    except HujinPermissionDenied:
        raise PermissionDenied() from None
    except HujinError as exc:
        return _page(request, product_id, refused=exc.message)
    return redirect("products:console_product", product_id)


@require_POST
@staff_required(permission=MANAGE_PRODUCTS)
def console_submit(request, product_id: uuid.UUID):
    return _plain(request, product_id, services.product_submit)


@require_POST
@staff_required(permission=MANAGE_PRODUCTS)
def console_on_sale(request, product_id: uuid.UUID):
    form = OnSaleForm(request.POST)
    if not form.is_valid():
        return _page(request, product_id, on_sale_form=form, refused=True)
    now = timezone.now()
    return _step(
        request,
        product_id,
        lambda: services.product_put_on_sale(
            actor=_actor(request),
            product_id=product_id,
            on_sale_from=form.cleaned_data["on_sale_from"],
            business_date=_today(now),
            now=now,
        ),
    )


def _plain(request, product_id, service):
    """A step that takes nothing but who and when."""
    return _step(
        request,
        product_id,
        lambda: service(actor=_actor(request), product_id=product_id, now=timezone.now()),
    )


def _reasoned(request, product_id, service):
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _page(request, product_id, reason_form=form, refused=True)
    return _step(
        request,
        product_id,
        lambda: service(
            actor=_actor(request),
            product_id=product_id,
            reason=form.cleaned_data["reason"],
            now=timezone.now(),
        ),
    )


@require_POST
@staff_required(permission=MANAGE_PRODUCTS)
def console_suspend(request, product_id: uuid.UUID):
    return _reasoned(request, product_id, services.product_suspend)


@require_POST
@staff_required(permission=MANAGE_PRODUCTS)
def console_close(request, product_id: uuid.UUID):
    return _reasoned(request, product_id, services.product_close)


@require_POST
@staff_required(permission=MANAGE_PRODUCTS)
def console_resume(request, product_id: uuid.UUID):
    return _plain(request, product_id, services.product_resume)


@require_GET
@staff_required(permission=REVIEW_PRODUCTS)
def admission_queue(request):
    rows = pages.admission_queue(actor=_actor(request), language=_language())
    return render(request, "products/admission_queue.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@staff_required(permission=REVIEW_PRODUCTS)
def admission_review(request, product_id: uuid.UUID):
    try:
        page = pages.product_console_page(
            actor=_actor(request),
            product_id=product_id,
            language=_language(),
            on=_today(timezone.now()),
        )
    except ProductNotFound:
        raise Http404 from None
    items = [(k, labels.CHECKLIST_LABELS[k]) for k in t.checklist_for(page.view.kind)]
    refused, status = "", 200
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision == "approve":
                ticks = {
                    k: request.POST.get(f"note_{k}", "")
                    for k, _label in items
                    if request.POST.get(f"tick_{k}") == "on"
                }
                services.product_approve(
                    actor=_actor(request),
                    product_id=product_id,
                    checklist=ticks,
                    note=request.POST.get("note", ""),
                    now=timezone.now(),
                )
                messages.success(request, _("The product is approved."))
            else:
                services.product_return(
                    actor=_actor(request),
                    product_id=product_id,
                    reason=request.POST.get("reason", ""),
                    now=timezone.now(),
                )
                messages.success(request, _("The product is returned to its maker."))
            return redirect("products:admission_queue")
        except HujinError as exc:
            refused, status = exc.message, 400
    rows = [
        (key, label, request.POST.get(f"tick_{key}") == "on", request.POST.get(f"note_{key}", ""))
        for key, label in items
    ]
    return render(
        request,
        "products/admission_review.html",
        {"page": page, "items": rows, "refused": refused},
        status=status,
    )


@require_GET
def document(request, document_id: uuid.UUID):
    """A product's PDF: staff who see products get any; customers and visitors only those of a
    product on sale."""
    actor = (
        staff_actor(request.user)
        if getattr(request.user, "kind", "") == "staff" and (request.user.is_authenticated)
        else None
    )
    try:
        doc = pages.document_for(document_id=document_id, actor=actor, on=_today(timezone.now()))
    except DocumentNotFound:
        raise Http404 from None
    return FileResponse(
        doc.file.open("rb"),
        content_type="application/pdf",
        as_attachment=False,
        filename=doc.file_name,
    )
