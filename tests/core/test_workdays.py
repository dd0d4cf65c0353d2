"""Working days in mainland China: the National Day week is off, an adjusted weekend day is
worked, and a year without a published schedule counts Monday to Friday."""

from datetime import date

import pytest

from hujin.core.workdays import (
    is_working_day,
    working_day_known,
    working_days_after,
    working_days_between,
)


def test_the_national_day_holiday_is_not_worked_and_an_ordinary_weekend_neither():
    assert not is_working_day(date(2025, 10, 1))
    assert not is_working_day(date(2025, 10, 8))  # the 2025 holiday ran to 8 October
    assert not is_working_day(date(2025, 11, 15))  # a Saturday


def test_an_adjusted_saturday_is_worked():
    assert is_working_day(date(2025, 9, 28))  # a Sunday worked for the National Day holiday
    assert is_working_day(date(2025, 10, 11))  # a Saturday worked for it


def test_five_working_days_after_a_day_before_the_holiday_skip_the_whole_week():
    # Tuesday 30 September 2025: the 1st working day after it is Thursday 9 October.
    assert working_days_after(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert working_days_after(date(2025, 9, 30), 5) == date(2025, 10, 14)
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 14)) == 5


def test_a_year_without_a_published_schedule_counts_monday_to_friday():
    day = date(2031, 1, 3)  # a Friday
    assert not working_day_known(day)
    assert working_days_after(day, 1) == date(2031, 1, 6)


def test_asking_for_no_days_is_refused():
    with pytest.raises(ValueError):
        working_days_after(date(2025, 1, 1), 0)
