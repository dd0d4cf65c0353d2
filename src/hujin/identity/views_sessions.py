"""Pages for every logged-in user: their sessions. And the development SMS outbox (staff)."""

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hujin.core.errors import HujinError
from hujin.core.masking import mask
from hujin.identity.access import is_console_user, staff_required
from hujin.identity.phones import mobile_national
from hujin.identity.sessions import (
    session_current_id,
    session_end,
    session_list,
    session_revoke,
    session_revoke_others,
)
from hujin.identity.sms import dev_sms_recent


def _base_template(user) -> str:
    return "web/console.html" if is_console_user(user) else "web/portal.html"


def _login_url(user) -> str:
    return "identity:login" if is_console_user(user) else "identity:customer_login"


@login_required(login_url="identity:customer_login")
def session_list_page(request):
    rows = session_list(
        user=request.user, current_session_id=session_current_id(request), now=timezone.now()
    )
    context = {"sessions": rows, "base_template": _base_template(request.user)}
    return render(request, "identity/sessions.html", context)


@login_required(login_url="identity:customer_login")
@require_POST
def session_revoke_page(request, session_id):
    current = session_current_id(request)
    try:
        session_revoke(user=request.user, session_id=session_id, now=timezone.now())
    except HujinError as exc:
        raise Http404(exc.message) from None
    if session_id == current:
        login_url = _login_url(request.user)
        messages.info(request, _("You have been logged out of this browser."))
        return redirect(login_url)
    messages.success(request, _("The session has been ended."))
    return redirect("identity:sessions")


@login_required(login_url="identity:customer_login")
@require_POST
def session_revoke_others_page(request):
    ended = session_revoke_others(
        user=request.user, keep_session_id=session_current_id(request), now=timezone.now()
    )
    messages.success(
        request,
        ngettext(
            "Ended %(count)d other session. Only this browser is logged in now.",
            "Ended %(count)d other sessions. Only this browser is logged in now.",
            ended,
        )
        % {"count": ended},
    )
    return redirect("identity:sessions")


@require_POST
def log_out(request):
    """Log out (POST only, so a link or an image cannot do it) and end the recorded session.

    Staff land on the console's log-in page, customers on theirs.
    """
    user = request.user
    login_url = "identity:login"
    if user.is_authenticated:
        login_url = _login_url(user)
        session_end(user=user, session_id=session_current_id(request), now=timezone.now())
    auth.logout(request)
    return redirect(login_url)


@staff_required
def dev_sms_page(request):
    """The development SMS sender's outbox. Not in production (404 there)."""
    if settings.PROD:
        raise Http404("no development SMS outbox in production")
    rows = [
        {
            "to": mask("mobile", mobile_national(message.to)),
            "text": message.text,
            "purpose": message.purpose,
            "sent_at": message.sent_at,
        }
        for message in dev_sms_recent()
    ]
    return render(request, "identity/dev_sms.html", {"messages_sent": rows})
