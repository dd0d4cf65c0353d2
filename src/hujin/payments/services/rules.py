"""Operations change the limits and the fees (``payments.manage_payment_rules``). Each change
is one transaction with its audit entry (before and after) and ``payments.rules_changed``; a
change applies to the next movement asked for — one already booked keeps its fee, and the
running totals of the day and the month are kept."""

import itertools
import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.forms.models import model_to_dict

from hujin.core.actors import Actor, require_scope
from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.payments import events
from hujin.payments.errors import RuleInvalid
from hujin.payments.models import FeeRule, LimitRule
from hujin.payments.models_rules import ANY
from hujin.payments.permissions import MANAGE_PAYMENT_RULES
from hujin.payments.services.limits import LEVEL_CARD, LEVEL_VERIFIED
from hujin.payments.services.requests import MAX_AMOUNT_MINOR
from hujin.payments.types import PAYMENT_KINDS

LEVELS = (ANY, LEVEL_VERIFIED, LEVEL_CARD)
_FIELDS_LIMIT = ("per_transaction_minor", "per_day_minor", "per_month_minor")


def _invalid(field: str) -> RuleInvalid:
    return RuleInvalid(details={"field": field})


def _amount(value, field: str, *, optional: bool = True) -> int | None:
    if value is None and optional:
        return None
    if type(value) is not int or not 0 <= value <= MAX_AMOUNT_MINOR:
        raise _invalid(field)
    return value


def snapshot(rule) -> dict:
    return {k: (str(v) if isinstance(v, (Decimal, uuid.UUID, datetime)) else v)
            for k, v in model_to_dict(rule).items() if k != "updated_at"}  # fmt: skip


def record_rule_change(
    actor: Actor, target: str, target_id: str, before, after, now: datetime
) -> None:
    audit_record(actor=actor, action="payments.rules_change", target_type=target,
                 target_id=target_id, occurred_at=now, before=before, after=after)  # fmt: skip
    event_emit(aggregate_type=target, aggregate_id=target_id, event_type=events.RULES_CHANGED,
               occurred_at=now, payload={"rule": target, "id": target_id})  # fmt: skip


def limit_rule_set(
    *, actor: Actor, kind: str, tier: str = ANY, level: str = ANY,
    per_transaction_minor: int | None, per_day_minor: int | None, per_month_minor: int | None,
    note: str = "", now: datetime,
) -> LimitRule:  # fmt: skip
    """Create or change the limits of ``kind`` for customers of ``tier`` and ``level`` (``*``:
    any). A limit left None does not apply; a set one is above zero, and the per-transaction
    limit is at most the daily one, which is at most the monthly one.
    Raises PermissionDenied, RuleInvalid (``details.field`` names what is wrong)."""
    require_scope(actor, MANAGE_PAYMENT_RULES)
    tier = (tier or ANY).strip()[:32] or ANY
    if kind not in PAYMENT_KINDS:
        raise _invalid("kind")
    if level not in LEVELS:
        raise _invalid("level")
    given = (per_transaction_minor, per_day_minor, per_month_minor)
    values = [_amount(v, f) for v, f in zip(given, _FIELDS_LIMIT, strict=True)]
    for value, field in zip(values, _FIELDS_LIMIT, strict=True):
        if value == 0:
            raise _invalid(field)
    chain = [(v, f) for v, f in zip(values, _FIELDS_LIMIT, strict=True) if v is not None]
    for (smaller, _), (larger, field) in itertools.pairwise(chain):
        if smaller > larger:
            raise _invalid(field)
    with transaction.atomic():
        rule = (
            LimitRule.objects.select_for_update().filter(kind=kind, tier=tier, level=level).first()
        )
        before = snapshot(rule) if rule else None
        rule = rule or LimitRule(kind=kind, tier=tier, level=level)
        rule.per_transaction_minor, rule.per_day_minor, rule.per_month_minor = values
        rule.note, rule.updated_at = (note or "").strip()[:200], now
        rule.save()
        record_rule_change(actor, "payments.limit_rule", str(rule.id), before, snapshot(rule), now)
    return rule


def limit_rule_delete(*, actor: Actor, rule_id: uuid.UUID, now: datetime) -> None:
    """Remove a limit rule (movements then fall to the next most specific rule). The rule for
    any tier and any level of a kind cannot be removed: every movement needs a rule."""
    require_scope(actor, MANAGE_PAYMENT_RULES)
    with transaction.atomic():
        rule = LimitRule.objects.select_for_update().filter(pk=rule_id).first()
        if rule is None:
            raise _invalid("rule")
        if rule.tier == ANY and rule.level == ANY:
            raise _invalid("level")
        before = snapshot(rule)
        rule.delete()
        record_rule_change(actor, "payments.limit_rule", str(rule_id), before, None, now)


def fee_rule_set(
    *, actor: Actor, kind: str, free_per_month: int, rate: str | Decimal, fixed_minor: int = 0,
    minimum_minor: int = 0, maximum_minor: int | None = None, now: datetime,
) -> FeeRule:  # fmt: skip
    """Set the fee of ``kind``: ``rate`` as a decimal fraction ("0.001" is 0.1 %), below 1.
    Raises PermissionDenied, RuleInvalid."""
    require_scope(actor, MANAGE_PAYMENT_RULES)
    if kind not in PAYMENT_KINDS:
        raise _invalid("kind")
    if type(free_per_month) is not int or not 0 <= free_per_month <= 1000:
        raise _invalid("free_per_month")
    try:
        rate = Decimal(str(rate).strip())
    except InvalidOperation:
        raise _invalid("rate") from None
    if not rate.is_finite() or not Decimal(0) <= rate < 1 or rate != rate.quantize(Decimal("1e-6")):
        raise _invalid("rate")
    fixed, minimum = _amount(fixed_minor, "fixed_minor", optional=False), _amount(
        minimum_minor, "minimum_minor", optional=False)  # fmt: skip
    maximum = _amount(maximum_minor, "maximum_minor")
    if maximum is not None and maximum < minimum:
        raise _invalid("maximum_minor")
    with transaction.atomic():
        rule = FeeRule.objects.select_for_update().filter(kind=kind).first()
        before = snapshot(rule) if rule else None
        rule = rule or FeeRule(kind=kind)
        rule.free_per_month, rule.rate, rule.fixed_minor = free_per_month, rate, fixed
        rule.minimum_minor, rule.maximum_minor, rule.updated_at = minimum, maximum, now
        rule.save()
        record_rule_change(actor, "payments.fee_rule", kind, before, snapshot(rule), now)
    return rule
