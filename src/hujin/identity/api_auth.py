"""API-key authentication for django-ninja.

The key comes in ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``. A valid key gives the
request its Actor (ninja puts it in ``request.auth``); anything else gives None, and ninja
answers 401 through the API's error handler.
"""

from django.utils import timezone
from ninja.security import HttpBearer

from hujin.core.actors import Actor
from hujin.identity.services import api_key_authenticate


class ApiKeyAuth(HttpBearer):
    def __call__(self, request) -> Actor | None:
        # Not HttpBearer.__call__: in DEBUG it logs a malformed header, and that is the key.
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            token = request.headers.get("X-API-Key", "")
        token = token.strip()
        return self.authenticate(request, token) if token else None

    def authenticate(self, request, token: str) -> Actor | None:
        return api_key_authenticate(secret=token, now=timezone.now())
