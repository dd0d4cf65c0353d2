"""Booking a payment in two round trips (PostgreSQL): what a transfer between customers and a
top-up try first (``transfer_in_one_call``, ``topup_in_one_call``).

1. One read (``payments_transfer_facts``, payments migration 0007, with what the kind needs
   beside it) brings all the payment decides on: the payer's standing, a payment already made
   with the key, the limit and fee rules, the payer's running totals, the business date.
2. Python decides with the general way's own rules (``limits_verdict``, ``fee_compute``) and
   prepares every row: the screening decision, the payment, the ledger's transfer
   (``transfer_one_call``), the audit entry and the event.
3. ``payments_payment_book`` (migration 0008) writes them in one autocommitted statement, after
   raising the running totals and finding them where step 1 saw them.

Only the plain case goes this way: an amount the limits allow, no fee, and every other screen
in force (risk's rules) allowing it without a word. Anything else — and a booking that finds
the totals moved meanwhile (another payment of the same payer), the key taken by a concurrent
request, or a deadlock — comes back with nothing written, and the caller goes the general way,
which says why it refuses or holds. One set of rules serves both ways.

With no screen in force but the limits, the booking is one autocommitted statement. With others
in force (``screens_beside``), the attempt is one transaction: the facts, the other screens in
the payment's transaction (what they count rises with it, as on the general way), then the
booking; an attempt that does not book rolls all of it back (``attempts_run``).
"""

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import DatabaseError, transaction

from hujin.core.actors import Actor
from hujin.core.audit import audit_prepare
from hujin.core.dates import calendar_date_at
from hujin.core.events import dispatch_after_commit
from hujin.core.ids import new_id
from hujin.core.screening import ALLOW, Movement, movement_screens_in_force, movements_screen
from hujin.core.sql import Dialect, hot_cursor
from hujin.customers.selectors import OwnStanding
from hujin.ledger.services import transfer_one_call
from hujin.ledger.types import TransferRequest
from hujin.payments.models import FeeRule, LimitRule, Payment
from hujin.payments.services.admission import confirmation_needed
from hujin.payments.services.fees import fee_compute
from hujin.payments.services.limits import (
    LEVEL_CARD,
    LEVEL_VERIFIED,
    _periods,
    customer_tier,
    limit_rule_among,
    limits_verdict,
    per_transaction_over,
)
from hujin.payments.services.limits import (
    SCREEN as LIMITS,
)
from hujin.payments.services.requests import TARGET, payment_event_payload
from hujin.payments.types import PAYMENT_CURRENCY

# The facts' columns (payments_transfer_facts): what the payer's side of a payment decides on.
FACTS_COLUMNS = (
    "business_date, payer_customer, payer_type, payer_status, payer_verified, payer_name, "
    "payer_wallet, payee_user, payee_customer, payee_type, payee_status, payee_verified, "
    "payee_name, payee_wallet, existing, payer_has_card, limit_rules, fee_found, fee_free, "
    "fee_rate, fee_fixed, fee_minimum, fee_maximum, day_amount, month_amount, month_count"
)
_BOOK = "SELECT payments_payment_book(" + ", ".join(["%s"] * 50) + ")"
_STALE = "payments: stale"
_LEDGER = "payments: ledger "
_AGAIN_STATES = frozenset({"40P01", "40001"})  # a deadlock, a serialisation failure
_GENERAL_WAY = frozenset({"23505"})  # the key taken by a concurrent request: the general way
ATTEMPTS = 3
AGAIN = object()  # the booking found the totals moved: decide again


def may_go_in_one_call(d: Dialect, actor: Actor, kind: str, amount_minor: int) -> bool:
    """Whether a payment of ``kind`` may try the two round trips at all: PostgreSQL, outside a
    transaction, asked by a customer, below the confirmation threshold, the limits in force
    (they are what the booking checks the totals against)."""
    return (
        d.postgres and not d.conn.in_atomic_block and actor.kind == "customer"
        and not confirmation_needed(kind, amount_minor)
        and LIMITS in movement_screens_in_force()
    )  # fmt: skip


def attempts_run(attempt):
    """Call ``attempt(others)`` until it does not answer AGAIN, ``ATTEMPTS`` times at most
    (None then); ``others``: the screens in force besides the limits, which the attempt runs
    (``screens_beside``). With none, each attempt is autocommitted statements; with some, each
    is one transaction, rolled back unless the attempt booked (answered neither None nor
    AGAIN)."""
    others = movement_screens_in_force() - {LIMITS}
    for _ in range(ATTEMPTS):
        if not others:
            booked = attempt(others)
        else:
            with transaction.atomic():
                booked = attempt(others)
                if booked is None or booked is AGAIN:
                    transaction.set_rollback(True)
        if booked is not AGAIN:
            return booked
    return None


def screens_beside(movement: Movement, others: frozenset[str]) -> bool:
    """Run the screens ``others`` on ``movement`` (in the attempt's transaction); True when
    they let it go without a word — the one answer the booking writes (an allow, no reasons).
    Anything else is the general way's to decide and keep."""
    if not others:
        return True
    decision = movements_screen(movement, only=others)
    return decision.outcome == ALLOW and not decision.verdicts


@dataclass(frozen=True, slots=True)
class Decided:
    """A plain payment's decision: the limit rule it counts under, in the calendar ``day`` and
    ``month`` (their starts) the totals are kept for, and the fee rule (which charged nothing)."""

    rule: LimitRule | None
    day: date
    month: date
    fee_rule: FeeRule | None


