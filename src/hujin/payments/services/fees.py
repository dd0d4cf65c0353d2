"""Fees by rule (``FeeRule``, one per kind of movement).

The first ``free_per_month`` movements of a calendar month cost nothing; after them the fee is
``amount × rate``, rounded half up to the fen (once), plus the fixed part, kept between the
minimum and the maximum. Which number a movement is in its month is read from the limits'
running count, which the movement's own transaction has just locked and raised — so two
withdrawals at the same moment cannot both take the last free one.
"""

import uuid
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from hujin.core.dates import calendar_date_at
from hujin.payments.models import FeeRule
from hujin.payments.services.limits import month_count

FEN = Decimal(1)


def fee_compute(rule: FeeRule | None, *, amount_minor: int, earlier_this_month: int) -> int:
    """The fee of a movement of ``amount_minor`` fen after ``earlier_this_month`` others."""
    if rule is None or earlier_this_month < rule.free_per_month:
        return 0
    fee = (Decimal(amount_minor) * rule.rate).quantize(FEN, rounding=ROUND_HALF_UP)
    fee = max(int(fee) + rule.fixed_minor, rule.minimum_minor)
    if rule.maximum_minor is not None:
        fee = min(fee, rule.maximum_minor)
    return fee


def fee_rule(kind: str) -> FeeRule | None:
    return FeeRule.objects.filter(kind=kind).first()


def fee_for_counted(*, kind: str, amount_minor: int, counted: int) -> int:
    """The fee of a movement the limits screen has just counted as the month's ``counted``-th
    (in the same transaction, on the locked row)."""
    return fee_compute(
        fee_rule(kind), amount_minor=amount_minor, earlier_this_month=max(counted - 1, 0)
    )


def fee_quote(*, customer_id: uuid.UUID, kind: str, amount_minor: int, now: datetime):
    """The fee the customer would pay now and how many free movements are left this month
    (None when the kind has no free allowance)."""
    rule = fee_rule(kind)
    earlier = month_count(customer_id=customer_id, kind=kind, on=calendar_date_at(now))
    fee = fee_compute(rule, amount_minor=amount_minor, earlier_this_month=earlier)
    free_left = None
    if rule is not None and rule.free_per_month:
        free_left = max(rule.free_per_month - earlier, 0)
    return fee, free_left
