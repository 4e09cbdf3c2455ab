"""Working days in England and Wales: Monday to Friday, bank holidays excepted.

The bank holidays are worked out, not fetched, so nothing leaves the site: New Year's Day,
Good Friday, Easter Monday, the early May and spring bank holidays (the first and last
Mondays of May), the summer bank holiday (the last Monday of August), Christmas Day and
Boxing Day. One that falls at a weekend is made up on the next weekday that is not already
a bank holiday (Christmas on a Saturday: Monday 27th and Tuesday 28th). The one-off changes
proclaimed since 1995 are listed in ``MOVED`` and ``EXTRA``.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from dateutil.easter import easter

# Regular bank holidays moved by proclamation: year -> {usual date: date observed}.
MOVED = {
    1995: {dt.date(1995, 5, 1): dt.date(1995, 5, 8)},  # VE Day, 50 years
    2002: {dt.date(2002, 5, 27): dt.date(2002, 6, 4)},  # Golden Jubilee
    2012: {dt.date(2012, 5, 28): dt.date(2012, 6, 4)},  # Diamond Jubilee
    2020: {dt.date(2020, 5, 4): dt.date(2020, 5, 8)},  # VE Day, 75 years
    2022: {dt.date(2022, 5, 30): dt.date(2022, 6, 2)},  # Platinum Jubilee
}
# One-off bank holidays.
EXTRA = {
    dt.date(1999, 12, 31),  # the Millennium
    dt.date(2002, 6, 3),  # Golden Jubilee
    dt.date(2011, 4, 29),  # the royal wedding
    dt.date(2012, 6, 5),  # Diamond Jubilee
    dt.date(2022, 6, 3),  # Platinum Jubilee
    dt.date(2022, 9, 19),  # the State Funeral of Queen Elizabeth II
    dt.date(2023, 5, 8),  # the Coronation of King Charles III
}


def _mondays(year: int, month: int) -> list[dt.date]:
    first = dt.date(year, month, 1)
    day = first + dt.timedelta(days=(0 - first.weekday()) % 7)
    mondays = []
    while day.month == month:
        mondays.append(day)
        day += dt.timedelta(weeks=1)
    return mondays


def _observed(days: list[dt.date], taken: set[dt.date]) -> set[dt.date]:
    """Fixed-date holidays as observed: those on a weekday stay; each at a weekend moves to the next free weekday."""
    observed = {day for day in days if day.weekday() < 5}
    for day in days:
        if day.weekday() >= 5:
            substitute = day
            while substitute.weekday() >= 5 or substitute in observed or substitute in taken:
                substitute += dt.timedelta(days=1)
            observed.add(substitute)
    return observed


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[dt.date]:
    """England and Wales bank holidays in ``year``, substitute days included."""
    sunday = easter(year)
    days = {
        sunday - dt.timedelta(days=2),  # Good Friday
        sunday + dt.timedelta(days=1),  # Easter Monday
        _mondays(year, 5)[0],  # early May
        _mondays(year, 5)[-1],  # spring
        _mondays(year, 8)[-1],  # summer
    }
    days = {MOVED.get(year, {}).get(day, day) for day in days}
    days |= _observed([dt.date(year, 1, 1)], days)
    days |= _observed([dt.date(year, 12, 25), dt.date(year, 12, 26)], days)
    days |= {day for day in EXTRA if day.year == year}
    return frozenset(days)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """``day`` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day
