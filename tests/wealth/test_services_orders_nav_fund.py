"""A NAV fund, worked through: a subscription of ¥10,000.00 pays a 1.5 % front-end fee taken
from the amount (外扣法: net = 10,000 ÷ 1.015 = ¥9,852.22, fee ¥147.78), is held in the wallet
until the close of business of its trade date confirms it at that date's NAV (1.2345 → 7,980.73
units, rounded down), and a redemption of 1,000 units three days later, at NAV 1.2500, pays
¥1,250.00 less the 1.5 % fee of a holding under 7 days (¥18.75): ¥1,231.25."""

from datetime import timedelta

import pytest

from hujin.ledger.verify import ledger_verify
from hujin.wealth import errors
from hujin.wealth.models import Holding, Order
from hujin.wealth.services import order_cancel, order_redeem, order_subscribe
from tests.products.factories import TODAY
from tests.wealth.conftest import actor_for
from tests.wealth.orders_helpers import (
    D,
    acknowledged,
    funded_wallet,
    nav,
    units_of,
    wallet,
    wealth_cob,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(make_customer, assessed, now):
    user = make_customer()
    assessed(user, "C5")
    user.wallet_id = funded_wallet(user, 20_000_00, now)
    return user


@pytest.fixture
def fund(make_product):
    return make_product("R4")


def _subscribe(user, product, now, amount=10_000_00, key="k1"):
    acknowledged(user, product, now)
    return order_subscribe(actor=actor_for(user), product_id=product.id, amount_minor=amount,
                           idempotency_key=key, now=now)  # fmt: skip


def test_a_subscription_holds_the_amount_and_is_priced_at_its_trade_dates_nav(buyer, fund, now):
    order = _subscribe(buyer, fund, now)

    assert (order.amount_minor, order.fee_minor, order.net_minor) == (10_000_00, 147_78, 9_852_22)
    assert order.state == "submitted" and order.trade_date == TODAY
    assert wallet(buyer.wallet_id) == {"balance": 20_000_00, "held": 10_000_00}

    nav(fund, TODAY, now, "1.2345")
    result = wealth_cob(TODAY, now + timedelta(hours=16))

    assert result["wealth.orders_confirm"]["confirmed"] == 1
    confirmed = Order.objects.get(id=order.id)
    assert confirmed.state == "confirmed" and str(confirmed.nav) == "1.2345"
    assert confirmed.units_minor == 7_980_73
    assert units_of(buyer, fund) == {"units": 7_980_73, "held": 0}
    assert wallet(buyer.wallet_id) == {"balance": 10_000_00, "held": 0}
    assert Holding.objects.get(account_id__isnull=False).cost_minor == 10_000_00
    assert ledger_verify().ok


def test_an_order_after_the_cut_off_is_priced_at_the_next_dates_nav(buyer, fund, now):
    late = now.replace(hour=8)  # 16:00 in Shanghai
    order = _subscribe(buyer, fund, late)
    assert order.trade_date == TODAY + D

    nav(fund, TODAY, now, "1.2345")
    assert wealth_cob(TODAY, late)["wealth.orders_confirm"]["confirmed"] == 0


def test_an_order_waits_for_its_nav_and_says_why(buyer, fund, now):
    order = _subscribe(buyer, fund, now)

    result = wealth_cob(TODAY, now + timedelta(hours=16))

    assert result["wealth.nav_check"]["missing"] == [fund.code]
    assert result["wealth.orders_confirm"]["waiting"] == 1
    waiting = Order.objects.get(id=order.id)
    assert waiting.state == "submitted" and "no NAV" in waiting.last_error
    nav(fund, TODAY, now, "1.2345")
    assert wealth_cob(TODAY + D, now + D)["wealth.orders_confirm"]["confirmed"] == 1


def test_a_redemption_within_7_days_pays_at_least_the_1_5_percent_fee(buyer, fund, now):
    _subscribe(buyer, fund, now)
    nav(fund, TODAY, now, "1.2345")
    wealth_cob(TODAY, now + timedelta(hours=16))
    for day in (1, 2, 3):
        nav(fund, TODAY + day * D, now, "1.2400" if day < 3 else "1.2500")

    later = now + 3 * D
    order = order_redeem(actor=actor_for(buyer), product_id=fund.id, units_minor=1_000_00,
                         idempotency_key="r1", now=later)  # fmt: skip
    assert units_of(buyer, fund) == {"units": 7_980_73, "held": 1_000_00}
    # An equity fund pays on T+2: the close of business of T+1 confirms it.
    assert order.confirm_on == order.trade_date + D == TODAY + 4 * D
    wealth_cob(TODAY + 3 * D, later + timedelta(hours=16))
    assert Order.objects.get(id=order.id).state == "submitted"
    wealth_cob(TODAY + 4 * D, later + timedelta(hours=40))

    redeemed = Order.objects.get(id=order.id)
    assert (redeemed.amount_minor, redeemed.fee_minor, redeemed.payout_minor) == (
        1_250_00, 18_75, 1_231_25,
    )  # fmt: skip
    assert units_of(buyer, fund) == {"units": 6_980_73, "held": 0}
    assert wallet(buyer.wallet_id)["balance"] == 10_000_00 + 1_231_25
    assert ledger_verify().ok


def test_a_nav_fund_order_can_be_cancelled_until_the_cut_off(buyer, fund, now):
    order = _subscribe(buyer, fund, now)

    cancelled = order_cancel(
        actor=actor_for(buyer), order_id=order.id, now=now + timedelta(hours=1)
    )

    assert cancelled.state == "cancelled"
    assert wallet(buyer.wallet_id) == {"balance": 20_000_00, "held": 0}
    with pytest.raises(errors.OrderNotCancellable):
        order_cancel(actor=actor_for(buyer), order_id=order.id, now=now)


def test_past_the_cut_off_an_order_stands(buyer, fund, now):
    order = _subscribe(buyer, fund, now)

    with pytest.raises(errors.OrderNotCancellable):
        order_cancel(actor=actor_for(buyer), order_id=order.id, now=now.replace(hour=7, minute=1))


def test_the_same_key_returns_the_same_order_and_another_order_under_it_is_refused(
    buyer, fund, now
):
    first = _subscribe(buyer, fund, now)
    again = _subscribe(buyer, fund, now)
    assert again.id == first.id
    assert wallet(buyer.wallet_id)["held"] == 10_000_00
    with pytest.raises(errors.IdempotencyKeyReused):
        _subscribe(buyer, fund, now, amount=5_000_00)


def test_a_wallet_short_of_the_amount_refuses_the_order_and_changes_nothing(buyer, fund, now):
    with pytest.raises(errors.InsufficientFunds):
        _subscribe(buyer, fund, now, amount=30_000_00)
    assert Order.objects.count() == 0
    assert wallet(buyer.wallet_id) == {"balance": 20_000_00, "held": 0}


def test_a_customer_above_whose_level_the_product_is_cannot_buy_it(
    make_customer, assessed, fund, now
):
    user = make_customer()
    assessed(user, "C3")
    funded_wallet(user, 20_000_00, now)
    with pytest.raises(errors.NotSuitable) as refused:
        _subscribe(user, fund, now)
    assert refused.value.details["outcome"] == "refused"
    assert Order.objects.count() == 0


def test_without_the_documents_acknowledged_nothing_is_bought(buyer, fund, now):
    with pytest.raises(errors.DocumentsNotAcknowledged):
        order_subscribe(actor=actor_for(buyer), product_id=fund.id, amount_minor=10_000_00,
                        idempotency_key="k", now=now)  # fmt: skip


def test_an_acknowledgement_serves_one_order(buyer, fund, now):
    _subscribe(buyer, fund, now, amount=1_000_00, key="a")
    with pytest.raises(errors.DocumentsNotAcknowledged):
        order_subscribe(actor=actor_for(buyer), product_id=fund.id, amount_minor=1_000_00,
                        idempotency_key="b", now=now)  # fmt: skip


def test_an_amount_below_the_minimum_is_refused(buyer, fund, now):
    with pytest.raises(errors.AmountInvalid) as refused:
        _subscribe(buyer, fund, now, amount=9_99)
    assert refused.value.details["reason"] == "below_minimum"


def test_redeeming_more_than_is_held_is_refused(buyer, fund, now):
    _subscribe(buyer, fund, now)
    nav(fund, TODAY, now, "1.2345")
    wealth_cob(TODAY, now + timedelta(hours=16))
    with pytest.raises(errors.InsufficientUnits):
        order_redeem(actor=actor_for(buyer), product_id=fund.id, units_minor=8_000_00,
                     idempotency_key="r", now=now + D)  # fmt: skip
    assert Order.objects.filter(kind="redeem").count() == 0


def test_documents_read_with_the_order_are_acknowledged_with_it_or_not_at_all(buyer, fund, now):
    from hujin.products.selectors import product_get
    from hujin.wealth.models import DocumentsAcknowledgement, SuitabilityRecord

    read = [d.id for d in product_get(product_id=fund.id).documents]
    with pytest.raises(errors.InsufficientFunds):
        order_subscribe(actor=actor_for(buyer), product_id=fund.id, amount_minor=30_000_00,
                        idempotency_key="big", now=now, documents_read=read)  # fmt: skip
    assert DocumentsAcknowledgement.objects.count() == 0
    assert SuitabilityRecord.objects.count() == 1  # the decision is recorded all the same

    order = order_subscribe(actor=actor_for(buyer), product_id=fund.id, amount_minor=1_000_00,
                            idempotency_key="ok", now=now, documents_read=read)  # fmt: skip

    assert order.state == "submitted"
    assert DocumentsAcknowledgement.objects.get().used_at == now
