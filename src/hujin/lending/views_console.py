"""The console's lending pages (staff): loan products (list, a product, create and edit a draft,
submit for admission, suspend / resume / close) and the lender's funds. The applications,
loans, collections, score models and portfolio are in views_console_risk.

Each view makes one domain call; the wall clock is read here; a refused step is shown on the
page it came from."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hujin.core.dates import business_date_get
from hujin.core.errors import HujinError
from hujin.core.errors import PermissionDenied as HujinPermissionDenied
from hujin.identity.access import staff_actor, staff_required
from hujin.lending import services
from hujin.lending import types as t
from hujin.lending.errors import LoanProductInvalid, LoanProductNotFound
from hujin.lending.forms_console import FundingForm, ProductForm, SubmitForm, fen
from hujin.lending.permissions import FUND_LENDING, MANAGE_PRODUCTS, VIEW_LENDING
from hujin.lending.selectors import console as pages
from hujin.lending.selectors import console_loans as book

# why a product's field was refused (LoanProductInvalid's reason), in words
REASONS = {
    "format": gettext_lazy("Letters, digits, hyphens and underscores, at most 32."),
    "taken": gettext_lazy("Another product has this code."),
    "required": gettext_lazy("Required."),
    "range": gettext_lazy("Out of range: check it against the smallest value."),
    "days_need_bullet": gettext_lazy("A term in days is repaid in one payment at maturity."),
    "above_cap": gettext_lazy("Above the annual cost cap."),
    "not_a_permutation": gettext_lazy("Name each part once."),
    "out_of_range": gettext_lazy("From 0 to under 100 %, at most 4 decimals."),
}


def actor_of(request):
    return staff_actor(request.user)


def language() -> str:
    return translation.get_language() or "en"


def today():
    return business_date_get(now=timezone.now())


@require_GET
@staff_required(permission=VIEW_LENDING)
def products(request):
    rows = pages.products_list(language=language(), on=today())
    return render(request, "lending/console/products.html", {
        "rows": rows, "may_manage": request.user.has_perm(MANAGE_PRODUCTS),
        "cap": pages.percent(pages.apr_cap()),
    })  # fmt: skip


def _product_page(request, product_id, *, status=200, **extra):
    try:
        page = pages.product_page(product_id=product_id, language=language(), on=today())
    except LoanProductNotFound:
        raise Http404("no such loan product") from None
    context = {
        "page": page, "p": page.product, "submit_form": SubmitForm(),
        "may_manage": request.user.has_perm(MANAGE_PRODUCTS), **extra,
    }  # fmt: skip
    return render(request, "lending/console/product.html", context, status=status)


@require_GET
@staff_required(permission=VIEW_LENDING)
def product(request, product_id: uuid.UUID):
    return _product_page(request, product_id)


def _refused(form: ProductForm, exc: HujinError) -> None:
    details = exc.details or {}
    name = str(details.get("field", ""))
    name = ProductForm.SERVICE_FIELDS.get(name, name)
    if isinstance(exc, LoanProductInvalid) and name in form.fields:
        form.add_error(name, REASONS.get(str(details.get("reason")), exc.message))
    else:
        form.add_error(None, exc.message)


@require_http_methods(["GET", "POST"])
@staff_required(permission=MANAGE_PRODUCTS)
def product_new(request):
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            view = services.product_create(actor=actor_of(request), data=form.product_input(),
                                           now=timezone.now())  # fmt: skip
        except HujinPermissionDenied:
            raise PermissionDenied(MANAGE_PRODUCTS) from None
        except HujinError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The loan product is saved as a draft."))
            return redirect("lending:console_product", view.id)
    return render(request, "lending/console/product_form.html",
                  {"form": form, "p": None, "preview": None},
                  status=400 if form.errors else 200)  # fmt: skip


@require_http_methods(["GET", "POST"])
@staff_required(permission=MANAGE_PRODUCTS)
def product_edit(request, product_id: uuid.UUID):
    try:
        page = pages.product_page(product_id=product_id, language=language(), on=today())
    except LoanProductNotFound:
        raise Http404("no such loan product") from None
    if page.product.state != t.PRODUCT_DRAFT:
        messages.error(request, _("Only a draft can be edited."))
        return redirect("lending:console_product", product_id)
    if request.method == "POST":
        form = ProductForm(request.POST)
        if form.is_valid():
            try:
                services.product_update(actor=actor_of(request), product_id=product_id,
                                        data=form.product_input(), now=timezone.now())  # fmt: skip
            except HujinPermissionDenied:
                raise PermissionDenied(MANAGE_PRODUCTS) from None
            except HujinError as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("The draft is saved."))
                return redirect("lending:console_product", product_id)
    else:
        form = ProductForm(initial=ProductForm.initial_of(page.product))
    preview = (page.worst_apr, page.cap, page.above_cap)
    return render(request, "lending/console/product_form.html",
                  {"form": form, "p": page.product, "preview": preview},
                  status=400 if form.errors else 200)  # fmt: skip


# the terms the worst APR needs, with the limits the services hold them to
APR_FIELDS = ("min_amount", "max_amount", "term_unit", "min_term", "max_term", "method",
              "day_count", "max_rate", "upfront_fee_rate", "instalment_fee_rate")  # fmt: skip
MAX_TERMS = {t.TERM_MONTHS: 360, t.TERM_DAYS: 366}


@require_POST
@staff_required(permission=MANAGE_PRODUCTS)
def product_apr(request):
    """The form's worst APR as the terms are typed (htmx): the fragment beside the cap."""
    form = ProductForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    preview = None
    ready = all(data.get(f) is not None and f not in form.errors for f in APR_FIELDS)
    if ready and 0 < data["min_term"] <= data["max_term"] <= MAX_TERMS[data["term_unit"]] \
            and data["min_amount"] <= data["max_amount"] \
            and (data["term_unit"] == t.TERM_MONTHS or data["method"] == t.BULLET):  # fmt: skip
        preview = pages.worst_apr_preview(_apr_input(data), on=today())
    return render(request, "lending/console/_worst_apr.html", {"preview": preview})


