"""What goes in and out of the customer's wealth API: the suitability gate
(/api/v1/me/products/{id}/...), and orders, holdings and earnings."""

import uuid
from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field


class SuitabilityOut(Schema):
    record_id: uuid.UUID = Field(description="The recorded decision.")
    product_id: uuid.UUID
    outcome: str = Field(description="allowed, warning_required or refused.")
    code: str = Field(description="Why: within_level, above_level, warning_required, ...")
    message: str = Field(description="The same in plain words, in the request's language.")
    customer_level: str = Field(description='C1–C5; "" when never assessed.')
    product_level: str
    policy: str = Field(description="strict or confirm.")
    confirmation_id: uuid.UUID | None = Field(description="The warning confirmation relied on.")


class RiskWarningOut(Schema):
    product_id: uuid.UUID
    customer_level: str
    product_level: str
    language: str
    text: str = Field(description="Show it in full; the confirmation sends back its SHA-256.")
    text_sha256: str


class RiskWarningConfirmIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text_sha256: str = Field(max_length=64, description="The SHA-256 of the text shown.")


class RiskWarningConfirmedOut(Schema):
    confirmation_id: uuid.UUID


class DocumentsAcknowledgeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    document_ids: list[uuid.UUID] = Field(
        max_length=20, description="Every document of the product, as its page lists them."
    )


class DocumentsAcknowledgedOut(Schema):
    acknowledgement_id: uuid.UUID


# --- orders, holdings and earnings (/api/v1/me/assets, holdings, orders, earnings, ...) --------
# Money as decimal strings in yuan next to its currency ("1000.00" CNY); units as decimal
# strings in units of the product ("100.00"), next to ``unit``, the product's unit asset
# ("U:HJ-MMF-01"); prices and rates as decimal strings; names in the request's language.

Amount = Field(max_length=20, pattern=r"^\d{1,13}(\.\d{1,2})?$", examples=["1000.00"])
Units = Field(max_length=20, pattern=r"^\d{1,13}(\.\d{1,2})?$", examples=["100.00"])
Key = Field(
    min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f-\x9f]+$",
    description="The client's idempotency key: the same key, the same order (sent again, it "
    "answers the first order; with another order, 409 idempotency_key_reused).",
)  # fmt: skip
ORDER_STATES = Literal["submitted", "confirmed", "failed", "cancelled"]
# No business date before the first or after the last; one outside is a 422.
FIRST_DATE = date(1990, 1, 1)
LAST_DATE = date(2999, 12, 31)


class OrderOut(Schema):
    id: uuid.UUID
    product_id: uuid.UUID
    product_code: str
    product_name: str
    product_kind: str = Field(description="mmf, fixed_term or nav_fund.")
    kind: str = Field(description="subscribe, redeem or maturity (a fixed-term payout).")
    state: str = Field(description="submitted, confirmed, failed or cancelled.")
    fast: bool = Field(description="A money-market fund's fast redemption (paid at once).")
    currency: str
    amount: str = Field(description="A subscription: what is paid, the fee included.")
    fee: str
    net: str = Field(description="A subscription: what buys units (amount − fee).")
    unit: str = Field(description='The product\'s units ("U:" and its code).')
    units: str = Field(description="Asked to redeem, or bought once confirmed.")
    nav: str | None = Field(description="The price it was confirmed at, once known.")
    payout: str = Field(description="A redemption or payout: what reached the wallet.")
    trade_date: date = Field(description="The business date whose price applies.")
    confirm_on: date = Field(description="The business date whose close of business confirms it.")
    cooling_off_until: datetime | None = Field(description="Cancel for a full refund until then.")
    cancel_until: datetime | None
    cancellable: bool = Field(description="POST .../cancel would cancel it now.")
    submitted_at: datetime
    confirmed_at: datetime | None
    ended_at: datetime | None = Field(description="When it failed or was cancelled.")
    failure_code: str = Field(description='Why it failed ("" otherwise).')


class OrdersOut(Schema):
    items: list[OrderOut]


class OrdersQuery(Schema):
    state: ORDER_STATES | None = Field(None, description="Only the orders in this state.")
    product_id: uuid.UUID | None = Field(None, description="Only the orders of this product.")
    limit: int = Field(50, ge=1, le=200, description="At most this many, the newest first.")


class SubscribeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    amount: str = Amount
    idempotency_key: str = Key


class RedeemIn(Schema):
    model_config = ConfigDict(extra="forbid")

    units: str = Units
    fast: bool = Field(False, description="A money-market fund: paid to the wallet at once.")
    idempotency_key: str = Key


class HoldingOut(Schema):
    id: uuid.UUID
    product_id: uuid.UUID
    product_code: str
    product_name: str
    product_kind: str
    risk_level: str
    currency: str
    unit: str
    units: str = Field(description="Units held (those being redeemed included).")
    units_redeeming: str = Field(description="Units held by redemptions not confirmed yet.")
    cost: str = Field(description="What the units held cost, fees included.")
    price: str = Field(description="The latest price per unit.")
    price_date: date | None
    market_value: str
    yesterday_earnings: str
    cumulative_earnings: str
    maturity_date: date | None = Field(description="A fixed-term product's maturity.")
    expected_rate: str | None = Field(description="A fixed-term product's expected annual rate.")


class HoldingsOut(Schema):
    items: list[HoldingOut]


class KindValueOut(Schema):
    kind: str = Field(description="mmf, fixed_term or nav_fund.")
    market_value: str


class AssetOverviewOut(Schema):
    as_of: date = Field(description="Valued at the end of this business date (the last closed).")
    currency: str
    total: str = Field(description="The wallet and the holdings at market value.")
    wallet: str
    invested: str
    yesterday_earnings: str
    cumulative_earnings: str
    by_kind: list[KindValueOut]
    holdings: list[HoldingOut]
    pending_orders: list[OrderOut]


class RedemptionQuoteQuery(Schema):
    units: str = Field(
        max_length=20, pattern=r"^\d{1,13}(\.\d{1,2})?$",
        description="The units to redeem, a decimal string.",
    )  # fmt: skip


class RedemptionQuoteOut(Schema):
    product_id: uuid.UUID
    currency: str
    unit: str
    units: str = Field(description="The units priced: those asked, at most those free.")
    available: str = Field(description="Units free to redeem.")
    price: str
    price_date: date | None
    gross: str
    fee: str
    net: str = Field(description="What would reach the wallet (an estimate).")
    trade_date: date
    confirm_on: date
    fast_left: str | None = Field(
        description="A money-market fund: units left of today's fast-redemption quota."
    )


class EarningsQuery(Schema):
    start: date | None = Field(
        None, ge=FIRST_DATE, le=LAST_DATE,
        description="From this business date (default: the 1st of the end's month).",
    )  # fmt: skip
    end: date | None = Field(
        None, ge=FIRST_DATE, le=LAST_DATE,
        description="To this business date (default: the last closed one).",
    )  # fmt: skip


class EarningsLineOut(Schema):
    product_id: uuid.UUID
    product_code: str
    product_name: str
    opening: str = Field(description="Value at the end of the day before the start.")
    paid: str = Field(description="Subscriptions confirmed in the period.")
    received: str = Field(description="Redemptions and payouts confirmed in the period.")
    closing: str = Field(description="Value at the end of the end date.")
    earnings: str = Field(description="closing − opening − paid + received; may be negative.")


class EarningsOut(Schema):
    start: date
    end: date
    currency: str
    earnings: str
    lines: list[EarningsLineOut]
