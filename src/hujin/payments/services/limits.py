"""Limits per transaction, per calendar day and per calendar month, the first screen every
movement passes (``hujin.core.screening``).

The rule for a movement is the most specific ``LimitRule`` of its kind for the customer's tier
and verification level. What the customer has moved is kept in ``LimitUsage`` rows (one per
customer, kind, day or month): the movement raises both rows, one upsert each — always the
day's before the month's —, and is refused when a total now passes its limit, the refusal
rolling back the transaction that would have booked the money. The row stays locked until that
transaction ends, so two concurrent requests on any number of processes can never both squeeze
under a limit.
A movement that fails later gives its amount back (``limits_release``).

Days and months are the customer's calendar (the business time zone), not the business date.
"""

import uuid
from collections.abc import Callable
from datetime import date, datetime

from django.db.models import F
from django.db.models.functions import Greatest
from django.utils.translation import gettext

from hujin.core.dates import calendar_date_at
from hujin.core.money import display_amount
from hujin.core.screening import ALLOW, REFUSE, Movement, Verdict
from hujin.core.sql import Dialect, hot_cursor
from hujin.payments.models import Card, LimitRule, LimitUsage
from hujin.payments.models_rules import ANY
from hujin.payments.types import CARD_ACTIVE, LimitsLeft

SCREEN = "payments.limits"
# The verdict on a payout made on the customer's behalf: allowed, and not counted (``payout``).
NOT_COUNTED = "payments.limit.not_counted"
LEVEL_VERIFIED = "verified"  # identity verified (KYC passed)
LEVEL_CARD = "card_verified"  # and a bank card in the customer's name verified by the bank
TIER_STANDARD = "standard"

_tier_provider: Callable[[uuid.UUID], str] = lambda customer_id: TIER_STANDARD  # noqa: E731


def tier_provider_register(provider: Callable[[uuid.UUID], str]) -> None:
    """Let a higher module (analytics' customer tiers) say which tier a customer is in."""
    global _tier_provider
    _tier_provider = provider


def customer_level(customer_id: uuid.UUID) -> str:
    has_card = Card.objects.filter(customer_id=customer_id, status=CARD_ACTIVE).exists()
    return LEVEL_CARD if has_card else LEVEL_VERIFIED


def limit_rule_for(*, kind: str, tier: str, level: str) -> LimitRule | None:
    """The most specific rule: the customer's level before their tier before ``*``."""
    rules = LimitRule.objects.filter(kind=kind, tier__in=(tier, ANY), level__in=(level, ANY))
    return limit_rule_among(rules, tier=tier, level=level)


def limit_rule_among(rules, *, tier: str, level: str):
    """Of ``rules`` (of one kind), the one for ``tier`` and ``level``: the customer's level
    before their tier before ``*``; None when none applies."""
    fitting = [r for r in rules if r.tier in (tier, ANY) and r.level in (level, ANY)]
    ranked = sorted(fitting, key=lambda rule: (rule.level == ANY, rule.tier == ANY))
    return ranked[0] if ranked else None


def _periods(on: date) -> tuple[tuple[str, date], tuple[str, date]]:
    return (LimitUsage.DAY, on), (LimitUsage.MONTH, on.replace(day=1))


_COUNT = """
INSERT INTO payments_limitusage (customer_id, kind, period, starts_on, amount_minor, "count")
VALUES (%s, %s, %s, %s, %s, 1)
ON CONFLICT (customer_id, kind, period, starts_on) DO UPDATE
SET amount_minor = payments_limitusage.amount_minor + excluded.amount_minor,
    "count" = payments_limitusage."count" + 1
RETURNING amount_minor, "count"
"""


def _counted(customer_id: uuid.UUID, kind: str, on: date, amount: int) -> list[tuple[int, int]]:
    """Add the movement to the day's and the month's totals — the day's row first, so that every
    request locks in the same order — and return each total with it (amount, count). One
    statement a period: the row is created, locked and raised at once; a refusal after it rolls
    it back with the movement's transaction."""
    d = Dialect()
    totals = []
    with hot_cursor(d) as cursor:
        for period, starts_on in _periods(on):
            d.execute(cursor, _COUNT, [d.uuid_in(customer_id), kind, period,
                                       d.date_in(starts_on), amount])  # fmt: skip
            totals.append(tuple(cursor.fetchone()))
    return totals


def _over(limit: str, limit_minor: int, remaining: int, currency: str) -> Verdict:
    texts = {
        "per_transaction": gettext("The most one payment of this kind may carry is %(limit)s."),
        "per_day": gettext("This is above your daily limit of %(limit)s: %(left)s is left today."),
        "per_month": gettext(
            "This is above your monthly limit of %(limit)s: %(left)s is left this month."
        ),
    }
    message = texts[limit] % {
        "limit": display_amount(limit_minor, currency), "left": display_amount(remaining, currency)
    }  # fmt: skip
    return Verdict(outcome=REFUSE, screen=SCREEN, code=f"payments.limit.{limit}", message=message,
                   details={"limit": limit, "limit_minor": limit_minor,
                            "remaining_minor": max(remaining, 0)})  # fmt: skip


