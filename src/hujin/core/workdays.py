"""Working days in mainland China: weekends and statutory holidays off, the adjusted working
days (调休: a Saturday or Sunday worked in exchange for a longer holiday) on.

The State Council publishes each year's schedule late in the year before; the ``chinesecalendar``
package carries the published years. A date beyond the years it knows is a working day when it
is Monday to Friday — the best guess before the schedule is out — and ``working_day_known``
says whether the answer comes from a published schedule. (An operations-editable calendar with
single-date overrides is the customer-service module's to build; these answers are its seed.)
"""

from datetime import date, timedelta

import chinese_calendar


def working_day_known(day: date) -> bool:
    """Whether ``day``'s year has a published schedule."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year not published yet: Monday to Friday
        return day.isoweekday() <= 5


def working_days_after(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
    if days < 1:
        raise ValueError("days is at least 1")
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        counted += is_working_day(day)
    return day


def working_days_between(start: date, end: date) -> int:
    """How many working days come after ``start`` up to and including ``end`` (0 if ``end`` is
    not after ``start``)."""
    counted, day = 0, start
    while day < end:
        day += timedelta(days=1)
        counted += is_working_day(day)
    return counted
