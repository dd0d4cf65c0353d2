"""What comes into the ledger's API and console: bounded field types, bodies and query strings.

Every schema refuses unknown fields. Every rule the server enforces on input is also written into
the OpenAPI document, so clients and fuzzers see it: patterns, bounds and formats where JSON
Schema has a word for them (``hujin.ledger.openapi``), and descriptions for rules between fields
of a query string.
"""

import re
import unicodedata
import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from hujin.core.money import CURRENCY_EXPONENTS, InvalidAmount, parse_amount
from hujin.ledger.openapi import (
    AT_MOST_ONE_LIMIT_FLAG,
    BUSINESS_DATE_RULE,
    MOMENT_RULE,
    PLAIN_TEXT_RULE,
    SchemaSays,
    statement_period_rule,
)
from hujin.ledger.selectors import CUSTOMER_OWNER_NAMESPACE, MAX_PAGE
from hujin.ledger.services import MAX_BATCH
from hujin.ledger.types import TransferRequest
from hujin.ledger.validation import (
    CODE_RE,
    MAX_METADATA_BYTES,
    MAX_METADATA_DEPTH,
    MAX_STATEMENT_DAYS,
    MAX_TIMEOUT_SECONDS,
    metadata_problem,
)

MAX_SEQ = 2**63 - 1
# Dates and moments the ledger can reason about; far outside them date arithmetic overflows.
EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(9999, 12, 30)
EARLIEST_MOMENT = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_MOMENT = datetime(9999, 12, 30, tzinfo=UTC)
ISO_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}")

AccountKindName = Literal["asset", "liability", "equity", "income", "expense"]
RequestKindName = Literal["single", "pending", "post_pending", "void_pending"]
TransferKindName = Literal["single", "pending", "post_pending", "void_pending", "expire_pending"]


# -- field types ---------------------------------------------------------------------------------


def _plain_text(value: str) -> str:
    # Control characters (NUL above all: PostgreSQL refuses it) and lone surrogates (not
    # encodable as UTF-8) never belong in a name or a search.
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cs"):
            raise ValueError("Text must not contain control characters.")
    return value


def _small_json_object(value: dict[str, Any]) -> dict[str, Any]:
    problem = metadata_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _iso_date_text(value: Any) -> Any:
    # Only ISO 8601 text: pydantic would also read a number as seconds since 1970.
    if not isinstance(value, str | date) or (
        isinstance(value, str) and not ISO_DATE_RE.match(value)
    ):
        raise ValueError(
            "Use an ISO 8601 date or date-time, e.g. 2025-03-14 or 2025-03-14T10:00:00+08:00."
        )
    return value


def _text(max_length: int):
    return Annotated[StrictStr, StringConstraints(max_length=max_length),
                     AfterValidator(_plain_text), PLAIN_TEXT_RULE]  # fmt: skip


# The ISO 4217 codes Hujin knows, listed in the OpenAPI description.
Currency = Literal[tuple(sorted(CURRENCY_EXPONENTS))]  # type: ignore[valid-type]
Code = Annotated[StrictStr, StringConstraints(min_length=1, max_length=64, pattern=CODE_RE.pattern)]
# Digits only in ASCII: a decimal string, never a JSON number (floats lose cents).
AMOUNT_PATTERN = r"^[0-9]{1,19}(\.[0-9]{1,18})?$"
Amount = Annotated[StrictStr, StringConstraints(max_length=40, pattern=AMOUNT_PATTERN)]
Metadata = Annotated[
    dict[str, Any],
    AfterValidator(_small_json_object),
    SchemaSays(description=f"A JSON object of at most {MAX_METADATA_BYTES} bytes, nested at most "
               f"{MAX_METADATA_DEPTH} levels; no text in it holds NUL or a lone surrogate."),
]  # fmt: skip
Name = _text(200)
OwnerRef = _text(128)


def _not_a_customer(value: str) -> str:
    # The customers module's services open the accounts whose owner_ref decides whose reads,
    # Customer 360, freezes and closing they join; a key holder may not claim a customer's.
    if value.startswith(CUSTOMER_OWNER_NAMESPACE):
        raise PydanticCustomError("owner_ref_reserved", _OWNER_REF_RESERVED)
    return value


_OWNER_REF_RESERVED = (
    f"Owner references starting with '{CUSTOMER_OWNER_NAMESPACE}' belong to Hujin's customers: "
    "their accounts are opened by Hujin itself, never through the API."
)
# An account's owner, as the API may name it: never one in the customers' namespace (422).
AccountOwnerRef = Annotated[
    OwnerRef,
    AfterValidator(_not_a_customer),
    SchemaSays(
        extra={"not": {"pattern": f"^{CUSTOMER_OWNER_NAMESPACE}"}},
        description=f"Who owns the account, in the client's own terms. {_OWNER_REF_RESERVED} "
        "(422, type owner_ref_reserved)",
    ),
]
SearchText = _text(200)
Cursor = Annotated[
    str, StringConstraints(max_length=64), AfterValidator(_plain_text), PLAIN_TEXT_RULE
]
Seq = Annotated[int, Field(ge=0, le=MAX_SEQ)]
Limit = Annotated[int, Field(ge=1, le=MAX_PAGE)]
BusinessDate = Annotated[date, BeforeValidator(_iso_date_text),
                         Field(ge=EARLIEST_DATE, le=LATEST_DATE), BUSINESS_DATE_RULE]  # fmt: skip
