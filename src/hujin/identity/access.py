"""Who may use the staff console, and the Actor a staff member acts as.

Pages use ``staff_required`` (functions) or ``StaffRequiredMixin`` (classes). A module that may
not import identity (ledger) keeps its views unguarded and is guarded where its URLs are
included, with the permission its pages need:
``path("ledger/", staff_required_urls(include("hujin.ledger.urls"), permission=...))``;
each of its views then finds the staff member's Actor in ``request.actor``.
"""

from functools import wraps
from importlib import import_module

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, URLResolver, reverse

from hujin.core.actors import Actor
from hujin.identity.models import User
from hujin.identity.sessions import request_ip  # noqa: F401 -- re-exported: the caller's address


def is_console_user(user) -> bool:
    """Active staff may use the console; customers and deactivated accounts may not."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "kind", None) == User.Kind.STAFF
    )


def staff_actor(user: User) -> Actor:
    """The Actor for a staff member: their Django permissions are the Actor's scopes."""
    return Actor(
        kind="staff",
        id=str(user.pk),
        label=user.get_username(),
        scopes=frozenset(user.get_all_permissions()),
    )


# Set by hujin.identity.sessions.session_start once the log-in passed its second factor.
MFA_VERIFIED_SESSION_KEY = "mfa_verified"


def _mfa_gate(request, user):
    """Staff use the console only with a session that passed TOTP: a member without a confirmed
    device is sent to enrol, one whose session has not passed the second factor to verify."""
    if request.session.get(MFA_VERIFIED_SESSION_KEY) is True:
        return None
    from hujin.identity.mfa.selectors import mfa_enabled  # the mfa app's views import this module

    target = "mfa:verify" if mfa_enabled(user) else "mfa:enrol"
    return redirect_to_login(request.get_full_path(), login_url=target)


def is_portal_user(user) -> bool:
    """Active customers may use the customer portal; staff and deactivated accounts may not."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "kind", None) == User.Kind.CUSTOMER
    )


def customer_actor(user: User) -> Actor:
    """The Actor for a customer acting on their own things (scopes: none; services scope by id)."""
    return Actor(kind="customer", id=str(user.pk), label=user.get_username())


def customer_required(view):
    """Portal pages: anonymous visitors go to the customer log-in page (and come back after);
    staff, and deactivated accounts, get the 403 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(
                request.get_full_path(), login_url=reverse("identity:customer_login")
            )
        if not is_portal_user(user):
            raise PermissionDenied("customers only")
        return view(request, *args, **kwargs)

    wrapper.customer_required = True
    return wrapper


def _check(request, permission: str | None):
    """None when the request may go on, else the response (login redirect) or an exception."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_console_user(user):
        raise PermissionDenied("staff only")
    second_factor = _mfa_gate(request, user)
    if second_factor is not None:
        return second_factor
    if permission and not user.has_perm(permission):
        raise PermissionDenied(permission)
    return None


def staff_required(view=None, *, permission: str | None = None):
    """Anonymous visitors go to the login page; customers, and staff lacking ``permission``,
    get the 403 page. Use bare (``@staff_required``) or with ``permission=``."""

    def decorate(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            refused = _check(request, permission)
            return refused if refused is not None else func(request, *args, **kwargs)

        wrapper.staff_required = True
        wrapper.required_permission = permission
        return wrapper

    return decorate(view) if view is not None else decorate


class StaffRequiredMixin:
    """Class-based views: like ``staff_required``; set ``staff_permission`` to demand one."""

    staff_permission: str | None = None

    def dispatch(self, request, *args, **kwargs):
        refused = _check(request, self.staff_permission)
        if refused is not None:
            return refused
        return super().dispatch(request, *args, **kwargs)


def _acting_as_staff(view):
    """Hands the view the staff member's Actor as ``request.actor`` (run only once the guard
    has let the request through)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.actor = staff_actor(request.user)
        return view(request, *args, **kwargs)

    return wrapper


def _guard(patterns, permission):
    guarded = []
    for p in patterns:
        if isinstance(p, URLResolver):
            guarded.append(
                URLResolver(
                    p.pattern,
                    _guard(p.url_patterns, permission),
                    p.default_kwargs,
                    p.app_name,
                    p.namespace,
                )
            )
        else:
            view = staff_required(_acting_as_staff(p.callback), permission=permission)
            guarded.append(URLPattern(p.pattern, view, p.default_args, p.name))
    return guarded


def staff_required_urls(included, *, permission: str | None = None):
    """Guard every view of an ``include(...)`` with ``staff_required`` (active staff, an
    MFA-verified session and, when given, ``permission``), and give each view the member's Actor
    as ``request.actor``.

    For the console pages of modules below identity, which cannot import it.
    """
    urlconf, app_name, namespace = included
    if isinstance(urlconf, str):
        urlconf = import_module(urlconf)
    patterns = getattr(urlconf, "urlpatterns", urlconf)
    return _guard(patterns, permission), app_name, namespace
