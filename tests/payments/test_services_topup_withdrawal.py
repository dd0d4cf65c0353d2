"""Top-ups and withdrawals: the hold in the ledger at the request, the channel's signed callback
posting or voiding it, idempotency keys, refusals, and the recovery of unanswered payments."""

from datetime import timedelta

import pytest

from hujin.core.models import AuditEntry, OutboxEvent
from hujin.payments import errors
from hujin.payments.channels.sandbox import sandbox_callbacks_run
from hujin.payments.models import Payment, SandboxInstruction
from hujin.payments.services import (
    payment_callback_apply,
    payments_unknown_resolve,
    topup_request,
    withdrawal_request,
)
from tests.payments.money import (
    Payer,
    clearing,
    in_flight,
    ledger_is_consistent,
    open_wallet,
    wallet,
)


@pytest.fixture
def payer(customer, bound_card, now):
    card = bound_card()
    return Payer(user=customer, card_id=card.id, wallet_id=open_wallet(customer, now))


def _topup(payer, now, amount=100_00, key="t-1"):
    return topup_request(actor=payer.actor, card_id=payer.card_id, amount_minor=amount,
                         idempotency_key=key, now=now)  # fmt: skip


def _withdraw(payer, now, amount=40_00, key="w-1"):
    return withdrawal_request(actor=payer.actor, card_id=payer.card_id, amount_minor=amount,
                              idempotency_key=key, now=now)  # fmt: skip


class TestTopUp:
    def test_a_top_up_is_pending_on_the_wallet_until_the_channel_confirms_it(self, payer, now):
        payment = _topup(payer, now)

        assert payment.status == "pending" and payment.channel_reference.startswith("sbx-")
        assert wallet(payer.wallet_id) == {"balance": 0, "held": 0, "incoming": 100_00}
        assert clearing().debits_pending == 100_00
        assert ledger_is_consistent()

    def test_the_signed_callback_posts_it_into_the_wallet(self, payer, now):
        payment = _topup(payer, now)

        assert sandbox_callbacks_run(now=now) == 1

        assert Payment.objects.get(id=payment.id).status == "succeeded"
        assert wallet(payer.wallet_id) == {"balance": 100_00, "held": 0, "incoming": 0}
        assert clearing().debits_posted == 100_00
        assert OutboxEvent.objects.filter(event_type="payments.payment_succeeded").count() == 1
        assert AuditEntry.objects.filter(action="payments.payment_succeeded").exists()
        assert ledger_is_consistent()

    def test_a_failure_voids_it_and_no_money_arrives(self, payer, now, sandbox):
        sandbox["fail_share"] = 1
        payment = _topup(payer, now)

        sandbox_callbacks_run(now=now)

        row = Payment.objects.get(id=payment.id)
        assert row.status == "failed" and row.failure_code == "declined_by_bank"
        assert wallet(payer.wallet_id) == {"balance": 0, "held": 0, "incoming": 0}
        assert ledger_is_consistent()

    def test_the_same_idempotency_key_is_the_same_payment_and_no_second_hold(self, payer, now):
        first = _topup(payer, now)
        again = _topup(payer, now + timedelta(seconds=5))

        assert again.id == first.id
        assert Payment.objects.count() == 1 and SandboxInstruction.objects.count() == 1
        assert wallet(payer.wallet_id)["incoming"] == 100_00

    def test_the_same_key_for_another_amount_is_refused(self, payer, now):
        _topup(payer, now)

        with pytest.raises(errors.IdempotencyKeyReused):
            _topup(payer, now, amount=200_00)

    def test_a_zero_amount_is_refused(self, payer, now):
        with pytest.raises(errors.AmountInvalid):
            _topup(payer, now, amount=0)
        assert not Payment.objects.exists()

    def test_a_frozen_customer_may_still_top_up(self, make_customer, bound_card, now):
        user = make_customer()
        card = bound_card(user=user)
        from hujin.customers.models import Customer

        Customer.objects.filter(user=user).update(status="frozen")
        frozen = Payer(user=user, card_id=card.id, wallet_id=open_wallet(user, now, frozen=True))

        _topup(frozen, now)
        sandbox_callbacks_run(now=now)

        assert wallet(frozen.wallet_id)["balance"] == 100_00
        assert ledger_is_consistent()

    def test_another_customers_card_is_not_found(self, payer, make_customer, bound_card, now):
        other = make_customer(name="李四")
        card = bound_card(user=other, name="李四")

        with pytest.raises(errors.CardNotFound):
            topup_request(actor=payer.actor, card_id=card.id, amount_minor=1_00,
                          idempotency_key="x", now=now)  # fmt: skip


