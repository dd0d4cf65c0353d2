"""Per-request context (request id, client IP) for the audit trail, set by middleware."""

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RequestContext:
    request_id: str = ""
    ip: str = ""


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "hujin_request_context",
    default=RequestContext(),  # noqa: B039 -- frozen dataclass: immutable, safe to share
)


def current() -> RequestContext:
    return _current.get()


def bind(ctx: RequestContext) -> contextvars.Token:
    return _current.set(ctx)


def unbind(token: contextvars.Token) -> None:
    _current.reset(token)