def limits_screen(movement: Movement) -> Verdict:
    """The limits screen: count the movement into the customer's running totals and refuse what
    does not fit (in the caller's transaction, which a refusal rolls back). An allowed movement's
    verdict carries the month's count with it (``month_count``), for its fee.

    A payout the platform makes on the customer's behalf (``counterparty["purpose"]``, set by
    ``payout``) is let through uncounted, and says so (``NOT_COUNTED``, kept with the payment's
    screening so that its failure gives nothing back)."""
    purpose = movement.counterparty.get("purpose")
    if purpose:
        return Verdict(outcome=ALLOW, screen=SCREEN, code=NOT_COUNTED,
                       details={"purpose": purpose})  # fmt: skip
    rule = limit_rule_for(
        kind=movement.kind, tier=customer_tier(movement.customer_id),
        level=customer_level(movement.customer_id),
    )  # fmt: skip
    amount, currency = movement.amount_minor, movement.currency
    over = per_transaction_over(rule, amount, currency)
    if over is not None:
        return over
    (day, _), (month, month_count) = _counted(
        movement.customer_id, movement.kind, calendar_date_at(movement.occurred_at), amount
    )
    return limits_verdict(rule, amount=amount, currency=currency, day_total=day,
                          month_total=month, month_count=month_count)  # fmt: skip


def customer_tier(customer_id: uuid.UUID) -> str:
    return _tier_provider(customer_id)


def per_transaction_over(rule: LimitRule | None, amount: int, currency: str) -> Verdict | None:
    """The refusal of an amount above the rule's cap on one payment (checked before counting)."""
    cap = rule.per_transaction_minor if rule is not None else None
    if cap is not None and amount > cap:
        return _over("per_transaction", cap, cap, currency)
    return None


def limits_verdict(
    rule: LimitRule | None, *, amount: int, currency: str, day_total: int, month_total: int,
    month_count: int,
) -> Verdict:  # fmt: skip
    """The verdict on a movement of ``amount`` now counted into the day's and the month's
    totals (the month's ``month_count``-th)."""
    if rule is not None:
        for limit, total, cap in (("per_day", day_total, rule.per_day_minor),
                                  ("per_month", month_total, rule.per_month_minor)):  # fmt: skip
            if cap is not None and total > cap:
                return _over(limit, cap, cap - (total - amount), currency)
    return Verdict(outcome=ALLOW, details={"month_count": month_count})


def limits_release(*, customer_id: uuid.UUID, kind: str, amount_minor: int, asked_at: datetime):
    """Give back what a movement asked for at ``asked_at`` counted, when it failed."""
    keys = _periods(calendar_date_at(asked_at))
    for period, starts_on in keys:
        LimitUsage.objects.filter(
            customer_id=customer_id, kind=kind, period=period, starts_on=starts_on
        ).update(
            amount_minor=Greatest(F("amount_minor") - amount_minor, 0),
            count=Greatest(F("count") - 1, 0),
        )


def limits_counted(payment) -> bool:
    """Whether the limits screen counted ``payment`` into the customer's totals (a payout made
    on their behalf it did not: its screening says ``NOT_COUNTED``)."""
    screening = payment.screening
    if screening is None:
        return True
    return not any(reason.get("code") == NOT_COUNTED for reason in screening.reasons)


def month_count(*, customer_id: uuid.UUID, kind: str, on: date) -> int:
    """How many movements of ``kind`` the customer has made this calendar month (including
    ones still in flight, excluding failed ones)."""
    return (
        LimitUsage.objects.filter(
            customer_id=customer_id, kind=kind, period=LimitUsage.MONTH,
            starts_on=on.replace(day=1),
        ).values_list("count", flat=True).first() or 0
    )  # fmt: skip


def limits_left(*, customer_id: uuid.UUID, kind: str, now: datetime) -> LimitsLeft:
    """What the customer may still move of ``kind`` in one payment, today and this month
    (None: no limit)."""
    rule = limit_rule_for(kind=kind, tier=customer_tier(customer_id),
                          level=customer_level(customer_id))  # fmt: skip
    on = calendar_date_at(now)
    used = dict(
        LimitUsage.objects.filter(
            customer_id=customer_id, kind=kind,
            starts_on__in=[d for _, d in _periods(on)],
        ).values_list("period", "amount_minor")
    )  # fmt: skip
    if rule is None:
        return LimitsLeft(kind=kind, per_transaction_minor=None, today_minor=None, month_minor=None)

    def left(cap, period):
        return None if cap is None else max(cap - used.get(period, 0), 0)

    return LimitsLeft(
        kind=kind, per_transaction_minor=rule.per_transaction_minor,
        today_minor=left(rule.per_day_minor, LimitUsage.DAY),
        month_minor=left(rule.per_month_minor, LimitUsage.MONTH),
    )  # fmt: skip
