"""What wealth's services and selectors take and return (public)."""

import uuid
from dataclasses import dataclass

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