class TestWithdrawal:
    def test_a_withdrawal_holds_the_money_then_posts_it_on_the_callback(self, payer, now):
        _topup(payer, now)
        sandbox_callbacks_run(now=now)

        payment = _withdraw(payer, now)
        assert wallet(payer.wallet_id) == {"balance": 100_00, "held": 40_00, "incoming": 0}

        sandbox_callbacks_run(now=now)

        assert Payment.objects.get(id=payment.id).status == "succeeded"
        assert wallet(payer.wallet_id) == {"balance": 60_00, "held": 0, "incoming": 0}
        assert in_flight().credits_posted == 40_00
        assert ledger_is_consistent()

    def test_a_failed_payout_gives_the_money_back(self, payer, now, sandbox):
        _topup(payer, now)
        sandbox_callbacks_run(now=now)
        sandbox["fail_share"] = 1

        _withdraw(payer, now)
        sandbox_callbacks_run(now=now)

        assert wallet(payer.wallet_id) == {"balance": 100_00, "held": 0, "incoming": 0}
        assert ledger_is_consistent()

    def test_more_than_the_available_balance_is_refused_and_nothing_is_written(self, payer, now):
        _topup(payer, now)  # still pending: not available

        with pytest.raises(errors.InsufficientFunds):
            _withdraw(payer, now, amount=1_00)

        assert Payment.objects.filter(kind="withdrawal").count() == 0
        assert ledger_is_consistent()

    def test_a_frozen_customer_cannot_withdraw_and_is_told_why(self, payer, now):
        from hujin.customers.models import Customer

        Customer.objects.filter(user=payer.user).update(status="frozen")

        with pytest.raises(errors.WithdrawalFrozen) as refused:
            _withdraw(payer, now)

        assert "frozen" in refused.value.message and "top it up" in refused.value.message

    def test_the_ledger_itself_refuses_a_frozen_wallet(self, make_customer, bound_card, now):
        user = make_customer()
        card = bound_card(user=user)
        frozen = Payer(user=user, card_id=card.id, wallet_id=open_wallet(user, now, frozen=True))

        with pytest.raises(errors.WithdrawalFrozen):
            _withdraw(frozen, now, amount=1_00)
        assert not Payment.objects.exists()


class TestCallbacks:
    def test_a_duplicate_callback_moves_no_money_twice(self, payer, now, sandbox):
        sandbox["duplicate_share"] = 1
        _topup(payer, now)

        assert sandbox_callbacks_run(now=now) == 1
        assert sandbox_callbacks_run(now=now + timedelta(seconds=30)) == 1

        assert wallet(payer.wallet_id)["balance"] == 100_00
        assert OutboxEvent.objects.filter(event_type="payments.payment_succeeded").count() == 1
        assert ledger_is_consistent()

    def test_a_failure_after_a_success_is_a_conflict_and_changes_nothing(self, payer, now):
        payment = _topup(payer, now)
        sandbox_callbacks_run(now=now)

        with pytest.raises(errors.CallbackConflict):
            payment_callback_apply(channel="sandbox", reference=payment.channel_reference,
                                   outcome="failed", now=now)  # fmt: skip

        assert Payment.objects.get(id=payment.id).status == "succeeded"
        assert wallet(payer.wallet_id)["balance"] == 100_00
        assert ledger_is_consistent()

    def test_a_delayed_callback_waits_for_its_time(self, payer, now, sandbox):
        sandbox["delay_seconds"] = 120
        _topup(payer, now)

        assert sandbox_callbacks_run(now=now + timedelta(seconds=60)) == 0
        assert sandbox_callbacks_run(now=now + timedelta(seconds=120)) == 1


