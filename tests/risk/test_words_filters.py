"""The risk pages' word filters: a file name wraps between its parts on a phone, never inside
one, and stays escaped."""

from hujin.risk.templatetags.risk_words import file_name_breaks


def test_a_file_name_may_wrap_after_each_underscore_and_dot():
    assert str(file_name_breaks("HJ_LV_20261207_01.xml")) == (
        "HJ_<wbr>LV_<wbr>20261207_<wbr>01.<wbr>xml"
    )


def test_what_the_name_holds_is_escaped():
    assert str(file_name_breaks('<b>"x"_y')) == "&lt;b&gt;&quot;x&quot;_<wbr>y"


def test_no_name_is_nothing():
    assert str(file_name_breaks(None)) == ""
