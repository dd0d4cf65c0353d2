import uuid

from hujin.core import context


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
