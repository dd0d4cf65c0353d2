"""The close of business as a whole: its wealth steps in their documented order, run twice
equal to once, and a run that dies in the middle of a step finishes on the next attempt with
the ledger whole."""

from datetime import timedelta

import pytest

from hujin.core.actors import system_actor
from hujin.core.cob import cob_run, cob_steps
from hujin.core.models import CobRun
from hujin.ledger.models import Account
from hujin.ledger.verify import ledger_verify
from hujin.wealth import confirm
from hujin.wealth.models import IncomeDistribution, Order
from hujin.wealth.services import order_subscribe
from tests.products.factories import TODAY, mmf_draft
from tests.products.factories import on_sale as put_on_sale
from tests.wealth.conftest import CHECKER, MAKER, actor_for
from tests.wealth.orders_helpers import D, acknowledged, funded_wallet, income

pytestmark = pytest.mark.django_db
COB = system_actor("test-cob")


class Crash(BaseException):
    """A process dying: not an Exception, so no step's own error handling catches it."""


@pytest.fixture
def mmf(db, now, documents_dir):
    from hujin.core.dates import business_date_get

    business_date_get(now=now)
    return put_on_sale(MAKER, CHECKER, mmf_draft(), now)


@pytest.fixture
def orders(make_customer, assessed, mmf, now):
    """Three customers' subscriptions of the fund, placed today."""
    placed = []
    for amount in (10_000_00, 3_333_33, 12_345_67):
        user = make_customer()
        assessed(user, "C1")
        funded_wallet(user, 50_000_00, now)
        acknowledged(user, mmf, now)
        order = order_subscribe(actor=actor_for(user), product_id=mmf.id, amount_minor=amount,
                                idempotency_key="k", now=now)  # fmt: skip
        placed.append(order)
    return placed


def _ledger_state() -> list:
    return sorted(Account.objects.values_list("id", "debits_pending", "debits_posted",
                                              "credits_pending", "credits_posted"))  # fmt: skip


def test_the_wealth_steps_run_in_their_documented_order():
    names = [s.name for s in cob_steps() if s.name.startswith("wealth.")]
    assert names == [
        "wealth.nav_check", "wealth.income_distribute", "wealth.cooling_off_release",
        "wealth.orders_confirm", "wealth.raise_close", "wealth.maturity_pay",
    ]  # fmt: skip


def test_a_close_of_business_run_twice_is_run_once(orders, mmf, now):
    income(mmf, TODAY, now, "0.5000")
    evening = now + timedelta(hours=16)
    first = cob_run(business_date=TODAY, now=evening, actor=COB)
    assert first.status == "done"
    state = _ledger_state()

    again = cob_run(business_date=TODAY, now=evening, actor=COB)

    assert again.was_already_completed
    assert _ledger_state() == state
    assert Order.objects.filter(state="confirmed").count() == 3


# Committed as in production: the step's per-order transactions are what a crash leaves behind.
@pytest.mark.django_db(transaction=True)
def test_a_close_of_business_killed_mid_step_resumes_and_finishes(orders, mmf, now, monkeypatch):
    income(mmf, TODAY, now, "0.5000")
    evening = now + timedelta(hours=16)
    real = confirm.order_confirm_now
    calls = {"n": 0}

    def dies_on_the_second(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise Crash()
        return real(*args, **kwargs)

    monkeypatch.setattr("hujin.wealth.cob_orders.order_confirm_now", dies_on_the_second)
    with pytest.raises(Crash):
        cob_run(business_date=TODAY, now=evening, actor=COB)
    assert Order.objects.filter(state="confirmed").count() == 1
    assert CobRun.objects.get(business_date=TODAY).status == "running"
    assert ledger_verify().ok

    monkeypatch.setattr("hujin.wealth.cob_orders.order_confirm_now", real)
    resumed = cob_run(business_date=TODAY, now=evening + timedelta(minutes=5), actor=COB)

    assert resumed.status == "done"
    assert Order.objects.filter(state="confirmed").count() == 3
    assert IncomeDistribution.objects.count() == 1
    assert ledger_verify().ok


def test_a_close_of_business_that_was_not_run_for_days_catches_up_date_by_date(orders, mmf, now):
    from hujin.core.cob import cob_run_due

    for day in range(3):
        income(mmf, TODAY + day * D, now + day * D, "0.5000")
    runs = cob_run_due(now=now + 3 * D, actor=COB)

    assert [r.business_date for r in runs] == [TODAY, TODAY + D, TODAY + 2 * D]
    assert all(r.status == "done" for r in runs)
    distributions = IncomeDistribution.objects.order_by("business_date")
    # Confirmed at the first close of business, the units earned from the second date on.
    assert [d.holders for d in distributions] == [0, 3, 3]
    assert ledger_verify().ok
