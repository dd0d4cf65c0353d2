"""A fixed-term product, worked through: subscriptions during the fundraising are held in the
wallet, cancellable during a 24-hour cooling-off; when the window closes the product is raised
if the subscriptions reach its minimum (the orders confirmed, a unit per yuan) or fails (every
order refunded). At maturity each holding is paid its principal and the interest from the value
date, actual/365: ¥100,000.00 at 3.85 % for 90 days earns 100,000 × 0.0385 × 90 ÷ 365 =
¥949.315..., paid as ¥949.32 (half up, once): ¥100,949.32."""

from datetime import timedelta

import pytest

from hujin.core.dates import business_date_get
from hujin.ledger.verify import ledger_verify
from hujin.wealth import errors
from hujin.wealth.models import Fundraising, Order
from hujin.wealth.services import order_cancel, order_subscribe
from tests.products.factories import TODAY, fixed_draft
from tests.products.factories import on_sale as put_on_sale
from tests.wealth.conftest import CHECKER, MAKER, actor_for
from tests.wealth.orders_helpers import D, acknowledged, funded_wallet, units_of, wallet, wealth_cob

pytestmark = pytest.mark.django_db
RAISE_END = TODAY + 10 * D
MATURITY = TODAY + 101 * D


@pytest.fixture
def investor(make_customer, assessed, now):
    def make(amount=200_000_00):
        user = make_customer()
        assessed(user, "C3")
        user.wallet_id = funded_wallet(user, amount, now)
        return user

    return make


def _product(now, **changes):
    business_date_get(now=now)
    return put_on_sale(MAKER, CHECKER, fixed_draft(**changes), now)


def _subscribe(user, product, amount, now, key="k"):
    acknowledged(user, product, now)
    return order_subscribe(actor=actor_for(user), product_id=product.id, amount_minor=amount,
                           idempotency_key=key, now=now)  # fmt: skip


def _close(day, now):
    return wealth_cob(day, now + (day - TODAY).days * D + timedelta(hours=16))


def test_a_raise_that_reaches_its_minimum_confirms_and_pays_interest_at_maturity(investor, now):
    product = _product(now, min_raise_minor=100_000_00)
    user = investor()
    order = _subscribe(user, product, 100_000_00, now)
    assert order.cooling_off_until == now + timedelta(hours=24)
    assert order.confirm_on == RAISE_END

    _close(TODAY + D, now)
    assert Order.objects.get(id=order.id).cooling_off_ended_on == TODAY + D
    closed = _close(RAISE_END, now)

    assert closed["wealth.raise_close"]["closed"][0]["outcome"] == "raised"
    assert units_of(user, product) == {"units": 100_000_00, "held": 0}
    assert wallet(user.wallet_id) == {"balance": 100_000_00, "held": 0}

    paid = _close(MATURITY, now)

    assert paid["wealth.maturity_pay"] == {"paid": 1, "failed": 0}
    assert wallet(user.wallet_id)["balance"] == 100_000_00 + 100_949_32
    assert units_of(user, product)["units"] == 0
    payout = Order.objects.get(kind="maturity")
    assert (payout.state, payout.payout_minor) == ("confirmed", 100_949_32)
    assert _close(MATURITY, now)["wealth.maturity_pay"] == {"paid": 0, "failed": 0}
    assert ledger_verify().ok


def test_a_failed_raise_refunds_every_order_in_full(investor, now):
    product = _product(now)  # a minimum of ¥5,000,000.00
    users = [investor() for _ in range(2)]
    for user in users:
        _subscribe(user, product, 100_000_00, now)

    closed = _close(RAISE_END, now)

    assert closed["wealth.raise_close"]["closed"][0]["outcome"] == "failed"
    assert [wallet(u.wallet_id) for u in users] == [{"balance": 200_000_00, "held": 0}] * 2
    assert set(Order.objects.values_list("state", "failure_code")) == {("failed", "raise_failed")}
    assert Fundraising.objects.get().outcome == "failed"
    assert ledger_verify().ok


def test_within_the_cooling_off_an_order_is_cancelled_for_a_full_refund(investor, now):
    product = _product(now)
    user = investor()
    order = _subscribe(user, product, 100_000_00, now)

    cancelled = order_cancel(actor=actor_for(user), order_id=order.id,
                             now=now + timedelta(hours=23))  # fmt: skip

    assert cancelled.state == "cancelled"
    assert wallet(user.wallet_id) == {"balance": 200_000_00, "held": 0}
    assert Fundraising.objects.get().subscribed_minor == 0


def test_after_the_cooling_off_the_order_can_no_longer_be_cancelled(investor, now):
    product = _product(now)
    user = investor()
    order = _subscribe(user, product, 100_000_00, now)
    with pytest.raises(errors.OrderNotCancellable):
        order_cancel(actor=actor_for(user), order_id=order.id, now=now + timedelta(hours=24))


def test_an_order_whose_cooling_off_would_outlast_the_fundraising_is_refused(investor, now):
    product = _product(now)
    user = investor()
    last_day = now + 10 * D  # 10:00 on the last day: the cooling-off would end after midnight
    with pytest.raises(errors.OrderNotAllowed) as refused:
        _subscribe(user, product, 100_000_00, last_day)
    assert refused.value.details["reason"] == "cooling_off_past_fundraising"


def test_a_subscription_past_the_products_size_is_refused(investor, now):
    product = _product(now, max_size_minor=150_000_00, min_raise_minor=100_000_00)
    first, second = investor(), investor()
    _subscribe(first, product, 100_000_00, now)
    with pytest.raises(errors.OrderNotAllowed) as refused:
        _subscribe(second, product, 100_000_00, now)
    assert refused.value.details == {"reason": "product_full", "left_minor": 50_000_00}
    assert wallet(second.wallet_id)["held"] == 0


def test_the_per_customer_cap_counts_open_orders(investor, now):
    product = _product(now, per_customer_cap_minor=150_000_00)
    user = investor()
    _subscribe(user, product, 100_000_00, now, key="a")
    with pytest.raises(errors.OverCap) as refused:
        _subscribe(user, product, 100_000_00, now, key="b")
    assert refused.value.details["left_minor"] == 50_000_00
