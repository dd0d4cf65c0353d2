"""Payouts a system makes on a customer's behalf (a loan's money on to their bound card): a
withdrawal held on the wallet and settled by the channel's callback, asked for by a system only,
without a fee or a code, outside the customer's limits, yet screened and refused for a frozen
customer or a card no longer bound."""

from datetime import timedelta

import pytest

from hujin.core.actors import Actor, system_actor
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.payments import errors
from hujin.payments.channels.sandbox import sandbox_callbacks_run
from hujin.payments.models import LimitUsage, Payment, SandboxInstruction, Screening
from hujin.payments.selectors import card_label, payout_get
from hujin.payments.services import (
    LOAN_DISBURSEMENT,
    card_unbind,
    fee_rule_set,
    limit_rule_set,
    payout_request,
    withdrawal_request,
)
from tests.payments.money import channel_told, in_flight, ledger_is_consistent, wallet
from tests.payments.rules_helpers import OPERATIONS, screen

LENDING = system_actor("lending")


def _customer_id(payer):
    from hujin.customers.models import Customer

    return Customer.objects.get(user=payer.user).id


def _payout(payer, now, *, amount=3_000_00, key="loan-1", actor=LENDING, card_id=None,
            purpose=LOAN_DISBURSEMENT):  # fmt: skip
    return payout_request(actor=actor, customer_id=_customer_id(payer),
                          card_id=card_id or payer.card_id, amount_minor=amount,
                          idempotency_key=key, now=now, purpose=purpose)  # fmt: skip


class TestWhoMayAsk:
    @pytest.mark.parametrize(
        "actor",
        [Actor(kind="customer", id="1"), Actor(kind="staff", id="2", label="ops"),
         Actor(kind="api_key", id="3")],
        ids=["customer", "staff", "api_key"],
    )  # fmt: skip
    def test_only_a_system_may_pay_out_on_a_customers_behalf(self, funded_payer, now, actor):
        payer = funded_payer(5_000_00)

        with pytest.raises(errors.NotPermitted):
            _payout(payer, now, actor=actor)

        assert not Payment.objects.exists()
        assert wallet(payer.wallet_id) == {"balance": 5_000_00, "held": 0, "incoming": 0}

    def test_a_purpose_payments_does_not_know_is_refused(self, funded_payer, now):
        payer = funded_payer(5_000_00)

        with pytest.raises(errors.NotPermitted):
            _payout(payer, now, purpose="anything")

        assert not Payment.objects.exists()


class TestThePayout:
    def test_it_is_held_on_the_wallet_and_sent_to_the_channel_once_the_caller_commits(
        self, funded_payer, now, django_capture_on_commit_callbacks
    ):
        payer = funded_payer(5_000_00)

        with django_capture_on_commit_callbacks() as waiting:
            payout = _payout(payer, now)

        assert payout.status == "created" and payout.kind == "withdrawal"
        assert not SandboxInstruction.objects.exists()  # the channel hears nothing before
        assert wallet(payer.wallet_id) == {"balance": 5_000_00, "held": 3_000_00, "incoming": 0}
        assert channel_told(waiting) == 1  # the commit
        assert Payment.objects.get(id=payout.id).status == "pending"
        assert SandboxInstruction.objects.filter(payment_id=payout.id).exists()
        assert ledger_is_consistent()

    def test_the_callback_pays_the_card_and_the_wallet_is_back_where_it_was(
        self, funded_payer, now, django_capture_on_commit_callbacks
    ):
        payer = funded_payer(5_000_00)
        with django_capture_on_commit_callbacks() as committed:
            payout = _payout(payer, now)
        channel_told(committed)

        assert sandbox_callbacks_run(now=now) == 1

        assert Payment.objects.get(id=payout.id).status == "succeeded"
        assert wallet(payer.wallet_id) == {"balance": 2_000_00, "held": 0, "incoming": 0}
        assert in_flight().credits_posted == 3_000_00
        assert ledger_is_consistent()

    def test_a_failure_leaves_the_money_in_the_wallet_and_the_customer_is_told(
        self, funded_payer, now, sandbox, django_capture_on_commit_callbacks
    ):
        sandbox["fail_share"] = 1
        payer = funded_payer(5_000_00)
        with django_capture_on_commit_callbacks() as committed:
            payout = _payout(payer, now)
        channel_told(committed)

        sandbox_callbacks_run(now=now)

        assert Payment.objects.get(id=payout.id).status == "failed"
        assert wallet(payer.wallet_id) == {"balance": 5_000_00, "held": 0, "incoming": 0}
        assert OutboxEvent.objects.filter(event_type="payments.payment_failed").count() == 1
        assert ledger_is_consistent()

    def test_the_same_key_is_the_same_payout_and_holds_nothing_more(
        self, funded_payer, now, django_capture_on_commit_callbacks
    ):
        payer = funded_payer(5_000_00)
        with django_capture_on_commit_callbacks() as committed:
            first = _payout(payer, now)
            again = _payout(payer, now + timedelta(seconds=5))
        assert channel_told(committed) == 1

        assert again.id == first.id
        assert Payment.objects.count() == 1
        assert wallet(payer.wallet_id)["held"] == 3_000_00

    def test_it_is_audited_as_the_system_with_its_purpose(self, funded_payer, now):
        payer = funded_payer(5_000_00)

        payout = _payout(payer, now)

        entry = AuditEntry.objects.get(action="payments.withdrawal_request",
                                       target_id=str(payout.id))  # fmt: skip
        assert entry.actor_kind == "system" and entry.after["purpose"] == LOAN_DISBURSEMENT
        event = OutboxEvent.objects.get(event_type="payments.payment_requested")
        assert event.payload["purpose"] == LOAN_DISBURSEMENT

    def test_the_loan_page_reads_it_back_by_its_key_and_names_the_card_masked(
        self, funded_payer, now
    ):
        payer = funded_payer(5_000_00)
        payout = _payout(payer, now)
        customer_id = _customer_id(payer)

        assert payout_get(actor=LENDING, customer_id=customer_id, idempotency_key="loan-1") == (
            payout
        )
        assert payout_get(actor=payer.actor, customer_id=customer_id,
                          idempotency_key="loan-1").id == payout.id  # fmt: skip
        assert payout_get(actor=LENDING, customer_id=customer_id, idempotency_key="x") is None
        label = card_label(actor=LENDING, customer_id=customer_id, card_id=payer.card_id)
        assert label.endswith("6222 **** **** " + label[-4:]) and "*" in label
        with pytest.raises(errors.NotPermitted):
            payout_get(actor=OPERATIONS, customer_id=customer_id, idempotency_key="loan-1")


