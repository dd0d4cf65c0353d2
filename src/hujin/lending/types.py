"""What the lending module's services and selectors take and return (public): repayment
methods, day counts, states, and the frozen views of products, schedules and loans."""

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# Repayment methods.
EQUAL_INSTALMENT = "equal_instalment"  # 等额本息: equal instalments on a declining balance
EQUAL_PRINCIPAL = "equal_principal"  # 等额本金: the same principal each period
INTEREST_ONLY = "interest_only"  # 先息后本: interest each period, principal at maturity
BULLET = "bullet"  # 一次性还本付息: principal and interest in one payment at maturity
METHODS = (EQUAL_INSTALMENT, EQUAL_PRINCIPAL, INTEREST_ONLY, BULLET)

# How a term is counted: calendar months, or days (short loans, bullet only).
TERM_MONTHS = "month"
TERM_DAYS = "day"
TERM_UNITS = (TERM_MONTHS, TERM_DAYS)

# Interest day count: the days of a period over 360 or 365.
ACT_360 = "act360"
ACT_365 = "act365"
DAY_COUNTS = (ACT_360, ACT_365)
DAY_BASIS = {ACT_360: 360, ACT_365: 365}

# The parts of a due amount, and the default order a repayment pays them in.
PENALTY = "penalty"
FEES = "fees"
INTEREST = "interest"
PRINCIPAL = "principal"
PARTS = (PENALTY, FEES, INTEREST, PRINCIPAL)
DEFAULT_ALLOCATION = PARTS

# Loan product states: the admission the wealth products go through, maker-checker on approval.
PRODUCT_DRAFT = "draft"
PRODUCT_SUBMITTED = "submitted"
PRODUCT_ON_SALE = "on_sale"
PRODUCT_SUSPENDED = "suspended"
PRODUCT_CLOSED = "closed"
PRODUCT_STATES = (
    PRODUCT_DRAFT,
    PRODUCT_SUBMITTED,
    PRODUCT_ON_SALE,
    PRODUCT_SUSPENDED,
    PRODUCT_CLOSED,
)

# Loan purposes a customer chooses from; the refused ones are refused by rule (personal consumer
# credit may not fund securities investment or property purchases: 《商业银行互联网贷款管理暂行
# 办法》, 中国银保监会令2020年第9号).
PURPOSES = (
    "consumption",
    "education",
    "medical",
    "travel",
    "home_improvement",
    "business",
    "securities",
    "property_down_payment",
)
REFUSED_PURPOSES = ("securities", "property_down_payment")

# Partial prepayment: keep the term and lower the instalments, or keep the instalment and
# shorten the term.
PREPAY_REDUCE_INSTALMENT = "reduce_instalment"
PREPAY_SHORTEN_TERM = "shorten_term"
PREPAY_CHOICES = (PREPAY_REDUCE_INSTALMENT, PREPAY_SHORTEN_TERM)

# Loan states.
LOAN_SIGNED = "signed"  # contract signed, not yet disbursed
LOAN_ACTIVE = "active"
LOAN_SETTLED = "settled"  # everything repaid
LOAN_WRITTEN_OFF = "written_off"
LOAN_STATES = (LOAN_SIGNED, LOAN_ACTIVE, LOAN_SETTLED, LOAN_WRITTEN_OFF)

# Where a loan's money goes (``Loan.disburse_to``): the customer's wallet, or on through
# payments to the bound card they chose at signing.
DISBURSE_WALLET = "wallet"
DISBURSE_CARD = "card"
DISBURSE_TO = (DISBURSE_WALLET, DISBURSE_CARD)

# Application states.
APP_SUBMITTED = "submitted"
APP_APPROVED = "approved"  # an offer stands
APP_REFERRED = "referred"  # waiting for an analyst
APP_DECLINED = "declined"
APP_ACCEPTED = "accepted"  # the contract is signed
APP_EXPIRED = "expired"
APP_CANCELLED = "cancelled"
APP_STATES = (
    APP_SUBMITTED,
    APP_APPROVED,
    APP_REFERRED,
    APP_DECLINED,
    APP_ACCEPTED,
    APP_EXPIRED,
    APP_CANCELLED,
)

