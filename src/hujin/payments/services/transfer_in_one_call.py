"""A transfer between customers in two round trips (PostgreSQL): what ``transfer_request``
tries first.

1. ``payments_transfer_facts`` (payments migration 0007) reads, in one statement, all a
   transfer decides on: both customers' standing, the payee by their mobile's blind index, a
   payment already made with the key, the payer's card, the limit and fee rules, the payer's
   running totals and the business date.
2. Python decides with the same rules as the general way (``limits_verdict``, ``fee_compute``)
   and prepares every row: the screening decision, the payment, the ledger's transfer
   (``transfer_one_call``), the audit entry and the event.
3. ``payments_transfer_book`` writes them in one autocommitted statement, after raising the
   running totals and finding them where step 1 saw them.

Only the plain case goes this way: a payer and a payee who may pay and receive, with open
wallets, a new key, an amount below the confirmation threshold that the limits allow, no fee,
no screen but the limits. Anything else — and a booking that finds the totals moved meanwhile
(another payment of the same payer), the key taken by a concurrent request, or a deadlock —
returns None before anything is written, and ``transfer_request`` goes the general way, which
says why it refuses. Nothing is decided twice: one set of rules serves both ways.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import DatabaseError

from hujin.core.actors import Actor
from hujin.core.audit import audit_prepare
from hujin.core.dates import DEFAULT_NAME, calendar_date_at
from hujin.core.events import dispatch_after_commit
from hujin.core.ids import new_id
from hujin.core.screening import ALLOW, movement_screen_names
from hujin.core.sql import Dialect, hot_cursor
from hujin.customers.selectors import OwnStanding, standing_of_row
from hujin.identity.selectors import mobile_lookup_index
from hujin.ledger.errors import Result
from hujin.ledger.services import transfer_one_call
from hujin.payments import events
from hujin.payments.errors import InsufficientFunds, PaymentRefusedByLedger, WithdrawalFrozen
from hujin.payments.models import FeeRule, LimitRule, Payment
from hujin.payments.presenters import payment_view
from hujin.payments.services.admission import confirmation_needed
from hujin.payments.services.fees import fee_compute
from hujin.payments.services.house import payment_transfer_id
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
from hujin.payments.services.requests import TARGET, hold_transfers, payment_event_payload
from hujin.payments.types import PAYMENT_CURRENCY, PAYMENT_SUCCEEDED, TRANSFER, PaymentView

CHANNEL = "internal"  # a transfer never leaves Hujin: no channel, no reference
ACTION = "payments.transfer"

_FACTS = "SELECT * FROM payments_transfer_facts(%s, %s, %s, %s, %s, %s, %s)"
_BOOK = "SELECT payments_transfer_book(" + ", ".join(["%s"] * 49) + ")"
_STALE = "payments: stale"
_LEDGER = "payments: ledger "
_AGAIN_STATES = frozenset({"40P01", "40001"})  # a deadlock, a serialisation failure
_GENERAL_WAY = frozenset({"23505"})  # the key taken by a concurrent request: the general way


def transfer_refusal(result: str) -> Exception:
    """What the payer is told when the ledger refuses a transfer's debit."""
    if result == Result.DEBITS_FROZEN:
        return WithdrawalFrozen()
    if result == Result.EXCEEDS_CREDITS:
        return InsufficientFunds()
    return PaymentRefusedByLedger(details={"ledger_result": result})


def transfer_recorded(payment: Payment, payee: OwnStanding) -> tuple[dict, dict]:
    """A booked transfer's audit entry's ``after`` and its event's references to the payee."""
    after = {"status": payment.status, "amount_minor": payment.amount, "fee_minor": payment.fee,
             "payee_customer_id": str(payee.customer_id)}  # fmt: skip
    extra = {"payee_customer_id": str(payee.customer_id), "payee_user_id": str(payee.user_id)}
    return after, extra


def _can_pay(payer: OwnStanding | None) -> bool:
    return (
        payer is not None and payer.verified and payer.status == "active"
        and payer.wallet_account_id is not None
    )  # fmt: skip


def _can_receive(payee: OwnStanding | None, payer: OwnStanding) -> bool:
    return (
        payee is not None and payee.user_id != payer.user_id and payee.verified
        and payee.status in ("active", "frozen") and payee.wallet_account_id is not None
    )  # fmt: skip


def _fee_rule(row) -> FeeRule | None:
    found, free, rate, fixed, minimum, maximum = row
    if not found:
        return None
    return FeeRule(kind=TRANSFER, free_per_month=free, rate=Decimal(rate), fixed_minor=fixed,
                   minimum_minor=minimum, maximum_minor=maximum)  # fmt: skip


