"""An application's page: the decision in plain words, and for an offer the contract, the
choice of where the money goes (the wallet or a bound card) and the signing with a code; the
disbursement follows at once when the lender's funds allow. A refusal is shown in place, with
nothing changed."""

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from hujin.core.errors import HujinError
from hujin.identity.access import customer_actor, customer_required
from hujin.lending import forms_portal as forms
from hujin.lending import types as t
from hujin.lending.accounts import ACTOR as LENDING
from hujin.lending.errors import (
    ApplicationNotFound,
    FundingExhausted,
    OfferExpired,
)
from hujin.lending.selectors.portal import (
    my_application,
)
from hujin.lending.services import (
    application_cancel,
    contract_preview,
    loan_disburse,
    loan_sign,
    sign_code_send,
)
from hujin.lending.views_portal import _application_row, _language, _percent, _today
from hujin.lending.views_portal_words import (
    reasons_in_words,
)


def _my_application(request, application_id):
    try:
        return my_application(actor=customer_actor(request.user), application_id=application_id)
    except ApplicationNotFound:
        raise Http404 from None


def _sign_methods(user) -> list[str]:
    from hujin.identity.services import step_up_methods

    return list(step_up_methods(user_id=user.pk))


@require_GET
@customer_required
def application(request, application_id: uuid.UUID):
    """The decision in plain words; an approval shows the offer and the contract to sign."""
    view = _my_application(request, application_id)
    language = _language()
    now, business_date = _today()
    context = {**_application_row(view, language), "errors": {}}
    if view.state == t.APP_APPROVED:
        context.update(_offer(request, view, language, now, business_date))
    if view.state == t.APP_DECLINED:
        context["reasons"] = reasons_in_words(hard_rules=view.hard_rules, reasons=view.reasons)
    return render(request, "lending/portal/application.html", context)


def _cards(user) -> list:
    """The customer's bound cards the money may go to (masked, with the bank's name)."""
    from hujin.payments.selectors import my_cards

    return list(my_cards(actor=customer_actor(user)).cards)


def _destination(request) -> tuple[str, uuid.UUID | None]:
    """Where the customer asked the money to go: the wallet, or the card whose id they chose
    (the service checks it is one of theirs)."""
    chosen = request.POST.get("disburse_to", "").strip()[:36]
    if chosen in ("", t.DISBURSE_WALLET):
        return t.DISBURSE_WALLET, None
    try:
        return t.DISBURSE_CARD, uuid.UUID(chosen)
    except ValueError:
        return t.DISBURSE_CARD, None


def _offer(request, view, language, now, business_date, **extra) -> dict:
    context = {
        "offer_rate": _percent(view.offer_rate or 0), "offer_apr": _percent(view.offer_apr or 0),
        "methods": _sign_methods(request.user), "cards": _cards(request.user), **extra,
    }  # fmt: skip
    try:
        text, digest, plan = contract_preview(
            actor=customer_actor(request.user), application_id=view.id, language=language,
            now=now, business_date=business_date,
        )  # fmt: skip
    except OfferExpired:
        context["expired"] = True
        return context
    context.update({"contract_text": text, "contract_sha256": digest, "plan": plan,
                    "first_instalment": plan.instalments[0]})  # fmt: skip
    return context


@require_POST
@customer_required
def sign_code(request, application_id: uuid.UUID):
    """Text the code that signs the contract whose digest the page showed."""
    view = _my_application(request, application_id)
    now, _business_date = _today()
    digest = request.POST.get("contract_sha256", "")[:64]
    return _acted(request, view, gettext("We sent the code to your mobile phone."),
                  lambda: sign_code_send(actor=customer_actor(request.user),
                                         application_id=view.id, contract_sha256=digest,
                                         ip=request.META.get("REMOTE_ADDR"), now=now))  # fmt: skip


def _acted(request, view, done: str, act):
    """``act`` on the customer's application, then back to its page with ``done`` or the
    refusal's message; 404 for an application that is not theirs."""
    try:
        act()
    except ApplicationNotFound:
        raise Http404 from None
    except HujinError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("lending:application", application_id=view.id)


@require_POST
@customer_required
def sign(request, application_id: uuid.UUID):
    """Sign with the code, then pay the loan out at once (or shortly, when the lender's funds
    are short: the loan stays signed and the close of business pays it)."""
    view = _my_application(request, application_id)
    language = _language()
    now, business_date = _today()
    method = request.POST.get("method", "sms")
    method = method if method in ("sms", "totp") else "sms"
    code = "".join(request.POST.get("code", "").split())[:12]
    disburse_to, card_id = _destination(request)
    try:
        loan = loan_sign(actor=customer_actor(request.user), application_id=view.id,
                         contract_sha256=request.POST.get("contract_sha256", "")[:64],
                         method=method, code=code, language=language, now=now,
                         business_date=business_date, disburse_to=disburse_to,
                         card_id=card_id)  # fmt: skip
    except ApplicationNotFound:
        raise Http404 from None
    except HujinError as exc:
        again = _my_application(request, view.id)
        if again.loan_id is not None:  # signed a moment ago (a double click): that loan
            return redirect("lending:loan", loan_id=again.loan_id)
        if again.state != t.APP_APPROVED:
            messages.error(request, exc.message)
            return redirect("lending:application", application_id=view.id)
        field = forms.field_of(exc)
        if field == forms.CODE and not code:
            message = gettext("Enter the code we sent you, or the one your authenticator shows.")
        elif field == forms.CODE:
            message = gettext("That code is not right, or has expired. Ask for a new one.")
        else:
            message = str(exc.message)
        offer = _offer(request, view, language, now, business_date, method=method,
                       destination=str(card_id or t.DISBURSE_WALLET))  # fmt: skip
        context = {**_application_row(view, language), "errors": {field: message}, **offer}
        return render(request, "lending/portal/application.html", context, status=400)
    try:
        loan = loan_disburse(actor=LENDING, loan_id=loan.id, now=now,
                             business_date=business_date)  # fmt: skip
    except FundingExhausted:
        messages.info(request, _awaiting_words(disburse_to))
    else:
        messages.success(request, _disbursed_words(loan, disburse_to))
    return redirect("lending:loan", loan_id=loan.id)


def _awaiting_words(disburse_to: str) -> str:
    if disburse_to == t.DISBURSE_CARD:
        return gettext("Your contract is signed. The money is paid out to your bank card "
                       "shortly; we will let you know.")  # fmt: skip
    return gettext("Your contract is signed. The money arrives in your wallet shortly; we will "
                   "let you know.")  # fmt: skip


def _disbursed_words(loan, chosen: str) -> str:
    if loan.disburse_to == t.DISBURSE_CARD:
        return gettext("Your contract is signed and the money is on its way to your bank card.")
    if chosen == t.DISBURSE_CARD:  # the card could not take it: the wallet has it
        return gettext("Your contract is signed. The card you chose could not receive the "
                       "money, so it is in your wallet.")  # fmt: skip
    return gettext("Your contract is signed and the money is in your wallet.")


@require_POST
@customer_required
def cancel(request, application_id: uuid.UUID):
    """Decline an offer or withdraw an application waiting for review."""
    view = _my_application(request, application_id)
    actor = customer_actor(request.user)
    return _acted(request, view, gettext("Your application is withdrawn."),
                  lambda: application_cancel(actor=actor, application_id=view.id,
                                             now=timezone.now()))  # fmt: skip
