"""Issue 9, item 19: the demo's sessions are on working days: no Member session on Christmas Day,
none at a weekend or on an England and Wales bank holiday.
"""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from events.working_days import bank_holidays, is_working_day, next_working_day

LONDON = zoneinfo.ZoneInfo("Europe/London")

# From gov.uk/bank-holidays (England and Wales).
KNOWN = {
    2022: [
        "2022-01-03",  # New Year's Day, substitute (1 January was a Saturday)
        "2022-04-15",
        "2022-04-18",
        "2022-05-02",
        "2022-06-02",  # spring bank holiday, moved for the Platinum Jubilee
        "2022-06-03",
        "2022-08-29",
        "2022-09-19",
        "2022-12-26",
        "2022-12-27",  # Christmas Day, substitute (25 December was a Sunday)
    ],
    2023: [
        "2023-01-02",
        "2023-04-07",
        "2023-04-10",
        "2023-05-01",
        "2023-05-08",
        "2023-05-29",
        "2023-08-28",
        "2023-12-25",
        "2023-12-26",
    ],
    2025: [
        "2025-01-01",
        "2025-04-18",
        "2025-04-21",
        "2025-05-05",
        "2025-05-26",
        "2025-08-25",
        "2025-12-25",
        "2025-12-26",
    ],
    2026: [
        "2026-01-01",
        "2026-04-03",
        "2026-04-06",
        "2026-05-04",
        "2026-05-25",
        "2026-08-31",
        "2026-12-25",
        "2026-12-28",  # Boxing Day, substitute (26 December is a Saturday)
    ],
    2027: [
        "2027-01-01",
        "2027-03-26",
        "2027-03-29",
        "2027-05-03",
        "2027-05-31",
        "2027-08-30",
        "2027-12-27",  # Christmas Day, substitute (a Saturday)
        "2027-12-28",  # Boxing Day, substitute (a Sunday)
    ],
}


@pytest.mark.parametrize("year", sorted(KNOWN))
def test_england_and_wales_bank_holidays(year):
    assert sorted(bank_holidays(year)) == [dt.date.fromisoformat(day) for day in KNOWN[year]]


def test_working_days():
    assert not is_working_day(dt.date(2025, 12, 25))
    assert not is_working_day(dt.date(2025, 12, 27))  # a Saturday
    assert is_working_day(dt.date(2025, 12, 29))
    assert next_working_day(dt.date(2025, 12, 25)) == dt.date(2025, 12, 29)
    assert next_working_day(dt.date(2026, 4, 3)) == dt.date(2026, 4, 7)  # Good Friday, weekend, Easter Monday
    assert next_working_day(dt.date(2027, 12, 24)) == dt.date(2027, 12, 24)
    assert next_working_day(dt.date(2027, 12, 25)) == dt.date(2027, 12, 29)


def seed_demo():
    """The demo, seeded the way ``seed_demo`` does it: places and people first, then training."""
    from crm import demo as crm_demo
    from events import demo as events_demo
    from portal import demo as portal_demo

    crm_demo.seed()
    portal_demo.seed()
    events_demo.seed()
    events_demo.seed_requirements()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "today",
    [
        dt.datetime(2025, 11, 25, 10, 0, tzinfo=LONDON),  # the next Member session would be Christmas Day
        dt.datetime(2026, 3, 25, 9, 30, tzinfo=LONDON),  # nine and twelve days on: Good Friday, Easter Monday
        dt.datetime(2028, 6, 1, 11, 0, tzinfo=LONDON),  # 14 May 2028, the first Member session's day, is a Sunday
        dt.datetime(2029, 12, 10, 9, 0, tzinfo=LONDON),  # WRAP's monthly run starts on the first Tuesday: 1 Jan 2030
    ],
    ids=lambda moment: moment.date().isoformat(),
)
def test_every_demo_session_is_on_a_working_day(today):
    from events.models import TrainingSession

    with time_machine.travel(today, tick=False):
        seed_demo()
        sessions = list(TrainingSession.objects.select_related("course"))
        assert len(sessions) > 60
        off = [
            f"{session.course.title}: {timezone.localtime(session.starts_at):%a %-d %b %Y}"
            for session in sessions
            if not is_working_day(timezone.localdate(session.starts_at))
        ]
        assert off == []
        member = TrainingSession.objects.filter(course__slug="member-training", starts_at__gt=timezone.now()).get()
        assert timezone.localdate(member.starts_at) != dt.date(today.year, 12, 25)


@pytest.mark.django_db
def test_seeded_at_a_weekend_only_the_try_the_desk_session_is_today():
    """The session starting in 20 minutes is for trying the check-in desk on first run: it is "now", whatever day."""
    from events.models import TrainingSession

    saturday = dt.datetime(2027, 12, 18, 11, 0, tzinfo=LONDON)
    with time_machine.travel(saturday, tick=False):
        seed_demo()
        off = [
            session.audience_note
            for session in TrainingSession.objects.all()
            if not is_working_day(timezone.localdate(session.starts_at))
        ]
    assert off == ["Demo: check-in is open now"]
