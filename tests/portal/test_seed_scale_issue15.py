"""``manage.py seed_scale`` (portal.scale): national-scale data made as asked, counted by the figures' rules,
and removed exactly by ``--clear``. Run on SQLite (bulk_create) and on PostgreSQL (COPY) alike; no timings
are asserted here (``portal.scale.time_reports`` and ``make bench`` measure them)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.utils import timezone

from crm.models import Organisation, OrganisationType, User, Ward
from crm.outreach.models import ContactType, OutreachActivity, OutreachTag, OutreachVisit
from crm.periods import FinancialYear
from events.models import (
    Attendance,
    AttendanceMethod,
    Booking,
    BookingStatus,
    CoursePage,
    ReportingCategory,
    SessionStatus,
    TrainingSession,
)
from feedback.analytics import Analytics
from feedback.models import FeedbackRequest, FeedbackResponse
from feedback.reports import performance_report
from feedback.selectors import counted_attendances, counted_marks_by_session, counted_sessions
from portal import scale
from tests.factories import CoursePageFactory, OrganisationFactory, UserFactory, WardFactory

N = 1_500


def trained_by_session(sessions) -> dict[int, int]:
    """Each of these sessions that counts, with how many were counted as trained at it (0 or more)."""
    counts = dict(counted_marks_by_session())
    return {pk: counts.get(pk, 0) for pk in counted_sessions().filter(pk__in=sessions).values_list("pk", flat=True)}


def scale_sessions():
    return TrainingSession.objects.filter(course__slug__startswith=scale.SLUG, venue__startswith=scale.PREFIX)


def scale_attendances():
    return Attendance.history.filter(session__in=scale_sessions())


def scale_visits():
    return OutreachVisit.objects.filter(ward__name__startswith=scale.PREFIX)


def every_count() -> dict[str, int]:
    """How many rows each table holds (Wagtail's own and the search index's too)."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy and model._meta.managed
    }


@pytest.fixture
def existing(db):
    """Demo-like rows made the ordinary way before any scale data: a ward, an organisation, a course with a
    session, a person marked present who answered feedback, an outreach visit. ``--clear`` must keep them all."""
    ward = WardFactory(name="Addison")
    organisation = OrganisationFactory(name="Addison Community Centre", ward=ward)
    person = UserFactory(email="sam.taylor@lbhf.example.gov.uk", organisation=organisation)
    officer = UserFactory(email="officer@lbhf.example.gov.uk")
    course = CoursePageFactory(title="WRAP", slug="wrap", reporting_category=ReportingCategory.WRAP)
    ends = timezone.now() - dt.timedelta(days=3)
    session = TrainingSession.objects.create(
        course=course, starts_at=ends - dt.timedelta(hours=2), ends_at=ends, venue="Hammersmith Town Hall"
    )
    attendance = Attendance.objects.create(
        session=session, user=person, email=person.email, organisation_type="council"
    )
    FeedbackRequest.objects.create(attendance=attendance, answered=True)
    FeedbackResponse.objects.create(session=session, attendance=attendance, submitted_on=ends.date(), overall=5)
    visit = OutreachVisit.objects.create(
        visited_at=ends, ward=ward, contact_type=ContactType.FACE_TO_FACE, activity="other", officer=officer
    )
    return {"session": session, "attendance": attendance, "visit": visit, "person": person, "course": course}


def test_seed_scale_makes_the_attendances_and_visits_asked_for(existing, capsys):
    call_command("seed_scale", attendances=N, outreach=400, seed=1)
    out = capsys.readouterr().out

    assert scale_attendances().count() == N
    assert scale_visits().count() == 400
    assert "rows/s" in out and f"{N:,} attendances" in out


def test_outreach_defaults_to_a_third_of_the_attendances(db):
    call_command("seed_scale", attendances=900, seed=2)
    assert scale_attendances().count() == 900
    assert scale_visits().count() == 300


@pytest.fixture
def seeded(existing):
    call_command("seed_scale", attendances=N, outreach=600, seed=3)
    return existing


