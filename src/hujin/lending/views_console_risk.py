"""The console's lending pages on credit risk (staff): the applications queue and an analyst's
review, the loans and one loan, the collections queue, the score models and the portfolio."""

import uuid
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hujin.core.dates import business_date_get
from hujin.core.errors import HujinError
from hujin.core.errors import PermissionDenied as HujinPermissionDenied
from hujin.core.statuses import status_get
from hujin.identity.access import staff_required
from hujin.lending import services
from hujin.lending import types as t
from hujin.lending.errors import ApplicationNotFound, ScoreModelNotFound
from hujin.lending.forms_console import LoanFilterForm, ReviewForm, fen, rate
from hujin.lending.permissions import DECIDE_APPLICATIONS, MANAGE_MODELS, VIEW_LENDING
from hujin.lending.selectors import console as pages
from hujin.lending.selectors import console_loans as book
from hujin.lending.selectors.console_models import models_registry
from hujin.lending.views_console import actor_of, language, today


@require_GET
@staff_required(permission=VIEW_LENDING)
def applications(request):
    queue = pages.applications_queue(actor=actor_of(request), language=language())
    return render(request, "lending/console/applications.html", {"queue": queue})


def _application_page(request, application_id, form=None, status=200, refused=""):
    try:
        page = pages.application_page(actor=actor_of(request), application_id=application_id,
                                      language=language(), now=timezone.now())  # fmt: skip
    except ApplicationNotFound:
        raise Http404("no such application") from None
    a = page.application
    if form is None:
        initial = {"amount": _yuan(a.amount_minor),
                   "rate": _percent_value(page.band_rate)}  # fmt: skip
        form = ReviewForm(initial=initial)
    context = {"page": page, "a": a, "form": form, "refused": refused,
               "may_decide": request.user.has_perm(DECIDE_APPLICATIONS)}  # fmt: skip
    return render(request, "lending/console/application.html", context, status=status)


def _yuan(minor: int) -> Decimal:
    return Decimal(minor) / 100


def _percent_value(text: str) -> Decimal | None:
    return Decimal(text.rstrip("%")) if text else None


@require_GET
@staff_required(permission=VIEW_LENDING)
def application(request, application_id: uuid.UUID):
    return _application_page(request, application_id)


@require_POST
@staff_required(permission=DECIDE_APPLICATIONS)
def application_decide(request, application_id: uuid.UUID):
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _application_page(request, application_id, form=form, status=400)
    d = form.cleaned_data
    approve = d["decision"] == "approve"
    now = timezone.now()
    try:
        decided = services.application_review(
            actor=actor_of(request), application_id=application_id, approve=approve,
            note=d["note"], now=now, business_date=business_date_get(now=now),
            amount_minor=fen(d["amount"]) if approve else None,
            rate=rate(d["rate"]) if approve else None,
        )  # fmt: skip
    except ApplicationNotFound:
        raise Http404("no such application") from None
    except HujinPermissionDenied:
        raise PermissionDenied(DECIDE_APPLICATIONS) from None
    except HujinError as exc:
        field = str((exc.details or {}).get("field", ""))
        if field in ("amount", "rate", "note"):
            form.add_error(field, exc.message)
            return _application_page(request, application_id, form=form, status=400)
        return _application_page(request, application_id, form=form, status=400,
                                 refused=exc.message)  # fmt: skip
    if decided.approval_request_id and decided.state == t.APP_REFERRED:
        messages.success(request, _("Above the policy's amount: a second analyst must approve."))
    elif decided.state == t.APP_APPROVED:
        messages.success(request, _("Approved: the customer has the offer."))
    else:
        messages.success(request, _("Declined."))
    return redirect("lending:console_application", application_id)


def _labels(keys) -> dict:
    return {k: (status_get(k).label if status_get(k) else k) for k in keys}


@require_GET
@staff_required(permission=VIEW_LENDING)
def loans(request):
    form = LoanFilterForm(request.GET or None, products=book.product_choices(language()),
                          state_labels=_labels(t.LOAN_STATES),
                          class_labels=_labels(pages.CLASSES))  # fmt: skip
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    product = data.get("product") or ""
    filters = book.LoanFilters(
        state=data.get("state") or "", bucket=data.get("bucket") or "",
        classification=data.get("classification") or "",
        product_id=uuid.UUID(product) if product else None,
    )  # fmt: skip
    rows = book.loans_list(actor=actor_of(request), filters=filters, language=language())
    return render(request, "lending/console/loans.html", {"form": form, "rows": rows,
                                                          "filtered": bool(data)})  # fmt: skip


@require_GET
@staff_required(permission=VIEW_LENDING)
def loan(request, loan_id: uuid.UUID):
    from hujin.lending.views_console_servicing import loan_page  # with the servicing forms

    return loan_page(request, loan_id)


@require_GET
@staff_required(permission=VIEW_LENDING)
def collections(request):
    rows = book.collections_queue(actor=actor_of(request), language=language(), on=today())
    return render(request, "lending/console/collections.html", {"rows": rows})


def _models_page(request, status=200, refused=""):
    rows, chart = models_registry()
    return render(request, "lending/console/models.html", {
        "rows": rows, "chart": chart, "refused": refused,
        "may_manage": request.user.has_perm(MANAGE_MODELS),
    }, status=status)  # fmt: skip


@require_GET
@staff_required(permission=VIEW_LENDING)
def models(request):
    return _models_page(request)


@require_POST
@staff_required(permission=MANAGE_MODELS)
def model_step(request, model_id: uuid.UUID, action: str):
    steps = {"promote": services.model_promote, "retire": services.model_retire}
    if action not in steps:
        raise Http404("no such step")
    try:
        view = steps[action](actor=actor_of(request), model_id=model_id, now=timezone.now())
    except ScoreModelNotFound:
        raise Http404("no such model") from None
    except HujinPermissionDenied:
        raise PermissionDenied(MANAGE_MODELS) from None
    except HujinError as exc:
        return _models_page(request, status=400, refused=exc.message)
    if action == "promote":
        messages.success(
            request, _("Version %(v)s now decides applications.") % {"v": view.version}
        )
    else:
        messages.success(request, _("Version %(v)s is retired.") % {"v": view.version})
    return redirect("lending:console_models")


@require_GET
@staff_required(permission=VIEW_LENDING)
def portfolio(request):
    return render(request, "lending/console/portfolio.html",
                  {"p": book.portfolio(on=today())})  # fmt: skip
