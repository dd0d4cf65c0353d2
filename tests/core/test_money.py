import pytest

from hujin.core.money import InvalidAmount, InvalidCurrency, Money, format_minor, parse_amount


class TestParseAmount:
    @pytest.mark.parametrize(
        ("text", "currency", "minor"),
        [("12.34", "CNY", 1234), ("12", "CNY", 1200), ("12.5", "CNY", 1250),
         ("0.10", "CNY", 10), ("1000", "JPY", 1000), ("1.234", "KWD", 1234)],
    )  # fmt: skip
    def test_turns_a_decimal_string_into_minor_units(self, text, currency, minor):
        assert parse_amount(text, currency) == minor

    @pytest.mark.parametrize(
        "text", ["-1", "1e3", "1.234", "", " ", "١٢", "1,000", "0x10", "99999999999999999999"]
    )
    def test_refuses_anything_but_plain_ascii_decimals_in_range(self, text):
        with pytest.raises(InvalidAmount):
            parse_amount(text, "CNY")

    def test_refuses_an_unknown_currency(self):
        with pytest.raises(InvalidCurrency):
            parse_amount("1", "XXX")


class TestFormatMinor:
    def test_writes_minor_units_with_the_currency_exponent(self):
        assert format_minor(123450, "CNY") == "1234.50"
        assert format_minor(5, "CNY") == "0.05"
        assert format_minor(-5, "CNY") == "-0.05"
        assert format_minor(7, "JPY") == "7"

    def test_round_trips_with_parse(self):
        assert format_minor(parse_amount("98.76", "CNY"), "CNY") == "98.76"


def test_money_refuses_floats():
    with pytest.raises(InvalidAmount):
        Money(1.5, "CNY")  # type: ignore[arg-type]
