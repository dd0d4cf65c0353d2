"""The suggested portfolio: over the products on sale at or below the customer's level, from
their published history; in words and a bar on the portal; the questionnaire first for a
customer without a valid assessment."""

import math
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from hujin.core.dates import business_date_get
from hujin.products.services import nav_publish
from hujin.wealth.selectors import advice_for
from tests.products.conftest import checker, documents_dir, maker, operator  # noqa: F401
from tests.products.factories import TODAY, fund_draft, mmf_draft, on_sale
from tests.wealth.conftest import actor_for

pytestmark = pytest.mark.django_db
DAYS = 60


@pytest.fixture
def catalogue(maker, checker, operator, now):  # noqa: F811 -- the products' fixtures
    """Cash (R1), a bond fund (R2) and an equity fund (R4), on sale with 60 days of history."""
    business_date_get(now=now)
    cash = on_sale(maker, checker, mmf_draft(), now)
    bond_draft = fund_draft(code="HJ-BD-01", subtype="bond", risk_level="R2", name_zh="互金纯债",
                            name_en="Hujin Bond")  # fmt: skip
    bond = on_sale(maker, checker, bond_draft, now)
    equity = on_sale(maker, checker, fund_draft(), now)
    navs = {bond.id: Decimal(1), equity.id: Decimal(1)}
    for d in range(DAYS):
        day = TODAY - timedelta(days=DAYS - 1 - d)
        nav_publish(actor=operator, product_id=cash.id, business_date_of=day,
                    income_per_10k=Decimal("0.6000"), business_date=TODAY, now=now)  # fmt: skip
        for product_id, drift, swing, period in ((bond.id, 0.00015, 0.001, 5.3),
                                                 (equity.id, 0.0006, 0.012, 9.1)):  # fmt: skip
            move = drift + swing * math.sin(d * 2 * math.pi / period)
            navs[product_id] = (navs[product_id] * Decimal(str(1 + move))).quantize(
                Decimal("0.0001")
            )
            nav_publish(actor=operator, product_id=product_id, business_date_of=day,
                        nav=navs[product_id], cumulative_nav=navs[product_id],
                        business_date=TODAY, now=now)  # fmt: skip
    return {"cash": cash, "bond": bond, "equity": equity}


class TestTheSuggestion:
    def test_it_holds_only_products_at_or_below_the_customers_level(
        self, catalogue, make_customer, assessed, now
    ):
        user = make_customer()
        assessed(user, "C1")

        advice = advice_for(actor=actor_for(user), now=now, on=TODAY)

        assert {line.code for line in advice.lines} <= {"HJ-MMF-01"}
        assert sum(line.percent for line in advice.lines) == 100

    def test_a_bolder_customer_gets_the_funds_too(self, catalogue, make_customer, assessed, now):
        user = make_customer()
        assessed(user, "C5")

        advice = advice_for(actor=actor_for(user), now=now, on=TODAY)

        assert "HJ-EQ-01" in {line.code for line in advice.lines}
        assert advice.days == DAYS - 1 and advice.low < advice.expected_return < advice.high

    def test_without_an_assessment_there_is_none(self, catalogue, make_customer, now):
        advice = advice_for(actor=actor_for(make_customer()), now=now, on=TODAY)

        assert advice.missing == "no_assessment" and advice.lines == ()


class TestThePage:
    def test_it_shows_the_mix_in_words(self, catalogue, make_customer, assessed):
        user = make_customer()
        assessed(user, "C3", at=timezone.now())  # the page reads the wall clock
        client = Client()
        client.force_login(user)

        page = client.get("/wealth/advice/", headers={"accept-language": "zh-hans"})

        text = page.content.decode()
        assert page.status_code == 200
        assert "互金现金宝" in text and 'data-testid="advice-bar"' in text
        assert "%" in text and "一年" in text

    def test_a_customer_without_an_assessment_is_sent_to_the_questionnaire(
        self, catalogue, make_customer
    ):
        client = Client()
        client.force_login(make_customer())

        page = client.get("/wealth/advice/")

        assert page.status_code == 200 and "/suitability/questionnaire/" in page.content.decode()


def test_a_funds_daily_return_counts_its_dividends(maker, checker, operator, now):  # noqa: F811
    """A fund that paid out dividends has a cumulative NAV above its NAV: a day's gain of 0.01
    on a unit worth 1.00 is 1 %, not 0.01 / 2.00."""
    from hujin.wealth.selectors import _history

    business_date_get(now=now)
    product = on_sale(maker, checker, fund_draft(), now)
    for day, nav, cumulative in ((TODAY - timedelta(days=1), "1.0000", "2.0000"),
                                 (TODAY, "1.0100", "2.0100")):  # fmt: skip
        nav_publish(actor=operator, product_id=product.id, business_date_of=day,
                    nav=Decimal(nav), cumulative_nav=Decimal(cumulative), business_date=TODAY,
                    now=now)  # fmt: skip
    from hujin.products.selectors import product_get

    history = _history(product_get(product_id=product.id), TODAY)

    assert history.returns and history.values == {TODAY: pytest.approx(0.01)}


class TestRebalancing:
    def test_holdings_far_from_the_mix_are_shown_the_moves_back_to_it(
        self, catalogue, make_customer, assessed, now
    ):
        from hujin.wealth.services import order_subscribe
        from tests.wealth.orders_helpers import acknowledged, funded_wallet, wealth_cob

        user = make_customer()
        assessed(user, "C3", at=timezone.now())
        funded_wallet(user, 50_000_00, now)
        acknowledged(user, catalogue["cash"], now)
        order_subscribe(actor=actor_for(user), product_id=catalogue["cash"].id,
                        amount_minor=20_000_00, idempotency_key="k", now=now)  # fmt: skip
        wealth_cob(TODAY, now + timedelta(hours=16))
        client = Client()
        client.force_login(user)

        page = client.get("/wealth/advice/", headers={"accept-language": "en"})

        text = page.content.decode()
        assert 'data-testid="rebalancing"' in text
        assert "have drifted from the mix" in text
        assert "Buy <span" in text and "Redeem <span" in text and "Hujin Bond" in text
        assert "% now," in text
