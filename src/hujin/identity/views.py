"""Console pages: staff login and API keys. Each view makes one domain call."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from hujin.core.errors import HujinError
from hujin.identity import selectors, services
from hujin.identity.access import staff_actor, staff_required
from hujin.identity.errors import (
    ApiKeyExpiryInvalid,
    ApiKeyNameInvalid,
    ApiKeyScopesInvalid,
    RetryLater,
)
from hujin.identity.forms import ApiKeyCreateForm
from hujin.identity.forms_auth import StaffLoginForm
from hujin.identity.login import login_staff
from hujin.identity.permissions import MANAGE_API_KEYS
from hujin.identity.sessions import request_ip
from hujin.identity.views_auth import after_password, safe_next


@never_cache
@require_http_methods(["GET", "POST"])
def staff_login(request):
    """The console's log-in: username and password, behind the lock-out rules."""
    form = StaffLoginForm(request.POST or None)
    next_url = safe_next(request, resolve_url(settings.LOGIN_REDIRECT_URL))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = login_staff(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                ip=request_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                now=timezone.now(),
            )
        except HujinError as exc:
            form.add_error(None, exc.message)
            status = 429 if isinstance(exc, RetryLater) else 200
        else:
            return after_password(request, user, next_url=next_url)
    return render(request, "identity/login.html", {"form": form, "next": next_url}, status=status)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _cursor(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None  # a mangled cursor shows the first page


@staff_required(permission=MANAGE_API_KEYS)
def api_key_list(request):
    page = selectors.api_key_page(
        actor=staff_actor(request.user),
        now=timezone.now(),
        before=_cursor(request.GET.get("before")),
        after=_cursor(request.GET.get("after")),
    )
    return render(request, "identity/api_keys/list.html", {"page": page})


@never_cache
@staff_required(permission=MANAGE_API_KEYS)
@require_http_methods(["GET", "POST"])
def api_key_create(request):
    form = ApiKeyCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        now = timezone.now()
        days = form.cleaned_data["expires_in_days"]
        try:
            key, secret = services.api_key_create(
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=now + timedelta(days=days) if days else None,
                actor=staff_actor(request.user),
                now=now,
            )
        except (ApiKeyNameInvalid, ApiKeyScopesInvalid, ApiKeyExpiryInvalid) as exc:
            form.add_error(None, exc.message)
        else:
            # The secret is in this response and nowhere else: not in the session, not in a
            # redirect. never_cache keeps it out of the browser's and proxies' caches.
            context = {"key": selectors.api_key_row(key, now=now), "secret": secret}
            return render(request, "identity/api_keys/created.html", context)
    return render(request, "identity/api_keys/create.html", {"form": form})


@staff_required(permission=MANAGE_API_KEYS)
@require_POST
def api_key_revoke(request, api_key_id: uuid.UUID):
    now = timezone.now()
    try:
        key = services.api_key_revoke(
            api_key_id=api_key_id, actor=staff_actor(request.user), now=now
        )
    except HujinError as exc:
        messages.error(request, exc.message)
        if _is_htmx(request):
            response = HttpResponse(status=200)
            response["HX-Redirect"] = reverse("identity:api_keys")
            return response
        return redirect("identity:api_keys")
    if _is_htmx(request):
        row = selectors.api_key_row(key, now=now)
        return render(request, "identity/api_keys/_row.html", {"key": row})
    messages.success(request, _("API key “%(name)s” revoked.") % {"name": key.name})
    return redirect("identity:api_keys")
