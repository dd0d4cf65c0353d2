"""Fees by rule. The seeded withdrawal fee: three free withdrawals a calendar month, then 0.1 %
of the amount, at least ¥1.00 and at most ¥25.00. The fee is held with the withdrawal, posted to
the fee income when the bank pays, voided (and the free withdrawal given back) when it cannot."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hujin.payments import errors
from hujin.payments.models import FeeRule, Payment
from hujin.payments.quotes import payment_quote
from hujin.payments.services import (
    fee_rule_set,
    payment_callback_apply,
    topup_request,
    transfer_request,
    withdrawal_request,
)
from hujin.payments.services.fees import fee_compute
from hujin.payments.services.house import FEE_INCOME_CODE
from tests.payments.money import house, ledger_is_consistent, open_wallet, wallet
from tests.payments.rules_helpers import OPERATIONS


@pytest.fixture
def payer(funded_payer):
    return funded_payer(20_000_00)


def _withdraw(payer, amount, key, now, **extra):
    return withdrawal_request(actor=payer.actor, card_id=payer.card_id, amount_minor=amount,
                              idempotency_key=key, now=now, **extra)  # fmt: skip


def _settle(payment, outcome, now):
    payment_callback_apply(channel="sandbox", reference=payment.channel_reference,
                           outcome=outcome, now=now)  # fmt: skip


@pytest.mark.parametrize(
    ("amount", "fee"),
    [(2_000_00, 2_00), (500_00, 1_00), (50_000_00, 25_00), (1_234_567, 1_235)],
    ids=["0.1 percent", "the minimum", "the maximum", "rounded half up to the fen"],
)
def test_after_three_free_withdrawals_the_fee_is_a_tenth_of_a_percent_within_its_bounds(
    db, amount, fee
):
    rule = FeeRule.objects.get(kind="withdrawal")

    assert [fee_compute(rule, amount_minor=amount, earlier_this_month=n) for n in range(4)] == [
        0,
        0,
        0,
        fee,
    ]


def test_the_fourth_withdrawal_of_the_month_pays_its_fee_to_the_fee_income(payer, now):
    paid = [_withdraw(payer, 1_000_00, f"w{n}", now) for n in range(4)]
    for payment in paid:
        _settle(payment, "succeeded", now)

    assert [p.fee_minor for p in paid] == [0, 0, 0, 1_00]
    assert wallet(payer.wallet_id)["balance"] == 20_000_00 - 4_000_00 - 1_00
    assert house(FEE_INCOME_CODE).credits_posted == 1_00
    assert ledger_is_consistent()


def test_the_fee_is_held_with_the_withdrawal_and_given_back_when_the_bank_cannot_pay(payer, now):
    for n in range(3):
        _withdraw(payer, 100_00, f"free{n}", now)
    charged = _withdraw(payer, 2_000_00, "charged", now)
    assert wallet(payer.wallet_id)["held"] == 300_00 + 2_000_00 + 2_00

    _settle(charged, "failed", now)

    assert wallet(payer.wallet_id)["held"] == 300_00
    assert house(FEE_INCOME_CODE).credits_pending == 0
    assert payment_quote(actor=payer.actor, kind="withdrawal", amount_minor=2_000_00,
                         now=now).fee_minor == 2_00  # fmt: skip
    assert ledger_is_consistent()


def test_the_quote_shows_the_fee_the_free_withdrawals_left_and_the_total(payer, now):
    _withdraw(payer, 100_00, "one", now)

    quote = payment_quote(actor=payer.actor, kind="withdrawal", amount_minor=3_000_00, now=now)

    assert (quote.fee_minor, quote.total_minor, quote.free_left_this_month) == (0, 3_000_00, 2)


def test_a_withdrawal_whose_fee_rose_since_it_was_confirmed_moves_nothing(payer, now):
    for n in range(3):
        _withdraw(payer, 100_00, f"free{n}", now)

    with pytest.raises(errors.FeeChanged) as changed:
        _withdraw(payer, 2_000_00, "late", now, fee_confirmed_minor=0)

    assert changed.value.details == {"fee_minor": 2_00}
    assert Payment.objects.filter(idempotency_key="late").count() == 0


def test_a_transfer_fee_is_posted_with_the_transfer_in_one_go(payer, make_customer, now):
    payee = make_customer(name="王伟")
    payee_wallet = open_wallet(payee, now)
    fee_rule_set(actor=OPERATIONS, kind="transfer", free_per_month=0, rate="0.005",
                 minimum_minor=50, now=now)  # fmt: skip

    sent = transfer_request(actor=payer.actor, payee_mobile=payee.mobile, amount_minor=1_000_00,
                            idempotency_key="t", now=now)  # fmt: skip

    assert sent.fee_minor == 5_00
    assert wallet(payer.wallet_id)["balance"] == 20_000_00 - 1_005_00
    assert wallet(payee_wallet)["balance"] == 1_000_00
    assert house(FEE_INCOME_CODE).credits_posted == 5_00
    assert ledger_is_consistent()


def test_a_top_up_fee_comes_out_of_what_the_card_paid(payer, now):
    fee_rule_set(actor=OPERATIONS, kind="topup", free_per_month=0, rate="0", fixed_minor=2_00,
                 now=now)  # fmt: skip

    topped = topup_request(actor=payer.actor, card_id=payer.card_id, amount_minor=100_00,
                           idempotency_key="in", now=now)  # fmt: skip
    _settle(topped, "succeeded", now)

    assert wallet(payer.wallet_id)["balance"] == 20_000_00 + 98_00
    assert house(FEE_INCOME_CODE).credits_posted == 2_00
    assert ledger_is_consistent()


def test_a_top_up_smaller_than_its_fee_is_refused(payer, now):
    fee_rule_set(actor=OPERATIONS, kind="topup", free_per_month=0, rate="0", fixed_minor=2_00,
                 now=now)  # fmt: skip

    with pytest.raises(errors.AmountInvalid):
        topup_request(actor=payer.actor, card_id=payer.card_id, amount_minor=2_00,
                      idempotency_key="tiny", now=now)  # fmt: skip
    assert Payment.objects.count() == 0


@given(
    amount=st.integers(min_value=1, max_value=10_000_000_00),
    rate=st.decimals(min_value=0, max_value=Decimal("0.05"), places=6),
    minimum=st.integers(min_value=0, max_value=10_00),
    spread=st.one_of(st.none(), st.integers(min_value=0, max_value=100_00)),
    free=st.integers(min_value=0, max_value=5),
    earlier=st.integers(min_value=0, max_value=8),
)
def test_a_fee_is_free_within_the_allowance_and_otherwise_the_rounded_rate_kept_in_bounds(
    amount, rate, minimum, spread, free, earlier
):
    maximum = None if spread is None else minimum + spread
    rule = FeeRule(kind="withdrawal", free_per_month=free, rate=rate, minimum_minor=minimum,
                   maximum_minor=maximum)  # fmt: skip

    fee = fee_compute(rule, amount_minor=amount, earlier_this_month=earlier)

    if earlier < free:
        assert fee == 0
        return
    exact = Decimal(amount) * rate  # the reference: a fraction of a fen, rounded half up once
    expected = max(int(exact) + (1 if exact - int(exact) >= Decimal("0.5") else 0), minimum)
    assert fee == (expected if maximum is None else min(expected, maximum))
    assert isinstance(fee, int)
