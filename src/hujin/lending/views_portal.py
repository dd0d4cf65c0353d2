"""The customer's lending pages (portal): the loan products with an instalment calculator, the
application and the customer's applications (an application's decision, the contract and its
signing: ``views_portal_offer``; the loans, their repayment and early repayment:
``views_portal_loans``). Each view asks the lending module as the
customer and shows its answer; a refusal is shown next to the field it is about, with nothing
changed. The wall clock and the business date are read here, once per request."""

import uuid

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from hujin.core.dates import business_date_get
from hujin.core.errors import HujinError
from hujin.core.money import format_minor
from hujin.identity.access import customer_actor, customer_required
from hujin.lending import forms_portal as forms
from hujin.lending import types as t
from hujin.lending.errors import (
    LoanProductNotFound,
)
from hujin.lending.selectors.portal import (
    my_applications,
    my_loans,
    product_on_sale_get,
    products_on_sale,
    schedule_preview,
)
from hujin.lending.services import (
    ApplicationInput,
    application_submit,
)
from hujin.lending.views_portal_words import (
    APPLICATION_STATE_KEYS,
    APPLICATION_STATE_LABELS,
    LOAN_STATE_KEYS,
    LOAN_STATE_LABELS,
    METHOD_LABELS,
    PURPOSE_LABELS,
    term_label,
)

CREDIT_CHECK = "credit_check"


def _language() -> str:
    return translation.get_language() or "en"


def _today():
    now = timezone.now()
    return now, business_date_get(now=now)


def _percent(rate) -> str:
    """A rate as people read it: 0.18 → "18.00"."""
    return f"{rate * 100:.2f}"


def _product_row(view: t.ProductView, language: str) -> dict:
    name = view.name_zh if language.startswith("zh") else view.name_en
    description = view.description_zh if language.startswith("zh") else view.description_en
    return {
        "view": view, "name": name, "description": description,
        "min_rate": _percent(view.min_rate), "max_rate": _percent(view.max_rate),
        "worst_apr": _percent(view.worst_apr), "method": METHOD_LABELS.get(view.method, ""),
        "days": view.term_unit == t.TERM_DAYS,
        "terms": term_label(view.min_term, view.term_unit) + " – "
        + term_label(view.max_term, view.term_unit),
        "default_amount": format_minor(_default_amount(view), "CNY"),
        "default_term": view.max_term if view.term_unit == t.TERM_DAYS else
        min(max(12, view.min_term), view.max_term),
        "upfront_fee": _percent(view.upfront_fee_rate) if view.upfront_fee_rate else "",
    }  # fmt: skip


def _default_amount(view: t.ProductView) -> int:
    return min(max(10_000_00, view.min_amount_minor), view.max_amount_minor)


def _application_row(view, language: str) -> dict:
    return {
        "view": view, "name": view.product_name(language),
        "term": term_label(view.term, view.term_unit),
        "state_key": APPLICATION_STATE_KEYS.get(view.state, view.state),
        "state_label": APPLICATION_STATE_LABELS.get(view.state, view.state),
        "purpose": PURPOSE_LABELS.get(view.purpose, view.purpose),
    }  # fmt: skip


def loan_row(view, language: str) -> dict:
    return {
        "view": view, "name": view.product_name(language),
        "term": term_label(view.term, view.term_unit),
        "state_key": LOAN_STATE_KEYS.get(view.state, view.state),
        "state_label": LOAN_STATE_LABELS.get(view.state, view.state),
        "apr": _percent(view.apr), "rate": _percent(view.annual_rate),
        "method": METHOD_LABELS.get(view.method, ""),
        "penalty_rate": _percent(view.penalty_rate),
    }  # fmt: skip


# --- the lending home, the products and the calculator ----------------------------------------


@require_GET
@customer_required
def home(request):
    """My loans (each with what is owed and due next), my applications, and the products."""
    actor, language = customer_actor(request.user), _language()
    _now, business_date = _today()
    loans = [loan_row(v, language) for v in my_loans(actor=actor, business_date=business_date)]
    applications = [_application_row(a, language) for a in my_applications(actor=actor)
                    if a.state in (t.APP_APPROVED, t.APP_REFERRED, t.APP_SUBMITTED)]  # fmt: skip
    return render(request, "lending/portal/home.html", {
        "loans": loans, "applications": applications,
        "products": [_product_row(p, language) for p in products_on_sale(on=business_date)],
        "overdue": [row for row in loans if row["view"].overdue],
    })  # fmt: skip


@require_GET
@customer_required
def products(request):
    _, business_date = _today()
    language = _language()
    return render(request, "lending/portal/products.html", {
        "products": [_product_row(p, language) for p in products_on_sale(on=business_date)],
    })  # fmt: skip


def _preview(request, product_id, data) -> dict:
    """The calculator's answer for the amount, term and repayment day in ``data``: the
    schedule at the product's highest rate, or the words to show instead."""
    amount, error = forms.amount_read(data.get("amount"))
    if error:
        return {"preview_error": error}
    term, error = forms.whole_read(data.get("term"), empty=gettext("Enter the term."))
    if error:
        return {"preview_error": error}
    day, error = forms.day_read(data.get("repayment_day"))
    if error:
        return {"preview_error": error}
    _, business_date = _today()
    try:
        preview = schedule_preview(product_id=product_id, amount_minor=amount, term=term,
                                   repayment_day=day, start=business_date)  # fmt: skip
    except LoanProductNotFound:
        raise Http404 from None
    except HujinError as exc:
        return {"preview_error": forms.application_message(exc)}
    return {"preview": preview, "preview_apr": _percent(preview.highest.apr),
            "preview_max_rate": _percent(preview.max_rate),
            "preview_min_rate": _percent(preview.min_rate)}  # fmt: skip


