"""Response headers for every page of the web shell."""

from django.conf import settings
from django.utils import timezone

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    """Send a Content-Security-Policy that allows no inline script and no inline style.

    Templates therefore carry no ``<script>`` bodies, ``on*=`` handlers or ``style=""``
    attributes; behaviour lives in static files (htmx, hujin.js) and looks in hujin.css.
    A response that already has a policy keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "HUJIN_CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


class BusinessTimeZoneMiddleware:
    """Show every time in the business time zone (``HUJIN_BUSINESS_TIME_ZONE``): the database and
    the services keep UTC, the pages speak the time the business and its customers live in."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.zone = settings.HUJIN_BUSINESS_TIME_ZONE

    def __call__(self, request):
        timezone.activate(self.zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