class TestWhatItIsSpared:
    def test_it_needs_no_code_even_above_the_amount_that_asks_for_one(
        self, funded_payer, now, settings
    ):
        settings.HUJIN_PAYMENTS_CONFIRM_FROM_MINOR = 100_00
        payer = funded_payer(5_000_00)

        payout = _payout(payer, now)  # no ConfirmationRequired

        assert payout.status == "created"

    def test_it_costs_no_fee_where_a_withdrawal_would(self, funded_payer, now):
        fee_rule_set(actor=OPERATIONS, kind="withdrawal", free_per_month=0, rate="0.01",
                     minimum_minor=2_00, now=now)  # fmt: skip
        payer = funded_payer(5_000_00)

        payout = _payout(payer, now)

        assert payout.fee_minor == 0
        assert wallet(payer.wallet_id)["held"] == 3_000_00

    def test_it_is_not_counted_against_the_customers_withdrawal_limits(self, funded_payer, now):
        limit_rule_set(actor=OPERATIONS, kind="withdrawal", per_transaction_minor=1_000_00,
                       per_day_minor=1_000_00, per_month_minor=None, now=now)  # fmt: skip
        payer = funded_payer(5_000_00)

        _payout(payer, now)  # three times the daily limit

        assert not LimitUsage.objects.filter(kind="withdrawal").exists()
        own = withdrawal_request(actor=payer.actor, card_id=payer.card_id,
                                 amount_minor=1_000_00, idempotency_key="w-1",
                                 now=now)  # fmt: skip
        assert own.status == "pending"  # the customer's own day is whole

    def test_its_failure_gives_back_nothing_it_never_took(
        self, funded_payer, now, sandbox, django_capture_on_commit_callbacks
    ):
        payer = funded_payer(5_000_00)
        withdrawal_request(actor=payer.actor, card_id=payer.card_id, amount_minor=500_00,
                           idempotency_key="w-1", now=now)  # fmt: skip
        sandbox_callbacks_run(now=now)
        counted = list(LimitUsage.objects.values_list("period", "amount_minor", "count"))
        sandbox["fail_share"] = 1
        with django_capture_on_commit_callbacks() as committed:
            _payout(payer, now)
        channel_told(committed)

        sandbox_callbacks_run(now=now)

        assert Payment.objects.filter(status="failed").count() == 1
        assert list(LimitUsage.objects.values_list("period", "amount_minor", "count")) == counted


class TestWhatStillHolds:
    def test_a_screen_still_sees_it_and_may_hold_it_for_review(self, funded_payer, now):
        payer = funded_payer(5_000_00)

        with screen("review"):
            payout = _payout(payer, now)

        assert payout.status == "review"
        assert not SandboxInstruction.objects.exists()
        assert Screening.objects.get(payments__id=payout.id).outcome == "review"

    def test_a_screens_refusal_moves_nothing_and_is_kept(self, funded_payer, now):
        payer = funded_payer(5_000_00)

        with screen("refuse"), pytest.raises(errors.ScreeningRefused):
            _payout(payer, now)

        assert not Payment.objects.exists()
        assert Screening.objects.filter(outcome="refuse").count() == 1
        assert wallet(payer.wallet_id)["held"] == 0

    def test_a_frozen_customer_is_refused(self, funded_payer, now):
        from hujin.customers.models import Customer

        payer = funded_payer(5_000_00)
        Customer.objects.filter(user=payer.user).update(status="frozen")

        with pytest.raises(errors.WithdrawalFrozen):
            _payout(payer, now)

        assert not Payment.objects.exists()
        assert wallet(payer.wallet_id)["held"] == 0

    def test_an_unbound_card_is_refused(self, funded_payer, now):
        payer = funded_payer(5_000_00)
        card_unbind(card_id=payer.card_id, actor=payer.actor, now=now)

        with pytest.raises(errors.CardNotActive):
            _payout(payer, now)

        assert not Payment.objects.exists()

    def test_another_customers_card_is_not_found(self, funded_payer, now):
        payer, other = funded_payer(5_000_00), funded_payer(1_00)

        with pytest.raises(errors.CardNotFound):
            _payout(payer, now, card_id=other.card_id)

    def test_a_wallet_that_cannot_pay_is_refused(self, funded_payer, now):
        payer = funded_payer(1_000_00)

        with pytest.raises(errors.InsufficientFunds):
            _payout(payer, now, amount=3_000_00)

        assert not Payment.objects.exists()
