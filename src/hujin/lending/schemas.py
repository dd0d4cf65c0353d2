"""What goes in and out of the customer's lending API (/api/v1/me/loan-products, /me/loan-
applications, /me/loans): money as decimal strings in yuan next to its currency ("5000.00"
CNY), rates as decimal strings ("0.132000" is 13.2 % a year; an APR "0.1412" is 14.12 %), names
in the request's language."""

import uuid
from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

Amount = Field(max_length=20, pattern=r"^\d{1,13}(\.\d{1,2})?$", examples=["5000.00"])
Key = Field(
    min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f-\x9f]+$",
    description="The client's idempotency key: the same key answers the first application "
    "or repayment again.",
)  # fmt: skip
PURPOSES = Literal["consumption", "education", "medical", "travel", "home_improvement",
                   "business", "securities", "property_down_payment"]  # fmt: skip


class LoanProductOut(Schema):
    id: uuid.UUID
    code: str
    name: str
    description: str
    currency: str
    min_amount: str
    max_amount: str
    term_unit: str = Field(description="month or day.")
    min_term: int
    max_term: int
    method: str = Field(description="equal_instalment, equal_principal, interest_only or bullet.")
    min_rate: str = Field(description="The lowest annual rate an approval may give.")
    max_rate: str = Field(description="The highest annual rate.")
    worst_apr: str = Field(description="The highest APR its terms allow, every fee included.")
    upfront_fee_rate: str
    prepayment_allowed: bool
    prepayment_fee_rate: str


class LoanProductsOut(Schema):
    items: list[LoanProductOut]


class InstalmentOut(Schema):
    number: int
    due_date: date
    principal: str
    interest: str
    fee: str
    total: str


class QuoteQuery(Schema):
    amount: str = Amount
    term: int = Field(ge=1, le=400)
    repayment_day: int | None = Field(None, ge=1, le=28)


class QuoteOut(Schema):
    product_id: uuid.UUID
    currency: str
    rate: str = Field(description="The product's highest rate: the most the loan can cost.")
    apr: str
    principal: str
    interest: str
    fees: str
    total: str = Field(description="Everything repaid: principal, interest and fees.")
    disbursed: str = Field(description="What reaches the wallet (less a one-off fee).")
    lowest_rate: str
    lowest_first_instalment: str = Field(description="The first instalment at the lowest rate.")
    instalments: list[InstalmentOut]


class ApplicationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    product_id: uuid.UUID
    amount: str = Amount
    term: int = Field(ge=1, le=400)
    purpose: PURPOSES
    monthly_income: str = Amount
    repayment_day: int | None = Field(None, ge=1, le=28)
    credit_check_document_id: uuid.UUID | None = Field(
        None, description="The credit-check authorisation accepted now (privacy document of "
        "kind credit_check); leave out when already given.")  # fmt: skip
    idempotency_key: str = Key


class ApplicationOut(Schema):
    id: uuid.UUID
    product_id: uuid.UUID
    product_name: str
    currency: str
    amount: str
    term: int
    term_unit: str
    purpose: str
    state: str = Field(
        description="submitted, approved (an offer stands), referred (an analyst decides), "
        "declined, accepted (signed), expired or cancelled."
    )
    reasons: list[str] = Field(description="A decline's reasons, in plain words.")
    reason_codes: list[str] = Field(description="The same as codes: rules, then characteristics.")
    offer_amount: str | None
    offer_rate: str | None
    offer_apr: str | None
    offer_expires_at: datetime | None
    submitted_at: datetime
    decided_at: datetime | None
    loan_id: uuid.UUID | None


class ApplicationsOut(Schema):
    items: list[ApplicationOut]


class ContractOut(Schema):
    application_id: uuid.UUID
    language: str
    text: str = Field(description="Show it in full; signing sends back its SHA-256.")
    sha256: str
    apr: str
    instalments: list[InstalmentOut]


class SignCodeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    contract_sha256: str = Field(min_length=64, max_length=64, pattern=r"^[0-9a-f]{64}$")


class SignCodeOut(Schema):
    sent: bool


class SignIn(Schema):
    model_config = ConfigDict(extra="forbid")

    contract_sha256: str = Field(min_length=64, max_length=64, pattern=r"^[0-9a-f]{64}$")
    method: Literal["sms", "totp"] = "sms"
    code: str = Field(min_length=1, max_length=12, pattern=r"^[0-9]{4,12}$")
    disburse_to: Literal["wallet", "card"] = Field(
        "wallet", description="Where the money goes: my wallet, or (card) my bound card card_id."
    )
    card_id: uuid.UUID | None = Field(None, description="One of my bound cards, with card.")


class LoanInstalmentOut(Schema):
    number: int
    due_date: date
    principal: str
    interest: str
    fee: str
    penalty: str
    paid: str
    owed: str
    paid_on: date | None
    state: str = Field(description="paid, due (today), overdue or upcoming.")


class LoanOut(Schema):
    id: uuid.UUID
    number: str
    product_name: str
    state: str = Field(description="signed (being paid out), active, settled or written_off.")
    currency: str
    principal: str
    annual_rate: str
    apr: str
    term: int
    term_unit: str
    method: str
    start_date: date
    outstanding_principal: str
    owed: str = Field(description="Everything the open instalments still owe.")
    due_now: str = Field(description="Due today or overdue.")
    overdue: str
    days_past_due: int
    next_due_date: date | None
    next_due: str
    instalments_paid: int
    instalments: int
    prepayment_allowed: bool
    settled_on: date | None
    schedule: list[LoanInstalmentOut] | None = Field(None, description="On a loan's own page.")
    disburse_to: str | None = Field(
        None, description="On a loan's own page: where the money goes or went, wallet or card "
        "(a chosen card that could not take it: wallet, with disburse_card still named).",
    )  # fmt: skip
    disburse_card: str = Field(
        "", description='The card chosen, masked: "招商银行 6222 **** **** 1234".'
    )
    payout_status: str | None = Field(
        None, description="The payout to the card: created, review, pending, unknown, "
        "succeeded or failed (the money back in the wallet); null when there is none.",
    )  # fmt: skip


class LoansOut(Schema):
    items: list[LoanOut]


class RepayIn(Schema):
    model_config = ConfigDict(extra="forbid")

    amount: str = Amount
    idempotency_key: str = Key


class PrepayIn(Schema):
    model_config = ConfigDict(extra="forbid")

    principal: str | None = Field(
        None,
        max_length=20,
        pattern=r"^\d{1,13}(\.\d{1,2})?$",
        description="Part of the principal; leave out for all of it.",
    )
    choice: Literal["reduce_instalment", "shorten_term"] = "reduce_instalment"
    idempotency_key: str = Key


class RepaymentOut(Schema):
    id: uuid.UUID
    loan_id: uuid.UUID
    kind: str = Field(description="repayment or prepayment.")
    value_date: date
    currency: str
    amount: str
    allocation: list[list] = Field(description="[instalment number, part, amount in yuan].")


class PrepaymentQuoteQuery(Schema):
    principal: str | None = Field(None, max_length=20, pattern=r"^\d{1,13}(\.\d{1,2})?$")
    choice: Literal["reduce_instalment", "shorten_term"] = "reduce_instalment"


class PrepaymentQuoteOut(Schema):
    loan_id: uuid.UUID
    business_date: date
    currency: str
    full: bool
    due_now: str
    principal: str
    interest: str = Field(description="The running period's interest up to today.")
    fee: str
    total: str
    new_schedule: list[InstalmentOut]
