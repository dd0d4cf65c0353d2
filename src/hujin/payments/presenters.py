"""A card row turned into the plain value pages show (private: selectors and services use it)."""

from django.utils.translation import get_language

from hujin.core.masking import mask_name
from hujin.payments.cardnumbers import bank_by_code, masked_card
from hujin.payments.types import CardView, PaymentView


def bank_name(code: str, language: str | None = None) -> str:
    bank = bank_by_code(code) if code else None
    return bank.name(language or get_language()) if bank else ""


def card_view(card) -> CardView:
    return CardView(
        id=card.id,
        masked_number=masked_card(first4=card.bin[:4], last4=card.last4),
        last4=card.last4,
        bank_name=bank_name(card.bank_code),
        card_type=card.card_type,
        status=card.status,
        is_default=card.is_default,
        bound_at=card.bound_at,
    )


def payment_view(payment, *, viewer_customer_id=None, payee_name=None) -> PaymentView:
    """``viewer_customer_id``: the customer looking (a transfer's payee sees it as incoming,
    with the payer's masked name); the payer by default. ``payee_name``: a transfer's payee's
    legal name when the caller has it already (the payer's view then reads nothing)."""
    card = payment.card
    incoming = viewer_customer_id is not None and viewer_customer_id == payment.payee_id
    other = ""
    if payment.payee_id is not None:
        if payee_name is None or incoming:
            payee_name = (payment.customer if incoming else payment.payee).legal_name
        other = mask_name(payee_name)
    return PaymentView(
        id=payment.id,
        kind=payment.kind,
        status=payment.status,
        amount_minor=payment.amount,
        fee_minor=payment.fee,
        currency=payment.currency,
        card_last4=card.last4 if card else "",
        card_bank_name=bank_name(card.bank_code) if card else "",
        channel=payment.channel,
        channel_reference=payment.channel_reference,
        failure_code=payment.failure_code,
        created_at=payment.created_at,
        finished_at=payment.finished_at,
        customer_id=payment.customer_id,
        counterparty_name=other,
        incoming=incoming,
    )
