"""The customer's own authentication for /api/v1/me/: ``Authorization: Bearer <access token>``.

A valid access token gives the request its customer's Actor (``request.actor``, and ninja's
``request.auth``) and the log-in it belongs to (``request.token_family_id``). An integrator's API
key is not an access token: it gets 401 here, as an access token does on the integrator's paths.
The wall clock is read here, at the edge.
"""

from django.utils import timezone
from ninja.security import HttpBearer

from hujin.core.actors import Actor
from hujin.identity.api_tokens import token_authenticate


class CustomerBearer(HttpBearer):
    openapi_bearerFormat = "access token"
    openapi_description = (
        "The customer's own access token from POST /api/v1/me/tokens (15 minutes; "
        "refresh it with POST /api/v1/me/tokens/refresh)."
    )

    def __call__(self, request) -> Actor | None:
        # Not HttpBearer.__call__: in DEBUG it logs a malformed header, and that is the token.
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request, token: str) -> Actor | None:
        holder = token_authenticate(token=token, now=timezone.now())
        if holder is None:
            return None
        request.actor = holder.actor
        request.token_family_id = holder.family_id
        return holder.actor


# django-ninja names a security scheme after its class: the OpenAPI document calls this one
# "customerToken", beside the integrators' "ApiKeyAuth".
CustomerBearer.__name__ = "customerToken"
