"""The close of business at its edges: a fundraising decided once and for all, orders in
cooling-off left alone, income published late, keys the house keeps for itself, a redemption
rounded once, yesterday's earnings of units bought yesterday, a holding the ledger refuses."""

from datetime import timedelta

import pytest

from hujin.core.actors import system_actor
from hujin.customers.models import Customer
from hujin.ledger.services import account_set_closed
from hujin.ledger.verify import ledger_verify
from hujin.wealth import cob_orders, errors
from hujin.wealth.accounts import holding_account_id
from hujin.wealth.models import DistributionShortfall, Fundraising, IncomeDistribution, Order
from hujin.wealth.selectors import my_holdings
from hujin.wealth.services import order_subscribe
from tests.products.factories import TODAY, fixed_draft, mmf_draft
from tests.products.factories import on_sale as put_on_sale
from tests.wealth.conftest import CHECKER, MAKER, actor_for
from tests.wealth.orders_helpers import (
    D,
    acknowledged,
    funded_wallet,
    income,
    nav,
    units_of,
    wallet,
    wealth_cob,
)

pytestmark = pytest.mark.django_db
RAISE_END = TODAY + 10 * D
EVENING = timedelta(hours=16)  # 18:00 in Shanghai


@pytest.fixture
def customer(make_customer, assessed, now):
    def make(level="C3", amount=200_000_00):
        user = make_customer()
        assessed(user, level)
        user.wallet_id = funded_wallet(user, amount, now)
        return user

    return make


def _on_sale(draft, now):
    from hujin.core.dates import business_date_get

    business_date_get(now=now)
    return put_on_sale(MAKER, CHECKER, draft, now)


def _buy(user, product, amount, now, key="k"):
    acknowledged(user, product, now)
    return order_subscribe(actor=actor_for(user), product_id=product.id, amount_minor=amount,
                           idempotency_key=key, now=now)  # fmt: skip


def _at(day, now, evening=EVENING):
    return now + (day - TODAY).days * D + evening


class TestAFundraising:
    def test_its_outcome_is_decided_once_and_a_retry_keeps_it(self, customer, now, monkeypatch):
        product = _on_sale(fixed_draft(min_raise_minor=300_000_00), now)
        first, second, third = customer(), customer(), customer()
        orders = [_buy(u, product, 100_000_00, now + i * timedelta(seconds=1))
                  for i, u in enumerate((first, second, third))]  # fmt: skip
        wealth_cob(TODAY + D, _at(TODAY + D, now))
        # The second's holding is closed: the ledger refuses its units, which releases its
        # order and lowers the total below the minimum. The third's fails this once.
        second_customer = Customer.objects.get(user=second)
        account_set_closed(account_id=holding_account_id(second_customer.id, product.code),
                           closed=True, actor=system_actor("ops"), now=now)  # fmt: skip
        real = cob_orders.order_confirm_now

        def fails_for_the_third(order, *args, **kwargs):
            if order.id == orders[2].id:
                raise RuntimeError("the database went away")
            return real(order, *args, **kwargs)

        monkeypatch.setattr(cob_orders, "order_confirm_now", fails_for_the_third)
        closed = wealth_cob(RAISE_END, _at(RAISE_END, now))["wealth.raise_close"]["closed"][0]
        assert (closed["outcome"], closed["settled"]) == ("raised", False)
        monkeypatch.setattr(cob_orders, "order_confirm_now", real)

        again = wealth_cob(RAISE_END, _at(RAISE_END, now))["wealth.raise_close"]["closed"][0]

        assert (again["outcome"], again["settled"]) == ("raised", True)
        assert units_of(first, product)["units"] == units_of(third, product)["units"] == 100_000_00
        assert Order.objects.get(id=orders[1].id).state == "failed"
        assert ledger_verify().ok

    def test_once_decided_it_takes_no_order(self, customer, now):
        product = _on_sale(fixed_draft(min_raise_minor=100_000_00, cooling_off=False), now)
        _buy(customer(), product, 100_000_00, now)
        wealth_cob(RAISE_END, _at(RAISE_END, now))
        assert Fundraising.objects.get().outcome == "raised"

        with pytest.raises(errors.OrderNotAllowed):
            _buy(customer(), product, 100_000_00, _at(RAISE_END, now))

    def test_an_order_in_its_cooling_off_is_not_confirmed_by_an_early_close(self, customer, now):
        product = _on_sale(fixed_draft(min_raise_minor=100_000_00), now)
        user = customer()
        # Placed at 20:00 the day before the last: its cooling-off ends at 20:00 on the last day.
        order = _buy(user, product, 100_000_00, _at(RAISE_END - D, now, timedelta(hours=12)))

        early = wealth_cob(RAISE_END, _at(RAISE_END, now, timedelta(hours=10)))

        assert early["wealth.raise_close"]["closed"][0]["waiting"] == 1
        assert Order.objects.get(id=order.id).state == "submitted"
        wealth_cob(RAISE_END + D, _at(RAISE_END + D, now))
        assert Order.objects.get(id=order.id).state == "confirmed"


class TestMaturity:
    def test_a_customer_cannot_take_the_key_the_house_keeps_for_payouts(self, customer, now):
        product = _on_sale(fixed_draft(min_raise_minor=100_000_00), now)
        with pytest.raises(errors.IdempotencyKeyInvalid):
            _buy(customer(), product, 100_000_00, now, key=f"hujin:maturity:{product.code}")

    def test_a_holding_left_empty_gets_no_payout_order(self, customer, now):
        product = _on_sale(fixed_draft(min_raise_minor=100_000_00), now)
        stays, leaves = customer(), customer()
        _buy(stays, product, 100_000_00, now)
        order = _buy(leaves, product, 100_000_00, now, key="leaves")
        from hujin.wealth.services import order_cancel

        order_cancel(actor=actor_for(leaves), order_id=order.id, now=now + timedelta(hours=1))
        wealth_cob(RAISE_END, _at(RAISE_END, now))
        maturity = TODAY + 101 * D

        paid = wealth_cob(maturity, _at(maturity, now))["wealth.maturity_pay"]

        assert paid == {"paid": 1, "failed": 0}
        assert Order.objects.filter(kind="maturity").count() == 1
        assert wallet(leaves.wallet_id)["balance"] == 200_000_00