Moment = Annotated[AwareDatetime, BeforeValidator(_iso_date_text),
                   Field(ge=EARLIEST_MOMENT, le=LATEST_MOMENT), MOMENT_RULE]  # fmt: skip


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class QueryIn(_In):
    """A query string's parameters; the API refuses parameters a query schema does not name."""


# -- inputs --------------------------------------------------------------------------------------


class AccountIn(_In):
    model_config = ConfigDict(extra="forbid", json_schema_extra=AT_MOST_ONE_LIMIT_FLAG)

    id: uuid.UUID | None = Field(None, description="Client-chosen id; makes the create idempotent.")
    currency: Currency
    code: Code = Field(description="What the account is for, e.g. 2001.wallet.")
    kind: AccountKindName
    name: Name = ""
    owner_ref: AccountOwnerRef = ""
    debits_must_not_exceed_credits: StrictBool = Field(
        False, description="At most one of the two balance-limit flags is true (400 otherwise)."
    )
    credits_must_not_exceed_debits: StrictBool = Field(
        False, description="At most one of the two balance-limit flags is true (400 otherwise)."
    )
    metadata: Metadata = Field(default_factory=dict)


class TransferIn(_In):
    id: uuid.UUID = Field(description="Client-chosen id; retrying the same id is safe.")
    kind: RequestKindName
    debit_account_id: uuid.UUID | None = None
    credit_account_id: uuid.UUID | None = None
    amount: Amount | None = Field(
        None,
        description="Decimal string, e.g. '1234.50', with at most as many decimals as the "
        "currency has; needs currency.",
    )
    currency: Currency | None = None
    pending_id: uuid.UUID | None = None
    linked: StrictBool = False
    timeout_seconds: Annotated[StrictInt, Field(ge=0, le=MAX_TIMEOUT_SECONDS)] | None = None
    code: Code
    metadata: Metadata = Field(default_factory=dict)

    @model_validator(mode="after")
    def _amount_parses_in_its_currency(self) -> "TransferIn":
        if self.amount is not None:
            if self.currency is None:
                raise ValueError("An amount needs its currency.")
            try:
                parse_amount(self.amount, self.currency)
            except InvalidAmount as exc:
                raise ValueError(exc.message) from None
        return self

    def to_request(self) -> TransferRequest:
        return TransferRequest(
            id=self.id,
            kind=self.kind,
            debit_account_id=self.debit_account_id,
            credit_account_id=self.credit_account_id,
            amount=None if self.amount is None else parse_amount(self.amount, self.currency or ""),
            currency=self.currency,
            pending_id=self.pending_id,
            linked=self.linked,
            timeout_seconds=self.timeout_seconds,
            code=self.code,
            metadata=self.metadata,
        )


class TransfersIn(_In):
    transfers: list[TransferIn] = Field(min_length=1, max_length=MAX_BATCH)


class AccountSearchQuery(QueryIn):
    text: SearchText = Field("", description="Part of the code, name or owner_ref, or an id.")
    currency: Currency | None = None
    kind: AccountKindName | None = None
    code: Code | None = None
    owner_ref: OwnerRef | None = None
    after: Cursor | None = Field(None, description="next_cursor of the previous page.")
    limit: Limit = 50


class BalancesQuery(QueryIn):
    as_of: Moment | None = Field(
        None,
        description="Balances at this moment (ISO 8601 with zone), including every transfer "
        "created at or before it, to the microsecond. Not together with business_date (422).",
    )
    business_date: BusinessDate | None = Field(
        None, description="Balances at this day's end. Not together with as_of (422)."
    )

    @model_validator(mode="after")
    def _one_cut(self) -> "BalancesQuery":
        if self.as_of is not None and self.business_date is not None:
            raise ValueError("Give as_of or business_date, not both.")
        return self


class HistoryQuery(QueryIn):
    before_seq: Seq | None = Field(None, description="next_before_seq of the previous page.")
    limit: Limit = 50


class StatementQuery(QueryIn):
    from_date: BusinessDate = Field(description=statement_period_rule(MAX_STATEMENT_DAYS))
    to_date: BusinessDate = Field(description=statement_period_rule(MAX_STATEMENT_DAYS))
    after_seq: Seq | None = Field(None, description="next_after_seq of the previous page.")
    limit: Limit = 200


class TransferListQuery(QueryIn):
    code: Code | None = None
    kind: TransferKindName | None = None
    business_date: BusinessDate | None = None
    before_seq: Seq | None = None
    limit: Limit = 50


class TrialBalanceQuery(QueryIn):
    currency: Currency | None = None
