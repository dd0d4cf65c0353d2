"""What the products module's services and selectors take and return (public): the product
kinds, risk levels and states, the admission checklist, and the frozen views the ``wealth``
module reads."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

# Product kinds and the NAV fund's subtypes.
KIND_MMF = "mmf"
KIND_FIXED_TERM = "fixed_term"
KIND_NAV_FUND = "nav_fund"
KINDS = (KIND_MMF, KIND_FIXED_TERM, KIND_NAV_FUND)
SUBTYPE_BOND = "bond"
SUBTYPE_EQUITY = "equity"
SUBTYPE_MIXED = "mixed"
SUBTYPES = (SUBTYPE_BOND, SUBTYPE_EQUITY, SUBTYPE_MIXED)

# Risk levels: the ones suitability defines (R1 low ... R5 high).
RISK_LEVELS = ("R1", "R2", "R3", "R4", "R5")

# Admission states.
STATE_DRAFT = "draft"
STATE_SUBMITTED = "submitted"
STATE_APPROVED = "approved"
STATE_ON_SALE = "on_sale"
STATE_SUSPENDED = "suspended"
STATE_CLOSED = "closed"
STATES = (
    STATE_DRAFT,
    STATE_SUBMITTED,
    STATE_APPROVED,
    STATE_ON_SALE,
    STATE_SUSPENDED,
    STATE_CLOSED,
)

# Documents attached to a product (PDF only, at most 5 MB each).
DOC_PROSPECTUS = "prospectus"
DOC_RISK_DISCLOSURE = "risk_disclosure"
DOC_CONTRACT = "contract"
DOCUMENT_KINDS = (DOC_PROSPECTUS, DOC_RISK_DISCLOSURE, DOC_CONTRACT)
DOCUMENT_MAX_BYTES = 5 * 1024 * 1024

# The compliance checklist: every item ticked (a note optional) before an approval. The raise terms
# are checked for fixed-term products only.
CHECK_PROSPECTUS = "prospectus_attached"
CHECK_RISK_DISCLOSURE = "risk_disclosure_attached"
CHECK_CONTRACT = "contract_attached"
CHECK_RISK_LEVEL = "risk_level_justified"
CHECK_FEES = "fees_disclosed"
CHECK_RAISE_TERMS = "raise_terms"
CHECKLIST = (
    CHECK_PROSPECTUS,
    CHECK_RISK_DISCLOSURE,
    CHECK_CONTRACT,
    CHECK_RISK_LEVEL,
    CHECK_FEES,
    CHECK_RAISE_TERMS,
)


def checklist_for(kind: str) -> tuple[str, ...]:
    """The checklist items a product of ``kind`` is reviewed against."""
    return CHECKLIST if kind == KIND_FIXED_TERM else CHECKLIST[:-1]


# Defaults of the mechanics.
MMF_FAST_REDEMPTION_QUOTA_MINOR = 1_000_000  # CNY 10,000.00 per customer and day
NAV_CUTOFF = time(15, 0)  # business time zone
REDEMPTION_DAYS_BOND = 1
REDEMPTION_DAYS_OTHER = 2
# The short-holding redemption fee: under 7 days at least 1.5 % (《公开募集开放式证券投资基金流动性
# 风险管理规定》 art. 23).
SHORT_HOLDING_DAYS = 7
SHORT_HOLDING_MIN_RATE = Decimal("0.015")


@dataclass(frozen=True, slots=True)
class SubscriptionTier:
    """From ``from_minor`` (inclusive) up: ``rate`` of the amount, or ``fixed_minor`` per order."""

    from_minor: int
    rate: Decimal | None = None
    fixed_minor: int | None = None


@dataclass(frozen=True, slots=True)
class RedemptionTier:
    """Units held at least ``from_days`` days pay ``rate`` of the redemption amount."""

    from_days: int
    rate: Decimal


@dataclass(frozen=True, slots=True)
class FeeQuote:
    """A subscription: the amount paid, the fee in it and the net amount that buys units."""

    amount_minor: int
    fee_minor: int
    net_minor: int
    rate: Decimal | None
    fixed: bool


@dataclass(frozen=True, slots=True)
class RedemptionQuote:
    """A redemption: units × NAV (rounded to the fen), the fee and what the customer receives."""

    gross_minor: int
    rate: Decimal
    fee_minor: int
    net_minor: int


@dataclass(frozen=True, slots=True)
class DocumentView:
    id: uuid.UUID
    kind: str
    file_name: str
    size_bytes: int
    uploaded_at: datetime


@dataclass(frozen=True, slots=True)
class ProductView:
    """A product with all its parameters (the ones of other kinds are None)."""

    id: uuid.UUID
    code: str
    kind: str
    subtype: str
    name_zh: str
    name_en: str
    issuer: str
    risk_level: str
    currency: str
    min_amount_minor: int
    increment_minor: int
    per_customer_cap_minor: int | None
    cooling_off: bool
    description_zh: str
    description_en: str
    state: str
    on_sale_from: date | None
    # money-market fund
    unit_price: Decimal | None
    fast_redemption_quota_minor: int | None
    # fixed-term
    raise_start_date: date | None
    raise_end_date: date | None
    min_raise_minor: int | None
    max_size_minor: int | None
    value_date: date | None
    maturity_date: date | None
    expected_rate: Decimal | None
    day_count: str | None
    # NAV fund
    cutoff_time: time | None
    confirm_days: int | None
    redemption_days: int | None
    subscription_fees: tuple[SubscriptionTier, ...]
    redemption_fees: tuple[RedemptionTier, ...]
    documents: tuple[DocumentView, ...]

    def name(self, language: str) -> str:
        """The name in ``language`` ("zh-hans" or "en")."""
        return self.name_zh if str(language).startswith("zh") else self.name_en

    def description(self, language: str) -> str:
        return self.description_zh if str(language).startswith("zh") else self.description_en

    @property
    def term_days(self) -> int | None:
        """A fixed-term product's days from value date to maturity."""
        if self.value_date and self.maturity_date:
            return (self.maturity_date - self.value_date).days
        return None


@dataclass(frozen=True, slots=True)
class NavPointView:
    """One business date's publication: a NAV fund's NAV per unit (and cumulative), or a
    money-market fund's income per 10,000 units and 7-day annualised yield."""

    business_date: date
    nav: Decimal | None
    cumulative_nav: Decimal | None
    income_per_10k: Decimal | None
    yield_7d: Decimal | None


@dataclass(frozen=True, slots=True)
class ProductDraft:
    """What a product manager types: the common parameters and those of the product's kind
    (the others are left at None and ignored). Money in fen, rates as decimal fractions."""

    code: str
    kind: str
    name_zh: str
    name_en: str
    issuer: str
    risk_level: str
    min_amount_minor: int
    increment_minor: int
    subtype: str = ""
    currency: str = "CNY"
    per_customer_cap_minor: int | None = None
    cooling_off: bool = False
    description_zh: str = ""
    description_en: str = ""
    fast_redemption_quota_minor: int | None = None
    raise_start_date: date | None = None
    raise_end_date: date | None = None
    min_raise_minor: int | None = None
    max_size_minor: int | None = None
    value_date: date | None = None
    maturity_date: date | None = None
    expected_rate: Decimal | None = None
    cutoff_time: time | None = None
    confirm_days: int | None = None
    redemption_days: int | None = None
    subscription_fees: tuple[SubscriptionTier, ...] = ()
    redemption_fees: tuple[RedemptionTier, ...] = ()
