"""Limits per transaction, day and month: the most specific rule for the customer's level
applies, what does not fit is refused with what is left, the refusal is kept, and a movement that
fails gives its amount back. (The seeded rules: a verified customer without a bound card may
transfer ¥2,000 at a time, ¥5,000 a day, ¥10,000 a month.)"""

from datetime import timedelta

import pytest

from hujin.core.models import AuditEntry, OutboxEvent
from hujin.payments import errors
from hujin.payments.models import LimitUsage, Payment, Screening
from hujin.payments.quotes import payment_quote
from hujin.payments.services import (
    limit_rule_set,
    payment_callback_apply,
    transfer_request,
    withdrawal_request,
)
from tests.payments.conftest import actor_for
from tests.payments.money import open_wallet, wallet
from tests.payments.rules_helpers import OPERATIONS, fund


@pytest.fixture
def pair(make_customer, now):
    payer, payee = make_customer(name="张三"), make_customer(name="王伟")
    payer_wallet = open_wallet(payer, now)
    open_wallet(payee, now)
    fund(payer_wallet, 50_000_00, now)
    return payer, payee, payer_wallet


def _send(payer, payee, amount, key, now):
    return transfer_request(actor=actor_for(payer), payee_mobile=payee.mobile,
                            amount_minor=amount, idempotency_key=key, now=now)  # fmt: skip


def test_transfers_within_the_limits_pass_and_count_towards_the_day_and_the_month(pair, now):
    payer, payee, _ = pair

    _send(payer, payee, 2_000_00, "a", now)
    _send(payer, payee, 1_500_00, "b", now)

    used = dict(LimitUsage.objects.filter(kind="transfer").values_list("period", "amount_minor"))
    assert used == {"day": 3_500_00, "month": 3_500_00}
    quote = payment_quote(actor=actor_for(payer), kind="transfer", amount_minor=100, now=now)
    assert (quote.limits.today_minor, quote.limits.month_minor) == (1_500_00, 6_500_00)


def test_one_payment_above_the_per_transaction_limit_is_refused_and_the_refusal_is_kept(pair, now):
    payer, payee, payer_wallet = pair

    with pytest.raises(errors.LimitExceeded) as refused:
        _send(payer, payee, 2_000_01, "big", now)

    assert refused.value.details == {
        "limit": "per_transaction",
        "limit_minor": 2_000_00,
        "remaining_minor": 2_000_00,
    }
    assert "¥2,000.00" in refused.value.message
    assert Payment.objects.count() == 0 and wallet(payer_wallet)["balance"] == 50_000_00
    assert LimitUsage.objects.filter(amount_minor__gt=0).count() == 0
    decision = Screening.objects.get()
    assert (
        decision.outcome == "refuse"
        and decision.reasons[0]["code"] == "payments.limit.per_transaction"
    )
    assert AuditEntry.objects.filter(action="payments.movement_refused").count() == 1
    assert OutboxEvent.objects.filter(event_type="payments.movement_refused").count() == 1


def test_the_transfer_that_would_pass_the_daily_limit_is_refused_with_what_is_left_today(pair, now):
    payer, payee, _ = pair
    _send(payer, payee, 2_000_00, "a", now)
    _send(payer, payee, 2_000_00, "b", now)

    with pytest.raises(errors.LimitExceeded) as refused:
        _send(payer, payee, 1_500_00, "c", now)

    assert refused.value.details["limit"] == "per_day"
    assert refused.value.details["remaining_minor"] == 1_000_00
    assert "¥1,000.00" in refused.value.message


def test_a_new_day_in_shanghai_starts_a_new_daily_total_but_the_month_goes_on(pair, now):
    payer, payee, _ = pair
    for n in range(2):
        _send(payer, payee, 2_000_00, f"d1-{n}", now)
        _send(payer, payee, 2_000_00, f"d2-{n}", now + timedelta(days=1))
    # 16:00 UTC is midnight in Shanghai: the third day begins
    third_day = (now + timedelta(days=1)).replace(hour=16, minute=0)
    _send(payer, payee, 2_000_00, "d3", third_day)

    with pytest.raises(errors.LimitExceeded) as refused:
        _send(payer, payee, 1_000_00, "d3-b", third_day)

    assert refused.value.details == {
        "limit": "per_month",
        "limit_minor": 10_000_00,
        "remaining_minor": 0,
    }


def test_a_customer_with_a_bound_card_moves_under_the_card_verified_rule(pair, bound_card, now):
    payer, payee, _ = pair
    bound_card(user=payer)

    _send(payer, payee, 4_000_00, "card", now)

    assert Payment.objects.get().status == "succeeded"


def test_a_rule_for_a_tier_is_used_over_the_rule_for_any_tier(pair, now):
    from hujin.payments.services import limits

    payer, payee, _ = pair
    limit_rule_set(actor=OPERATIONS, kind="transfer", tier="gold", level="verified",
                   per_transaction_minor=3_000_00, per_day_minor=None, per_month_minor=None,
                   now=now)  # fmt: skip
    limits.tier_provider_register(lambda customer_id: "gold")
    try:
        _send(payer, payee, 3_000_00, "gold", now)
    finally:
        limits.tier_provider_register(lambda customer_id: limits.TIER_STANDARD)

    assert Payment.objects.get().amount == 3_000_00


def test_a_withdrawal_the_bank_could_not_pay_gives_its_amount_back_to_the_limits(
    make_customer, bound_card, now
):
    user = make_customer()
    card = bound_card(user=user)
    fund(open_wallet(user, now), 60_000_00, now)
    first = withdrawal_request(actor=actor_for(user), card_id=card.id, amount_minor=4_000_00,
                               idempotency_key="w1", now=now)  # fmt: skip
    assert LimitUsage.objects.get(kind="withdrawal", period="day").amount_minor == 4_000_00

    payment_callback_apply(channel="sandbox", reference=first.channel_reference,
                           outcome="failed", failure_code="card_closed", now=now)  # fmt: skip

    usage = LimitUsage.objects.get(kind="withdrawal", period="day")
    assert (usage.amount_minor, usage.count) == (0, 0)
