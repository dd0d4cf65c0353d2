"""The customer's money moving from their app: quotes, top-ups, withdrawals, transfers and the
code confirming a large one, under /api/v1/me/ behind the customer's access token (included by
``payments.endpoints``).

The same rules as the portal: each request carries the client's idempotency key (the same key
returns the first payment, 200 instead of 201 is not distinguished: the body is the payment); a
withdrawal or transfer of the confirmation threshold or more answers 409
``payment_confirmation_required`` with ``details.methods`` until it carries
``{"confirmation": {"method": "sms" | "totp", "code": "..."}}``; ``fee_confirmed`` (the fee the
customer saw, a decimal string) makes a risen fee a 409 ``payment_fee_changed`` instead of a
charge. The wall clock is read here.
"""

from dataclasses import asdict

from django.utils import timezone
from ninja import Router, Status

from hujin.core.errors import HujinError
from hujin.core.money import format_minor, parse_amount
from hujin.identity.access import request_ip
from hujin.payments import selectors, services
from hujin.payments.errors import AmountInvalid
from hujin.payments.schemas import ErrorOut
from hujin.payments.schemas_money import (
    CardPaymentIn,
    CustomerTransferIn,
    CustomerTransferPreviewIn,
    CustomerTransferPreviewOut,
    PaymentCodeSentOut,
    PaymentConfirmationCodeIn,
    PaymentLimitsOut,
    PaymentOut,
    PaymentQuoteIn,
    PaymentQuoteOut,
    limits_out,
    payment_out,
)
from hujin.payments.types import PAYMENT_CURRENCY, Confirmation

router = Router()


def _errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    return {status: ErrorOut for status in (400, 401, 422, *statuses)}


def _minor(text: str | None, field: str = "amount") -> int | None:
    if text is None:
        return None
    try:
        return parse_amount(text.strip(), PAYMENT_CURRENCY)
    except HujinError:
        raise AmountInvalid(details={"field": field}) from None


def _confirmation(payload) -> Confirmation | None:
    given = payload.confirmation
    return Confirmation(method=given.method, code=given.code) if given else None


@router.post(
    "quotes",
    response={200: PaymentQuoteOut, **_errors(409)},
    operation_id="me_quote",
    summary="What a payment would cost, before it is asked for",
)
def quote(request, payload: PaymentQuoteIn):
    """The fee, the total, what is left of the limits and whether a code will be needed. 409
    ``insufficient_funds`` when the wallet does not cover a withdrawal or transfer."""
    found = selectors.payment_quote(
        actor=request.actor,
        kind=payload.kind,
        amount_minor=_minor(payload.amount),
        now=timezone.now(),
    )
    return {
        **asdict(found),
        "amount": format_minor(found.amount_minor, found.currency),
        "fee": format_minor(found.fee_minor, found.currency),
        "total": format_minor(found.total_minor, found.currency),
        "limits": limits_out(found.limits),
    }


@router.get(
    "limits",
    response={200: PaymentLimitsOut, **_errors(409)},
    operation_id="me_limits",
    summary="What is left of my limits",
)
def limits(request):
    found = selectors.limits_of(actor=request.actor, now=timezone.now()) or {}
    return {"items": [limits_out(left) for left in found.values()]}


def _pay(service, request, payload, **target):
    """The payment ``service`` makes for ``payload`` (``target``: its card or its payee)."""
    payment = service(
        actor=request.actor,
        **target,
        amount_minor=_minor(payload.amount),
        idempotency_key=payload.idempotency_key,
        now=timezone.now(),
        confirmation=_confirmation(payload),
        fee_confirmed_minor=_minor(payload.fee_confirmed, "fee_confirmed"),
    )
    return Status(201, payment_out(payment))


@router.post(
    "topups",
    response={201: PaymentOut, **_errors(404, 409)},
    operation_id="me_topup",
    summary="Top up the wallet from a bound card",
)
def topup(request, payload: CardPaymentIn):
    """201: the payment, ``pending`` until the bank confirms (``GET /me/payments/{id}``). 404
    ``card_not_found``; 409 ``card_not_active``, ``wallet_not_open``,
    ``payment_limit_exceeded``, ``idempotency_key_reused``."""
    return _pay(services.topup_request, request, payload, card_id=payload.card_id)


@router.post(
    "withdrawals",
    response={201: PaymentOut, **_errors(404, 409)},
    operation_id="me_withdraw",
    summary="Withdraw from the wallet to a bound card",
)
def withdraw(request, payload: CardPaymentIn):
    """201: the payment (``pending``; ``review`` when held for review). 409 as top-ups, and
    ``insufficient_funds``, ``withdrawal_frozen``, ``payment_confirmation_required``,
    ``payment_fee_changed``; 400 ``payment_confirmation_invalid``."""
    return _pay(services.withdrawal_request, request, payload, card_id=payload.card_id)


@router.post(
    "transfers/preview",
    response={200: CustomerTransferPreviewOut, **_errors(404, 409)},
    operation_id="me_transfer_preview",
    summary="Who a transfer would reach (masked) and its fee; nothing moves",
)
def transfer_preview(request, payload: CustomerTransferPreviewIn):
    found = services.transfer_preview(
        actor=request.actor,
        payee_mobile=payload.payee_mobile,
        amount_minor=_minor(payload.amount),
        now=timezone.now(),
    )
    return {
        **asdict(found),
        "amount": format_minor(found.amount_minor, found.currency),
        "fee": format_minor(found.fee_minor, found.currency),
    }


@router.post(
    "transfers",
    response={201: PaymentOut, **_errors(404, 409)},
    operation_id="me_transfer",
    summary="Send money to another customer",
)
def transfer(request, payload: CustomerTransferIn):
    """201: the transfer, ``succeeded`` (or ``review``). 404 ``payee_not_found``; 400
    ``payee_is_self``; 409 ``payee_cannot_receive`` and the withdrawal's refusals."""
    return _pay(services.transfer_request, request, payload, payee_mobile=payload.payee_mobile)


@router.post(
    "confirmation-codes",
    response={201: PaymentCodeSentOut, **_errors(404, 409, 429)},
    operation_id="me_confirmation_code",
    summary="Text me the code confirming a large withdrawal or transfer",
)
def confirmation_code(request, payload: PaymentConfirmationCodeIn):
    """The code is bound to this kind, amount and card or payee: send the same ones with it.
    429 ``otp_resend_too_soon`` (one a minute), ``otp_daily_limit``."""
    sent = services.confirmation_code_send(
        actor=request.actor,
        kind=payload.kind,
        amount_minor=_minor(payload.amount),
        card_id=payload.card_id,
        payee_mobile=payload.payee_mobile or "",
        ip=request_ip(request),
        now=timezone.now(),
    )
    return Status(201, asdict(sent))
