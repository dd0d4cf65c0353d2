"""A money-market fund, worked through. Units cost 1.00; a subscription is confirmed by the
close of business of its day and earns from the next. The day's income per 10,000 units is
paid to every holder as units: each holding's exact share rounded down to the fen, and the
fen left over from the total declared given one by one to the largest fractions.

With income 0.6789 per 10,000 units, holdings of 10,000.00, 3,333.33 and 12,345.67 units
earn exactly 67.89, 22.6300 and 83.8148 fen: 174.3337 fen in all, declared as ¥1.74. Rounded
down they get 67 + 22 + 83 = 172 fen; the 2 fen left go to the largest fractions (.89 and
.81): 68, 22 and 84 fen, ¥1.74 exactly."""

from datetime import timedelta

import pytest

from hujin.ledger.verify import ledger_verify
from hujin.products.services import product_create
from hujin.wealth import errors
from hujin.wealth.models import IncomeDistribution, Order
from hujin.wealth.services import order_redeem, order_subscribe
from tests.products.factories import TODAY, mmf_draft
from tests.products.factories import on_sale as put_on_sale
from tests.wealth.conftest import CHECKER, MAKER, actor_for
from tests.wealth.orders_helpers import (
    D,
    acknowledged,
    funded_wallet,
    income,
    units_of,
    wallet,
    wealth_cob,
)

pytestmark = pytest.mark.django_db
EVENING = timedelta(hours=16)


@pytest.fixture
def mmf(db, now, documents_dir):
    from hujin.core.dates import business_date_get

    business_date_get(now=now)
    return put_on_sale(MAKER, CHECKER, mmf_draft(), now)


@pytest.fixture
def holder(make_customer, assessed, now):
    def make(amount_minor: int, assess: str = "C1"):
        user = make_customer()
        assessed(user, assess)
        user.wallet_id = funded_wallet(user, 50_000_00, now)
        return user

    return make


def _buy(user, mmf, amount, now, key="k"):
    acknowledged(user, mmf, now)
    return order_subscribe(actor=actor_for(user), product_id=mmf.id, amount_minor=amount,
                           idempotency_key=key, now=now)  # fmt: skip


def test_income_is_shared_to_the_fen_and_adds_up_to_what_was_declared(holder, mmf, now):
    owners = [holder(0) for _ in range(3)]
    for user, amount in zip(owners, (10_000_00, 3_333_33, 12_345_67), strict=True):
        _buy(user, mmf, amount, now)
    income(mmf, TODAY, now, "0.5000")
    first = wealth_cob(TODAY, now + EVENING)
    # Confirmed today, the units earn from tomorrow: today's income found no holder.
    assert first["wealth.orders_confirm"]["confirmed"] == 3
    assert first["wealth.income_distribute"]["holders"] == 0

    income(mmf, TODAY + D, now, "0.6789")
    second = wealth_cob(TODAY + D, now + D + EVENING)

    assert second["wealth.income_distribute"]["declared_minor"] == 1_74
    assert [units_of(u, mmf)["units"] for u in owners] == [
        10_000_00 + 68, 3_333_33 + 22, 12_345_67 + 84,
    ]  # fmt: skip
    distribution = IncomeDistribution.objects.get(business_date=TODAY + D)
    assert (distribution.declared_minor, distribution.distributed_minor) == (1_74, 1_74)
    assert (distribution.units_minor, distribution.holders) == (25_678_99 + 1, 3)
    assert ledger_verify().ok


def test_a_distribution_run_twice_pays_once(holder, mmf, now):
    user = holder(0)
    _buy(user, mmf, 10_000_00, now)
    income(mmf, TODAY, now, "0.5000")
    wealth_cob(TODAY, now + EVENING)
    income(mmf, TODAY + D, now, "0.6789")

    wealth_cob(TODAY + D, now + D + EVENING)
    again = wealth_cob(TODAY + D, now + D + EVENING)

    assert again["wealth.income_distribute"]["distributed"] == 0
    assert units_of(user, mmf)["units"] == 10_000_00 + 68
    assert IncomeDistribution.objects.count() == 2


def test_a_fast_redemption_pays_the_wallet_at_once_within_the_daily_quota(holder, mmf, now):
    user = holder(0)
    _buy(user, mmf, 30_000_00, now)
    income(mmf, TODAY, now, "0.5000")
    wealth_cob(TODAY, now + EVENING)
    tomorrow = now + D

    order = order_redeem(actor=actor_for(user), product_id=mmf.id, units_minor=6_000_00,
                         idempotency_key="f1", now=tomorrow, fast=True)  # fmt: skip

    assert order.state == "confirmed" and order.payout_minor == 6_000_00
    assert wallet(user.wallet_id) == {"balance": 50_000_00 - 30_000_00 + 6_000_00, "held": 0}
    with pytest.raises(errors.FastRedemptionQuota) as refused:
        order_redeem(actor=actor_for(user), product_id=mmf.id, units_minor=4_000_01,
                     idempotency_key="f2", now=tomorrow, fast=True)  # fmt: skip
    assert refused.value.details["left_minor"] == 4_000_00
    assert ledger_verify().ok


def test_a_normal_redemption_is_paid_by_the_close_of_business(holder, mmf, now):
    user = holder(0)
    _buy(user, mmf, 30_000_00, now)
    income(mmf, TODAY, now, "0.5000")
    wealth_cob(TODAY, now + EVENING)

    order = order_redeem(actor=actor_for(user), product_id=mmf.id, units_minor=20_000_00,
                         idempotency_key="n1", now=now + D)  # fmt: skip
    assert wallet(user.wallet_id)["balance"] == 20_000_00
    income(mmf, TODAY + D, now, "0.6789")
    wealth_cob(TODAY + D, now + D + EVENING)

    assert Order.objects.get(id=order.id).state == "confirmed"
    assert wallet(user.wallet_id)["balance"] == 40_000_00
    # The units being redeemed still earned the day's income: 30,000.00 × 0.6789 / 10,000.
    assert units_of(user, mmf) == {"units": 10_000_00 + 2_04, "held": 0}


def test_fast_redemption_is_for_money_market_funds_only(holder, make_product, now):
    user = holder(0, assess="C5")
    fund = make_product("R4")
    with pytest.raises(errors.OrderNotAllowed):
        order_redeem(actor=actor_for(user), product_id=fund.id, units_minor=100,
                     idempotency_key="x", now=now, fast=True)  # fmt: skip


def test_a_product_not_on_sale_cannot_be_bought(holder, now):
    from hujin.products.errors import ProductNotFound

    draft = product_create(actor=MAKER, draft=mmf_draft(code="HJ-MMF-09"), now=now)
    user = holder(0)
    with pytest.raises(ProductNotFound):
        order_subscribe(actor=actor_for(user), product_id=draft.id, amount_minor=100,
                        idempotency_key="x", now=now)  # fmt: skip


def test_a_customers_data_download_lists_their_orders_and_holdings(holder, mmf, now):
    from hujin.wealth.personal_data import wealth_export

    user = holder(0)
    _buy(user, mmf, 1_000_00, now)

    exported = wealth_export(user.pk)

    assert [(o["product"], o["kind"], o["amount_minor"]) for o in exported["orders"]] == [
        ("HJ-MMF-01", "subscribe", 1_000_00)
    ]
    assert [h["product"] for h in exported["holdings"]] == ["HJ-MMF-01"]