def _apr_input(d) -> t.ProductInput:
    from decimal import Decimal

    from hujin.lending.forms_console import rate

    return t.ProductInput(
        code="x", name_zh="x", name_en="x", min_amount_minor=fen(d["min_amount"]),
        max_amount_minor=fen(d["max_amount"]), term_unit=d["term_unit"],
        min_term=d["min_term"], max_term=d["max_term"], method=d["method"],
        day_count=d["day_count"], min_rate=Decimal(0), max_rate=rate(d["max_rate"]),
        penalty_rate=Decimal(0), upfront_fee_rate=rate(d["upfront_fee_rate"]),
        instalment_fee_rate=rate(d["instalment_fee_rate"]),
    )  # fmt: skip


@require_POST
@staff_required(permission=MANAGE_PRODUCTS)
def product_submit(request, product_id: uuid.UUID):
    form = SubmitForm(request.POST)
    if not form.is_valid():
        return _product_page(request, product_id, submit_form=form, status=400)
    now = timezone.now()
    try:
        services.product_submit(actor=actor_of(request), product_id=product_id,
                                reason=form.cleaned_data["reason"], now=now,
                                business_date=business_date_get(now=now))  # fmt: skip
    except LoanProductNotFound:
        raise Http404("no such loan product") from None
    except HujinPermissionDenied:
        raise PermissionDenied(MANAGE_PRODUCTS) from None
    except HujinError as exc:
        return _product_page(request, product_id, refused=exc.message, status=400)
    messages.success(request, _("The product is sent to compliance for admission."))
    return redirect("lending:console_product", product_id)


MOVES = {
    "suspend": gettext_lazy("The product is suspended: no new applications."),
    "resume": gettext_lazy("The product is on sale again."),
    "close": gettext_lazy("The product is closed."),
}


@require_POST
@staff_required(permission=MANAGE_PRODUCTS)
def product_move(request, product_id: uuid.UUID, action: str):
    if action not in MOVES:
        raise Http404("no such step")
    try:
        services.product_move(actor=actor_of(request), product_id=product_id, action=action,
                              now=timezone.now())  # fmt: skip
    except LoanProductNotFound:
        raise Http404("no such loan product") from None
    except HujinPermissionDenied:
        raise PermissionDenied(MANAGE_PRODUCTS) from None
    except HujinError as exc:
        return _product_page(request, product_id, refused=exc.message, status=400)
    messages.success(request, MOVES[action])
    return redirect("lending:console_product", product_id)


def _funding_page(request, form, status=200):
    return render(request, "lending/console/funding.html", {
        "funds": book.funds(), "form": form,
        "may_fund": request.user.has_perm(FUND_LENDING),
    }, status=status)  # fmt: skip


@require_GET
@staff_required(permission=VIEW_LENDING)
def funding(request):
    return _funding_page(request, FundingForm())


@require_POST
@staff_required(permission=FUND_LENDING)
def funding_add(request):
    form = FundingForm(request.POST)
    if not form.is_valid():
        return _funding_page(request, form, status=400)
    now = timezone.now()
    try:
        services.funding_add(actor=actor_of(request), amount_minor=fen(form.cleaned_data["amount"]),
                             reference=form.cleaned_data["reference"], now=now,
                             business_date=business_date_get(now=now))  # fmt: skip
    except HujinPermissionDenied:
        raise PermissionDenied(FUND_LENDING) from None
    except HujinError as exc:
        form.add_error(None, exc.message)
        return _funding_page(request, form, status=400)
    messages.success(request, _("The funds are recorded."))
    return redirect("lending:console_funding")
