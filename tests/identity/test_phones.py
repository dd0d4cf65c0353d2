import pytest

from hujin.identity.errors import MobileInvalid
from hujin.identity.phones import mobile_index_of, mobile_national, mobile_normalise


class TestMobileNormalise:
    @pytest.mark.parametrize(
        ("typed", "e164"),
        [
            ("13812345678", "+8613812345678"),
            ("138 1234 5678", "+8613812345678"),
            ("138-1234-5678", "+8613812345678"),
            ("+86 138 1234 5678", "+8613812345678"),
            ("0086 13812345678", "+8613812345678"),
            ("19912345678", "+8619912345678"),
            ("16612345678", "+8616612345678"),
        ],
    )
    def test_a_mainland_mobile_number_is_kept_in_e164_form(self, typed, e164):
        assert mobile_normalise(typed) == e164

    @pytest.mark.parametrize(
        "typed",
        [
            "",
            "   ",
            "1381234567",  # 10 digits
            "138123456789",  # 12 digits
            "12345678901",  # no such prefix
            "01012345678",  # a Beijing landline
            "+852 6123 4567",  # a Hong Kong mobile
            "+1 415 555 2671",  # not China
            "not a number",
            "1" * 40,
        ],
    )
    def test_anything_but_a_valid_mainland_mobile_is_refused(self, typed):
        with pytest.raises(MobileInvalid) as refused:
            mobile_normalise(typed)

        assert refused.value.code == "mobile_invalid"

    def test_the_national_form_drops_the_country_code(self):
        assert mobile_national("+8613812345678") == "13812345678"

    def test_the_index_is_the_same_for_the_same_number_and_differs_between_numbers(self):
        assert mobile_index_of("+8613812345678") == mobile_index_of("+8613812345678")
        assert mobile_index_of("+8613812345678") != mobile_index_of("+8613812345679")
        assert "13812345678" not in mobile_index_of("+8613812345678")