class TestMoneyMarketIncome:
    def test_income_published_late_is_distributed_by_the_next_close(self, customer, now):
        mmf = _on_sale(mmf_draft(), now)
        user = customer("C1")
        _buy(user, mmf, 10_000_00, now)
        income(mmf, TODAY, now, "0.5000")
        wealth_cob(TODAY, _at(TODAY, now))
        waiting = wealth_cob(TODAY + D, _at(TODAY + D, now))["wealth.income_distribute"]
        assert waiting["waiting"] == [f"{mmf.code} {(TODAY + D).isoformat()}"]

        income(mmf, TODAY + D, now, "0.6789")
        income(mmf, TODAY + 2 * D, now, "0.6789")
        wealth_cob(TODAY + 2 * D, _at(TODAY + 2 * D, now))

        days = IncomeDistribution.objects.order_by("business_date")
        assert [d.business_date for d in days] == [TODAY, TODAY + D, TODAY + 2 * D]
        assert units_of(user, mmf)["units"] == 10_000_00 + 68 + 68

    def test_a_holding_the_ledger_refuses_is_kept_as_a_shortfall_and_the_rest_are_paid(
        self, customer, now
    ):
        mmf = _on_sale(mmf_draft(), now)
        paid, refused = customer("C1"), customer("C1")
        for user in (paid, refused):
            _buy(user, mmf, 10_000_00, now)
        wealth_cob(TODAY, _at(TODAY, now))
        closed = Customer.objects.get(user=refused)
        account_set_closed(account_id=holding_account_id(closed.id, mmf.code), closed=True,
                           actor=system_actor("ops"), now=now)  # fmt: skip
        income(mmf, TODAY, now, "0.5000")
        income(mmf, TODAY + D, now, "0.6789")

        wealth_cob(TODAY + D, _at(TODAY + D, now))

        distribution = IncomeDistribution.objects.get(business_date=TODAY + D)
        assert (distribution.declared_minor, distribution.distributed_minor) == (1_36, 68)
        shortfall = DistributionShortfall.objects.get()
        assert (shortfall.amount_minor, shortfall.code) == (68, "account_closed")
        assert units_of(paid, mmf)["units"] == 10_000_00 + 68
        assert ledger_verify().ok


class TestNavFunds:
    def test_yesterdays_earnings_leave_out_units_bought_at_yesterdays_price(
        self, customer, make_product, now
    ):
        fund = make_product("R4")
        user = customer("C5")
        nav(fund, TODAY - D, now, "1.2000")
        _buy(user, fund, 10_000_00, now)
        nav(fund, TODAY, now, "1.2345")
        wealth_cob(TODAY, _at(TODAY, now))
        from hujin.core.dates import business_date_set

        business_date_set(to_date=TODAY + D, actor=system_actor("cob"), now=_at(TODAY, now))

        [holding] = my_holdings(actor=actor_for(user), now=now + D)

        assert holding.yesterday_earnings_minor == 0
        assert holding.cumulative_earnings_minor == -147_79  # the fee, and rounding down units

    def test_a_redemption_is_rounded_once_however_many_lots_it_takes(
        self, customer, make_product, now
    ):
        from hujin.wealth.confirm import redemption_price
        from hujin.wealth.models import HoldingLot

        fund = make_product("R4")
        lots = [HoldingLot(units_minor=100, remaining_minor=100, confirmed_on=TODAY - 400 * D)
                for _ in range(2)]  # fmt: skip
        from decimal import Decimal

        from hujin.products.selectors import product_get

        product = product_get(product_id=fund.id)
        priced = redemption_price(lots, units_minor=200, price=Decimal("1.2345"),
                                  trade_date=TODAY, product=product)  # fmt: skip

        assert priced.gross_minor == 2_47  # 2.00 × 1.2345 = 2.469, not 1.23 + 1.23


def test_a_shortfall_is_paid_once_the_holding_can_take_it(customer, now):
    mmf = _on_sale(mmf_draft(), now)
    refused = customer("C1")
    _buy(refused, mmf, 10_000_00, now)
    wealth_cob(TODAY, _at(TODAY, now))
    account_id = holding_account_id(Customer.objects.get(user=refused).id, mmf.code)
    ops = system_actor("ops")
    account_set_closed(account_id=account_id, closed=True, actor=ops, now=now)
    income(mmf, TODAY, now, "0.5000")
    income(mmf, TODAY + D, now, "0.6789")
    wealth_cob(TODAY + D, _at(TODAY + D, now))
    assert DistributionShortfall.objects.get().paid_batch_id is None

    account_set_closed(account_id=account_id, closed=False, actor=ops, now=now)
    income(mmf, TODAY + 2 * D, now, "0.6789")
    step = wealth_cob(TODAY + 2 * D, _at(TODAY + 2 * D, now))["wealth.income_distribute"]

    assert step.get("shortfalls_paid") == 1, step["failed"]
    assert DistributionShortfall.objects.get().paid_batch_id is not None
    assert units_of(refused, mmf)["units"] == 10_000_00 + 68 + 68
    assert ledger_verify().ok
