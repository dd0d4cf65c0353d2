"""The JSON API under /api/v1/: one NinjaAPI, one error shape for every failure."""

from django.core.exceptions import RequestDataTooBig
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from hujin.core.errors import HujinError
from hujin.identity.api_auth import ApiKeyAuth
from hujin.ledger.endpoints import router as ledger_router

api = NinjaAPI(
    title="Hujin API",
    version="1",
    description="Hujin's JSON API. Authenticate with an API key: `Authorization: Bearer <key>`.",
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request, status: int, code: str, message: str, details: dict | None = None):
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return api.create_response(request, body, status=status)


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
    return _error(request, 422, "validation_error", "The request is not valid.", {"errors": errors})


@api.exception_handler(AuthenticationError)
def _authentication_error(request, exc):
    return _error(request, 401, "unauthenticated", "A valid API key is required.")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return _error(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return _error(request, 413, "request_too_large", "The request body is too large.")


api.add_router("/ledger/", ledger_router, auth=ApiKeyAuth(), tags=["ledger"])
