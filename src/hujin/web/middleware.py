"""Response headers for every page of the web shell."""

from django.conf import settings
from django.shortcuts import render
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


class StyledNotFoundMiddleware:
    """With DEBUG on (the demo, development), a page that is not found shows the styled 404 page
    people see in production, not Django's technical page (which lists every URL pattern). No
    page answers 404 with a body of its own, so every HTML 404 outside the JSON API is that page;
    the API keeps its error shape."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.api_prefix = getattr(settings, "HUJIN_API_PREFIX", "/api/")

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and not request.path_info.startswith(self.api_prefix)
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return render(request, "404.html", status=404)
        return response
