"""Routing and failover between payment channels: the enabled channels that serve the card's
bank and the amount, by priority; a channel that refuses the connection is marked down and the
payment moves to the next one with its holds; a channel whose answer is lost is not failed over
(it may have taken the money); with no channel left the payment fails and the money is back."""

from datetime import timedelta

import pytest

from hujin.core.models import AuditEntry
from hujin.payments import errors
from hujin.payments.channels.sandbox import sandbox_callbacks_run
from hujin.payments.models import Payment, PaymentChannel, SandboxInstruction
from hujin.payments.services import channel_configure, topup_request, withdrawal_request
from hujin.payments.services.house import clearing_code
from tests.payments.money import house, ledger_is_consistent, wallet
from tests.payments.rules_helpers import OPERATIONS

SANDBOX = "hujin.payments.channels.sandbox.SandboxChannel"


@pytest.fixture
def two_channels(db, now):
    channel_configure(actor=OPERATIONS, name="sandbox-b", adapter=SANDBOX, priority=200, now=now)


@pytest.fixture
def payer(funded_payer):
    return funded_payer(10_000_00)


def _topup(payer, now, key="t", amount=100_00):
    return topup_request(actor=payer.actor, card_id=payer.card_id, amount_minor=amount,
                         idempotency_key=key, now=now)  # fmt: skip


def test_a_top_up_goes_to_the_first_channel_by_priority(two_channels, payer, now):
    assert _topup(payer, now).channel == "sandbox"


def test_a_channel_that_is_down_is_failed_over_with_the_payments_holds(
    two_channels, payer, now, sandbox
):
    sandbox["down"] = ["sandbox"]

    payment = _topup(payer, now)

    assert (payment.channel, payment.status) == ("sandbox-b", "pending")
    assert PaymentChannel.objects.get(name="sandbox").down_until == now + timedelta(minutes=2)
    assert house(clearing_code("sandbox")).debits_pending == 0
    assert house(clearing_code("sandbox-b")).debits_pending == 100_00
    assert AuditEntry.objects.filter(action="payments.payment_rerouted").count() == 1
    sandbox_callbacks_run(now=now)
    assert wallet(payer.wallet_id)["balance"] == 10_100_00
    assert house(clearing_code("sandbox-b")).debits_posted == 100_00
    assert ledger_is_consistent()


def test_while_a_channel_is_down_payments_go_straight_to_the_next_and_it_is_tried_again_later(
    two_channels, payer, now, sandbox
):
    sandbox["down"] = ["sandbox"]
    _topup(payer, now, "first")
    sandbox["down"] = []

    second = _topup(payer, now + timedelta(minutes=1), "second")
    third = _topup(payer, now + timedelta(minutes=3), "third")

    assert second.channel == "sandbox-b" and third.channel == "sandbox"
    assert AuditEntry.objects.filter(action="payments.payment_rerouted").count() == 1
    restored = PaymentChannel.objects.get(name="sandbox")
    assert (restored.down_until, restored.consecutive_failures) == (None, 0)


def test_a_withdrawal_and_its_fee_move_together_to_the_next_channel(
    two_channels, payer, now, sandbox
):
    for n in range(3):
        withdrawal_request(actor=payer.actor, card_id=payer.card_id, amount_minor=10_00,
                           idempotency_key=f"free{n}", now=now)  # fmt: skip
    sandbox["down"] = ["sandbox"]

    charged = withdrawal_request(actor=payer.actor, card_id=payer.card_id, amount_minor=2_000_00,
                                 idempotency_key="charged", now=now)  # fmt: skip
    sandbox_callbacks_run(now=now)

    assert (charged.channel, charged.fee_minor) == ("sandbox-b", 2_00)
    assert Payment.objects.get(pk=charged.id).status == "succeeded"
    assert wallet(payer.wallet_id) == {"balance": 10_000_00 - 2_030_00 - 2_00, "held": 0,
                                       "incoming": 0}  # fmt: skip
    assert ledger_is_consistent()


def test_with_every_channel_down_the_payment_fails_and_the_money_is_back(
    two_channels, payer, now, sandbox
):
    sandbox["down"] = ["sandbox", "sandbox-b"]

    payment = withdrawal_request(actor=payer.actor, card_id=payer.card_id, amount_minor=100_00,
                                 idempotency_key="w", now=now)  # fmt: skip

    assert (payment.status, payment.failure_code) == ("failed", "channels_down")
    assert wallet(payer.wallet_id) == {"balance": 10_000_00, "held": 0, "incoming": 0}
    assert ledger_is_consistent()


def test_a_lost_answer_is_not_failed_over(two_channels, payer, now, sandbox):
    sandbox.update(lost_share=1.0, seed=1)

    payment = _topup(payer, now)

    assert (payment.channel, payment.status) == ("sandbox", "unknown")
    assert SandboxInstruction.objects.get().channel == "sandbox"


def test_a_channel_serving_other_banks_or_smaller_amounts_is_passed_over(payer, now):
    # the test card (622202...) is ICBC's
    channel_configure(actor=OPERATIONS, name="sandbox", adapter=SANDBOX, banks=["CMB"], now=now)
    channel_configure(actor=OPERATIONS, name="sandbox-b", adapter=SANDBOX, priority=200,
                      max_amount_minor=1_000_00, now=now)  # fmt: skip

    assert _topup(payer, now, "small").channel == "sandbox-b"
    with pytest.raises(errors.NoChannel):
        _topup(payer, now, "large", amount=5_000_00)
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [({"name": "no spaces"}, "name"), ({"adapter": "hujin.nowhere.Bank"}, "adapter"),
     ({"adapter": "hujin.payments.models.Card"}, "adapter"), ({"priority": -1}, "priority"),
     ({"banks": "ICBC"}, "banks"), ({"cost_rate": "2"}, "cost_rate"),
     ({"max_amount_minor": 0}, "max_amount_minor")],
    ids=["a name with spaces", "an adapter that is not there", "not a channel",
         "a negative priority", "banks not a list", "a cost of 200 percent", "a zero maximum"],
)  # fmt: skip
def test_a_channel_that_makes_no_sense_is_refused(db, now, change, field):
    values = {"name": "gateway-2", "adapter": SANDBOX, **change}

    with pytest.raises(errors.RuleInvalid) as refused:
        channel_configure(actor=OPERATIONS, now=now, **values)

    assert refused.value.details == {"field": field}
    assert not PaymentChannel.objects.filter(name="gateway-2").exists()
