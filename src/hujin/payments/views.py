"""The customer's bank cards (list, bind, the bank's code, default, unbind) and the console's
development page of the sandbox channel's codes. Each view makes one domain call."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hujin.core.errors import HujinError
from hujin.identity.access import customer_actor, customer_required, staff_required
from hujin.payments import selectors, services
from hujin.payments.channels.sandbox import sandbox_codes_recent
from hujin.payments.errors import (
    BindingNotPending,
    CardNotFound,
    VerificationAttemptsExhausted,
)


@customer_required
def cards(request):
    view = selectors.my_cards(actor=customer_actor(request.user))
    return render(request, "payments/cards.html", {"mine": view})


@customer_required
@require_http_methods(["GET", "POST"])
def bind(request):
    actor = customer_actor(request.user)
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("number", "reserved_mobile")}
        try:
            started = services.card_bind_begin(
                number=values["number"],
                holder_name=request.POST.get("holder_name", ""),
                reserved_mobile=values["reserved_mobile"],
                actor=actor,
                now=timezone.now(),
            )
        except HujinError as exc:
            mine = selectors.my_cards(actor=actor)
            context = {"mine": mine, "error": exc.message, "values": values}
            return render(request, "payments/bind.html", context, status=400)
        if started.luhn_warning:
            messages.warning(
                request,
                _(
                    "This card number fails the usual check digit. Some real cards do; if the "
                    "bank's code does not arrive, check the number."
                ),
            )
        messages.info(
            request,
            _("The bank has sent a code to %(mobile)s.")
            % {"mobile": started.reserved_mobile_masked},
        )
        return redirect("payments:verify", card_id=started.card.id)
    mine = selectors.my_cards(actor=actor)
    return render(request, "payments/bind.html", {"mine": mine, "values": {}})


@customer_required
@require_http_methods(["GET", "POST"])
def verify(request, card_id: uuid.UUID):
    actor = customer_actor(request.user)
    if request.method == "POST":
        try:
            card = services.card_bind_confirm(
                card_id=card_id, code=request.POST.get("code", ""), actor=actor, now=timezone.now()
            )
        except CardNotFound:
            raise Http404("no such card") from None
        except (VerificationAttemptsExhausted, BindingNotPending) as exc:
            messages.error(request, exc.message)
            return redirect("payments:cards")
        except HujinError as exc:
            messages.error(request, exc.message)
            return redirect("payments:verify", card_id=card_id)
        messages.success(
            request,
            _("The card %(card)s is bound.") % {"card": card.masked_number},
        )
        return redirect("payments:cards")
    try:
        card = selectors.card_of(actor=actor, card_id=card_id, pending=True)
    except CardNotFound:
        raise Http404("no such card") from None
    return render(request, "payments/verify.html", {"card": card})


@customer_required
@require_POST
def set_default(request, card_id: uuid.UUID):
    try:
        card = services.card_set_default(
            card_id=card_id, actor=customer_actor(request.user), now=timezone.now()
        )
    except CardNotFound:
        raise Http404("no such card") from None
    except HujinError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(card)s is now your default card.") % {"card": card.masked_number}
        )
    return redirect("payments:cards")


@customer_required
@require_http_methods(["GET", "POST"])
def unbind(request, card_id: uuid.UUID):
    actor = customer_actor(request.user)
    if request.method == "POST":
        try:
            card = services.card_unbind(card_id=card_id, actor=actor, now=timezone.now())
        except CardNotFound:
            raise Http404("no such card") from None
        except HujinError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(card)s is unbound.") % {"card": card.masked_number})
        return redirect("payments:cards")
    try:
        card = selectors.card_of(actor=actor, card_id=card_id)
    except CardNotFound:
        raise Http404("no such card") from None
    return render(request, "payments/unbind.html", {"card": card})


@staff_required
def dev_codes(request):
    """The sandbox channel's verification codes. Not in production (404 there)."""
    if settings.PROD:
        raise Http404("no sandbox codes in production")
    return render(request, "payments/dev_codes.html", {"codes": sandbox_codes_recent()})