@require_GET
@customer_required
def preview(request, product_id: uuid.UUID):
    """The htmx fragment of the calculator: the schedule of the amount and term typed."""
    return render(request, "lending/portal/_preview.html",
                  _preview(request, product_id, request.GET))  # fmt: skip


# --- applying ---------------------------------------------------------------------------------


def _credit_check_document():
    from hujin.privacy.errors import ConsentDocumentNotFound
    from hujin.privacy.selectors import consent_document_current, consent_standing

    def read(user_id):
        if consent_standing(user_id=user_id, kind=CREDIT_CHECK) is not None:
            return None
        try:
            return consent_document_current(kind=CREDIT_CHECK)
        except ConsentDocumentNotFound:  # none published: the service refuses the application
            return None

    return read


def _apply_page(request, product, *, values, errors=None, status=200, extra=None):
    language = _language()
    document = _credit_check_document()(request.user.pk)
    refused = [str(PURPOSE_LABELS[p]) for p in t.REFUSED_PURPOSES]
    return render(request, "lending/portal/apply.html", {
        **_product_row(product, language), "product": product, "values": values,
        "errors": errors or {}, "document": document,
        "purposes": [(p, PURPOSE_LABELS[p], p in t.REFUSED_PURPOSES) for p in t.PURPOSES],
        "refused_purposes": refused, **(extra or {}),
    }, status=status)  # fmt: skip


def _product_or_404(product_id, business_date) -> t.ProductView:
    try:
        return product_on_sale_get(product_id=product_id, on=business_date)
    except LoanProductNotFound:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
@customer_required
def apply(request, product_id: uuid.UUID):
    """GET: the form (amount, term, purpose, income, the credit-check authorisation) with the
    schedule preview. POST: apply, once per key; then the decision's page."""
    now, business_date = _today()
    product = _product_or_404(product_id, business_date)
    data = request.POST if request.method == "POST" else request.GET
    row = _product_row(product, _language())
    values = {
        "amount": data.get("amount", row["default_amount"]).strip()[: forms.MAX_TEXT],
        "term": data.get("term", str(row["default_term"])).strip()[:6],
        "repayment_day": data.get("repayment_day", "").strip()[:2],
        "purpose": data.get("purpose", "").strip()[:32],
        "income": data.get("income", "").strip()[: forms.MAX_TEXT],
        "consent": data.get("consent") == "on",
        "key": data.get("key", "").strip()[:64] or uuid.uuid4().hex,
    }  # fmt: skip
    if request.method == "GET":
        return _apply_page(request, product, values=values,
                           extra=_preview(request, product.id, values))  # fmt: skip
    errors = {}
    amount, error = forms.amount_read(values["amount"])
    if error:
        errors[forms.AMOUNT] = error
    term, error = forms.whole_read(values["term"], empty=gettext("Enter the term."))
    if error:
        errors[forms.TERM] = error
    day, error = forms.day_read(values["repayment_day"])
    if error:
        errors[forms.REPAYMENT_DAY] = error
    if values["purpose"] not in t.PURPOSES:
        errors[forms.PURPOSE] = gettext("Choose what the loan is for.")
    elif values["purpose"] in t.REFUSED_PURPOSES:
        errors[forms.PURPOSE] = gettext(
            "A loan cannot be used for investments such as shares, funds, futures or a "
            "property down payment. Choose another purpose."
        )
    income, error = forms.amount_read(values["income"],
                                      empty=gettext("Enter your monthly income."))  # fmt: skip
    if error:
        errors[forms.INCOME] = error
    document = _credit_check_document()(request.user.pk)
    if document is not None and not values["consent"]:
        errors[forms.CONSENT] = gettext("Tick the box to authorise the credit check.")
    if not errors:
        try:
            application = application_submit(
                actor=customer_actor(request.user), now=now, business_date=business_date,
                data=ApplicationInput(
                    product_id=product.id, amount_minor=amount, term=term,
                    purpose=values["purpose"], monthly_income_minor=income,
                    idempotency_key=values["key"], repayment_day=day,
                    credit_check_document_id=document.id if document is not None else None,
                    channel="web", ip=request.META.get("REMOTE_ADDR"),
                ),
            )  # fmt: skip
        except LoanProductNotFound:
            raise Http404 from None
        except HujinError as exc:
            errors[forms.field_of(exc)] = forms.application_message(exc)
        else:
            return redirect("lending:application", application_id=application.id)
    return _apply_page(request, product, values=values, errors=errors, status=400,
                       extra=_preview(request, product.id, values))  # fmt: skip


# --- the decision and the contract --------------------------------------------------------------


@require_GET
@customer_required
def applications(request):
    language = _language()
    rows = my_applications(actor=customer_actor(request.user))
    return render(request, "lending/portal/applications.html",
                  {"rows": [_application_row(a, language) for a in rows]})  # fmt: skip
