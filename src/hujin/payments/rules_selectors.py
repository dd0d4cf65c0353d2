"""The console's reads of the rules money moves under and of the payments a screen holds for
review (re-exported by ``selectors``).

- The limits and fees tables: staff holding ``payments.view_payments`` read them, staff holding
  ``payments.manage_payment_rules`` also change them (``may_manage``).
- The review queue: payments held for review (``review``), the oldest first, with the customer
  named as the console names them (masked by role), the amount, the fee, the age and what the
  screens said; one held payment with the customer's recent payments. ``payments.review_payments``.

Anyone else is refused (PermissionDenied). Values out, never querysets; ``now`` comes in.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.core.actors import Actor
from hujin.core.errors import NotFound, PermissionDenied
from hujin.core.links import TargetLink
from hujin.payments.console_names import KIND_NAMES
from hujin.payments.errors import PaymentNotFound
from hujin.payments.models import FeeRule, LimitRule, Payment
from hujin.payments.models_rules import ANY
from hujin.payments.monitor import PaymentRow, customer_links, payment_rows
from hujin.payments.permissions import MANAGE_PAYMENT_RULES, REVIEW_PAYMENTS, VIEW_PAYMENTS
from hujin.payments.presenters import card_view
from hujin.payments.types import PAYMENT_CURRENCY, PAYMENT_KINDS, PAYMENT_REVIEW

LEVEL_NAMES = {
    ANY: pgettext_lazy("limit level", "Any customer"),
    "verified": pgettext_lazy("limit level", "Identity verified"),
    "card_verified": pgettext_lazy("limit level", "Identity and bank card verified"),
}
TIER_NAMES = {
    ANY: pgettext_lazy("customer tier", "Every tier"),
    "standard": pgettext_lazy("customer tier", "Standard"),
}
# What the screens that may hold a payment are called (an unknown screen shows its message only).
SCREEN_NAMES = {"payments.limits": _("Limits")}
OUTCOME_NAMES = {
    "allow": pgettext_lazy("screening", "Allowed"),
    "review": pgettext_lazy("screening", "Held for review"),
    "refuse": pgettext_lazy("screening", "Refused"),
}
QUEUE_LIMIT = 200
RECENT = 10


class LimitRuleNotFound(NotFound):
    code = "payment_limit_rule_not_found"
    message = _("No such limit rule.")


class FeeRuleNotFound(NotFound):
    code = "payment_fee_rule_not_found"
    message = _("No fee rule for this kind of payment.")


@dataclass(frozen=True, slots=True)
class LimitRuleRow:
    """One limit rule: amounts in fen, None where no limit applies."""

    id: uuid.UUID
    kind: str
    kind_label: Promise | str
    tier: str
    tier_label: Promise | str
    level: str
    level_label: Promise | str
    per_transaction_minor: int | None
    per_day_minor: int | None
    per_month_minor: int | None
    note: str
    updated_at: datetime
    for_everyone: bool  # any tier and any level: it cannot be removed
    currency: str = PAYMENT_CURRENCY


@dataclass(frozen=True, slots=True)
class FeeRuleRow:
    """The fee of one kind: ``rate`` a fraction, ``rate_percent`` as typed ("0.1" for 0.1 %)."""

    kind: str
    kind_label: Promise | str
    free_per_month: int
    rate: Decimal
    rate_percent: str
    fixed_minor: int
    minimum_minor: int
    maximum_minor: int | None
    updated_at: datetime
    currency: str = PAYMENT_CURRENCY


@dataclass(frozen=True, slots=True)
class PaymentRules:
    """The "Limits and fees" page: both tables, and the choices the add form offers."""

    limits: list[LimitRuleRow]
    fees: list[FeeRuleRow]
    may_manage: bool
    kinds: list[tuple[str, Promise | str]]
    levels: list[tuple[str, Promise | str]]


def _require(actor: Actor, *scopes: str) -> None:
    if actor.kind != "staff" or not any(actor.has_scope(s) for s in scopes):
        raise PermissionDenied(
            _("You may not see this page."), details={"required_permission": scopes[0]}
        )


def kind_label(kind: str) -> Promise | str:
    return KIND_NAMES.get(kind, kind)


def tier_label(tier: str) -> Promise | str:
    return TIER_NAMES.get(tier, tier)  # a tier analytics names is shown by its name


def level_label(level: str) -> Promise | str:
    return LEVEL_NAMES.get(level, level)


def rate_percent(rate: Decimal) -> str:
    """0.001 -> "0.1"; 0 -> "0"; 0.0125 -> "1.25" (never an exponent)."""
    percent = (Decimal(rate) * 100).normalize()
    return f"{percent:f}"


def _limit_row(rule: LimitRule) -> LimitRuleRow:
    return LimitRuleRow(
        id=rule.id, kind=rule.kind, kind_label=kind_label(rule.kind), tier=rule.tier,
        tier_label=tier_label(rule.tier), level=rule.level, level_label=level_label(rule.level),
        per_transaction_minor=rule.per_transaction_minor, per_day_minor=rule.per_day_minor,
        per_month_minor=rule.per_month_minor, note=rule.note, updated_at=rule.updated_at,
        for_everyone=rule.tier == ANY and rule.level == ANY,
    )  # fmt: skip


def _fee_row(rule: FeeRule) -> FeeRuleRow:
    return FeeRuleRow(
        kind=rule.kind, kind_label=kind_label(rule.kind), free_per_month=rule.free_per_month,
        rate=rule.rate, rate_percent=rate_percent(rule.rate), fixed_minor=rule.fixed_minor,
        minimum_minor=rule.minimum_minor, maximum_minor=rule.maximum_minor,
        updated_at=rule.updated_at,
    )  # fmt: skip


def _kind_order(kind: str) -> int:
    return PAYMENT_KINDS.index(kind) if kind in PAYMENT_KINDS else len(PAYMENT_KINDS)


def _level_order(level: str) -> int:
    levels = list(LEVEL_NAMES)
    return levels.index(level) if level in levels else len(levels)


def payment_rules(*, actor: Actor) -> PaymentRules:
    """Every limit rule (by kind, then any tier first, then level from the widest) and every
    fee rule, for staff who may see payments or change the rules."""
    _require(actor, VIEW_PAYMENTS, MANAGE_PAYMENT_RULES)
    limits = sorted(
        LimitRule.objects.all(),
        key=lambda r: (_kind_order(r.kind), r.tier != ANY, r.tier, _level_order(r.level)),
    )
    fees = sorted(FeeRule.objects.all(), key=lambda r: _kind_order(r.kind))
    return PaymentRules(
        limits=[_limit_row(r) for r in limits],
        fees=[_fee_row(r) for r in fees],
        may_manage=actor.has_scope(MANAGE_PAYMENT_RULES),
        kinds=[(k, kind_label(k)) for k in PAYMENT_KINDS],
        levels=list(LEVEL_NAMES.items()),
    )


def limit_rule_get(*, actor: Actor, rule_id: uuid.UUID) -> LimitRuleRow:
    """One limit rule (its edit page). Raises PermissionDenied, LimitRuleNotFound."""
    _require(actor, VIEW_PAYMENTS, MANAGE_PAYMENT_RULES)
    rule = LimitRule.objects.filter(pk=rule_id).first()
    if rule is None:
        raise LimitRuleNotFound()
    return _limit_row(rule)


def fee_rule_get(*, actor: Actor, kind: str) -> FeeRuleRow:
    """The fee rule of ``kind`` (its edit page). Raises PermissionDenied, FeeRuleNotFound."""
    _require(actor, VIEW_PAYMENTS, MANAGE_PAYMENT_RULES)
    rule = FeeRule.objects.filter(kind=kind).first() if kind in PAYMENT_KINDS else None
    if rule is None:
        raise FeeRuleNotFound()
    return _fee_row(rule)


# -- the review queue --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScreeningReason:
    """What one screen said: its name ("" for a screen nobody named), its answer, its words."""

    screen_label: Promise | str
    outcome: str
    outcome_label: Promise | str
    message: str
    code: str  # for the technical details only


@dataclass(frozen=True, slots=True)
class HeldPayment:
    """A payment in the review queue."""

    id: uuid.UUID
    kind: str
    amount_minor: int
    fee_minor: int
    currency: str
    customer: TargetLink
    payee: TargetLink | None
    created_at: datetime
    age_seconds: int
    reasons: list[ScreeningReason]


@dataclass(frozen=True, slots=True)
class ReviewQueue:
    rows: list[HeldPayment]
    count: int  # every held payment (the rows stop at the limit)


@dataclass(frozen=True, slots=True)
class HeldPaymentDetail:
    """One held payment's review page (still held, or already decided: ``held`` False)."""

    payment: HeldPayment
    status: str
    held: bool
    card_masked: str
    card_bank_name: str
    decided_at: datetime | None
    reviewed_by: str
    reviewed_at: datetime | None
    review_note: str
    recent: list[PaymentRow]  # the customer's other payments, the newest first
    customer_id: uuid.UUID


