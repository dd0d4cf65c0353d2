"""What every movement passes before money moves: the customer's confirmation of a large
amount, the screens (limits first), and its fee.

1. ``confirmation_check`` (before the transaction): a withdrawal or a transfer of
   ``HUJIN_PAYMENTS_CONFIRM_FROM_MINOR`` or more needs a code — texted to the customer's own
   mobile and bound to this kind, amount and counterparty, or from their authenticator app.
   A top-up needs none: it moves the customer's own money from their own card, and the bank
   confirms the debit of the card itself.
2. ``movement_admit`` (inside the transaction that books the money): the screens of
   ``hujin.core.screening`` decide — payments' limits count the amount there —, the fee is
   worked out from the now-locked monthly count, and the decision is recorded. A refusal
   raises; ``refusal_record`` then keeps the decision in a transaction of its own (the
   movement's own rolled back: nothing moved).
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.core.screening import (
    REFUSE,
    REVIEW,
    Decision,
    Movement,
    movement_refusal_keep,
    movements_screen,
)
from hujin.identity.services import (
    StepUpInvalid,
    StepUpUnavailable,
    step_up_binding,
    step_up_methods,
    step_up_verify,
)
from hujin.ledger.selectors import Balances, account_get
from hujin.payments import events
from hujin.payments.errors import (
    ConfirmationInvalid,
    ConfirmationRequired,
    FeeChanged,
    InsufficientFunds,
    LimitExceeded,
    ScreeningRefused,
)
from hujin.payments.models import Screening
from hujin.payments.services.fees import fee_for_counted
from hujin.payments.services.house import ACTOR
from hujin.payments.services.limits import SCREEN as LIMITS
from hujin.payments.types import PAYMENT_CURRENCY, TOPUP, Confirmation

DEFAULT_CONFIRM_FROM_MINOR = 5_000_00


def confirm_from_minor() -> int:
    return int(getattr(settings, "HUJIN_PAYMENTS_CONFIRM_FROM_MINOR", DEFAULT_CONFIRM_FROM_MINOR))


def confirmation_needed(kind: str, amount_minor: int) -> bool:
    return kind != TOPUP and amount_minor >= confirm_from_minor()


def confirmation_binding(customer_id, kind: str, amount_minor: int, counterparty) -> str:
    return step_up_binding("payments", customer_id, kind, amount_minor, counterparty)


def wallet_available(wallet_account_id: uuid.UUID | None) -> int:
    """What the wallet may spend now (fen; 0 before it opens)."""
    if wallet_account_id is None:
        return 0
    account = account_get(actor=ACTOR, account_id=wallet_account_id)
    return Balances.of_account(account).available(account.kind)


def confirmation_check(
    *, user_id: uuid.UUID, customer_id: uuid.UUID, kind: str, amount_minor: int, counterparty,
    confirmation: Confirmation | None, now: datetime, wallet_account_id: uuid.UUID | None,
) -> None:  # fmt: skip
    """Raise ConfirmationRequired (with the methods this customer has) when the movement needs
    a confirmation and none came; ConfirmationInvalid when the code is not right. A movement
    the wallet cannot pay is refused first (InsufficientFunds): no code is asked for, or spent,
    for money that is not there (the booking checks again, with the fee, atomically)."""
    if not confirmation_needed(kind, amount_minor):
        return
    if wallet_available(wallet_account_id) < amount_minor:
        raise InsufficientFunds()
    methods = step_up_methods(user_id=user_id)
    if confirmation is None or not confirmation.code:
        raise ConfirmationRequired(details={"methods": list(methods)})
    try:
        step_up_verify(
            user_id=user_id, method=confirmation.method, code=confirmation.code,
            binding=confirmation_binding(customer_id, kind, amount_minor, counterparty), now=now,
        )  # fmt: skip
    except StepUpUnavailable:
        raise ConfirmationRequired(details={"methods": list(methods)}) from None
    except StepUpInvalid:
        raise ConfirmationInvalid() from None


class Refused(Exception):
    """Raised inside the movement's transaction so that it rolls back; carries the decision
    and the error the customer gets."""

    def __init__(self, decision: Decision, error: Exception):
        super().__init__(str(error))
        self.decision, self.error = decision, error


@dataclass(frozen=True, slots=True)
class Admitted:
    screening: Screening
    fee_minor: int
    held_for_review: bool


def _error(decision: Decision) -> Exception:
    verdict = decision.refusal
    if verdict is not None and verdict.screen == LIMITS:
        return LimitExceeded(verdict.message, details=verdict.details)
    return ScreeningRefused()


def movement_admit(
    *, movement: Movement, fee_confirmed_minor: int | None, now: datetime, fee_free: bool = False
) -> Admitted:
    """Screen ``movement``, work out its fee (none when ``fee_free``: a payout the platform
    makes on the customer's behalf) and record the decision (in the caller's transaction).
    Raises Refused (the caller lets it roll the transaction back) and FeeChanged (the fee is
    above the one the customer confirmed)."""
    decision = movements_screen(movement)
    if decision.outcome == REFUSE:
        raise Refused(decision, _error(decision))
    counted = decision.facts.get(LIMITS, {}).get("month_count")
    if counted is None:  # the limits screen is not registered: count as the month's first
        counted = 1
    fee = 0
    if not fee_free:
        fee = fee_for_counted(kind=movement.kind, amount_minor=movement.amount_minor,
                              counted=counted)  # fmt: skip
    if fee_confirmed_minor is not None and fee > fee_confirmed_minor:
        raise FeeChanged(details={"fee_minor": fee})
    screening = Screening.objects.create(
        customer_id=movement.customer_id, kind=movement.kind, amount_minor=movement.amount_minor,
        outcome=decision.outcome, reasons=[v.as_record() for v in decision.verdicts],
        decided_at=now,
    )  # fmt: skip
    return Admitted(screening=screening, fee_minor=fee,
                    held_for_review=decision.outcome == REVIEW)  # fmt: skip


def refusal_record(*, movement: Movement, refused: Refused, actor: Actor, now: datetime):
    """Keep a refused movement's decision (its audit entry and ``payments.movement_refused``),
    after its own transaction rolled back, and return the error to raise."""
    with transaction.atomic():
        movement_refusal_keep(movement, refused.decision)
        screening = Screening.objects.create(
            customer_id=movement.customer_id, kind=movement.kind,
            amount_minor=movement.amount_minor, outcome=REFUSE,
            reasons=[v.as_record() for v in refused.decision.verdicts], decided_at=now,
        )  # fmt: skip
        codes = [v.code for v in refused.decision.verdicts]
        audit_record(
            actor=actor, action="payments.movement_refused", target_type="payments.screening",
            target_id=str(screening.id), occurred_at=now,
            after={"kind": movement.kind, "amount_minor": movement.amount_minor, "codes": codes},
        )  # fmt: skip
        event_emit(
            aggregate_type="payments.screening", aggregate_id=str(screening.id),
            event_type=events.MOVEMENT_REFUSED, occurred_at=now,
            payload={"screening_id": str(screening.id), "customer_id": str(movement.customer_id),
                     "user_id": str(movement.user_id), "kind": movement.kind,
                     "amount_minor": movement.amount_minor, "currency": PAYMENT_CURRENCY,
                     "codes": codes},
        )  # fmt: skip
    return refused.error
