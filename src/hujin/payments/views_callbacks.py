"""The channels' webhook: POST /payments/callbacks/<channel>/, a signed JSON callback.

Answers: 200 applied (or a replay of what was applied: nothing moves twice); 400 malformed;
401 a bad signature or a stale timestamp; 404 an unknown channel or payment; 409 a final state
contradicted (nothing changes). The body of an error is ``{"error": {"code", "message"}}``.
"""

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hujin.core.errors import HujinError
from hujin.payments import services
from hujin.payments.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER


@csrf_exempt
@require_POST
def callback(request, channel: str):
    try:
        applied = services.callback_receive(
            channel=channel,
            timestamp=request.headers.get(TIMESTAMP_HEADER, ""),
            signature=request.headers.get(SIGNATURE_HEADER, ""),
            body=request.body,
            now=timezone.now(),
        )
    except HujinError as error:
        return JsonResponse(
            {"error": {"code": error.code, "message": error.message}}, status=error.status
        )
    payment = applied.payment
    return JsonResponse(
        {"payment_id": str(payment.id), "status": payment.status, "applied": applied.changed}
    )
