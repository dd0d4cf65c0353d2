"""Card numbers: lengths, the Luhn check, the BIN table's longest prefix, the masked form."""

import pytest

from hujin.payments.cardnumbers import (
    Bank,
    bank_for,
    card_number_normalise,
    load_bins,
    luhn_ok,
    masked_card,
)
from hujin.payments.errors import CardNumberInvalid
from tests.payments.conftest import card_number


class TestCardNumberNormalise:
    @pytest.mark.parametrize("length", [16, 17, 18, 19])
    def test_accepts_16_to_19_digits(self, length):
        assert len(card_number_normalise(card_number(length=length))) == length

    @pytest.mark.parametrize(
        "raw", ["6222 0212 3456 7890", "6222-0212-3456-7890", "６２２２０２１２３４５６７８９０"]
    )
    def test_accepts_spaces_dashes_and_full_width_digits(self, raw):
        assert card_number_normalise(raw) == "6222021234567890"

    @pytest.mark.parametrize(
        "raw", ["", "622202123456789", "62220212345678901234", "6222a212345678901"]
    )
    def test_refuses_other_lengths_and_letters(self, raw):
        with pytest.raises(CardNumberInvalid):
            card_number_normalise(raw)


def test_luhn_knows_a_right_and_a_wrong_check_digit():
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("4111111111111112")
    assert luhn_ok(card_number(valid=True)) and not luhn_ok(card_number(valid=False))


class TestBankFor:
    def test_finds_the_big_banks_by_their_public_prefixes(self):
        assert bank_for("6222021234567890123").code == "ICBC"
        assert bank_for("6217001234567890123").code == "CCB"
        assert bank_for("6228481234567890123").code == "ABC"
        assert bank_for("6225881234567890").code == "CMB"

    def test_the_longest_prefix_wins(self):
        table = {
            "6222": Bank("6222", "SHORT", "Short", "短", "debit"),
            "622202": Bank("622202", "LONG", "Long", "长", "debit"),
        }
        assert bank_for("6222021234567890", table).code == "LONG"
        assert bank_for("6222991234567890", table).code == "SHORT"

    def test_an_unknown_bin_is_no_bank(self):
        assert bank_for("9999991234567890") is None

    def test_the_shipped_table_has_forty_rows_or_more_each_named_in_both_languages(self):
        bins = load_bins()
        assert len(bins) >= 40
        assert all(b.name_en and b.name_zh and b.code and len(b.bin) == 6 for b in bins.values())

    def test_the_name_follows_the_language(self):
        bank = bank_for("6222021234567890123")
        assert bank.name("zh-hans") == "中国工商银行"
        assert bank.name("en") == "Industrial and Commercial Bank of China"


def test_the_masked_form_keeps_the_first_and_last_four_digits():
    assert masked_card(first4="6222", last4="1234") == "6222 **** **** 1234"
    assert masked_card(first4="", last4="1234") == "**** **** **** 1234"
