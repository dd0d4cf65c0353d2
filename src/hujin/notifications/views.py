"""The message centre (a customer's inbox, a message, their message settings) and the console's
development e-mail outbox. Each view makes one domain call."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hujin.core.errors import HujinError
from hujin.identity.access import customer_actor, customer_required, staff_required
from hujin.notifications import selectors, services
from hujin.notifications.errors import MessageNotFound
from hujin.notifications.types import CATEGORIES


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def _category(value: str | None) -> str:
    return value if value in CATEGORIES else ""


def _inbox_url(category: str) -> str:
    url = reverse("notifications:inbox")
    return f"{url}?{urlencode({'category': category})}" if category else url


@customer_required
def inbox(request):
    page = selectors.inbox_page(
        actor=customer_actor(request.user),
        category=_category(request.GET.get("category")),
        before=_uuid(request.GET.get("before")),
        after=_uuid(request.GET.get("after")),
    )
    return render(request, "notifications/inbox.html", {"page": page})


@customer_required
def message(request, message_id: uuid.UUID):
    try:
        view = services.message_open(
            message_id=message_id, actor=customer_actor(request.user), now=timezone.now()
        )
    except MessageNotFound:
        raise Http404("no such message") from None
    return render(request, "notifications/message.html", {"message": view})


@customer_required
@require_POST
def mark_all_read(request):
    category = _category(request.POST.get("category"))
    count = services.messages_mark_all_read(
        actor=customer_actor(request.user), now=timezone.now(), category=category
    )
    if count:
        messages.success(request, _("Every message is marked as read."))
    return redirect(_inbox_url(category))


@customer_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    actor = customer_actor(request.user)
    if request.method == "POST":
        switched_on = [
            tuple(value.split(".", 1)) for value in request.POST.getlist("on") if "." in value
        ]
        try:
            services.preferences_set(
                switched_on=switched_on,
                language=request.POST.get("language", ""),
                actor=actor,
                now=timezone.now(),
            )
        except HujinError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your message settings are saved."))
        return redirect("notifications:preferences")
    view = selectors.preferences_get(actor=actor)
    language = view.language or (get_language() or settings.LANGUAGE_CODE).lower()
    return render(request, "notifications/preferences.html", {"prefs": view, "language": language})


@staff_required
def dev_email(request):
    """The development e-mail sender's outbox. Not in production (404 there)."""
    if settings.PROD:
        raise Http404("no development e-mail outbox in production")
    return render(request, "notifications/dev_email.html", {"mails": selectors.dev_emails_recent()})