def test_the_data_has_every_kind_of_row_the_reports_meet(seeded):
    sessions = scale_sessions()
    marks = scale_attendances()
    now = timezone.now()
    # Ten financial years of sessions, courses of every category (the Faith Forum's among them).
    years = {FinancialYear.of(starts).start_year for starts in sessions.values_list("starts_at", flat=True)}
    assert len(years) >= scale.YEARS - 1
    categories = set(sessions.values_list("course__reporting_category", flat=True))
    assert categories == set(ReportingCategory.values)
    assert sessions.filter(status=SessionStatus.CANCELLED).exists()
    assert sessions.filter(starts_at__gt=now).exists()  # upcoming
    # Held but nobody counted: marks only taken back or typed at the door and never confirmed.
    trained = trained_by_session(sessions)
    not_held = [pk for pk, count in trained.items() if count == 0]
    assert not_held and all(TrainingSession(pk=pk).attendances(manager="history").exists() for pk in not_held)
    # About 25 present at a held session.
    held = [count for count in trained.values() if count]
    assert 20 <= sum(held) / len(held) <= 30
    # Snapshots of the day, walk-ins without an account, self-declared and undone marks.
    kinds = set(marks.values_list("organisation_type", flat=True))
    assert set(OrganisationType.values) <= kinds | {""}
    assert marks.filter(user__isnull=True, method=AttendanceMethod.WALK_IN, self_declared=False).exists()
    assert marks.filter(self_declared=True).exists()
    assert marks.filter(undone_at__isnull=False).exists()
    assert marks.filter(member_side="administration", is_cabinet_member=True).exists()
    assert marks.filter(member_side="opposition").exists()
    assert marks.filter(organisation__ward__name__startswith=scale.PREFIX).exists()
    assert marks.filter(organisation__isnull=True).exists()  # typed, not matched
    # Organisations of every kind, in the scale wards.
    organisations = Organisation.objects.filter(name__startswith=scale.PREFIX)
    assert set(organisations.values_list("organisation_type", flat=True)) == set(OrganisationType.values)
    assert not organisations.filter(ward__isnull=True).exists()
    # A trainer on every session; feedback asked of and given by some of the people counted.
    assert not sessions.filter(trainers__isnull=True).exists()
    requests = FeedbackRequest.objects.filter(attendance__in=marks)
    responses = FeedbackResponse.objects.filter(session__in=sessions)
    assert 0 < requests.count() < marks.count()
    assert 0 < responses.count() < requests.count()
    assert responses.filter(anonymous=True, attendance__isnull=True).exists()
    assert not requests.filter(attendance__self_declared=True).exists()
    # Outreach across wards, kinds of contact and activities, with people engaged.
    visits = scale_visits()
    assert visits.values("ward").distinct().count() > 5
    assert set(visits.values_list("contact_type", flat=True)) == set(ContactType.values)
    assert set(visits.values_list("activity", flat=True)) == set(OutreachActivity.values)
    assert not visits.filter(people_engaged=0).exists()
    # Nothing scale-made is on the public site.
    assert not CoursePage.objects.filter(slug__startswith=scale.SLUG, live=True).exists()


def plain_count(*, category: str, year: FinancialYear, **more) -> int:
    """The people counted as trained, restated as a plain query of its own: standing, confirmed marks at
    sessions that were not cancelled, have ended and started in the year, of courses of one category."""
    return Attendance.history.filter(
        undone_at__isnull=True,
        self_declared=False,
        session__status=SessionStatus.SCHEDULED,
        session__ends_at__lte=timezone.now(),
        session__starts_at__gte=year.starts_at,
        session__starts_at__lt=year.ends_at,
        session__course__reporting_category=category,
        **more,
    ).count()


def test_the_report_counts_the_scale_data_by_the_rules(seeded):
    year = FinancialYear(scale.report_year())
    report = performance_report(year=year.start_year)

    assert report["wrap"]["trained"] == plain_count(category=ReportingCategory.WRAP, year=year) > 0
    assert report["wrap"]["council_staff"] == plain_count(
        category=ReportingCategory.WRAP, year=year, organisation_type=OrganisationType.COUNCIL
    )
    assert report["education"]["trained"] == plain_count(category=ReportingCategory.EDUCATION, year=year)
    assert report["members"]["trained"] == plain_count(category=ReportingCategory.MEMBER, year=year)
    assert report["members"]["administration"] == plain_count(
        category=ReportingCategory.MEMBER, year=year, member_side="administration"
    )
    assert (
        report["outreach"]["total"]
        == OutreachVisit.objects.filter(visited_at__gte=year.starts_at, visited_at__lt=year.ends_at).count()
    )


