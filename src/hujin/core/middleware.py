"""Middleware every request goes through.

``GuardedWSGIHandler`` (the WSGI application itself, ``hujin.config.wsgi``) answers a request
Django cannot even build (``RequestBuildGuard``, which ``hujin serve`` also puts on the
static-files handler); ``RequestGuardMiddleware`` (placed early) refuses malformed requests
before anything reads them and keeps tracebacks out of every response;
``RequestContextMiddleware`` gives each request the id and client IP the audit trail records.
"""

import codecs
import logging
import re
import uuid

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest, get_path_info
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext_lazy as _
from django.views.debug import ExceptionReporter

from hujin.core import context

logger = logging.getLogger(__name__)

# RFC 9110: Content-Length = 1*DIGIT. ASCII digits only: Python's int() also takes "+5", "1_0",
# " 5" and other scripts' digits, which no HTTP server means.
_CONTENT_LENGTH = re.compile(r"[0-9]{1,19}")
JSON_MEDIA_TYPE = "application/json"

# Django's own error pages under the API, as the error shape: status -> (code, message).
_STATUS_ERRORS = {
    400: ("bad_request", _("The request is malformed.")),
    401: ("unauthenticated", _("A valid API key is required.")),
    403: ("permission_denied", _("You do not have permission to do this.")),
    404: ("not_found", _("Not found.")),
    405: ("method_not_allowed", _("This path does not take this method.")),
    413: ("request_too_large", _("The request body is too large.")),
    415: ("unsupported_media_type", _("The request body must be JSON.")),
    429: ("too_many_requests", _("Too many requests.")),
}


def error_body(code: str, message: str, details: dict | None = None) -> dict:
    """The API's error shape: ``{"error": {"code", "message", "details"}}``."""
    return {"error": {"code": code, "message": message, "details": details or {}}}


class PlainExceptionReporter(ExceptionReporter):
    """What Django shows for an exception with DEBUG on, minus the traceback.

    Django's "technical" error pages (a 500, or a 400 for a suspicious request) list the
    traceback, local variables and settings. Tracebacks belong in the log (``django.request``
    still logs them), never in a response: this reporter writes the same plain page the client
    gets with DEBUG off.
    """

    def _title(self) -> str:
        if self.exc_type is not None and issubclass(self.exc_type, SuspiciousOperation):
            return "Bad Request (400)"
        return "Server Error (500)"

    def get_traceback_html(self) -> str:
        title = self._title()
        return f"<!doctype html>\n<title>{title}</title>\n<h1>{title}</h1>\n"

    def get_traceback_text(self) -> str:
        return self._title() + "\n"


class MalformedRequest(Exception):
    """Django could not build a request from what the client sent."""


class _CheckedWSGIRequest(WSGIRequest):
    def __init__(self, environ):
        try:
            super().__init__(environ)
        except (ValueError, UnicodeError) as exc:
            raise MalformedRequest(type(exc).__name__) from exc


class RequestBuildGuard:
    """For a Django WSGI handler (put first among its bases): a 400 to a request it cannot even
    build.

    Django parses some headers while it builds the request, before any middleware runs: a
    ``Content-Type`` whose RFC 2231 parameter names an unknown charset (``charset*=bogus''x``)
    or holds a NUL raises ValueError there, which Django's own handler lets out as a 500 (the
    server's traceback page). Here it is a 400 ``malformed_request``: the error shape under the
    API, a plain page elsewhere. Only building the request is guarded; an exception in a view
    is Django's to answer as ever.
    """

    request_class = _CheckedWSGIRequest

    def __call__(self, environ, start_response):
        try:
            return super().__call__(environ, start_response)
        except MalformedRequest as exc:
            # The exception's type only: its message quotes the header.
            logger.warning("refused a request whose headers Django cannot parse (%s)", exc)
            response = _malformed_response(environ)
            response._handler_class = self.__class__  # close() sends request_finished
            start_response(f"{response.status_code} {response.reason_phrase}", [*response.items()])
            return response


class GuardedWSGIHandler(RequestBuildGuard, WSGIHandler):
    """Django's WSGI handler, answering 400 to a request it cannot even build
    (``RequestBuildGuard``). ``hujin serve`` guards the static-files handler it puts in front of
    it with DEBUG the same way."""


def _malformed_response(environ) -> HttpResponse:
    request = HttpRequest()  # what _refuse needs to pick the language: the headers
    request.META = environ
    api = get_path_info(environ).startswith(getattr(settings, "HUJIN_API_PREFIX", "/api/"))
    if _content_type_unparsable(environ.get("CONTENT_TYPE") or ""):
        message = _("The Content-Type header is malformed.")
        details = {"header": "Content-Type"}
    else:
        message, details = _("The request headers are malformed."), {}
    return _refuse(request, 400, "malformed_request", message, details, api=api)


