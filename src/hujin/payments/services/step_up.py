"""The code that confirms a large withdrawal or transfer, texted to the customer's own mobile
(identity's step-up codes). The message says what the code confirms — the kind, the amount and
where the money goes — so that a customer tricked into reading a code out learns what it does.
The code is bound to exactly that movement (``admission.confirmation_binding``)."""

import uuid
from datetime import datetime

from django.utils.translation import gettext

from hujin.core.actors import Actor
from hujin.core.masking import mask_name
from hujin.core.money import display_amount
from hujin.identity.services import StepUpSent, step_up_code_send
from hujin.payments.errors import AmountInvalid, CardNotActive, CardNotFound
from hujin.payments.models import Card
from hujin.payments.services.admission import confirmation_binding
from hujin.payments.services.requests import MAX_AMOUNT_MINOR, _standing
from hujin.payments.types import CARD_ACTIVE, PAYMENT_CURRENCY, TRANSFER, WITHDRAWAL


def _escaped(text: str) -> str:
    return text.replace("%", "%%")


def confirmation_code_send(
    *, actor: Actor, kind: str, amount_minor: int, now: datetime, card_id: uuid.UUID | None = None,
    payee_mobile: str = "", ip: str | None = None,
) -> StepUpSent:  # fmt: skip
    """Text the customer ``actor`` acts as the code confirming a withdrawal to their card
    ``card_id`` or a transfer to the customer registered with ``payee_mobile``.
    Raises AmountInvalid, CardNotFound, CardNotActive, the transfer's payee errors,
    StepUpUnavailable, OtpResendTooSoon, OtpDailyLimit, SmsSendFailed."""
    if type(amount_minor) is not int or not 0 < amount_minor <= MAX_AMOUNT_MINOR:
        raise AmountInvalid()
    amount = _escaped(display_amount(amount_minor, PAYMENT_CURRENCY))
    if kind == WITHDRAWAL:
        standing = _standing(actor, kind)
        card = Card.objects.filter(id=card_id, customer_id=standing.customer_id).first()
        if card is None:
            raise CardNotFound()
        if card.status != CARD_ACTIVE:
            raise CardNotActive()
        counterparty = card.id
        what = gettext("a withdrawal of %(amount)s to your card ending %(last4)s") % {
            "amount": amount, "last4": card.last4}  # fmt: skip
    elif kind == TRANSFER:
        from hujin.payments.services.transfer import transfer_payee

        standing, payee = transfer_payee(actor=actor, payee_mobile=payee_mobile)
        counterparty = payee.user_id
        what = gettext("a transfer of %(amount)s to %(name)s") % {
            "amount": amount, "name": _escaped(mask_name(payee.legal_name))}  # fmt: skip
    else:
        raise AmountInvalid(details={"field": "kind"})
    text = gettext(
        "[Hujin] %(code)s is your code to confirm %(what)s. It is valid for %(minutes)s "
        "minutes. Never share it with anyone, including Hujin staff."
    ) % {"what": what, "code": "%(code)s", "minutes": "%(minutes)s"}  # filled in by identity
    return step_up_code_send(
        user_id=standing.user_id, ip=ip, now=now, text=text,
        binding=confirmation_binding(standing.customer_id, kind, amount_minor, counterparty),
    )  # fmt: skip