def _reasons(screening) -> list[ScreeningReason]:
    reasons = screening.reasons if screening is not None else []
    return [
        ScreeningReason(
            screen_label=SCREEN_NAMES.get(str(r.get("screen", "")), ""),
            outcome=str(r.get("outcome", "")),
            outcome_label=OUTCOME_NAMES.get(str(r.get("outcome", "")), ""),
            message=str(r.get("message", "")),
            code=str(r.get("code", "")),
        )
        for r in reasons
        if isinstance(r, dict)
    ]


def _held_rows(actor: Actor, payments: list[Payment], now: datetime) -> list[HeldPayment]:
    names = customer_links(
        actor, {p.customer_id for p in payments} | {p.payee_id for p in payments}
    )
    return [
        HeldPayment(
            id=p.id, kind=p.kind, amount_minor=p.amount, fee_minor=p.fee, currency=p.currency,
            customer=names[p.customer_id],
            payee=names.get(p.payee_id) if p.payee_id else None, created_at=p.created_at,
            age_seconds=max(0, int((now - p.created_at).total_seconds())),
            reasons=_reasons(p.screening),
        )
        for p in payments
    ]  # fmt: skip


def review_queue(*, actor: Actor, now: datetime, limit: int = QUEUE_LIMIT) -> ReviewQueue:
    """The payments held for review, the oldest first. Raises PermissionDenied."""
    _require(actor, REVIEW_PAYMENTS)
    held = Payment.objects.filter(status=PAYMENT_REVIEW).select_related("screening")
    rows = list(held.order_by("created_at", "id")[: max(1, limit)])
    return ReviewQueue(rows=_held_rows(actor, rows, now), count=held.count())


