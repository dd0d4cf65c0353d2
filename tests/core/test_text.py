"""One cleaning of typed text: blank space made one (or line breaks kept), control characters
and the non-characters U+FFFE/U+FFFF refused, the length between its limits."""

import pytest

from hujin.core.text import TextRefused, text_cleaned


def test_runs_of_blank_space_become_one_space():
    assert text_cleaned("  Four\ttransfers \n below\r\nthe threshold ", max_length=99) == (
        "Four transfers below the threshold"
    )


def test_line_breaks_are_kept_when_asked_and_each_line_is_tidied():
    text = "\n First line  here \r\n\r\nThird\tline \n\n"
    assert text_cleaned(text, max_length=99, keep_lines=True) == "First line here\n\nThird line"


@pytest.mark.parametrize("character", ["\x00", "\x08", "\x0b", "\x0c", "\x0e", "\x1f", "\ufffe",
                                       "\uffff"])  # fmt: skip
@pytest.mark.parametrize("keep_lines", [False, True])
def test_control_characters_are_refused_not_dropped(character, keep_lines):
    with pytest.raises(TextRefused) as refused:
        text_cleaned(f"a{character}b", max_length=99, keep_lines=keep_lines)
    assert refused.value.problem == "control_characters"
    assert isinstance(refused.value, ValueError)


@pytest.mark.parametrize("value, problem", [
    ("", "too_short"), ("   ", "too_short"), ("abcdef", "too_long"), (None, "too_short"),
])  # fmt: skip
def test_the_length_is_checked_after_cleaning(value, problem):
    with pytest.raises(TextRefused) as refused:
        text_cleaned(value, min_length=1, max_length=5)
    assert refused.value.details == {"problem": problem, "min_length": 1, "max_length": 5}


def test_chinese_text_and_tabs_pass():
    assert text_cleaned("客户\t称为工资", min_length=1, max_length=10) == "客户 称为工资"
