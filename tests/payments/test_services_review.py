"""A screen may hold a movement for review: the money is held in the ledger, nothing goes to
the bank, and a reviewer releases it (it goes on) or rejects it (the hold is voided, the
customer is told). A screen that refuses stops it before anything is booked."""

import pytest

from hujin.core.errors import PermissionDenied
from hujin.core.events import outbox_dispatch
from hujin.notifications.models import Message
from hujin.payments import errors
from hujin.payments.models import LimitUsage, Payment, SandboxInstruction, Screening
from hujin.payments.services import (
    payment_review_reject,
    payment_review_release,
    transfer_request,
    withdrawal_request,
)
from tests.payments.money import ledger_is_consistent, open_wallet, wallet
from tests.payments.rules_helpers import CLERK, REVIEWER, screen


@pytest.fixture
def payer(funded_payer):
    return funded_payer(2_000_00)


def _withdraw(payer, now):
    return withdrawal_request(actor=payer.actor, card_id=payer.card_id, amount_minor=300_00,
                              idempotency_key="w", now=now)  # fmt: skip


def test_a_held_withdrawal_is_booked_but_not_sent_to_the_bank(payer, now):
    with screen("review", code="test.unusual"):
        held = _withdraw(payer, now)

    assert held.status == "review" and wallet(payer.wallet_id)["held"] == 300_00
    assert SandboxInstruction.objects.count() == 0
    decision = Screening.objects.get()
    assert decision.outcome == "review" and decision.reasons[0]["code"] == "test.unusual"


def test_a_released_withdrawal_goes_on_to_the_bank(payer, now):
    with screen("review"):
        held = _withdraw(payer, now)

    released = payment_review_release(payment_id=held.id, actor=REVIEWER, note="Known payee",
                                      now=now)  # fmt: skip

    assert released.status == "pending" and SandboxInstruction.objects.count() == 1
    decision = Screening.objects.get()
    assert (decision.reviewed_by, decision.review_note) == ("risk.wang", "Known payee")


def test_a_rejected_withdrawal_gives_the_money_and_the_limit_back(payer, now):
    with screen("review"):
        held = _withdraw(payer, now)

    rejected = payment_review_reject(payment_id=held.id, actor=REVIEWER, note="Mule pattern",
                                     now=now)  # fmt: skip

    assert (rejected.status, rejected.failure_code) == ("failed", "rejected_in_review")
    assert wallet(payer.wallet_id) == {"balance": 2_000_00, "held": 0, "incoming": 0}
    assert LimitUsage.objects.get(kind="withdrawal", period="day").amount_minor == 0
    assert ledger_is_consistent()


def test_a_held_transfer_reaches_the_payee_only_when_released(payer, make_customer, now):
    payee = make_customer(name="王伟")
    payee_wallet = open_wallet(payee, now)
    with screen("review"):
        held = transfer_request(actor=payer.actor, payee_mobile=payee.mobile,
                                amount_minor=500_00, idempotency_key="t", now=now)  # fmt: skip
    assert wallet(payee_wallet)["incoming"] == 500_00 and wallet(payee_wallet)["balance"] == 0

    payment_review_release(payment_id=held.id, actor=REVIEWER, note="Family", now=now)
    outbox_dispatch(now=now)

    assert wallet(payee_wallet)["balance"] == 500_00
    assert wallet(payer.wallet_id)["balance"] == 1_500_00
    assert Message.objects.filter(recipient=payee, kind="payments.transfer_received").exists()
    assert ledger_is_consistent()


def test_a_rejected_transfer_is_told_to_the_payer(payer, make_customer, now):
    payee = make_customer(name="王伟")
    open_wallet(payee, now)
    with screen("review"):
        held = transfer_request(actor=payer.actor, payee_mobile=payee.mobile,
                                amount_minor=500_00, idempotency_key="t", now=now)  # fmt: skip

    payment_review_reject(payment_id=held.id, actor=REVIEWER, note="Scam report", now=now)
    outbox_dispatch(now=now)

    assert wallet(payer.wallet_id)["balance"] == 2_000_00
    assert Message.objects.filter(recipient=payer.user, kind="payments.transfer_rejected").exists()


def test_a_refusing_screen_stops_the_movement_before_anything_is_booked(payer, now):
    with screen("refuse"), pytest.raises(errors.ScreeningRefused):
        _withdraw(payer, now)

    assert Payment.objects.count() == 0 and wallet(payer.wallet_id)["held"] == 0
    assert Screening.objects.get().outcome == "refuse"


def test_only_a_reviewer_may_decide_and_only_with_a_note_on_a_held_payment(payer, now):
    with screen("review"):
        held = _withdraw(payer, now)

    with pytest.raises(PermissionDenied):
        payment_review_release(payment_id=held.id, actor=CLERK, note="ok", now=now)
    with pytest.raises(errors.RuleInvalid):
        payment_review_release(payment_id=held.id, actor=REVIEWER, note=" ", now=now)
    payment_review_reject(payment_id=held.id, actor=REVIEWER, note="no", now=now)
    with pytest.raises(errors.NotHeldForReview):
        payment_review_release(payment_id=held.id, actor=REVIEWER, note="ok", now=now)


def test_a_held_withdrawal_whose_card_was_unbound_is_not_released_to_it(payer, now):
    from hujin.payments.services import card_unbind

    with screen("review"):
        held = _withdraw(payer, now)
    card_unbind(card_id=payer.card_id, actor=payer.actor, now=now)

    with pytest.raises(errors.CardNotActive):
        payment_review_release(payment_id=held.id, actor=REVIEWER, note="ok", now=now)

    assert Payment.objects.get(pk=held.id).status == "review"
    assert SandboxInstruction.objects.count() == 0