class TestRecovery:
    def test_a_payment_whose_answer_was_lost_is_resolved_by_asking_the_channel(
        self, payer, now, sandbox
    ):
        sandbox["lost_share"] = 1
        payment = _topup(payer, now)
        assert payment.status == "unknown" and payment.channel_reference == ""

        assert payments_unknown_resolve(now=now + timedelta(minutes=5))["succeeded"] == 0
        counts = payments_unknown_resolve(now=now + timedelta(minutes=11))

        assert counts["succeeded"] == 1
        row = Payment.objects.get(id=payment.id)
        assert row.status == "succeeded" and row.channel_reference.startswith("sbx-")
        assert wallet(payer.wallet_id)["balance"] == 100_00
        assert ledger_is_consistent()

    def test_a_callback_that_overtakes_the_channels_answer_is_matched_by_the_payment_id(
        self, payer, now, sandbox
    ):
        sandbox["lost_share"] = 1  # the answer to the instruction never came back
        payment = _topup(payer, now)
        taken = SandboxInstruction.objects.get()

        applied = payment_callback_apply(
            channel="sandbox", reference=taken.reference, outcome="succeeded",
            payment_id=payment.id, now=now,
        )  # fmt: skip

        assert applied.changed
        row = Payment.objects.get(id=payment.id)
        assert (row.status, row.channel_reference) == ("succeeded", taken.reference)
        assert payments_unknown_resolve(now=now + timedelta(minutes=11))["succeeded"] == 0
        assert wallet(payer.wallet_id)["balance"] == 100_00

    def test_a_payment_the_channel_never_took_fails_and_its_hold_is_voided(self, payer, now):
        payment = _topup(payer, now)
        SandboxInstruction.objects.all().delete()
        Payment.objects.filter(id=payment.id).update(status="created", channel_reference="")

        counts = payments_unknown_resolve(now=now + timedelta(minutes=11))

        assert counts["failed"] == 1
        assert Payment.objects.get(id=payment.id).failure_code == "not_at_channel"
        assert wallet(payer.wallet_id) == {"balance": 0, "held": 0, "incoming": 0}
        assert ledger_is_consistent()


class TestPersonalDataOfPayments:
    def test_the_persons_data_download_lists_their_top_ups_and_withdrawals(self, payer, now):
        from hujin.core.personal_data import personal_data_parts

        payment = _topup(payer, now)
        part = next(p for p in personal_data_parts() if p.name == "payments")

        (row,) = part.export(payer.user.pk)["payments"]

        assert row["id"] == str(payment.id)
        assert (row["kind"], row["amount_minor"], row["currency"]) == ("topup", 100_00, "CNY")
        last4 = Payment.objects.get(pk=payment.id).card.last4
        assert row["card"] == f"ICBC *{last4}"


def test_callbacks_that_come_out_of_order_each_settle_their_own_payment(payer, now, sandbox):
    sandbox.update(delay_seconds=10, jitter_seconds=120, seed=3)
    asked = [_topup(payer, now + timedelta(seconds=n), key=f"o-{n}", amount=(n + 1) * 10_00)
             for n in range(6)]  # fmt: skip
    due = list(SandboxInstruction.objects.order_by("due_at").values_list("payment_id", flat=True))
    assert due != [p.id for p in asked]  # the bank answers in another order than it was asked

    sandbox_callbacks_run(now=now + timedelta(minutes=3))

    assert set(Payment.objects.values_list("status", flat=True)) == {"succeeded"}
    assert wallet(payer.wallet_id)["balance"] == sum((n + 1) * 10_00 for n in range(6))
    assert ledger_is_consistent()
