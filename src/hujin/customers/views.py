"""Console pages: Customer 360 (search, detail, status actions) and the KYC review queue."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hujin.core.errors import HujinError, NotFound
from hujin.core.errors import PermissionDenied as HujinPermissionDenied
from hujin.customers import selectors
from hujin.customers.forms import DecisionForm, ReasonForm, SearchForm
from hujin.customers.permissions import (
    CLOSE_CUSTOMER,
    REQUEST_FREEZE,
    REVIEW_KYC,
    VIEW_CUSTOMERS,
    VIEW_PERSONAL_DATA,
)
from hujin.customers.services import review as services_review
from hujin.customers.services import status
from hujin.identity.access import staff_actor, staff_required


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required(permission=VIEW_CUSTOMERS)
def customer_search(request):
    """The newest customers (GET), or those matching a search (POST).

    A search holds a mobile or identity number, so it travels in a POST body (CSRF-checked),
    never in a URL, where the web server's access log, the browser's history and the Referer
    header would keep it. A GET with a query string (an old bookmark, a hand-made link) is sent
    to the bare page, so that the number is neither searched nor kept in the address bar.
    """
    if request.method == "GET" and request.GET:
        return redirect("customers:search")
    form = SearchForm(request.POST if request.method == "POST" else None)
    query = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    rows = selectors.customers_search(actor=staff_actor(request.user), query=query)
    template = (
        "customers/_results.html" if request.headers.get("HX-Request") else "customers/search.html"
    )
    return render(request, template, {"form": form, "rows": rows, "query": query})


@never_cache
@staff_required(permission=VIEW_CUSTOMERS)
@require_http_methods(["GET", "POST"])
def customer_detail(request, customer_id: uuid.UUID):
    # "Show full" is a POST, so that a link preview or prefetch never reveals (and audits).
    reveal = request.method == "POST" and request.POST.get("reveal") == "1"
    try:
        view = selectors.customer_360(
            actor=staff_actor(request.user),
            customer_id=customer_id,
            reveal=reveal,
            now=timezone.now(),
        )
    except NotFound:
        raise Http404("no such customer") from None
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_PERSONAL_DATA) from None
    # The sections modules above add (payments...), each for this viewer (console_sections).
    sections = selectors.customer_console_sections(
        actor=staff_actor(request.user), customer_id=customer_id, now=timezone.now()
    )
    context = {"c": view, "reason_form": ReasonForm(), "sections": sections}
    return render(request, "customers/detail.html", context)


def _status_action(request, customer_id: uuid.UUID, call, done: str):
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return redirect("customers:detail", customer_id=customer_id)
    try:
        call(reason=form.cleaned_data["reason"])
    except HujinError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("customers:detail", customer_id=customer_id)


def _freeze_view(freeze: bool, done: str):
    """The freeze and unfreeze buttons: each asks for a second officer's approval."""

    @staff_required(permission=REQUEST_FREEZE)
    @require_POST
    def view(request, customer_id: uuid.UUID):
        def call(reason):
            status.customer_freeze_request(
                customer_id=customer_id,
                freeze=freeze,
                reason=reason,
                actor=staff_actor(request.user),
                now=timezone.now(),
            )

        return _status_action(request, customer_id, call, done)

    return view


customer_freeze = _freeze_view(
    True, gettext_lazy("Freeze requested: another officer must approve it.")
)
customer_unfreeze = _freeze_view(
    False, gettext_lazy("Unfreeze requested: another officer must approve it.")
)


@staff_required(permission=CLOSE_CUSTOMER)
@require_POST
def customer_close(request, customer_id: uuid.UUID):
    def call(reason):
        status.customer_close(
            customer_id=customer_id,
            reason=reason,
            actor=staff_actor(request.user),
            now=timezone.now(),
        )

    return _status_action(request, customer_id, call, _("Customer closed."))


# The identity providers as reviewers read them (``HUJIN_IDENTITY_PROVIDER``; providers.py). A
# provider not named here shows its own name.
PROVIDER_LABELS = {
    "manual_review": pgettext_lazy("identity provider", "Compliance review (no automatic check)"),
    "local_simulated": pgettext_lazy("identity provider", "Simulated ID check (not a real check)"),
}


def _provider(application) -> dict:
    """What the identity provider did with an application, in words: who it is, its decision
    (a state: verified, rejected, needs_review, or none yet) and its reason, as it gave it."""
    return {
        "label": PROVIDER_LABELS.get(application.provider, application.provider),
        "decision": application.provider_decision,
        "reason": application.provider_reason,
    }


@require_GET
@staff_required(permission=REVIEW_KYC)
def kyc_queue(request):
    rows = selectors.kyc_queue(actor=staff_actor(request.user))
    items = [{"a": row, "provider": _provider(row)} for row in rows]
    return render(request, "customers/kyc_queue.html", {"rows": rows, "items": items})


@never_cache
@staff_required(permission=REVIEW_KYC)
@require_http_methods(["GET", "POST"])
def kyc_detail(request, application_id: uuid.UUID):
    actor = staff_actor(request.user)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_review.kyc_review_decide(
                application_id=application_id,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
                actor=actor,
                now=timezone.now(),
            )
        except HujinError as exc:
            form.add_error(None, exc.message)
        else:
            if form.cleaned_data["decision"] == "approve":
                messages.success(request, _("Application approved: the customer is verified."))
            else:
                messages.success(request, _("Application rejected."))
            return redirect("customers:kyc_queue")
    try:
        application = selectors.kyc_application_detail(
            actor=actor, application_id=application_id, now=timezone.now()
        )
    except NotFound:
        raise Http404("no such application") from None
    context = {
        "a": application,
        "provider": _provider(application),
        "form": form,
        "override_form": ReasonForm(),
    }
    return render(request, "customers/kyc_detail.html", context)


@staff_required(permission=REVIEW_KYC)
@require_POST
def kyc_override(request, application_id: uuid.UUID):
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return redirect("customers:kyc_detail", application_id=application_id)
    try:
        services_review.kyc_override_request(
            application_id=application_id,
            reason=form.cleaned_data["reason"],
            actor=staff_actor(request.user),
            now=timezone.now(),
        )
    except HujinError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Override requested: another officer must approve it."))
    return redirect("customers:kyc_detail", application_id=application_id)
