"""The customer's loans (portal): each loan with its whole schedule and the overdue warning,
repaying any amount up to what is owed, and repaying early, in full (with the quote) or in part
(lower instalments or a shorter term, with the schedule that follows)."""

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from hujin.core.errors import HujinError
from hujin.core.money import format_minor
from hujin.identity.access import customer_actor, customer_required
from hujin.lending import forms_portal as forms
from hujin.lending import types as t
from hujin.lending.errors import InsufficientFunds, LoanNotFound
from hujin.lending.selectors.portal import my_loan, my_loan_contract, my_prepayment_quote
from hujin.lending.services import loan_prepay, loan_repay
from hujin.lending.views_portal import _language, _today, loan_row
from hujin.lending.views_portal_words import INSTALMENT_STATE_KEYS, INSTALMENT_STATE_LABELS


def _my_loan(request, loan_id, business_date):
    try:
        return my_loan(actor=customer_actor(request.user), loan_id=loan_id,
                       business_date=business_date)  # fmt: skip
    except LoanNotFound:
        raise Http404 from None


def _lines(view) -> list[dict]:
    return [{"line": line, "state_key": INSTALMENT_STATE_KEYS[line.state],
             "state_label": INSTALMENT_STATE_LABELS[line.state]}
            for line in view.lines]  # fmt: skip


@require_GET
@customer_required
def loan(request, loan_id: uuid.UUID):
    """The loan, what is owed and due next, the overdue warning, the whole schedule."""
    _, business_date = _today()
    view = _my_loan(request, loan_id, business_date)
    return render(request, "lending/portal/loan.html", {
        **loan_row(view, _language()), "lines": _lines(view), "business_date": business_date,
    })  # fmt: skip


@require_GET
@customer_required
def contract(request, loan_id: uuid.UUID):
    try:
        text, digest = my_loan_contract(actor=customer_actor(request.user), loan_id=loan_id)
    except LoanNotFound:
        raise Http404 from None
    _, business_date = _today()
    view = _my_loan(request, loan_id, business_date)
    return render(request, "lending/portal/contract.html", {
        **loan_row(view, _language()), "text": text, "digest": digest,
    })  # fmt: skip


def _default_repayment(view) -> int:
    """What is due now, or else the next instalment."""
    return view.due_now_minor or view.next_due_minor or view.owed_minor


@require_http_methods(["GET", "POST"])
@customer_required
def repay(request, loan_id: uuid.UUID):
    """Repay from the wallet: by default what is due now (or the next instalment)."""
    now, business_date = _today()
    view = _my_loan(request, loan_id, business_date)
    if view.state != t.LOAN_ACTIVE:
        messages.error(request, gettext("This loan has nothing left to repay."))
        return redirect("lending:loan", loan_id=view.id)
    data = request.POST if request.method == "POST" else request.GET
    values = {
        "amount": data.get("amount", format_minor(_default_repayment(view), "CNY"))
        .strip()[: forms.MAX_TEXT],
        "key": data.get("key", "").strip()[:64] or uuid.uuid4().hex,
    }  # fmt: skip
    errors = {}
    if request.method == "POST":
        amount, error = forms.amount_read(values["amount"])
        if error:
            errors[forms.AMOUNT] = error
        elif amount > view.owed_minor:
            errors[forms.AMOUNT] = gettext("That is more than you owe on this loan.")
        else:
            try:
                loan_repay(actor=customer_actor(request.user), loan_id=view.id,
                           amount_minor=amount, idempotency_key=values["key"], now=now,
                           business_date=business_date)  # fmt: skip
            except LoanNotFound:
                raise Http404 from None
            except HujinError as exc:
                errors[forms.field_of(exc)] = str(exc.message)
                errors["top_up"] = isinstance(exc, InsufficientFunds)
            else:
                messages.success(request, gettext("Thank you: your repayment is made."))
                return redirect("lending:loan", loan_id=view.id)
    return render(request, "lending/portal/repay.html", {
        **loan_row(view, _language()), "values": values, "errors": errors,
    }, status=400 if errors else 200)  # fmt: skip


