"""Customer pages: sign-up, log-in and password reset (mobile first). One domain call each.

A multi-step flow keeps its state in the session (``flow_session``). Sign-up's first step asks
the visitor to agree to the documents privacy registers (``signup_terms``); the code step's
"send a new code" button counts down the seconds the server's resend limit still holds.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from hujin.core.errors import HujinError
from hujin.core.masking import mask
from hujin.identity import login as login_services
from hujin.identity import password_reset, signup
from hujin.identity.access import is_portal_user
from hujin.identity.errors import MobileAlreadyRegistered, RetryLater, TermsChanged
from hujin.identity.flow_session import flow_end as _flow_end
from hujin.identity.flow_session import flow_get as _flow
from hujin.identity.flow_session import flow_start as _flow_start
from hujin.identity.flow_session import flow_terms as _flow_terms
from hujin.identity.flow_session import flow_verified as _flow_verified
from hujin.identity.forms_auth import (
    CodeForm,
    CustomerLoginForm,
    MobileForm,
    NewPasswordForm,
    SignupMobileForm,
)
from hujin.identity.otp import otp_resend_wait
from hujin.identity.phones import mobile_national
from hujin.identity.sessions import request_ip, session_start
from hujin.identity.signup_terms import signup_terms_current

MFA_PENDING_USER_KEY = "mfa_pending_user_id"


# --- helpers -------------------------------------------------------------------------------------


def portal_home_url() -> str:
    try:
        return reverse("customers_portal:home")
    except NoReverseMatch:  # the portal's home page is not there yet
        return "/me/"


def safe_next(request, fallback: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def _mfa_required(user) -> bool:
    try:
        from hujin.identity.mfa.services import mfa_required_for
    except ImportError:
        return False
    return bool(mfa_required_for(user))


def after_password(request, user, *, next_url: str):
    """The password was right: on to the second factor, or logged in."""
    if _mfa_required(user):
        request.session[MFA_PENDING_USER_KEY] = str(user.pk)
        return redirect(f"{reverse('mfa:verify')}?{urlencode({'next': next_url})}")
    session_start(request, user, now=timezone.now(), mfa_verified=False)
    return redirect(next_url)


def _status(exc: HujinError) -> int:
    return 429 if isinstance(exc, RetryLater) else 200


def _password_error(form, exc: HujinError) -> None:
    """Show a service error beside the password field it is about, or above the form."""
    field = {"passwords_differ": "password2", "password_invalid": "password1"}.get(exc.code)
    form.add_error(field, exc.message)


def _step(request, template_context: dict, *, status: int = 200):
    return render(request, "identity/flow_step.html", template_context, status=status)


def _mobile_step(request, flow: str, start, context_of, *, form=None, terms=()):
    """Step 1 of sign-up and of password reset: the mobile number, then a code is texted.

    ``start(mobile=, ip=, now=)`` is the flow's service; ``context_of(form)`` the page's text;
    ``terms``, the documents the form asked the visitor to agree to (kept for the last step)."""
    if form is None:
        form = MobileForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            mobile_e164 = start(
                mobile=form.cleaned_data["mobile"], ip=request_ip(request), now=timezone.now()
            )
        except HujinError as exc:
            form.add_error("mobile", exc.message)
            status = _status(exc)
        else:
            _flow_start(request, flow, mobile_e164, terms=[term.id for term in terms])
            return redirect(f"identity:{flow}_verify")
    return _step(request, context_of(form), status=status)


def _code_step(request, flow: str, verify, context_of):
    """Step 2: the texted code. ``verify(mobile_e164=, code=, now=)`` returns the challenge;
    ``context_of(form, masked_mobile)`` the page's text."""
    state = _flow(request, flow)
    if state is None:
        return redirect(f"identity:{flow}")
    mobile_e164, _challenge = state
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            challenge = verify(
                mobile_e164=mobile_e164, code=form.cleaned_data["code"], now=timezone.now()
            )
        except MobileAlreadyRegistered as exc:  # sign-up only: the number has an account
            _flow_end(request, flow)
            messages.info(request, exc.message)
            return redirect("identity:customer_login")
        except HujinError as exc:
            form.add_error("code", exc.message)
            status = _status(exc)
        else:
            _flow_verified(request, flow, challenge.id)
            return redirect(f"identity:{flow}_password")
    masked = mask("mobile", mobile_national(mobile_e164))
    context = context_of(form, masked)
    context["resend_wait"] = otp_resend_wait(mobile_e164=mobile_e164, now=timezone.now())
    return _step(request, context, status=status)


# --- sign-up -------------------------------------------------------------------------------------

SIGNUP_STEPS = 3


