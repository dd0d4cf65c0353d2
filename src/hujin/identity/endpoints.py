"""The customer's own tokens for the JSON API, mounted at /api/v1/me/tokens.

``POST /me/tokens`` logs in with mobile + password (+ ``totp_code`` when two-step verification
is on) behind the portal's lock-out rules; ``POST /me/tokens/refresh`` exchanges a refresh
token for a new pair; ``DELETE /me/tokens/current`` logs the app out. The wall clock, the
client's address and user agent are read here, at the edge, and passed in.
"""

from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from hujin.core.api_errors import ErrorBody, ErrorOut  # noqa: F401 -- the shared error schema
from hujin.identity.api_auth_customer import CustomerBearer
from hujin.identity.api_tokens import token_family_end, token_issue, token_refresh
from hujin.identity.sessions import request_ip

router = Router()


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class TokenIn(_In):
    mobile: str = Field(max_length=32, examples=["13800138000"])
    password: str = Field(max_length=4096)
    totp_code: str = Field(
        "", max_length=32, description="The authenticator's code (or a recovery code), when on."
    )


class RefreshIn(_In):
    refresh_token: str = Field(max_length=200)


class TokensOut(Schema):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"
    expires_in: int = Field(description="Seconds the access token lives (900).")


def _out(issued) -> dict:
    return {
        "access_token": issued.access_token,
        "refresh_token": issued.refresh_token,
        "token_type": "Bearer",
        "expires_in": issued.expires_in,
    }


@router.post(
    "",
    auth=None,
    response={201: TokensOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut,
              429: ErrorOut},
    operation_id="me_tokens_issue",
    summary="Log in: an access token and a refresh token",
)  # fmt: skip
def tokens_issue(request, payload: TokenIn):
    """400 ``login_failed`` (wrong mobile or password); 401 ``mfa_code_required``; 400
    ``mfa_code_invalid``; 429 ``login_delayed``, ``account_locked``, ``ip_locked``."""
    issued = token_issue(
        mobile=payload.mobile,
        password=payload.password,
        totp_code=payload.totp_code,
        ip=request_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
        now=timezone.now(),
    )
    return Status(201, _out(issued))


@router.post(
    "refresh",
    auth=None,
    response={200: TokensOut, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut},
    operation_id="me_tokens_refresh",
    summary="Exchange a refresh token for a new pair",
)
def tokens_refresh(request, payload: RefreshIn):
    """The refresh token is spent: keep the new one. 401 ``token_invalid``; 401
    ``refresh_token_reused`` when a spent one comes again (that log-in is then ended)."""
    issued = token_refresh(
        refresh_token=payload.refresh_token,
        ip=request_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
        now=timezone.now(),
    )
    return _out(issued)


@router.delete(
    "current",
    auth=CustomerBearer(),
    response={204: None, 401: ErrorOut},
    operation_id="me_tokens_end",
    summary="Log out: end this log-in's tokens",
)
def tokens_end(request):
    token_family_end(actor=request.actor, family_id=request.token_family_id, now=timezone.now())
    return Status(204, None)