def _prepay_values(data) -> dict:
    choice = data.get("choice", t.PREPAY_REDUCE_INSTALMENT)
    return {
        "full": data.get("kind", "full") != "part",
        "principal": data.get("principal", "").strip()[: forms.MAX_TEXT],
        "choice": choice if choice in t.PREPAY_CHOICES else t.PREPAY_REDUCE_INSTALMENT,
        "key": data.get("key", "").strip()[:64] or uuid.uuid4().hex,
    }  # fmt: skip


def _quote(request, view, values, business_date) -> dict:
    """The quote of the early repayment asked for, or the words to show instead."""
    principal = None
    if not values["full"]:
        principal, error = forms.amount_read(
            values["principal"], empty=gettext("Enter the principal to repay.")
        )
        if error:
            return {"quote_error": error}
    try:
        quote = my_prepayment_quote(actor=customer_actor(request.user), loan_id=view.id,
                                    business_date=business_date, principal_minor=principal,
                                    choice=values["choice"])  # fmt: skip
    except LoanNotFound:
        raise Http404 from None
    except HujinError:
        return {
            "quote_error": gettext("Enter less than the principal still owed: %(owed)s.")
            % {"owed": format_minor(view.outstanding_principal_minor, "CNY")}
        }
    return {"quote": quote}


@require_GET
@customer_required
def prepay_quote(request, loan_id: uuid.UUID):
    """The htmx fragment of the early repayment: its quote and the schedule that follows."""
    _, business_date = _today()
    view = _my_loan(request, loan_id, business_date)
    if view.state != t.LOAN_ACTIVE:
        raise Http404
    values = _prepay_values(request.GET)
    return render(
        request,
        "lending/portal/_prepay_quote.html",
        {**_quote(request, view, values, business_date), "values": values},
    )


@require_http_methods(["GET", "POST"])
@customer_required
def prepay(request, loan_id: uuid.UUID):
    """Repay early: in full, or part of the principal with the choice of lower instalments or a
    shorter term; the quote first, then the confirmation."""
    now, business_date = _today()
    view = _my_loan(request, loan_id, business_date)
    if view.state != t.LOAN_ACTIVE or not view.prepayment_allowed:
        messages.error(request, gettext("This loan cannot be repaid early."))
        return redirect("lending:loan", loan_id=view.id)
    data = request.POST if request.method == "POST" else request.GET
    values = _prepay_values(data)
    errors = {}
    if request.method == "POST" and request.POST.get("confirmed") == "yes":
        principal = None
        if not values["full"]:
            principal, error = forms.amount_read(values["principal"])
            if error:
                errors[forms.PRINCIPAL] = error
        if not errors:
            try:
                loan_prepay(actor=customer_actor(request.user), loan_id=view.id,
                            idempotency_key=values["key"], now=now,
                            business_date=business_date, principal_minor=principal,
                            choice=values["choice"])  # fmt: skip
            except LoanNotFound:
                raise Http404 from None
            except HujinError as exc:
                field = forms.field_of(exc)
                errors[forms.PRINCIPAL if field == forms.AMOUNT else field] = str(exc.message)
                errors["top_up"] = isinstance(exc, InsufficientFunds)
            else:
                messages.success(request, gettext("Thank you: your early repayment is made."))
                return redirect("lending:loan", loan_id=view.id)
    return render(request, "lending/portal/prepay.html", {
        **loan_row(view, _language()), "values": values, "errors": errors,
        "choices": [(t.PREPAY_REDUCE_INSTALMENT, gettext("Lower instalments, same term")),
                    (t.PREPAY_SHORTEN_TERM, gettext("Same instalment, shorter term"))],
        **_quote(request, view, values, business_date),
    }, status=400 if errors else 200)  # fmt: skip
