"""What wealth's services and selectors take and return (public)."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils.functional import Promise


@dataclass(frozen=True, slots=True)
class SuitabilityDecision:
    """A recorded suitability decision, in plain words (``message``, translated).
    ``outcome``: allowed, warning_required or refused."""

    record_id: uuid.UUID
    product_id: uuid.UUID
    outcome: str
    code: str
    message: str | Promise
    customer_level: str  # "" when never assessed
    product_level: str
    policy: str
    confirmation_id: uuid.UUID | None = None

    @property
    def allowed(self) -> bool:
        return self.outcome == "allowed"


@dataclass(frozen=True, slots=True)
class RiskWarning:
    """The special risk warning for one product as shown to the customer, and the SHA-256 of
    its text, which the confirmation sends back (the customer confirms what they read)."""

    product_id: uuid.UUID
    assessment_id: uuid.UUID
    customer_level: str
    product_level: str
    language: str
    text: str
    text_sha256: str


@dataclass(frozen=True, slots=True)
class AdviceLine:
    """One product of a suggested mix and its whole-percent share."""

    product_id: uuid.UUID
    code: str
    name: str
    kind: str
    risk_level: str
    percent: int


@dataclass(frozen=True, slots=True)
class Advice:
    """A suggested mix for the customer's risk tolerance (``advice.py``). ``missing``: why
    there is none — ``no_assessment`` (none, or expired), ``no_products`` (nothing on sale at
    or below the level has enough history); "" when there is one. Rates are fractions of a year
    (0.031 is 3.1 %); ``low`` and ``high`` the range a year falls in about two times out of
    three."""

    level: str
    level_label: str | Promise
    lines: tuple[AdviceLine, ...]
    expected_return: float | None
    volatility: float | None
    low: float | None
    high: float | None
    days: int
    missing: str = ""


# Orders: kinds and states.
SUBSCRIBE = "subscribe"
REDEEM = "redeem"
MATURITY = "maturity"
SUBMITTED = "submitted"
CONFIRMED = "confirmed"
FAILED = "failed"
CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class OrderView:
    """An order as its customer and the console see it. Money in fen, units in hundredths of a
    unit; ``nav`` is the price it was (or will be) confirmed at, once known."""

    id: uuid.UUID
    customer_id: uuid.UUID
    product_id: uuid.UUID
    product_code: str
    product_name_zh: str
    product_name_en: str
    product_kind: str
    kind: str
    state: str
    fast: bool
    amount_minor: int
    fee_minor: int
    net_minor: int
    units_minor: int
    nav: Decimal | None
    payout_minor: int
    trade_date: date
    confirm_on: date
    cooling_off_until: datetime | None
    cancel_until: datetime | None
    submitted_at: datetime
    confirmed_at: datetime | None
    ended_at: datetime | None
    failure_code: str
    last_error: str

    def product_name(self, language: str) -> str:
        return self.product_name_zh if str(language).startswith("zh") else self.product_name_en

    def cancellable(self, now: datetime) -> bool:
        return self.state == SUBMITTED and self.cancel_until is not None and now < self.cancel_until

    def in_cooling_off(self, now: datetime) -> bool:
        return (
            self.state == SUBMITTED
            and self.cooling_off_until is not None
            and now < self.cooling_off_until
        )


@dataclass(frozen=True, slots=True)
class HoldingView:
    """A customer's holding of one product on a business date: units (posted, and those held
    by redemptions waiting for confirmation), cost, market value at the latest price, and
    earnings — yesterday's (the business date before ``as_of``) and since the first purchase."""

    id: uuid.UUID
    product_id: uuid.UUID
    product_code: str
    product_name_zh: str
    product_name_en: str
    product_kind: str
    risk_level: str
    units_minor: int
    units_redeeming_minor: int
    cost_minor: int
    price: Decimal  # per unit
    price_date: date | None
    market_value_minor: int
    yesterday_earnings_minor: int
    cumulative_earnings_minor: int
    maturity_date: date | None
    expected_rate: Decimal | None

    def product_name(self, language: str) -> str:
        return self.product_name_zh if str(language).startswith("zh") else self.product_name_en


@dataclass(frozen=True, slots=True)
class AssetOverview:
    """What a customer holds, as a wealth app's first screen shows it. ``by_kind`` maps product
    kind to market value (fen); ``wallet_minor`` is the wallet's balance."""

    as_of: date
    total_minor: int
    wallet_minor: int
    invested_minor: int
    yesterday_earnings_minor: int
    cumulative_earnings_minor: int
    by_kind: dict
    holdings: tuple[HoldingView, ...]
    pending_orders: tuple[OrderView, ...]
