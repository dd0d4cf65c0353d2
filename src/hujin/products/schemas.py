"""What goes out of the customer's product catalogue API (/api/v1/me/products). Money as decimal
strings next to its currency ("1000.00"); rates, NAVs and yields as decimal strings ("0.0385",
"1.0234"); names in the request's language."""

import uuid
from datetime import date, time

from ninja import Schema
from pydantic import Field


class ProductSubscriptionTierOut(Schema):
    from_amount: str = Field(description="The tier applies from this amount (decimal string).")
    rate: str | None = Field(description="The fee rate (decimal fraction), or null: a fixed fee.")
    fixed_fee: str | None = Field(description="A fixed fee per subscription, or null.")


class ProductRedemptionTierOut(Schema):
    from_days: int = Field(description="The tier applies to units held this many days or more.")
    rate: str


class ProductDocumentOut(Schema):
    id: uuid.UUID
    kind: str = Field(description="prospectus, risk_disclosure or contract.")
    file_name: str
    size_bytes: int
    url: str = Field(description="Where the PDF is (no token needed for a product on sale).")


class ProductNavOut(Schema):
    business_date: date
    nav: str | None = Field(description="A NAV fund's NAV per unit.")
    cumulative_nav: str | None
    income_per_10k: str | None = Field(description="A money-market fund's income per 10,000 units.")
    yield_7d: str | None = Field(description="A money-market fund's 7-day annualised yield.")


class ProductSummaryOut(Schema):
    id: uuid.UUID
    code: str
    kind: str = Field(description="mmf, fixed_term or nav_fund.")
    subtype: str = Field(description='bond, equity or mixed for a NAV fund; "" otherwise.')
    name: str
    issuer: str
    risk_level: str = Field(description="R1 (low) to R5 (high).")
    currency: str
    min_amount: str
    term: str = Field(description="open, 3m (up to 3 months), 1y (up to a year) or long.")
    latest: ProductNavOut | None = Field(description="The last NAV or income published.")


class ProductsOut(Schema):
    items: list[ProductSummaryOut]


class ProductOut(ProductSummaryOut):
    description: str
    increment: str
    per_customer_cap: str | None
    cooling_off: bool = Field(description="24 hours to cancel after ordering.")
    on_sale_from: date | None
    fast_redemption_quota: str | None = Field(description="Money-market funds: a day's cap.")
    raise_start_date: date | None
    raise_end_date: date | None
    min_raise: str | None
    max_size: str | None
    value_date: date | None
    maturity_date: date | None
    expected_rate: str | None = Field(description="Fixed-term: expected annualised rate.")
    day_count: str | None
    cutoff_time: time | None = Field(description="NAV funds: orders after it get the next day.")
    confirm_days: int | None
    redemption_days: int | None
    subscription_fees: list[ProductSubscriptionTierOut]
    redemption_fees: list[ProductRedemptionTierOut]
    documents: list[ProductDocumentOut]


class ProductNavSeriesOut(Schema):
    items: list[ProductNavOut]


# No product published anything before it; an earlier date is a 422 (and kept away from
# date.min, where "180 days before" does not exist).
NAV_SERIES_FIRST_DATE = date(1990, 1, 1)


class ProductNavQuery(Schema):
    """The dates of a NAV series: both on or after 1990-01-01 (else 422 ``validation_error``);
    a ``start`` after the ``end`` is no error and answers an empty list."""

    start: date | None = Field(
        None,
        ge=NAV_SERIES_FIRST_DATE,
        description="From this business date, 1990-01-01 or later (default: 180 days before "
        "the end).",
    )
    end: date | None = Field(
        None,
        ge=NAV_SERIES_FIRST_DATE,
        description="To this business date, 1990-01-01 or later (default, and at most: today's).",
    )


class ProductsQuery(Schema):
    kind: str = ""
    risk_level: str = ""
    term: str = ""
