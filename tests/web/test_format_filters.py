"""The one way pages show money, time, durations and states (``{% load hujin_format %}``)."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from hujin.core.money import display_amount


def render(source: str, **context) -> str:
    return Template("{% load hujin_format %}" + source).render(Context(context))


class TestDisplayAmount:
    @pytest.mark.parametrize(
        ("minor", "currency", "style", "shown"),
        [
            (123456789, "CNY", "symbol", "¥1,234,567.89"),
            (5, "CNY", "symbol", "¥0.05"),
            (0, "CNY", "symbol", "¥0.00"),
            (-120000, "CNY", "symbol", "\u2212¥1,200.00"),
            (1500000, "JPY", "symbol", "JP¥1,500,000"),
            (1234, "CHF", "symbol", "CHF 12.34"),
            (123456789, "CNY", "code", "1,234,567.89 CNY"),
            (-1, "USD", "code", "\u22120.01 USD"),
        ],
    )
    def test_groups_thousands_and_puts_the_currency_where_people_read_it(
        self, minor, currency, style, shown
    ):
        assert display_amount(minor, currency, style=style) == shown

    def test_a_signed_amount_says_plus_for_money_in(self):
        assert display_amount(2500, "CNY", signed=True) == "+¥25.00"
        assert display_amount(-2500, "CNY", signed=True) == "\u2212¥25.00"
        assert display_amount(0, "CNY", signed=True) == "¥0.00"


class TestMoneyFilters:
    def test_takes_minor_units_or_the_decimal_string_a_presenter_made(self):
        assert render("{{ a|money:'CNY' }}", a=123450) == '<span class="amount ">¥1,234.50</span>'
        assert render("{{ a|money:'CNY' }}", a="1234.50") == render("{{ a|money:'CNY' }}", a=123450)

    def test_marks_negative_amounts_for_their_colour(self):
        shown = render("{{ a|money_code:'CNY' }}", a="-12.30")

        assert shown == '<span class="amount amount-negative">\u221212.30 CNY</span>'

    def test_marks_money_in_and_out_in_activity_lists(self):
        assert "amount-in" in render("{{ a|money_signed:'CNY' }}", a=100)
        assert "amount-out" in render("{{ a|money_signed:'CNY' }}", a=-100)

    def test_shows_a_value_that_is_not_an_amount_as_it_is(self):
        assert render("{{ a|money:'CNY' }}", a="—") == "—"
        assert render("{{ a|money:'CNY' }}", a="1.234") == "1.234"  # more places than CNY has


class TestTimeFilters:
    def test_shows_a_moment_in_the_active_business_time_zone(self):
        moment = datetime(2026, 12, 6, 16, 30, tzinfo=UTC)

        with timezone.override("Asia/Shanghai"):
            assert render("{{ m|when }}", m=moment) == "2026-12-07 00:30"
            assert render("{{ m|day }}", m=moment) == "2026-12-07"
        assert render("{{ d|day }}", d=date(2026, 1, 2)) == "2026-01-02"

    @pytest.mark.parametrize(
        ("seconds", "en", "zh"),
        [
            (604800, "7 days", "7 天"),
            (3600 * 27, "1 day 3 hours", "1 天 3 小时"),
            (12000, "3 hours 20 minutes", "3 小时 20 分钟"),
            (45, "45 seconds", "45 秒"),
            (0, "0 seconds", "0 秒"),
        ],
    )
    def test_says_a_duration_as_people_do(self, seconds, en, zh):
        with translation.override("en"):
            assert render("{{ s|duration }}", s=seconds) == en
        with translation.override("zh-hans"):
            assert render("{{ s|duration }}", s=seconds) == zh


class TestStatusBadge:
    def test_one_state_has_one_word_and_one_colour(self):
        with translation.override("en"):
            shown = render("{% status_badge 'frozen' %}")

        assert shown == '<span class="badge badge-danger" data-status="frozen">Frozen</span>'

    def test_speaks_chinese(self):
        with translation.override("zh-hans"):
            assert ">已冻结<" in render("{% status_badge s %}", s="frozen")

    def test_a_state_outside_the_vocabulary_shows_its_words_muted(self):
        assert render("{% status_badge 'odd_state' %}") == (
            '<span class="badge badge-muted">odd_state</span>'
        )


class TestStatusVocabulary:
    def test_a_module_may_add_a_state_but_not_rename_one(self):
        from hujin.core.statuses import _VOCABULARY, status_get, status_register

        status_register("settled_test", "Settled", "success")
        try:
            assert status_get("settled_test").tone == "success"
            status_register("settled_test", "Settled", "success")  # the same again is fine
            with pytest.raises(ValueError, match="already"):
                status_register("frozen", "Blocked", "danger")
            with pytest.raises(ValueError, match="tone"):
                status_register("x_test", "X", "purple")
        finally:
            _VOCABULARY.unregister("settled_test")


class TestOddValues:
    @pytest.mark.parametrize(
        ("value", "currency", "shown"),
        [
            (None, "CNY", "—"),
            ("", "CNY", "—"),
            (1234, "XXX", "1234"),  # a currency Hujin does not know: the value as it is
            (1234, "", "1234"),
            ("Infinity", "CNY", "Infinity"),
            ("NaN", "CNY", "NaN"),
            (12.0, "CNY", "12.0"),  # a float is never money
        ],
    )
    def test_never_fail_a_page(self, value, currency, shown):
        assert render("{{ a|money:c }}", a=value, c=currency) == shown

    def test_no_state_no_badge(self):
        assert render("{% status_badge s %}", s=None) == ""


def test_no_template_puts_a_money_filter_inside_an_attribute():
    """``|money`` and its kin give HTML (a <span>): inside an attribute it shows as markup."""
    import re
    from pathlib import Path

    import hujin

    root = Path(hujin.__file__).parent
    inside_attribute = re.compile(r'=\s*"[^"<>]*\|money(_code|_signed)?\b')
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("templates/**/*.html")
        if inside_attribute.search(path.read_text(encoding="utf-8"))
    ]

    assert offenders == []
