"""The decision policy: hard rules first, then the score's cut-offs, then the risk-based price.

Every hard rule that fails is named by its code; any one declines. The score of the champion
model then approves (at or above ``approve_from`` and the product's minimum score), refers to
an analyst (at or above ``refer_from``) or declines. An approval takes the rate of the score's
band in the pricing table (held within the product's range) and at most the band's amount.
Without a champion model every application that passes the hard rules is referred.

The policy is data (``CreditPolicy``): the newest version is in force; DEFAULT is version 1,
written by the first use."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from hujin.core.sql import Dialect, hot_models
from hujin.lending import types as t
from hujin.lending.models import CreditPolicy

APPROVE = "approve"
REFER = "refer"
DECLINE = "decline"

# The scorecard's scale: 600 points at odds of 50 good to 1 bad, 20 more points for every
# doubling of the odds (scorecard.train). 575 is odds of about 21:1 (a bad rate under 5 %),
# 550 about 9:1 (the population's average), so the cut-offs approve the better half and refer
# the middle; the bands price by the odds.
DEFAULT = {
    "approve_from": 575,
    "refer_from": 550,
    # from_score, annual rate, the most a band may borrow (fen)
    "pricing": [
        [620, "0.072000", 20_000_000],
        [600, "0.096000", 10_000_000],
        [585, "0.132000", 5_000_000],
        [0, "0.168000", 2_000_000],
    ],
    "checker_above_minor": 5_000_000,
    "offer_valid_hours": 72,
}

# Hard rule codes, in the order they are checked.
NOT_VERIFIED = "not_verified"
NOT_ACTIVE = "not_active"
AGE_UNKNOWN = "age_unknown"
AGE_OUT_OF_RANGE = "age_out_of_range"
EXISTING_OVERDUE = "existing_overdue"
PURPOSE_REFUSED = "purpose_refused"
DEBT_TO_INCOME = "debt_to_income"
INCOME_MISSING = "income_missing"
BELOW_MIN_SCORE = "below_min_score"
RULES = (NOT_VERIFIED, NOT_ACTIVE, AGE_UNKNOWN, AGE_OUT_OF_RANGE, EXISTING_OVERDUE,
         PURPOSE_REFUSED, INCOME_MISSING, DEBT_TO_INCOME)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Outcome:
    outcome: str
    rules_failed: tuple[str, ...]
    rate: Decimal | None = None
    amount_minor: int | None = None


def policy_current(*, now: datetime) -> CreditPolicy:
    d = Dialect()  # plain SQL: every application reads it
    found = hot_models(d, CreditPolicy, _NEWEST, [])
    policy = found[0] if found else None
    if policy is None:
        policy, _ = CreditPolicy.objects.get_or_create(
            version=1, defaults={**DEFAULT, "created_by": "system", "created_at": now}
        )
    return policy


_NEWEST = "version = (SELECT MAX(version) FROM lending_creditpolicy)"


def hard_rules(*, facts, age: int | None, product, purpose: str, overdue: bool,
               dti: Decimal | None) -> tuple[str, ...]:  # fmt: skip
    failed = []
    if not facts.verified:
        failed.append(NOT_VERIFIED)
    if facts.status != "active":
        failed.append(NOT_ACTIVE)
    if age is None:
        failed.append(AGE_UNKNOWN)
    elif not product.min_age <= age <= product.max_age:
        failed.append(AGE_OUT_OF_RANGE)
    if overdue:
        failed.append(EXISTING_OVERDUE)
    if purpose in t.REFUSED_PURPOSES:
        failed.append(PURPOSE_REFUSED)
    if dti is None:
        failed.append(INCOME_MISSING)
    elif dti > product.max_debt_to_income:
        failed.append(DEBT_TO_INCOME)
    return tuple(failed)


def band_of(policy: CreditPolicy, score: int) -> tuple[Decimal, int]:
    for from_score, rate, most in policy.pricing:
        if score >= from_score:
            return Decimal(rate), int(most)
    from_score, rate, most = policy.pricing[-1]
    return Decimal(rate), int(most)


def price(policy: CreditPolicy, product, score: int, amount_minor: int) -> tuple[Decimal, int]:
    rate, most = band_of(policy, score)
    rate = min(max(rate, product.min_rate), product.max_rate)
    return rate, min(amount_minor, most)


def decide(*, policy: CreditPolicy, product, rules_failed: tuple[str, ...], score: int | None,
           amount_minor: int) -> Outcome:  # fmt: skip
    if rules_failed:
        return Outcome(DECLINE, rules_failed)
    if score is None:
        return Outcome(REFER, ())
    if score < policy.refer_from:
        return Outcome(DECLINE, ())
    if score < product.min_score:
        return Outcome(DECLINE, (BELOW_MIN_SCORE,))
    if score < policy.approve_from:
        return Outcome(REFER, ())
    rate, amount = price(policy, product, score, amount_minor)
    if amount < product.min_amount_minor:
        return Outcome(REFER, ())
    return Outcome(APPROVE, (), rate=rate, amount_minor=amount)
