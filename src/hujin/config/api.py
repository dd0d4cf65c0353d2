"""The JSON API under /api/v1/: one NinjaAPI, one error shape for every failure.

Every error is ``{"error": {"code", "message", "details"}}`` with a 4xx status, whatever raised
it: a domain error (HujinError), input that does not validate (422), a body that is not UTF-8 JSON
(400 ``malformed_json``) or is too large (413), a missing or invalid key (401), a path that
matches no operation (404) or a method the path does not take (405). A body that is not
``application/json`` (415) or a malformed ``Content-Length`` (400) is refused before it gets here
(``hujin.core.middleware.RequestGuardMiddleware``). A bug answers 500 ``internal_error`` in the
same shape: never a traceback, whatever ``DEBUG`` says.
"""

import functools
import json
import logging
import traceback

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpResponseNotAllowed
from django.urls import re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.parser import Parser

from hujin.core.errors import HujinError
from hujin.identity.api_auth import ApiKeyAuth
from hujin.identity.api_auth_customer import CustomerBearer
from hujin.identity.endpoints import router as me_tokens_router
from hujin.identity.errors import AccessTokenRequired
from hujin.ledger.endpoints import router as ledger_router
from hujin.lending.endpoints import router as me_lending_router
from hujin.payments.endpoints import router as me_payments_router
from hujin.payments.endpoints_statements import router as me_statements_router
from hujin.products.endpoints import router as me_products_router
from hujin.wealth.endpoints import router as me_suitability_router

logger = logging.getLogger(__name__)


class MalformedJson(ValueError):
    """The request body is not a JSON document."""


class _JsonParser(Parser):
    """Standard JSON only, in UTF-8 (RFC 8259): NaN and Infinity are not JSON and no database
    stores them; ``json.loads`` would also take UTF-16 and UTF-32 bytes, and a byte-order mark."""

    def parse_body(self, request):
        try:
            return json.loads(request.body.decode("utf-8"), parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
            raise MalformedJson(str(exc)) from exc


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


class _HujinAPI(NinjaAPI):
    """A NinjaAPI whose unknown paths and wrong methods answer in the error shape too."""

    def _get_urls(self):
        urls = super()._get_urls()
        for pattern in urls:
            pattern.callback = _json_method_not_allowed(pattern.callback)
        # Last: anything under the API's prefix that no operation matched.
        urls.append(re_path(r"^.*$", _not_found, name="not-found"))
        return urls


api = _HujinAPI(
    title="Hujin API",
    version="1",
    description=(
        "Hujin's JSON API. Integrators authenticate with an API key (`Authorization: Bearer "
        "<key>`, scheme ApiKeyAuth); the customer's own app, under /me/, with an access token "
        "from POST /api/v1/me/tokens (`Authorization: Bearer <access token>`, scheme "
        "customerToken). Neither works where the other is asked for."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=_JsonParser(),
)


def _body(code: str, message: str, details: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _error(request, status: int, code: str, message: str, details: dict | None = None):
    return api.create_response(request, _body(code, message, details), status=status)


def _json_method_not_allowed(view):
    @functools.wraps(view)  # keeps csrf_exempt
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = sorted(m.strip() for m in response["Allow"].split(",") if m.strip())
            json_response = _error(
                request, 405, "method_not_allowed",
                _("This path does not take the %(method)s method.") % {"method": request.method},
                {"allowed": allowed},
            )  # fmt: skip
            json_response["Allow"] = response["Allow"]
            return json_response
        return response

    return wrapper


@csrf_exempt
def _not_found(request, *args, **kwargs):
    return _error(request, 404, "not_found", _("There is no such API path."),
                  {"path": request.path[:200]})  # fmt: skip


@api.exception_handler(HujinError)
def _hujin_error(request, exc: HujinError):
    return _error(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    errors = [
        {"loc": [str(p) for p in e.get("loc", [])], "msg": str(e.get("msg", "")),
         "type": str(e.get("type", ""))}
        for e in exc.errors
    ]  # fmt: skip
    return _error(request, 422, "validation_error", _("The request is not valid."),
                  {"errors": errors})  # fmt: skip


@api.exception_handler(AuthenticationError)
def _authentication_error(request, exc):
    if _is_customer_path(request):
        refused = AccessTokenRequired()
        return _error(request, refused.status, refused.code, str(refused.message))
    return _error(request, 401, "unauthenticated", _("A valid API key is required."))


def _is_customer_path(request) -> bool:
    return request.path.startswith("/api/v1/me/")


@api.exception_handler(AuthorizationError)
def _authorization_error(request, exc):
    return _error(request, 403, "permission_denied",
                  _("You do not have permission to do this."))  # fmt: skip


_HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "request_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    # django-ninja reports a body it cannot parse as HttpError(400) raised from the parser's
    # exception; ours is MalformedJson.
    if isinstance(exc.__cause__, MalformedJson):
        return _error(request, 400, "malformed_json", _("The request body is not valid JSON."),
                      {"reason": str(exc.__cause__)[:200]})  # fmt: skip
    status = exc.status_code if 400 <= exc.status_code < 500 else 400
    return _error(request, status, _HTTP_ERROR_CODES.get(status, "http_error"), str(exc))


@api.exception_handler(Http404)
def _http_404(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return _error(request, 413, "request_too_large", _("The request body is too large."))


@api.exception_handler(SuspiciousOperation)
@api.exception_handler(BadRequest)
def _bad_request(request, exc):
    # Too many query parameters, a bad Host header...: Django's 400s, in the error shape.
    return _error(request, 400, "bad_request", _("The request is malformed."))


@api.exception_handler(Exception)
def _internal_error(request, exc):
    # Replaces django-ninja's default, which answers a traceback as text/plain when DEBUG is on.
    # The client gets the error shape; the log gets where it failed, without the exception's
    # message, which may quote input (personal data never goes to the log).
    logger.error(
        "Internal error in %s %s (request id %s): %s\n%s", request.method, request.path,
        getattr(request, "request_id", ""), type(exc).__qualname__,
        "".join(traceback.format_tb(exc.__traceback__)).rstrip(),
    )  # fmt: skip
    return _error(request, 500, "internal_error", _("Something went wrong on our side."))


api.add_router("/ledger/", ledger_router, auth=ApiKeyAuth(), tags=["ledger"])
# The customer's own API: tokens (each operation says whether it needs one), then cards and wallet.
api.add_router("/me/tokens", me_tokens_router, tags=["me: tokens"])
api.add_router("/me/", me_payments_router, auth=CustomerBearer(), tags=["me: cards and wallet"])
api.add_router("/me/", me_statements_router, auth=CustomerBearer(), tags=["me: statements"])
api.add_router("/me/", me_products_router, auth=CustomerBearer(), tags=["me: products"])
api.add_router("/me/", me_suitability_router, auth=CustomerBearer(), tags=["me: suitability"])
api.add_router("/me/", me_lending_router, auth=CustomerBearer(), tags=["me: loans"])