# Score model roles.
MODEL_CHAMPION = "champion"
MODEL_CHALLENGER = "challenger"
MODEL_RETIRED = "retired"
MODEL_ROLES = (MODEL_CHAMPION, MODEL_CHALLENGER, MODEL_RETIRED)


@dataclass(frozen=True, slots=True)
class Terms:
    """What a schedule is computed from: the contract's numbers, nothing else."""

    principal_minor: int
    annual_rate: Decimal  # nominal, e.g. Decimal("0.06")
    term: int  # months, or days when term_unit is TERM_DAYS
    method: str
    start: date  # the disbursement date
    term_unit: str = TERM_MONTHS
    day_count: str = ACT_365
    repayment_day: int | None = None  # day of month instalments fall due; None: the start's
    upfront_fee_minor: int = 0  # one-off, deducted from what is disbursed
    instalment_fee_minor: int = 0  # charged with every instalment
    first_due: date | None = None  # a rescheduled loan keeps its running period's due date


@dataclass(frozen=True, slots=True)
class Instalment:
    """One line of a schedule: what falls due on ``due_date`` for the period that began on
    ``period_start`` (exclusive) and ends on ``due_date`` (inclusive)."""

    number: int
    period_start: date
    due_date: date
    principal_minor: int
    interest_minor: int
    fee_minor: int
    balance_after_minor: int  # principal still owed once this instalment is paid

    @property
    def total_minor(self) -> int:
        return self.principal_minor + self.interest_minor + self.fee_minor


@dataclass(frozen=True, slots=True)
class Schedule:
    terms: Terms
    instalments: tuple[Instalment, ...]
    apr: Decimal  # the annualised rate of the whole cost, 4 decimals (0.0612 is 6.12 %)
    totals: dict[str, int] = field(default_factory=dict)  # principal, interest, fees, total

    @property
    def disbursed_minor(self) -> int:
        return self.terms.principal_minor - self.terms.upfront_fee_minor


@dataclass(frozen=True, slots=True)
class Allocation:
    """How a repayment was split: per instalment number, per part."""

    lines: tuple[tuple[int, str, int], ...]  # (instalment number, part, amount)
    unallocated_minor: int = 0

    def total(self, part: str | None = None) -> int:
        return sum(a for _, p, a in self.lines if part is None or p == part)


@dataclass(frozen=True, slots=True)
class LoanRef:
    id: uuid.UUID
    number: str


@dataclass(frozen=True, slots=True)
class ProductInput:
    """A loan product's terms as the product manager enters them. Rates are annual decimals
    (Decimal("0.06") is 6 %); fee rates apply to the principal (one-off, or per instalment)."""

    code: str
    name_zh: str
    name_en: str
    min_amount_minor: int
    max_amount_minor: int
    term_unit: str
    min_term: int
    max_term: int
    method: str
    day_count: str
    min_rate: Decimal
    max_rate: Decimal
    penalty_rate: Decimal
    upfront_fee_rate: Decimal = Decimal(0)
    instalment_fee_rate: Decimal = Decimal(0)
    grace_days: int = 0
    prepayment_allowed: bool = True
    prepayment_fee_rate: Decimal = Decimal(0)
    allocation_order: tuple[str, ...] = DEFAULT_ALLOCATION
    min_age: int = 18
    max_age: int = 60
    min_score: int = 0
    max_debt_to_income: Decimal = Decimal("0.50")
    description_zh: str = ""
    description_en: str = ""


@dataclass(frozen=True, slots=True)
class ProductView:
    id: uuid.UUID
    code: str
    name_zh: str
    name_en: str
    state: str
    currency: str
    min_amount_minor: int
    max_amount_minor: int
    term_unit: str
    min_term: int
    max_term: int
    method: str
    day_count: str
    min_rate: Decimal
    max_rate: Decimal
    penalty_rate: Decimal
    upfront_fee_rate: Decimal
    instalment_fee_rate: Decimal
    grace_days: int
    prepayment_allowed: bool
    prepayment_fee_rate: Decimal
    allocation_order: tuple[str, ...]
    min_age: int
    max_age: int
    min_score: int
    max_debt_to_income: Decimal
    description_zh: str
    description_en: str
    worst_apr: Decimal  # the highest APR its terms allow (at the maximum rate, with every fee)