def _content_type_unparsable(content_type: str) -> bool:
    """Whether building a request fails on this ``Content-Type`` as Django reads it: the
    parameters, then the charset's codec (an unknown charset is ignored, a NUL in it is not)."""
    try:
        _media_type, params = parse_header_parameters(content_type)
        codecs.lookup(params.get("charset", "utf-8"))
    except LookupError:
        return False
    except ValueError:
        return True
    return False


class RequestGuardMiddleware:
    """Malformed requests get a 4xx before anything reads them; no response shows a traceback.

    - A ``Content-Length`` that is not a plain number of bytes (``abc``, ``1.5``, ``0x10``,
      ``-1``): 400 ``malformed_request``. Django would fail reading such a body with a 500.
    - Under the API (``HUJIN_API_PREFIX``), a body whose ``Content-Type`` is not
      ``application/json`` (``charset=utf-8`` allowed, no other charset): 415
      ``unsupported_media_type``.
    - Under the API, an error response that is not JSON (one of Django's own pages: a bad Host
      header, a server error) is replaced by the error shape; any 5xx is ``internal_error``.
    - Anywhere, an error page Django builds from an exception with DEBUG on carries no
      traceback (``PlainExceptionReporter``).

    Outside the API a refusal is a plain-text 400 page.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.api_prefix = getattr(settings, "HUJIN_API_PREFIX", "/api/")

    def __call__(self, request):
        request.exception_reporter_class = PlainExceptionReporter
        api = request.path_info.startswith(self.api_prefix)
        refusal = _refusal(request.META, api=api)
        if refusal is not None:
            return _refuse(request, *refusal, api=api)
        response = self.get_response(request)
        if api and response.status_code >= 400 and not _is_json(response):
            response = _json_error_for(response)
        return response


def _refusal(meta, *, api: bool) -> tuple[int, str, object, dict] | None:
    """(status, code, message, details) for a request refused unread, else None."""
    length = meta.get("CONTENT_LENGTH") or ""
    if length and not _CONTENT_LENGTH.fullmatch(length):
        return (400, "malformed_request", _("The Content-Length header is not a number of bytes."),
                {"header": "Content-Length"})  # fmt: skip
    has_body = int(length) > 0 if length else bool(meta.get("HTTP_TRANSFER_ENCODING"))
    if api and has_body and not _json_media_type(meta.get("CONTENT_TYPE") or ""):
        return (415, "unsupported_media_type",
                _("The request body must be JSON (Content-Type: application/json, UTF-8)."),
                {"accepted": [JSON_MEDIA_TYPE]})  # fmt: skip
    return None


def _json_media_type(content_type: str) -> bool:
    """``application/json``, with no charset or ``charset=utf-8`` (JSON is UTF-8: RFC 8259).
    A header Django cannot parse (``charset*=bogus''x``) is not JSON either."""
    try:
        media_type, params = parse_header_parameters(content_type)
    except ValueError:
        return False
    if media_type != JSON_MEDIA_TYPE:
        return False
    return params.get("charset", "utf-8").lower() == "utf-8"


def _refuse(request, status: int, code: str, message, details: dict, *, api: bool):
    # Refused before LocaleMiddleware ran: the message follows Accept-Language here.
    with translation.override(translation.get_language_from_request(request)):
        message = str(message)
    if api:
        response = JsonResponse(error_body(code, message, details), status=status)
    else:
        response = HttpResponse(
            f"Bad Request ({status})\n{message}\n",
            status=status,
            content_type="text/plain; charset=utf-8",
        )
    # Answered before SecurityMiddleware could add it.
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith(JSON_MEDIA_TYPE)


def _json_error_for(response):
    status = response.status_code
    if status >= 500:
        code, message = "internal_error", _("Something went wrong on our side.")
    else:
        code, message = _STATUS_ERRORS.get(
            status, ("http_error", _("The request could not be completed."))
        )
    json_response = JsonResponse(error_body(code, str(message)), status=status)
    for header in ("Allow", "Retry-After", "X-Request-ID"):
        if header in response:
            json_response[header] = response[header]
    return json_response


class RequestContextMiddleware:
    """Gives every request an id (echoed as X-Request-ID) and records the client IP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else ""
        request_id = request_id or uuid.uuid4().hex
        request.request_id = request_id
        token = context.bind(
            context.RequestContext(request_id=request_id, ip=request.META.get("REMOTE_ADDR", ""))
        )
        try:
            response = self.get_response(request)
        finally:
            context.unbind(token)
        response["X-Request-ID"] = request_id
        return response
