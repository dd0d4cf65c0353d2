"""The customer's own bank cards and wallet balance, mounted at /api/v1/me/ behind the
customer's access token (``request.actor`` is the customer).

Each endpoint makes one service or selector call as that customer. Another customer's card is
404 ``card_not_found``, the same as a card that does not exist. The wall clock is read here.
"""

import uuid
from dataclasses import asdict

from django.utils import timezone
from ninja import Router, Status

from hujin.core.money import format_minor
from hujin.customers.selectors import accounts_of, own_standing
from hujin.payments import selectors, services
from hujin.payments.endpoints_money import router as money_router
from hujin.payments.errors import WalletNotOpen
from hujin.payments.schemas import (
    BindStartedOut,
    CardBindIn,
    CardOut,
    CardsOut,
    CardVerifyIn,
    ErrorOut,
    WalletOut,
)

router = Router()

# The customer's wallet account in the ledger (customers opens it with this code).
_WALLET_CODE = "2001.wallet"


def _errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Every operation may answer 400 (a body that is not JSON), 401 (no valid access token)
    and 422 (input)."""
    return {status: ErrorOut for status in (400, 401, 422, *statuses)}


@router.get(
    "cards",
    response={200: CardsOut, **_errors()},
    operation_id="me_cards_list",
    summary="My bound cards",
)
def cards_list(request):
    """The bound cards, the default first, and whether another may be bound (and why not)."""
    mine = selectors.my_cards(actor=request.actor)
    return {
        "items": [asdict(card) for card in mine.cards],
        "may_bind": mine.may_bind,
        "bind_refusal": str(mine.bind_refusal),
    }


@router.post(
    "cards",
    response={201: BindStartedOut, **_errors(400, 409)},
    operation_id="me_cards_bind",
    summary="Begin binding a debit card (the bank texts a code)",
)
def card_bind(request, payload: CardBindIn):
    """201: the card waits for the bank's code (``POST /me/cards/{id}/verify``). 400
    ``card_number_invalid``, ``reserved_mobile_invalid``, ``holder_name_mismatch``; 409
    ``customer_not_verified``, ``not_an_individual``, ``customer_frozen``,
    ``card_already_bound``."""
    started = services.card_bind_begin(
        number=payload.number,
        holder_name=payload.holder_name,
        reserved_mobile=payload.reserved_mobile,
        actor=request.actor,
        now=timezone.now(),
    )
    return Status(201, asdict(started))


@router.post(
    "cards/{card_id}/verify",
    response={200: CardOut, **_errors(400, 404, 409)},
    operation_id="me_cards_verify",
    summary="Confirm a binding with the bank's code",
)
def card_verify(request, card_id: uuid.UUID, payload: CardVerifyIn):
    """400 ``verification_code_wrong``; 409 ``verification_attempts_exhausted``,
    ``binding_not_pending``; 404 ``card_not_found``."""
    card = services.card_bind_confirm(
        card_id=card_id, code=payload.code, actor=request.actor, now=timezone.now()
    )
    return asdict(card)


@router.post(
    "cards/{card_id}/default",
    response={200: CardOut, **_errors(404, 409)},
    operation_id="me_cards_set_default",
    summary="Make a card the default",
)
def card_set_default(request, card_id: uuid.UUID):
    card = services.card_set_default(card_id=card_id, actor=request.actor, now=timezone.now())
    return asdict(card)


@router.delete(
    "cards/{card_id}",
    response={200: CardOut, **_errors(404, 409)},
    operation_id="me_cards_unbind",
    summary="Unbind a card",
)
def card_unbind(request, card_id: uuid.UUID):
    """200 with the card as it is now (``unbound``); 404 ``card_not_found``."""
    card = services.card_unbind(card_id=card_id, actor=request.actor, now=timezone.now())
    return asdict(card)


@router.get(
    "wallet",
    response={200: WalletOut, **_errors(409)},
    operation_id="me_wallet",
    summary="My wallet's balance",
)
def wallet(request):
    """409 ``wallet_not_open`` until the wallet opens (as top-up and withdrawal answer)."""
    standing = own_standing(actor=request.actor)
    lines = accounts_of(actor=request.actor, customer_id=standing.customer_id) if standing else []
    line = next((a for a in lines if a.code == _WALLET_CODE and not a.closed), None)
    if line is None:
        raise WalletNotOpen()
    return {
        "currency": line.currency,
        "balance": format_minor(line.balance_minor, line.currency),
        "available": format_minor(line.available_minor, line.currency),
    }


# The money moving (quotes, top-ups, withdrawals, transfers, confirmation codes, limits).
router.add_router("", money_router)