def totals_days(now: datetime) -> tuple[date, date]:
    """The starts of the calendar day and month whose running totals a payment at ``now``
    counts in."""
    (_, day), (_, month) = _periods(calendar_date_at(now))
    return day, month


def plain_decided(d: Dialect, row, *, kind: str, payer: OwnStanding, amount: int,
                  now: datetime) -> Decided | None:  # fmt: skip
    """The decision on a payment of ``amount`` from the facts ``row``, when the limits allow it
    and it has no fee; None otherwise (the general way refuses it, or books its fee)."""
    day, month = totals_days(now)
    has_card, rules = row[15], row[16]
    day_before, month_before, count_before = row[23] or 0, row[24] or 0, row[25] or 0
    rule = limit_rule_among(
        [LimitRule(**r) for r in d.json_out(rules) or ()], tier=customer_tier(payer.customer_id),
        level=LEVEL_CARD if has_card else LEVEL_VERIFIED,
    )  # fmt: skip
    verdict = per_transaction_over(rule, amount, PAYMENT_CURRENCY) or limits_verdict(
        rule, amount=amount, currency=PAYMENT_CURRENCY, day_total=day_before + amount,
        month_total=month_before + amount, month_count=count_before + 1,
    )  # fmt: skip
    fee_rule = _fee_rule(kind, row[17:23])
    fee = fee_compute(fee_rule, amount_minor=amount, earlier_this_month=count_before)
    if verdict.outcome != ALLOW or fee > 0:
        return None
    return Decided(rule=rule, day=day, month=month, fee_rule=fee_rule)


def _fee_rule(kind: str, row) -> FeeRule | None:
    found, free, rate, fixed, minimum, maximum = row
    if not found:
        return None
    return FeeRule(kind=kind, free_per_month=free, rate=Decimal(rate), fixed_minor=fixed,
                   minimum_minor=minimum, maximum_minor=maximum)  # fmt: skip


def _free_up_to(rule: FeeRule | None) -> int | None:
    """The month's count up to which a movement is free under ``rule`` (None: always free)."""
    if rule is None or not (rule.rate or rule.fixed_minor or rule.minimum_minor):
        return None
    return rule.free_per_month


@dataclass(frozen=True, slots=True)
class Booking:
    """What ``payment_book_in_one_call`` writes besides the payment: its ledger ``transfer``,
    the audit entry's ``action`` and ``after``, the event's type and ``extra`` references."""

    transfer: TransferRequest
    action: str
    after: dict
    event_type: str
    extra: dict


def payment_book_in_one_call(
    d: Dialect, *, actor: Actor, payment: Payment, payer: OwnStanding, decided: Decided,
    booking: Booking, business_date: date, refusal,
):  # fmt: skip
    """Book ``payment`` (allowed, no fee) in one autocommitted statement. Returns True; AGAIN
    when the totals moved since the facts were read; None when it must go the general way
    (nothing written then). Raises ``refusal(result)`` when the ledger refuses the transfer
    (nothing written either)."""
    now, rule = payment.created_at, decided.rule
    ledger = transfer_one_call(transfer=booking.transfer, actor=actor, now=now,
                               business_date=business_date)  # fmt: skip
    if ledger is None:
        return None
    audit, audit_hash = audit_prepare(
        actor=actor, action=booking.action, target_type=TARGET, target_id=str(payment.id),
        occurred_at=now, after=booking.after, chain=ledger.audit_chain,
    )  # fmt: skip
    payload = payment_event_payload(payment, payer.user_id, **booking.extra)
    params = [
        payer.customer_id, payment.kind, decided.day, decided.month,
        rule.per_day_minor if rule else None, rule.per_month_minor if rule else None,
        _free_up_to(decided.fee_rule), payment.screening_id, payment.id, payment.payee_id,
        payment.card_id, payment.idempotency_key, payment.channel, payment.status, audit_hash,
        booking.action, json.dumps(audit["after"]), new_id(), booking.event_type,
        json.dumps(payload), *ledger.params,
    ]  # fmt: skip
    try:
        with hot_cursor(d) as cursor:
            d.execute(cursor, _BOOK, params)
            cursor.fetchone()
    except DatabaseError as error:
        if d.conn.in_atomic_block:  # the attempt's transaction (``attempts_run``) is spoilt
            transaction.set_rollback(True)
        meaning = declined(error)
        if meaning == REFUSED:
            raise refusal(_message(error).removeprefix(_LEDGER)) from None
        if meaning == ERROR:
            raise
        return AGAIN if meaning == STALE else None
    dispatch_after_commit(d)
    return True


# What a one-call statement's error means (``declined``).
REFUSED, STALE, GENERAL, ERROR = "refused", "stale", "general", "error"


def _message(error: DatabaseError) -> str:
    cause = error.__cause__
    return getattr(getattr(cause, "diag", None), "message_primary", None) or ""


def declined(error: DatabaseError) -> str:
    """What a one-call statement's error means: the ledger refused the transfer (REFUSED),
    something moved since the read (STALE: the totals, the payment; a deadlock), the general way
    must do it (GENERAL: the key taken meanwhile, the ledger's engine needed), or a real error
    (ERROR). Nothing was written in any case."""
    message = _message(error)
    if message == _LEDGER + "engine":
        return GENERAL
    if message.startswith(_LEDGER):
        return REFUSED
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    if message == _STALE or sqlstate in _AGAIN_STATES:
        return STALE
    if sqlstate in _GENERAL_WAY:
        return GENERAL
    return ERROR
