"""Operations publish NAVs and money-market income per business date, typed or from a CSV:
no gap after the last date, no date after today's business date, no duplicate, and a large
jump only when confirmed. A bad file changes nothing and names its wrong line."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from hujin.core.errors import PermissionDenied
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.products.errors import NavInvalid, NavJumpUnconfirmed
from hujin.products.models import NavPoint
from hujin.products.services import nav_import_csv, nav_publish, product_create
from tests.products.factories import TODAY, fixed_draft, fund_draft, mmf_draft

pytestmark = pytest.mark.django_db
D = timedelta(days=1)


@pytest.fixture
def fund(maker, now):
    return product_create(actor=maker, draft=fund_draft(), now=now)


@pytest.fixture
def mmf(maker, now):
    return product_create(actor=maker, draft=mmf_draft(), now=now)


def _publish(operator, product, day: date, now, **values):
    return nav_publish(
        actor=operator,
        product_id=product.id,
        business_date_of=day,
        business_date=TODAY,
        now=now,
        **values,
    )


def _csv(operator, product, text, now, confirmed=False):
    return nav_import_csv(
        actor=operator,
        product_id=product.id,
        text=text,
        confirmed=confirmed,
        business_date=TODAY,
        now=now,
    )


class TestNavPublish:
    def test_publishes_a_nav_and_the_cumulative_nav_follows_it(self, operator, fund, now):
        _publish(
            operator, fund, TODAY - D, now, nav=Decimal("1.2000"), cumulative_nav=Decimal("1.5000")
        )
        point = _publish(operator, fund, TODAY, now, nav=Decimal("1.2100"))

        assert point.cumulative_nav == Decimal("1.5100")
        entry = AuditEntry.objects.filter(action="products.nav_publish").last()
        assert entry.after["last_date"] == TODAY.isoformat()
        assert OutboxEvent.objects.filter(event_type="products.nav_published").count() == 2

    def test_refuses_a_date_after_the_current_business_date(self, operator, fund, now):
        with pytest.raises(NavInvalid) as refused:
            _publish(operator, fund, TODAY + D, now, nav=Decimal("1"))
        assert refused.value.details["reason"] == "future"
        assert NavPoint.objects.count() == 0

    def test_refuses_a_gap_after_the_last_date(self, operator, fund, now):
        _publish(operator, fund, TODAY - 3 * D, now, nav=Decimal("1"))
        with pytest.raises(NavInvalid) as refused:
            _publish(operator, fund, TODAY - D, now, nav=Decimal("1"))
        assert refused.value.details["reason"] == "gap"

    def test_weekends_are_business_dates_too(self, operator, fund, now):
        friday = date(2025, 3, 7)
        _publish(operator, fund, friday, now, nav=Decimal("1"))
        with pytest.raises(NavInvalid):  # Monday after Friday leaves Saturday and Sunday out
            _publish(operator, fund, friday + 3 * D, now, nav=Decimal("1"))
        _publish(operator, fund, friday + D, now, nav=Decimal("1"))

    def test_refuses_a_date_published_already(self, operator, fund, now):
        _publish(operator, fund, TODAY, now, nav=Decimal("1"))
        with pytest.raises(NavInvalid) as refused:
            _publish(operator, fund, TODAY, now, nav=Decimal("1.01"))
        assert refused.value.details["reason"] == "duplicate"

    def test_a_nav_jump_over_10_percent_needs_a_confirmation(self, operator, fund, now):
        _publish(operator, fund, TODAY - D, now, nav=Decimal("1.0000"))
        with pytest.raises(NavJumpUnconfirmed):
            _publish(operator, fund, TODAY, now, nav=Decimal("1.1001"))
        assert NavPoint.objects.count() == 1

        point = _publish(operator, fund, TODAY, now, nav=Decimal("1.1001"), confirmed=True)

        assert point.jump_confirmed
        entry = AuditEntry.objects.filter(action="products.nav_publish").last()
        assert entry.after["confirmed_jump_dates"] == [TODAY.isoformat()]

    def test_a_move_of_exactly_10_percent_needs_none(self, operator, fund, now):
        _publish(operator, fund, TODAY - D, now, nav=Decimal("1.0000"))
        assert not _publish(operator, fund, TODAY, now, nav=Decimal("0.9000")).jump_confirmed

    def test_a_fixed_term_product_publishes_no_nav(self, operator, maker, now):
        product = product_create(actor=maker, draft=fixed_draft(), now=now)
        with pytest.raises(NavInvalid) as refused:
            _publish(operator, product, TODAY, now, nav=Decimal("1"))
        assert refused.value.details["reason"] == "kind"

    def test_a_product_manager_cannot_publish(self, maker, fund, now):
        with pytest.raises(PermissionDenied):
            _publish(maker, fund, TODAY, now, nav=Decimal("1"))


class TestMoneyMarketIncome:
    def test_the_7_day_yield_is_computed_once_7_days_are_published(self, operator, mmf, now):
        incomes = ["0.5000", "0.5100", "0.4900", "0.5200", "0.5000", "0.4800", "0.5300"]
        start = TODAY - 6 * D
        for offset, income in enumerate(incomes[:-1]):
            point = _publish(operator, mmf, start + offset * D, now, income_per_10k=Decimal(income))
            assert point.yield_7d is None

        point = _publish(operator, mmf, TODAY, now, income_per_10k=Decimal(incomes[-1]))

        # compounded: [∏ (1 + income / 10,000)]^(365/7) − 1 = 0.0185763... (test_fees)
        assert point.yield_7d == Decimal("0.018576")

    def test_a_given_yield_far_from_the_formula_is_refused(self, operator, mmf, now):
        start = TODAY - 6 * D
        for offset in range(6):
            _publish(operator, mmf, start + offset * D, now, income_per_10k=Decimal("0.5"))
        with pytest.raises(NavInvalid) as refused:
            _publish(
                operator, mmf, TODAY, now, income_per_10k=Decimal("0.5"), yield_7d=Decimal("0.0300")
            )
        assert refused.value.details["reason"] == "yield_7d_mismatch"
        # 1.00005^365 − 1 = 0.018417; the simple 0.018250 is too far, within 0.0001 is kept
        simple = Decimal("0.018250")
        with pytest.raises(NavInvalid):
            _publish(operator, mmf, TODAY, now, income_per_10k=Decimal("0.5"), yield_7d=simple)
        point = _publish(
            operator, mmf, TODAY, now, income_per_10k=Decimal("0.5"), yield_7d=Decimal("0.018350")
        )
        assert point.yield_7d == Decimal("0.018350")

    def test_an_income_over_5_per_10000_units_needs_a_confirmation(self, operator, mmf, now):
        with pytest.raises(NavJumpUnconfirmed):
            _publish(operator, mmf, TODAY, now, income_per_10k=Decimal("5.0001"))
        assert _publish(
            operator, mmf, TODAY, now, income_per_10k=Decimal("5.0001"), confirmed=True
        ).jump_confirmed


class TestNavImportCsv:
    def test_imports_every_line_of_a_good_file(self, operator, fund, now):
        text = "date,nav\n2025-03-12,1.0000\n2025-03-13,1.0100\n\n2025-03-14,1.0050\n"

        points = _csv(operator, fund, text, now)

        assert [p.nav for p in points] == [Decimal("1.0000"), Decimal("1.0100"), Decimal("1.0050")]
        assert AuditEntry.objects.filter(action="products.nav_publish").count() == 1

    @pytest.mark.parametrize(
        ("text", "line", "reason"),
        [
            ("date,nav\n2025-03-12,1.0\n2025-03-14,1.0\n", 3, "gap"),
            ("2025-03-13,1.0\n2025-03-13,1.0\n", 2, "duplicate"),
            ("2025-03-14,1.0\n2025-03-15,1.0\n", 2, "future"),
            ("2025-03-13,1.0\n2025-03-14,abc\n", 2, "nav"),
            ("2025-03-13,1.0\n14/03/2025,1.0\n", 2, "date"),
            ("2025-03-13,1.0\n2025-03-14\n", 2, "columns"),
            ("2025-03-13,1.0\n2025-03-14,1.00001\n", 2, "nav"),
            ("2025-03-13,1.0\n2025-03-14,-1\n", 2, "nav"),
            ("2025-03-13,1.0\n2025-03-14,1e30\n", 2, "nav"),
            ("2025-03-13,1.0\n2025-03-14,1.0,1e30\n", 2, "cumulative_nav"),
        ],
    )
    def test_a_bad_line_refuses_the_whole_file_and_says_which(
        self, operator, fund, now, text, line, reason
    ):
        with pytest.raises(NavInvalid) as refused:
            _csv(operator, fund, text, now)
        assert (refused.value.details["line"], refused.value.details["reason"]) == (line, reason)
        assert NavPoint.objects.count() == 0
        assert not AuditEntry.objects.filter(action="products.nav_publish").exists()

    def test_a_jump_in_a_file_needs_the_confirmation(self, operator, fund, now):
        text = "2025-03-13,1.0000\n2025-03-14,1.2000\n"
        with pytest.raises(NavJumpUnconfirmed) as refused:
            _csv(operator, fund, text, now)
        assert refused.value.details["line"] == 2
        assert NavPoint.objects.count() == 0
        assert len(_csv(operator, fund, text, now, confirmed=True)) == 2

    def test_a_file_continues_after_the_last_date_published(self, operator, fund, now):
        _publish(operator, fund, TODAY - 2 * D, now, nav=Decimal("1"))
        with pytest.raises(NavInvalid) as refused:
            _csv(operator, fund, "2025-03-11,1.0\n", now)
        assert refused.value.details["reason"] == "not_after_last"
        assert len(_csv(operator, fund, "2025-03-13,1.0\n2025-03-14,1.0\n", now)) == 2

    def test_imports_money_market_income_with_or_without_the_yield(self, operator, mmf, now):
        text = (
            "date,income_per_10k,yield_7d\n"
            + "".join(f"2025-03-{day:02d},0.5000,\n" for day in range(8, 14))
            + "2025-03-14,0.5000,1.842%\n"
        )
        points = _csv(operator, mmf, text, now)
        assert points[-1].yield_7d == Decimal("0.018420")
        assert points[0].yield_7d is None


class TestValuesTheDatabaseCannotKeepAreRefused:
    def test_a_huge_income_or_yield_in_a_file_is_refused_by_its_line(self, operator, mmf, now):
        for text, reason in (
            ("2025-03-13,0.5\n2025-03-14,1e30\n", "income_per_10k"),
            ("2025-03-13,0.5\n2025-03-14,0.5,1e30\n", "yield_7d"),
            ("2025-03-13,0.5\n2025-03-14,0.5,1e30%\n", "yield_7d"),
        ):
            with pytest.raises(NavInvalid) as refused:
                _csv(operator, mmf, text, now, confirmed=True)
            assert (refused.value.details["line"], refused.value.details["reason"]) == (2, reason)
        assert NavPoint.objects.count() == 0

    def test_a_huge_nav_typed_in_is_refused(self, operator, fund, now):
        with pytest.raises(NavInvalid) as refused:
            _publish(operator, fund, TODAY, now, nav=Decimal("1e30"), confirmed=True)
        assert refused.value.details["reason"] == "nav"
        assert NavPoint.objects.count() == 0

    def test_a_cumulative_nav_moved_to_zero_or_below_is_refused_even_confirmed(
        self, operator, fund, now
    ):
        _publish(
            operator, fund, TODAY - D, now, nav=Decimal("2.0000"), cumulative_nav=Decimal("0.5000")
        )
        # 0.5000 + (1.4000 − 2.0000) = −0.1000
        with pytest.raises(NavInvalid) as refused:
            _publish(operator, fund, TODAY, now, nav=Decimal("1.4000"), confirmed=True)
        assert refused.value.details["reason"] == "cumulative_nav"
        assert NavPoint.objects.count() == 1

    def test_a_cumulative_nav_moved_past_the_column_is_refused(self, operator, fund, now):
        _publish(
            operator,
            fund,
            TODAY - D,
            now,
            nav=Decimal("1.0000"),
            cumulative_nav=Decimal("99999999.0000"),
        )
        # 99,999,999.0000 + (2.0000 − 1.0000) = 100,000,000.0000: 13 digits, the column keeps 12
        with pytest.raises(NavInvalid) as refused:
            _publish(operator, fund, TODAY, now, nav=Decimal("2.0000"), confirmed=True)
        assert refused.value.details["reason"] == "cumulative_nav"
        assert NavPoint.objects.count() == 1

    def test_an_income_over_100_per_10000_units_is_refused_even_confirmed(self, operator, mmf, now):
        with pytest.raises(NavInvalid) as refused:
            _publish(operator, mmf, TODAY, now, income_per_10k=Decimal("100.0001"), confirmed=True)
        assert refused.value.details["reason"] == "income_per_10k"
        assert _publish(
            operator, mmf, TODAY, now, income_per_10k=Decimal("-100"), confirmed=True
        ).jump_confirmed

    def test_a_computed_yield_outside_minus_100_and_100_percent_is_refused(
        self, operator, mmf, now
    ):
        # 100 a day for 7 days: 1.01^365 − 1 = 36.78, which a yield of 9 digits cannot hold
        text = "".join(f"2025-03-{day:02d},100.0000\n" for day in range(8, 15))
        with pytest.raises(NavInvalid) as refused:
            _csv(operator, mmf, text, now, confirmed=True)
        assert (refused.value.details["line"], refused.value.details["reason"]) == (
            7,
            "yield_7d_range",
        )
        assert NavPoint.objects.count() == 0


class TestPublishedHistoryIsImmutable:
    def test_the_database_refuses_to_change_a_published_nav_or_an_admission_step(
        self, operator, maker, checker, fund, now
    ):
        from django.db import DatabaseError, transaction

        from hujin.products.models import AdmissionStep
        from tests.products.factories import submitted

        point = _publish(operator, fund, TODAY, now, nav=Decimal("1"))
        submitted(maker, mmf_draft(code="HJ-MMF-02"), now)
        with pytest.raises(DatabaseError), transaction.atomic():
            NavPoint.objects.filter(pk=point.pk).update(nav=Decimal("2"))
        with pytest.raises(DatabaseError), transaction.atomic():
            AdmissionStep.objects.update(note="rewritten")
