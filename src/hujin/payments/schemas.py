"""What goes in and out of the customer's cards and wallet API (/api/v1/me/cards, /me/wallet).

Card numbers go in once, when a binding begins, and never come out: a card is shown masked
("6222 **** **** 1234"). Money goes out as decimal strings ("1234.50") next to its currency.
"""

import uuid
from datetime import datetime

from ninja import Schema
from pydantic import ConfigDict, Field

from hujin.core.api_errors import ErrorBody, ErrorOut  # noqa: F401 -- the shared error schema


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class CardBindIn(_In):
    number: str = Field(max_length=40, examples=["6222020200112233445"])
    holder_name: str = Field(max_length=100, description="The verified legal name, as on the card.")
    reserved_mobile: str = Field(max_length=32, description="The mobile the bank has on file.")


class CardVerifyIn(_In):
    code: str = Field(max_length=12, description="The code the bank texted to the card's mobile.")


class CardOut(Schema):
    id: uuid.UUID
    masked_number: str
    last4: str
    bank_name: str = Field(description='"" when the bank is not known from the card number.')
    card_type: str = Field(description='"debit", "credit" or "".')
    status: str = Field(description="pending_verification, active, unbound or failed.")
    is_default: bool
    bound_at: datetime | None


class CardsOut(Schema):
    items: list[CardOut]
    may_bind: bool
    bind_refusal: str = Field(description='Why a new card may not be bound ("" when it may).')


class BindStartedOut(Schema):
    card: CardOut
    luhn_warning: bool = Field(
        description="The number fails the check digit: bound anyway, some real cards do."
    )
    reserved_mobile_masked: str


class WalletOut(Schema):
    currency: str
    balance: str = Field(description="Posted balance, a decimal string.", examples=["1234.50"])
    available: str = Field(description="Balance less money held for payments in flight.")
