"""API-key authentication for django-ninja (placeholder until API keys land)."""

from ninja.security import HttpBearer


class ApiKeyAuth(HttpBearer):
    def authenticate(self, request, token):
        return None
