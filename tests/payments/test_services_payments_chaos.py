"""A worked run with a misbehaving sandbox: it fails, duplicates and loses a share of the
payments; callbacks come late; then the recovery job runs. Every payment ends final, the ledger
verifies, and the wallet holds exactly what the successful payments imply."""

from datetime import timedelta

import pytest

from hujin.payments.channels.sandbox import sandbox_callbacks_run
from hujin.payments.models import Payment
from hujin.payments.services import payments_unknown_resolve, topup_request, withdrawal_request
from tests.payments.money import Payer, clearing, in_flight, ledger_is_consistent, open_wallet
from tests.payments.money import wallet as wallet_of


@pytest.fixture
def payer(customer, bound_card, now):
    card = bound_card()
    return Payer(user=customer, card_id=card.id, wallet_id=open_wallet(customer, now))


def test_every_payment_ends_final_and_the_balances_add_up(payer, now, sandbox):
    sandbox.update(fail_share=0.3, duplicate_share=0.3, lost_share=0.2, delay_seconds=30, seed=7)
    for n in range(12):
        topup_request(actor=payer.actor, card_id=payer.card_id, amount_minor=(n + 1) * 10_00,
                      idempotency_key=f"t-{n}", now=now)  # fmt: skip
    sandbox_callbacks_run(now=now + timedelta(seconds=30))
    sandbox_callbacks_run(now=now + timedelta(seconds=60))  # the duplicates
    available = wallet_of(payer.wallet_id)["balance"]
    for n in range(4):
        if available >= 5_00:
            withdrawal_request(
                actor=payer.actor, card_id=payer.card_id, amount_minor=5_00,
                idempotency_key=f"w-{n}", now=now + timedelta(seconds=90),
            )  # fmt: skip
            available -= 5_00
    sandbox_callbacks_run(now=now + timedelta(seconds=120))

    payments_unknown_resolve(now=now + timedelta(minutes=15))

    assert set(Payment.objects.values_list("status", flat=True)) <= {"succeeded", "failed"}
    statuses = set(Payment.objects.values_list("status", flat=True))
    assert statuses == {"succeeded", "failed"}  # the seed gives both
    topped = sum(Payment.objects.filter(kind="topup", status="succeeded")
                 .values_list("amount", flat=True))  # fmt: skip
    paid_out = sum(Payment.objects.filter(kind="withdrawal", status="succeeded")
                   .values_list("amount", flat=True))  # fmt: skip
    fees = sum(Payment.objects.filter(status="succeeded").values_list("fee", flat=True))
    assert topped > paid_out > 0
    assert wallet_of(payer.wallet_id) == {
        "balance": topped - paid_out - fees,
        "held": 0,
        "incoming": 0,
    }
    assert clearing().debits_posted == topped and clearing().debits_pending == 0
    assert in_flight().credits_posted == paid_out
    assert ledger_is_consistent()
