"""The public reads the wealth module will use: what can be bought, a product's view, the
NAV / income series and the latest on a date, and fees on a product's schedule."""

from datetime import timedelta
from decimal import Decimal

import pytest

from hujin.products.selectors import (
    nav_latest,
    nav_series,
    product_buyable,
    product_get,
    products_on_sale,
    redemption_fee_for,
    subscription_fee_for,
)
from hujin.products.services import nav_publish, product_create, product_suspend
from tests.products.factories import TODAY, approved, fixed_draft, fund_draft, mmf_draft, on_sale

pytestmark = pytest.mark.django_db
D = timedelta(days=1)


class TestProductBuyable:
    def test_only_a_product_on_sale_whose_date_has_come_is_buyable(self, maker, checker, now):
        later = on_sale(maker, checker, mmf_draft(), now, from_date=TODAY + 2 * D)
        draft = product_create(actor=maker, draft=fund_draft(code="HJ-EQ-09"), now=now)

        assert not product_buyable(later.id, on=TODAY)
        assert product_buyable(later.id, on=TODAY + 2 * D)
        assert not product_buyable(draft.id, on=TODAY)

    def test_an_approved_or_suspended_product_is_not(self, maker, checker, now):
        waiting = approved(maker, checker, mmf_draft(), now)
        selling = on_sale(maker, checker, fund_draft(), now)
        product_suspend(actor=maker, product_id=selling.id, reason="x", now=now)

        assert not product_buyable(waiting.id, on=TODAY)
        assert not product_buyable(selling.id, on=TODAY)

    def test_a_fixed_term_product_only_inside_its_fundraising_window(self, maker, checker, now):
        product = on_sale(maker, checker, fixed_draft(), now)
        assert product_buyable(product.id, on=TODAY)
        assert not product_buyable(product.id, on=product.raise_end_date + D)

    def test_an_unknown_product_is_not(self):
        assert not product_buyable("not-a-uuid", on=TODAY)


class TestProductsOnSale:
    def test_filters_by_kind_risk_level_and_term(self, maker, checker, now):
        on_sale(maker, checker, mmf_draft(), now)
        on_sale(maker, checker, fund_draft(), now)
        on_sale(maker, checker, fixed_draft(), now)

        assert [v.code for v in products_on_sale(on=TODAY)] == ["HJ-MMF-01", "HJ-FT-90", "HJ-EQ-01"]
        assert [v.code for v in products_on_sale(on=TODAY, kind="nav_fund")] == ["HJ-EQ-01"]
        assert [v.code for v in products_on_sale(on=TODAY, risk_level="R2")] == ["HJ-FT-90"]
        assert [v.code for v in products_on_sale(on=TODAY, term="3m")] == ["HJ-FT-90"]
        assert [v.code for v in products_on_sale(on=TODAY, term="open")] == [
            "HJ-MMF-01",
            "HJ-EQ-01",
        ]


class TestProductView:
    def test_carries_every_parameter_frozen(self, maker, now):
        product = product_create(actor=maker, draft=fixed_draft(), now=now)
        view = product_get(product_id=product.id)

        assert view.expected_rate == Decimal("0.0385")
        assert view.day_count == "actual/365"
        assert view.term_days == 90
        assert view.cooling_off
        with pytest.raises(AttributeError):
            view.code = "X"  # frozen

    def test_a_money_market_fund_is_priced_at_one(self, maker, now):
        view = product_get(product_id=product_create(actor=maker, draft=mmf_draft(), now=now).id)
        assert view.unit_price == Decimal("1.00")
        assert view.fast_redemption_quota_minor == 1_000_000


class TestNavSeries:
    def test_the_series_and_the_latest_on_or_before_a_date(self, maker, operator, now):
        fund = product_create(actor=maker, draft=fund_draft(), now=now)
        for offset, nav in enumerate(("1.0000", "1.0100", "1.0200")):
            nav_publish(
                actor=operator,
                product_id=fund.id,
                business_date_of=TODAY - (2 - offset) * D,
                nav=Decimal(nav),
                business_date=TODAY,
                now=now,
            )

        series = nav_series(product_id=fund.id, start=TODAY - D, end=TODAY)

        assert [p.nav for p in series] == [Decimal("1.0100"), Decimal("1.0200")]
        assert nav_latest(product_id=fund.id, on=TODAY - D).nav == Decimal("1.0100")
        assert nav_latest(product_id=fund.id, on=TODAY - 5 * D) is None


class TestFeesOnAProduct:
    def test_subscription_and_redemption_fees_read_the_products_schedule(self, maker, now):
        fund = product_create(actor=maker, draft=fund_draft(), now=now)

        assert subscription_fee_for(product_id=fund.id, amount_minor=10_000_000).fee_minor == (
            147_783
        )
        quote = redemption_fee_for(
            product_id=fund.id, units=Decimal("1000"), nav=Decimal("1"), days_held=3
        )
        assert (quote.rate, quote.fee_minor) == (Decimal("0.015"), 1_500)
