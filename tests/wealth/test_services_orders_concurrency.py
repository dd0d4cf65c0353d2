"""Two app servers sharing PostgreSQL: orders placed at the same moment against one wallet
never spend more than it holds, and against one per-customer cap never pass it together."""

import pytest

from hujin.ledger.verify import ledger_verify
from hujin.wealth import errors
from hujin.wealth.models import Order
from hujin.wealth.services import order_subscribe
from tests.products.factories import fixed_draft
from tests.products.factories import on_sale as put_on_sale
from tests.threads import together
from tests.wealth.conftest import CHECKER, MAKER, actor_for
from tests.wealth.orders_helpers import acknowledged, funded_wallet, wallet

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ORDERS = 8


_together = together


def _orders_at_once(user, product, amount, now):
    for _ in range(ORDERS):
        acknowledged(user, product, now)

    def order(key):
        return lambda: order_subscribe(
            actor=actor_for(user), product_id=product.id, amount_minor=amount,
            idempotency_key=key, now=now,
        )  # fmt: skip

    return _together([order(f"k{i}") for i in range(ORDERS)])


def test_orders_at_once_never_spend_more_than_the_wallet_holds(
    make_customer, assessed, make_product, now
):
    user = make_customer()
    assessed(user, "C5")
    wallet_id = funded_wallet(user, 50_000_00, now)
    fund = make_product("R4")

    results, failures = _orders_at_once(user, fund, 10_000_00, now)

    assert len(results) == 5
    assert [type(f) for f in failures] == [errors.InsufficientFunds] * 3
    assert wallet(wallet_id) == {"balance": 50_000_00, "held": 50_000_00}
    assert Order.objects.count() == 5
    assert ledger_verify().ok


def test_orders_at_once_never_pass_the_per_customer_cap_together(
    make_customer, assessed, now, documents_dir
):
    from hujin.core.dates import business_date_get

    business_date_get(now=now)
    product = put_on_sale(MAKER, CHECKER, fixed_draft(per_customer_cap_minor=300_000_00), now)
    user = make_customer()
    assessed(user, "C3")
    wallet_id = funded_wallet(user, 1_000_000_00, now)

    results, failures = _orders_at_once(user, product, 100_000_00, now)

    assert len(results) == 3
    assert [type(f) for f in failures] == [errors.OverCap] * 5
    assert wallet(wallet_id)["held"] == 300_000_00
    assert ledger_verify().ok
