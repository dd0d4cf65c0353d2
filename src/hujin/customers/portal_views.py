"""Portal pages under /me/: the home page (onboarding, then the money overview), real-name
verification and status."""

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hujin.core.errors import HujinError, NotFound
from hujin.customers import portal, services
from hujin.customers.forms import KybForm, KycForm
from hujin.customers.services.wallet import wallet_open_if_ready
from hujin.identity.access import customer_actor, customer_required

FIELD_OF_ERROR = {"name_invalid": "legal_name", "document_invalid": "document_number"}
KYB_FIELDS = {
    "uscc",
    "company_name",
    "representative_name",
    "representative_document_number",
}


def _my_onboarding(request):
    return portal.my_onboarding(
        actor=customer_actor(request.user), user_id=request.user.pk, now=timezone.now()
    )


@require_GET
@customer_required
def home(request):
    home = portal.my_home(
        actor=customer_actor(request.user), user_id=request.user.pk, now=timezone.now()
    )
    return render(request, "customers/portal/home.html", {"home": home, "o": home.onboarding})


@never_cache
@customer_required
@require_http_methods(["GET", "POST"])
def verify_individual(request):
    form = KycForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.kyc_submit(
                user_id=request.user.pk,
                actor=customer_actor(request.user),
                now=timezone.now(),
                **form.cleaned_data,
            )
        except HujinError as exc:
            form.add_error(FIELD_OF_ERROR.get(exc.code), exc.message)
        else:
            _tell_outcome(request, application.status)
            return redirect("customers_portal:home")
    onboarding = _my_onboarding(request)
    return render(request, "customers/portal/verify.html", {"form": form, "o": onboarding})


@never_cache
@customer_required
@require_http_methods(["GET", "POST"])
def verify_enterprise(request):
    form = KybForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.kyb_submit(
                user_id=request.user.pk,
                uscc=data["uscc"],
                company_name=data["company_name"],
                representative_name=data["representative_name"],
                representative_document_type=data["representative_document_type"],
                representative_document_number=data["representative_document_number"],
                operator_document_numbers=form.operator_numbers(),
                actor=customer_actor(request.user),
                now=timezone.now(),
            )
        except HujinError as exc:
            field = exc.details.get("field") if exc.details.get("field") in KYB_FIELDS else None
            if exc.code == "operator_invalid":
                field = "operators"
            form.add_error(field, exc.message)
        else:
            _tell_outcome(request, "needs_review")
            return redirect("customers_portal:home")
    onboarding = _my_onboarding(request)
    return render(
        request, "customers/portal/verify_enterprise.html", {"form": form, "o": onboarding}
    )


def _tell_outcome(request, status: str) -> None:
    if status == "verified":
        messages.success(request, _("Your identity is verified."))
    elif status == "rejected":
        messages.error(request, _("Your identity could not be verified. See the reason below."))
    else:
        messages.info(
            request,
            _(
                "Thank you. Our compliance team is reviewing your details (usually within "
                "one working day)."
            ),
        )


@require_GET
@customer_required
def status_page(request):
    onboarding = _my_onboarding(request)
    applications = portal.my_applications(user_id=request.user.pk)
    context = {"o": onboarding, "applications": applications}
    return render(request, "customers/portal/status.html", context)


@require_GET
@customer_required
def application_detail(request, application_id: uuid.UUID):
    try:
        application = portal.my_application(user_id=request.user.pk, application_id=application_id)
    except NotFound:
        raise Http404("no such application") from None
    return render(request, "customers/portal/application.html", {"a": application})


@customer_required
@require_POST
def open_account(request):
    onboarding = _my_onboarding(request)
    if onboarding.customer_id is not None:
        opened = wallet_open_if_ready(
            customer_id=onboarding.customer_id,
            actor=customer_actor(request.user),
            now=timezone.now(),
        )
        if opened:
            messages.success(request, _("Your account is open."))
            return redirect("customers_portal:home")
    messages.error(request, _("Your account cannot be opened yet: finish the steps below first."))
    return redirect("customers_portal:home")