def transfer_in_one_call(
    *, actor: Actor, payee_mobile: str, amount_minor: int, idempotency_key: str, now: datetime
) -> PaymentView | None:
    """Book the transfer in two round trips when it is the plain case (see the module; it has
    no fee, so none the customer confirmed can be short of it); None when it is not: nothing
    was written then. A booking that found the payer's totals past what its decision holds for
    (another payment of theirs meanwhile) decides again, up to ``ATTEMPTS`` times. Raises what
    the ledger's refusal means (``transfer_refusal``): nothing was written either."""
    d = Dialect()
    if not d.postgres or d.conn.in_atomic_block or actor.kind != "customer":
        return None
    if confirmation_needed(TRANSFER, amount_minor) or movement_screen_names() != {LIMITS}:
        return None
    index = mobile_lookup_index(mobile=payee_mobile or "")
    if index is None:
        return None
    try:
        payer_user = uuid.UUID(str(actor.id))
    except ValueError:
        return None
    asked = _Asked(payer_user, index, amount_minor, idempotency_key, now)
    for _ in range(ATTEMPTS):
        booked = _attempt(d, actor, asked)
        if booked is not _AGAIN:
            return booked
    return None


ATTEMPTS = 3
_AGAIN = object()


@dataclass(frozen=True, slots=True)
class _Asked:
    payer_user: uuid.UUID
    payee_index: str
    amount: int
    key: str
    now: datetime


def _attempt(d: Dialect, actor: Actor, asked: _Asked):
    amount, now = asked.amount, asked.now
    (_, day), (_, month) = _periods(calendar_date_at(now))
    with hot_cursor(d) as cursor:
        d.execute(cursor, _FACTS, [asked.payer_user, asked.payee_index, asked.key, TRANSFER, day,
                                   month, DEFAULT_NAME])  # fmt: skip
        row = cursor.fetchone()
    business_date, payee_user, existing, has_card, rules = row[0], row[7], row[14], row[15], row[16]
    payer = standing_of_row(asked.payer_user, (*row[1:5], "", row[6]))  # their name: not needed
    if business_date is None or existing is not None or not _can_pay(payer):
        return None
    payee = standing_of_row(payee_user, row[8:14]) if payee_user is not None else None
    if not _can_receive(payee, payer):
        return None

    day_before, month_before, count_before = row[23] or 0, row[24] or 0, row[25] or 0
    rule = limit_rule_among(
        [LimitRule(**r) for r in d.json_out(rules) or ()], tier=customer_tier(payer.customer_id),
        level=LEVEL_CARD if has_card else LEVEL_VERIFIED,
    )  # fmt: skip
    verdict = per_transaction_over(rule, amount, PAYMENT_CURRENCY) or limits_verdict(
        rule, amount=amount, currency=PAYMENT_CURRENCY, day_total=day_before + amount,
        month_total=month_before + amount, month_count=count_before + 1,
    )  # fmt: skip
    fee_rule = _fee_rule(row[17:23])
    fee = fee_compute(fee_rule, amount_minor=amount, earlier_this_month=count_before)
    if verdict.outcome != ALLOW or fee > 0:
        return None  # the general way refuses, or books the fee linked to the transfer

    payment = Payment(
        customer_id=payer.customer_id, payee_id=payee.customer_id, idempotency_key=asked.key,
        kind=TRANSFER, amount=amount, fee=0, currency=PAYMENT_CURRENCY, status=PAYMENT_SUCCEEDED,
        channel=CHANNEL, created_at=now, updated_at=now, finished_at=now, screening_id=new_id(),
    )  # fmt: skip
    payment.hold_transfer_id = payment_transfer_id(payment.id, "post")
    (transfer,) = hold_transfers(
        payment, payer.wallet_account_id, payee.wallet_account_id, None, "single"
    )
    ledger = transfer_one_call(transfer=transfer, actor=actor, now=now,
                               business_date=business_date)  # fmt: skip
    if ledger is None:
        return None
    after, extra = transfer_recorded(payment, payee)
    audit, audit_hash = audit_prepare(
        actor=actor, action=ACTION, target_type=TARGET, target_id=str(payment.id),
        occurred_at=now, after=after, chain=ledger.audit_chain,
    )  # fmt: skip
    params = [
        payer.customer_id, TRANSFER, day, month,
        rule.per_day_minor if rule else None, rule.per_month_minor if rule else None,
        _free_up_to(fee_rule), payment.screening_id, payment.id, payee.customer_id, asked.key,
        CHANNEL, audit_hash, ACTION, TARGET, json.dumps(audit["after"]),
        new_id(), events.TRANSFER_SUCCEEDED,
        json.dumps(payment_event_payload(payment, payer.user_id, **extra)),
        *ledger.params,
    ]  # fmt: skip
    try:
        with hot_cursor(d) as cursor:
            d.execute(cursor, _BOOK, params)
            cursor.fetchone()
    except DatabaseError as error:
        cause = error.__cause__
        message = getattr(getattr(cause, "diag", None), "message_primary", None) or ""
        if message.startswith(_LEDGER):
            raise transfer_refusal(message.removeprefix(_LEDGER)) from None
        sqlstate = getattr(cause, "sqlstate", None)
        if message == _STALE or sqlstate in _AGAIN_STATES:
            return _AGAIN
        if sqlstate in _GENERAL_WAY:
            return None
        raise
    dispatch_after_commit(d)
    return payment_view(payment, payee_name=payee.legal_name)


def _free_up_to(rule: FeeRule | None) -> int | None:
    """The month's count up to which a movement is free under ``rule`` (None: always free)."""
    if rule is None or not (rule.rate or rule.fixed_minor or rule.minimum_minor):
        return None
    return rule.free_per_month
