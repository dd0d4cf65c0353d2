"""Ends, at its next request, a session that its owner (or a password reset) revoked."""

from django.contrib import auth
from django.utils import timezone

from hujin.identity.sessions import SESSION_ID_KEY, session_current_id, session_is_live


class UserSessionMiddleware:
    """After AuthenticationMiddleware: a logged-in request whose recorded session was revoked,
    or no longer exists, is logged out before the view runs (so the view sees an anonymous
    visitor and sends them to log in).

    A session opened without ``sessions.session_start`` carries no recorded id and is left
    alone (``Client.force_login`` in tests; the Django admin is not installed).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and SESSION_ID_KEY in request.session:
            session_id = session_current_id(request)
            live = session_id is not None and session_is_live(
                session_id=session_id, user_id=user.pk, now=timezone.now()
            )
            if not live:
                auth.logout(request)
        return self.get_response(request)
