"""A loan's number: readable, dated, and distinct for loans signed in the same minute (their
ids' leading bits are their time)."""

from datetime import date

from hujin.core.ids import new_id
from hujin.lending.services.loans import number_of


def test_ten_thousand_loans_of_one_moment_have_ten_thousand_numbers():
    day = date(2026, 12, 7)
    numbers = {number_of(new_id(), day) for _ in range(10_000)}
    assert len(numbers) == 10_000


def test_a_number_is_the_letter_the_date_and_eleven_unambiguous_characters():
    number = number_of(new_id(), date(2026, 12, 7))
    assert len(number) == 20 and number.startswith("L20261207")
    assert not set(number[9:]) & set("ILOU")