def review_waiting_count(actor: Actor) -> int:
    """Payments held for review (the menu's count; 0 for who may not decide on them)."""
    if actor.kind != "staff" or not actor.has_scope(REVIEW_PAYMENTS):
        return 0
    return Payment.objects.filter(status=PAYMENT_REVIEW).count()


def held_payment(*, actor: Actor, payment_id: uuid.UUID, now: datetime) -> HeldPaymentDetail:
    """One payment a screen held, with what the screens said and the customer's recent
    payments. Raises PermissionDenied, PaymentNotFound (also for a payment never held)."""
    _require(actor, REVIEW_PAYMENTS)
    payment = (
        Payment.objects.select_related("card", "screening")
        .filter(Q(status=PAYMENT_REVIEW) | Q(screening__outcome="review"), pk=payment_id)
        .first()
    )
    if payment is None:
        raise PaymentNotFound()
    customer_id = payment.customer_id
    others = (
        Payment.objects.filter(Q(customer_id=customer_id) | Q(payee_id=customer_id))
        .exclude(pk=payment.pk)
        .order_by("-created_at", "-id")[:RECENT]
    )
    card = card_view(payment.card) if payment.card_id else None
    screening = payment.screening
    return HeldPaymentDetail(
        payment=_held_rows(actor, [payment], now)[0],
        status=payment.status,
        held=payment.status == PAYMENT_REVIEW,
        card_masked=card.masked_number if card else "",
        card_bank_name=card.bank_name if card else "",
        decided_at=screening.decided_at if screening else None,
        reviewed_by=screening.reviewed_by if screening else "",
        reviewed_at=screening.reviewed_at if screening else None,
        review_note=screening.review_note if screening else "",
        recent=payment_rows(actor, list(others), now),
        customer_id=customer_id,
    )
