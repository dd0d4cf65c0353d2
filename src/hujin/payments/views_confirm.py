"""The confirmation step every portal payment page shares: what the customer confirms (the
quote: fee, total, what is left of the limits), and for a large amount the code — sent to their
own mobile when they ask for it (``send_code``), or typed from their authenticator app.

``confirm_step`` turns a POST of the confirmation page into one of: the code was sent (the page
again, saying where), or the confirmation to hand the service. The pages work without
JavaScript: "Send the code" is a submit button of the same form.
"""

from dataclasses import dataclass

from django.utils.translation import gettext

from hujin.core.errors import HujinError
from hujin.identity.access import customer_actor, request_ip
from hujin.payments import services
from hujin.payments.types import Confirmation

METHODS = ("sms", "totp")


@dataclass
class Step:
    """What the confirmation page should say after a POST: ``notice`` (the code was sent),
    ``error`` (sending failed), or, when neither, ``confirmation`` to pay with."""

    confirmation: Confirmation | None = None
    notice: str = ""
    error: str = ""

    @property
    def pay(self) -> bool:
        return not self.notice and not self.error


def confirmation_of(post) -> Confirmation | None:
    code = "".join((post.get("code") or "").split())[:16]
    method = post.get("method") if post.get("method") in METHODS else "sms"
    return Confirmation(method=method, code=code) if code else None


def confirm_step(request, *, kind: str, amount_minor: int, now, card_id=None, payee_mobile=""):
    """Send the code when the customer asked for it, else read the typed one."""
    if not request.POST.get("send_code"):
        return Step(confirmation=confirmation_of(request.POST))
    try:
        sent = services.confirmation_code_send(
            actor=customer_actor(request.user), kind=kind, amount_minor=amount_minor,
            card_id=card_id, payee_mobile=payee_mobile, ip=request_ip(request), now=now,
        )  # fmt: skip
    except HujinError as exc:
        return Step(error=exc.message)
    return Step(notice=gettext("We texted a code to %(mobile)s. It is valid for 5 minutes.")
                % {"mobile": sent.mobile_masked})  # fmt: skip
