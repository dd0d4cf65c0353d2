"""Two-step verification pages: enrol, verify at log-in, manage. One domain call each.

Who the page is about ("the subject"):
- a logged-in user (a customer turning TOTP on, a staff member the console sent here), or
- someone half-way through logging in: the log-in page checked the password, found that a second
  factor is needed and kept ``mfa_pending_user_id`` in the session instead of logging in. A staff
  member in that state who has no device yet enrols here first (the console needs one).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from hujin.identity.access import MFA_VERIFIED_SESSION_KEY
from hujin.identity.mfa import selectors, services
from hujin.identity.mfa.errors import (
    MfaAlreadyEnabled,
    MfaCodeInvalid,
    MfaCodeReused,
    MfaEnrolmentNotStarted,
    MfaLocked,
    MfaNotEnrolled,
    MfaPasswordWrong,
    MfaRequiredForStaff,
)
from hujin.identity.mfa.forms import EnrolConfirmForm, PasswordForm, VerifyForm
from hujin.identity.models import User
from hujin.identity.sessions import session_start

PENDING_SESSION_KEY = "mfa_pending_user_id"
PENDING_STARTED_SESSION_KEY = "mfa_pending_started_at"
PENDING_LIFETIME_S = 10 * 60  # enough to find the phone, or to set up an authenticator app
FAILURES_SESSION_KEY = "mfa_failures"
# Wrong codes one log-in may try before it starts again from the password (the device's own
# counter, in the database, locks the factor across sessions: services.MAX_FAILED_ATTEMPTS).
MAX_FAILURES_PER_LOGIN = 5
CUSTOMER_LOGIN_URL = "identity:customer_login"
CUSTOMER_HOME_URL = "customers_portal:home"


def _subject(request) -> tuple[User | None, bool]:
    """(the user the page is about, whether they are still logging in).

    A log-in left half-done for PENDING_LIFETIME (counted from the first visit here, which
    follows the password at once) is forgotten: the password must be typed again.
    """
    if request.user.is_authenticated:
        return request.user, False
    pending_id = request.session.get(PENDING_SESSION_KEY)
    if not pending_id:
        return None, False
    now = int(timezone.now().timestamp())
    started = request.session.setdefault(PENDING_STARTED_SESSION_KEY, now)
    if now - started > PENDING_LIFETIME_S:
        _pending_forget(request)
        return None, False
    user = User.objects.filter(pk=pending_id, is_active=True).first()
    return (user, True) if user is not None else (None, False)


def _pending_forget(request) -> None:
    for key in (PENDING_SESSION_KEY, PENDING_STARTED_SESSION_KEY, FAILURES_SESSION_KEY):
        request.session.pop(key, None)


def _login_url(user: User | None) -> str:
    if user is not None and user.kind == User.Kind.CUSTOMER:
        try:
            return reverse(CUSTOMER_LOGIN_URL)
        except NoReverseMatch:
            pass
    return reverse(settings.LOGIN_URL)


def _home_url(user: User) -> str:
    if user.kind == User.Kind.CUSTOMER:
        return reverse(CUSTOMER_HOME_URL)
    return reverse(settings.LOGIN_REDIRECT_URL)


def _next_url(request, user: User) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return _home_url(user)


def _base_template(user: User | None, pending: bool) -> str:
    if pending or user is None:
        return "mfa/_auth_base.html"
    return "web/console.html" if user.kind == User.Kind.STAFF else "web/portal.html"


def _context(request, user, pending, **extra) -> dict:
    return {
        "base_template": _base_template(user, pending),
        "pending": pending,
        "subject_kind": user.kind if user else "",
        "next": request.POST.get("next") or request.GET.get("next") or "",
        **extra,
    }


def _complete_login(request, user: User, pending: bool) -> None:
    """The second factor passed: log in (pending) or mark the session as verified."""
    if pending:
        _pending_forget(request)
        session_start(request, user, now=timezone.now(), mfa_verified=True)
    else:
        request.session.pop(FAILURES_SESSION_KEY, None)
        request.session[MFA_VERIFIED_SESSION_KEY] = True


def _back_to_login(request, user: User | None, message: str):
    """Drop the half-done (or unverified) log-in and start again from the password."""
    login_url = _login_url(user)
    if request.user.is_authenticated:
        logout(request)
    else:
        _pending_forget(request)
    messages.error(request, message)
    return redirect(login_url)


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    user, pending = _subject(request)
    if user is None:
        return redirect(_login_url(None))
    if not pending and request.session.get(MFA_VERIFIED_SESSION_KEY) is True:
        return redirect(_next_url(request, user))
    if not selectors.mfa_enabled(user):
        if user.kind == User.Kind.STAFF:
            return redirect(_with_next(reverse("mfa:enrol"), request))
        return redirect(_login_url(user))
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verified = services.totp_verify(
                user=user, code=form.cleaned_data["code"], now=timezone.now()
            )
        except MfaLocked as exc:
            return _back_to_login(request, user, exc.message)
        except (MfaCodeInvalid, MfaCodeReused) as exc:
            failures = request.session.get(FAILURES_SESSION_KEY, 0) + 1
            request.session[FAILURES_SESSION_KEY] = failures
            if failures >= MAX_FAILURES_PER_LOGIN:
                return _back_to_login(
                    request, user, _("Too many wrong codes. Log in again to try once more.")
                )
            form.add_error("code", exc.message)
        else:
            _complete_login(request, user, pending)
            if verified.method == "recovery_code":
                messages.warning(
                    request,
                    _("You used a recovery code; %(left)s are left. Make new ones if you are "
                      "running short.") % {"left": verified.recovery_codes_left},
                )  # fmt: skip
            return redirect(_next_url(request, user))
    return render(request, "mfa/verify.html", _context(request, user, pending, form=form))


def _with_next(url: str, request) -> str:
    nxt = request.GET.get("next") or request.POST.get("next")
    return f"{url}?{urlencode({'next': nxt})}" if nxt else url


@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request):
    user, pending = _subject(request)
    if user is None:
        return redirect(_login_url(None))
    if pending and user.kind != User.Kind.STAFF:
        # A customer still logging in has a device (that is why they are here): verify it.
        return redirect(_with_next(reverse("mfa:verify"), request))
    if selectors.mfa_enabled(user):
        return redirect("mfa:manage" if not pending else "mfa:verify")
    form = EnrolConfirmForm()
    now = timezone.now()
    if request.method == "POST" and request.POST.get("action") == "start":
        services.totp_enrol_begin(user=user, now=now)
        return redirect(_with_next(reverse("mfa:enrol"), request))
    if request.method == "POST":
        form = EnrolConfirmForm(request.POST)
        if form.is_valid():
            try:
                codes = services.totp_enrol_confirm(
                    user=user, code=form.cleaned_data["code"], now=now
                )
            except (MfaCodeInvalid, MfaEnrolmentNotStarted, MfaAlreadyEnabled) as exc:
                form.add_error("code", exc.message)
            else:
                _complete_login(request, user, pending)
                context = _context(request, user, False, codes=codes, first_time=True,
                                   continue_url=_next_url(request, user))  # fmt: skip
                return render(request, "mfa/recovery_codes.html", context)
    try:
        provisioning = selectors.totp_provisioning(user)
    except MfaEnrolmentNotStarted:
        provisioning = None
    context = _context(request, user, pending, form=form, provisioning=provisioning)
    return render(request, "mfa/enrol.html", context)


def _manage_subject(request):
    """The logged-in user, or the response that sends them to log in / verify first."""
    user = request.user
    if not user.is_authenticated:
        return None, redirect_to_login(request.get_full_path(), login_url=_login_url(None))
    if user.kind == User.Kind.STAFF and request.session.get(MFA_VERIFIED_SESSION_KEY) is not True:
        target = "mfa:verify" if selectors.mfa_enabled(user) else "mfa:enrol"
        return None, redirect(_with_next(reverse(target), request))
    return user, None


@never_cache
@require_http_methods(["GET"])
def manage(request):
    user, response = _manage_subject(request)
    if response is not None:
        return response
    context = _context(request, user, False, status=selectors.mfa_status(user),
                       password_form=PasswordForm())  # fmt: skip
    return render(request, "mfa/manage.html", context)


@never_cache
@require_POST
def recovery_codes_regenerate(request):
    user, response = _manage_subject(request)
    if response is not None:
        return response
    try:
        codes = services.recovery_codes_regenerate(
            user=user, password=request.POST.get("password", ""), now=timezone.now()
        )
    except (MfaPasswordWrong, MfaNotEnrolled) as exc:
        messages.error(request, exc.message)
        return redirect("mfa:manage")
    context = _context(request, user, False, codes=codes, first_time=False,
                       continue_url=reverse("mfa:manage"))  # fmt: skip
    return render(request, "mfa/recovery_codes.html", context)


@require_POST
def disable(request):
    user, response = _manage_subject(request)
    if response is not None:
        return response
    try:
        services.totp_disable(
            user=user, password=request.POST.get("password", ""), now=timezone.now()
        )
    except (MfaRequiredForStaff, MfaPasswordWrong, MfaNotEnrolled) as exc:
        messages.error(request, exc.message)
    else:
        request.session.pop(MFA_VERIFIED_SESSION_KEY, None)
        messages.success(request, _("Two-step verification is off."))
    return redirect("mfa:manage")