def test_faith_forum_marks_count_in_no_figure(seeded):
    forum = Attendance.objects.filter(
        session__in=scale_sessions(),
        session__course__reporting_category=ReportingCategory.FORUM,
        self_declared=False,
        session__status=SessionStatus.SCHEDULED,
        session__ends_at__lte=timezone.now(),
    )
    assert forum.exists()
    assert not counted_attendances().filter(pk__in=forum).exists()
    assert not counted_sessions().filter(course__reporting_category=ReportingCategory.FORUM).exists()
    everything = sum(
        plain_count(category=category, year=year)
        for category in ReportingCategory.values
        if category != ReportingCategory.FORUM
        for year in map(FinancialYear, range(scale.report_year() - scale.YEARS, scale.report_year() + 2))
    )
    assert counted_attendances().count() == everything


def test_the_dashboards_count_per_session_is_counted_attendances(seeded):
    """The dashboard joins the rule's two halves (``counted_sessions``, ``counted_marks_by_session``): it must
    count exactly what ``counted_attendances`` does, session by session."""
    every_year = Analytics(FinancialYear.current())._sessions
    per_session = {
        int(pk): int(trained) for pk, trained in zip(every_year["session_id"], every_year["trained"], strict=True)
    }
    expected = {}
    for session_id in counted_attendances().values_list("session_id", flat=True):
        expected[session_id] = expected.get(session_id, 0) + 1
    assert per_session == expected

    year = FinancialYear(scale.report_year())
    analytics = Analytics(year)
    in_year = sum(
        plain_count(category=category, year=year) for category in ReportingCategory.values if category != "forum"
    )
    assert analytics.totals["trained"] == in_year
    assert analytics.by_category.set_index("category_value").loc[ReportingCategory.WRAP, "trained"] == plain_count(
        category=ReportingCategory.WRAP, year=year
    )


def test_clear_removes_exactly_the_scale_rows(existing):
    before = every_count()
    call_command("seed_scale", attendances=N, seed=4)
    assert every_count() != before

    call_command("seed_scale", clear=True)

    assert every_count() == before
    assert not Ward.objects.filter(name__startswith=scale.PREFIX).exists()
    assert not User.objects.filter(email__endswith="@" + scale.EMAIL_DOMAIN).exists()
    assert not OutreachTag.objects.filter(name__startswith=scale.PREFIX).exists()
    for name in ("session", "attendance", "visit", "person", "course"):
        assert type(existing[name]).objects.filter(pk=existing[name].pk).exists(), name
    assert performance_report(year=FinancialYear.of(existing["session"].starts_at).start_year)["wrap"]["trained"] == 1


def test_running_it_twice_adds_as_much_again_and_clear_still_removes_it_all(existing):
    before = every_count()
    call_command("seed_scale", attendances=800, outreach=100, seed=5)
    wards = Ward.objects.count()
    call_command("seed_scale", attendances=800, outreach=100, seed=5)

    assert scale_attendances().count() == 1_600
    assert scale_visits().count() == 200
    assert Ward.objects.count() == wards  # the wards, organisations, courses and people are reused
    assert CoursePage.objects.filter(slug__startswith=scale.SLUG).count() == len(scale.COURSES)
    codes = scale_attendances().values_list("certificate_code", flat=True)
    assert len(set(codes)) == 1_600

    call_command("seed_scale", clear=True, attendances=300, outreach=0, seed=6)  # clear, then seed afresh
    assert scale_attendances().count() == 300
    call_command("seed_scale", clear=True)
    assert every_count() == before


def test_clear_refuses_when_other_rows_refer_to_scale_data_and_removes_nothing(existing):
    call_command("seed_scale", attendances=300, outreach=10, seed=7)
    session = scale_sessions().filter(starts_at__gt=timezone.now()).first()
    Booking.objects.create(session=session, user=existing["person"], status=BookingStatus.CONFIRMED)
    during = every_count()

    with pytest.raises(IntegrityError, match="events_booking.session_id"):
        call_command("seed_scale", clear=True)

    assert every_count() == during


def test_seed_scale_without_anything_to_do_says_what_to_give(db):
    with pytest.raises(CommandError, match="--attendances"):
        call_command("seed_scale")
    with pytest.raises(CommandError, match="whole number"):
        call_command("seed_scale", "--attendances", "lots")


def test_time_reports_times_both_and_says_for_which_year(seeded):
    timings = scale.time_reports(rounds=1)
    assert timings["year"] == FinancialYear(scale.report_year()).label
    assert timings["report_seconds"] > 0 and timings["dashboard_seconds"] > 0
    assert timings["attendances"] == Attendance.history.count()
