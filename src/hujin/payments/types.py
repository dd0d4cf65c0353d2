"""What the payments module's services and selectors take and return (public)."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

# A card binding's state. "active", "pending" and "failed" are in the shared vocabulary
# (hujin.core.statuses); "pending_verification" and "unbound" are registered by PaymentsConfig.
CARD_PENDING = "pending_verification"
CARD_ACTIVE = "active"
CARD_UNBOUND = "unbound"
CARD_FAILED = "failed"
CARD_STATUSES = (CARD_PENDING, CARD_ACTIVE, CARD_UNBOUND, CARD_FAILED)

# Wrong codes a binding survives; the next one fails it.
MAX_CODE_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class CardView:
    """One bank card as a page shows it: masked, the bank's name in the viewer's language."""

    id: uuid.UUID
    masked_number: str  # "6222 **** **** 1234"
    last4: str
    bank_name: str  # "" when the BIN is not in the table
    card_type: str  # "debit", "credit" or ""
    status: str
    is_default: bool
    bound_at: datetime | None


@dataclass(frozen=True, slots=True)
class BindStarted:
    """A binding waiting for the code the bank texted to the card's reserved mobile.

    ``luhn_warning``: the number fails the Luhn check. Some real cards do, so it is a warning the
    page shows, not a refusal."""

    card: CardView
    luhn_warning: bool
    reserved_mobile_masked: str


@dataclass(frozen=True, slots=True)
class MyCards:
    """A customer's own cards page: the bound cards and whether a new one may be bound."""

    customer_id: uuid.UUID | None
    cards: list[CardView] = field(default_factory=list)
    may_bind: bool = False
    bind_refusal: str = ""  # why not, in the viewer's language
    holder_name: str = ""  # the verified legal name, the only name a card may carry


# A payment's kind and state. "pending" and "failed" are in the shared vocabulary; "created",
# "succeeded" and "unknown" (the channel's answer did not come) are registered by PaymentsConfig.
TOPUP = "topup"
WITHDRAWAL = "withdrawal"
TRANSFER = "transfer"  # wallet to wallet, between two customers: no card, no channel
PAYMENT_KINDS = (TOPUP, WITHDRAWAL, TRANSFER)
PAYMENT_CREATED = "created"
PAYMENT_PENDING = "pending"
PAYMENT_SUCCEEDED = "succeeded"
PAYMENT_FAILED = "failed"
PAYMENT_UNKNOWN = "unknown"
# Held by the screening until someone releases it (then on to the channel, or posted) or
# rejects it (the hold is voided: failed).
PAYMENT_REVIEW = "review"
PAYMENT_STATUSES = (
    PAYMENT_CREATED, PAYMENT_PENDING, PAYMENT_SUCCEEDED, PAYMENT_FAILED, PAYMENT_UNKNOWN,
    PAYMENT_REVIEW,
)  # fmt: skip
PAYMENT_FINAL = (PAYMENT_SUCCEEDED, PAYMENT_FAILED)
PAYMENT_CURRENCY = "CNY"
# What a channel's callback (or its answer to a query) says of a payment.
OUTCOME_SUCCEEDED = "succeeded"
OUTCOME_FAILED = "failed"
OUTCOME_PENDING = "pending"
OUTCOME_NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class PaymentView:
    """One top-up, withdrawal or transfer as its page shows it (amounts in minor units).

    A transfer has no card (``card_last4`` is ""); ``counterparty_name`` is the other
    customer's masked name (``张*``) and ``incoming`` says the viewer received it."""

    id: uuid.UUID
    kind: str
    status: str
    amount_minor: int
    fee_minor: int
    currency: str
    card_last4: str
    card_bank_name: str
    channel: str
    channel_reference: str
    failure_code: str
    created_at: datetime
    finished_at: datetime | None
    customer_id: uuid.UUID
    counterparty_name: str = ""
    incoming: bool = False


@dataclass(frozen=True, slots=True)
class TransferPreview:
    """What the customer confirms before a transfer: the payee as masked name and mobile, the
    amount and the fee, in minor units, and whether a confirmation code is needed (and how it
    can come). Nothing has moved."""

    payee_name: str  # masked: 张*
    payee_mobile: str  # masked: 138****5678
    amount_minor: int
    fee_minor: int
    currency: str
    confirmation_required: bool = False
    confirmation_methods: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CallbackApplied:
    """What applying a channel's callback did: ``changed`` is False for a replay of the
    callback that already made the payment final (no money moved)."""

    payment: PaymentView
    changed: bool


@dataclass(frozen=True, slots=True)
class ChannelAnswer:
    """A channel's answer to "what became of this payment?" (``query``): ``outcome`` is one of
    OUTCOME_*; ``reference`` the channel's own ("" when it never took the instruction)."""

    outcome: str
    reference: str = ""
    failure_code: str = ""


@dataclass(frozen=True, slots=True)
class LimitsLeft:
    """What a customer may still move of one kind: in one payment, today, this month (fen;
    None where no limit applies)."""

    kind: str
    per_transaction_minor: int | None
    today_minor: int | None
    month_minor: int | None


@dataclass(frozen=True, slots=True)
class PaymentQuote:
    """What the customer sees before confirming a payment: the fee, what leaves the wallet in
    all, what is left of the limits, and whether a confirmation code will be asked for."""

    kind: str
    amount_minor: int
    fee_minor: int
    total_minor: int  # what leaves the wallet; for a top-up, what arrives in it
    currency: str
    free_left_this_month: int | None  # None: this kind has no free allowance
    limits: LimitsLeft
    confirmation_required: bool
    confirmation_methods: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Confirmation:
    """The customer's confirmation of a large payment: ``method`` ``sms`` (the code texted for
    this payment) or ``totp`` (from their authenticator app), and the code typed."""

    method: str
    code: str