def _signup_context(step: int, form, **extra) -> dict:
    return {
        "flow": "signup",
        "title": _("Open an account"),
        "step": step,
        "steps": SIGNUP_STEPS,
        "form": form,
        **extra,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def signup_mobile(request):
    if is_portal_user(request.user):
        return redirect(portal_home_url())
    terms = signup_terms_current()
    return _mobile_step(
        request,
        "signup",
        signup.signup_start,
        lambda form: _signup_context(
            1,
            form,
            heading=_("Your mobile number"),
            submit=_("Send code"),
            action=reverse("identity:signup"),
        ),
        form=SignupMobileForm(request.POST or None, terms=terms),
        terms=terms,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def signup_verify(request):
    return _code_step(
        request,
        "signup",
        signup.signup_verify,
        lambda form, masked: _signup_context(
            2,
            form,
            heading=_("Enter the code"),
            intro=_("We sent a 6-digit code to %(mobile)s.") % {"mobile": masked},
            submit=_("Continue"),
            action=reverse("identity:signup_verify"),
            resend_action=reverse("identity:signup_resend"),
            restart_url=reverse("identity:signup"),
        ),
    )


@require_POST
def signup_resend(request):
    return _resend(request, "signup", signup.signup_start, "identity:signup_verify")


@never_cache
@require_http_methods(["GET", "POST"])
def signup_password(request):
    state = _flow(request, "signup")
    if state is None or state[1] is None:
        return redirect("identity:signup")
    mobile_e164, challenge_id = state
    form = NewPasswordForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        now = timezone.now()
        try:
            user = signup.signup_complete(
                mobile_e164=mobile_e164,
                challenge_id=challenge_id,
                password=form.cleaned_data["password1"],
                password_confirm=form.cleaned_data["password2"],
                ip=request_ip(request),
                now=now,
                terms_accepted=_flow_terms(request, "signup"),
            )
        except HujinError as exc:
            _password_error(form, exc)
            status = _status(exc)
            if exc.code in ("otp_not_verified", "mobile_already_registered", TermsChanged.code):
                _flow_end(request, "signup")
                messages.error(request, exc.message)
                return redirect("identity:signup")
        else:
            _flow_end(request, "signup")
            session_start(request, user, now=now, mfa_verified=False)
            messages.success(request, _("Welcome to Hujin. Your account is ready."))
            return redirect(portal_home_url())
    context = _signup_context(
        3,
        form,
        heading=_("Choose a password"),
        submit=_("Create account"),
        action=reverse("identity:signup_password"),
    )
    return _step(request, context, status=status)


def _resend(request, flow: str, start, verify_url: str):
    state = _flow(request, flow)
    if state is None:
        return redirect("identity:signup" if flow == "signup" else "identity:reset")
    try:
        start(mobile=state[0], ip=request_ip(request), now=timezone.now())
    except HujinError as exc:
        messages.error(request, exc.message)
    else:
        _flow_start(request, flow, state[0], terms=_flow_terms(request, flow))
        messages.success(request, _("We sent a new code. Only the newest code works."))
    return redirect(verify_url)


# --- log-in --------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def customer_login(request):
    if is_portal_user(request.user):
        return redirect(portal_home_url())
    form = CustomerLoginForm(request.POST or None)
    status = 200
    next_url = safe_next(request, portal_home_url())
    if request.method == "POST" and form.is_valid():
        try:
            user = login_services.login_customer(
                mobile=form.cleaned_data["mobile"],
                password=form.cleaned_data["password"],
                ip=request_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                now=timezone.now(),
            )
        except HujinError as exc:
            form.add_error(None, exc.message)
            status = _status(exc)
        else:
            return after_password(request, user, next_url=next_url)
    context = {"form": form, "next": next_url}
    return render(request, "identity/customer_login.html", context, status=status)


# --- password reset ------------------------------------------------------------------------------

RESET_STEPS = 3


def _reset_context(step: int, form, **extra) -> dict:
    return {
        "flow": "reset",
        "title": _("Reset your password"),
        "step": step,
        "steps": RESET_STEPS,
        "form": form,
        **extra,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def reset_mobile(request):
    return _mobile_step(
        request,
        "reset",
        password_reset.password_reset_start,
        lambda form: _reset_context(
            1,
            form,
            heading=_("Your mobile number"),
            intro=_("Enter the mobile number of your account. We will text it a code."),
            submit=_("Send code"),
            action=reverse("identity:reset"),
        ),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def reset_verify(request):
    return _code_step(
        request,
        "reset",
        password_reset.password_reset_verify,
        lambda form, masked: _reset_context(
            2,
            form,
            heading=_("Enter the code"),
            intro=_("If %(mobile)s has a Hujin account, we sent it a 6-digit code.")
            % {"mobile": masked},
            submit=_("Continue"),
            action=reverse("identity:reset_verify"),
            resend_action=reverse("identity:reset_resend"),
            restart_url=reverse("identity:reset"),
        ),
    )


@require_POST
def reset_resend(request):
    return _resend(request, "reset", password_reset.password_reset_start, "identity:reset_verify")


@never_cache
@require_http_methods(["GET", "POST"])
def reset_password(request):
    state = _flow(request, "reset")
    if state is None or state[1] is None:
        return redirect("identity:reset")
    mobile_e164, challenge_id = state
    form = NewPasswordForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            password_reset.password_reset_complete(
                mobile_e164=mobile_e164,
                challenge_id=challenge_id,
                password=form.cleaned_data["password1"],
                password_confirm=form.cleaned_data["password2"],
                ip=request_ip(request),
                now=timezone.now(),
            )
        except HujinError as exc:
            if exc.code == "otp_not_verified":
                _flow_end(request, "reset")
                messages.error(request, exc.message)
                return redirect("identity:reset")
            _password_error(form, exc)
            status = _status(exc)
        else:
            _flow_end(request, "reset")
            messages.success(
                request,
                _(
                    "Your password has been changed and every session of your account has been "
                    "ended. Log in with the new password."
                ),
            )
            return redirect("identity:customer_login")
    context = _reset_context(
        3,
        form,
        heading=_("Choose a new password"),
        submit=_("Set new password"),
        action=reverse("identity:reset_password"),
    )
    return _step(request, context, status=status)
