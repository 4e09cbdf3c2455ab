"""Issue 11 "Done when": the registers and compliance counts are unchanged by linking people to organisations.

A term's worth of training (bookings, marks, walk-ins typed at the door, a closed session, a no-show,
the waiting list, elected Members' mandatory training) is counted the way the check-in desk, the
register and the compliance dashboard count it; then every typed name is linked (exact matches, a near
miss linked by the team, a new organisation, a merge of two entries); then it is counted again.
"""

import datetime as dt

import pytest
from django.utils import timezone

from crm import roles
from crm.models import Organisation, OrganisationType, User
from crm.organisations import (
    exact_matches_link,
    organisation_create_from_typed_name,
    organisation_merge,
    typed_name_link,
)
from crm.selectors import organisation_name_key, unmatched_typed_names
from events.compliance import active_requirement_counts, published_table, requirement_statuses
from events.models import Attendance, BookingStatus, SessionVisibility, TrainingSession
from events.selectors import certified_attendances, desk_counts, session_roll
from events.services import attendance_record, booking_create, register_close
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _counts(requirement, today):
    """Everything the registers and compliance count, by session and by requirement."""
    sessions = TrainingSession.objects.order_by("pk")
    registers = {session.pk: session_roll(session=session).counts for session in sessions}
    desks = {session.pk: desk_counts(session=session) for session in sessions}
    compliance = [
        (item.requirement.pk, [(row.label, dict(row.counts)) for row in item.rows])
        for item in active_requirement_counts(today=today)
    ]
    published = [published_table(item.rows) for item in active_requirement_counts(today=today)]
    statuses = sorted((s.user.pk, s.status) for s in requirement_statuses(requirement=requirement, today=today))
    return {
        "registers": registers,
        "desks": desks,
        "compliance": compliance,
        "published": published,
        "statuses": statuses,
        "certified": certified_attendances().count(),
        "present": Attendance.objects.count(),
    }


def test_registers_and_compliance_counts_are_unchanged_by_linking(
    make_session, make_user, requirement, member_course, team_admin
):
    school = OrganisationFactory(name="Brook Green Primary School", organisation_type="school", urn="100321")
    duplicate = OrganisationFactory(name="Brook Green Primary Sch", organisation_type="school", urn="100999")
    OrganisationFactory(name="Shepherd's Bush Mosque", organisation_type=OrganisationType.FAITH)
    trainer = team_admin  # marks people present and closes the register

    staff = [
        make_user(organisation_name=name, organisation_type=kind)
        for name, kind in (
            ("brook green primary school", "school"),
            ("Brook Green Primary", "school"),
            ("Shepherds Bush Mosque", "faith"),
            ("Grove Food Bank", "community"),
            ("Hammersmith & Fulham Council", "council"),
            ("Hammersmith & Fulham Council", "council"),
        )
    ]
    members = [
        make_user(roles.ELECTED_MEMBER, member_side=side, organisation_name="H&F Council", organisation_type="member")
        for side in ("administration", "opposition", "opposition")
    ]

    past = make_session(days=2, capacity=4)
    for person in staff[:4]:
        booking_create(session=past, user=person)
    booking_create(session=past, user=staff[4], join_waiting_list=True)
    days_ago = dt.timedelta(days=22)
    TrainingSession.objects.filter(pk=past.pk).update(
        starts_at=past.starts_at - days_ago, ends_at=past.ends_at - days_ago
    )
    past.refresh_from_db()
    for booking in past.bookings.filter(status=BookingStatus.CONFIRMED)[:3]:
        attendance_record(session=past, booking=booking, by=trainer)
    attendance_record(
        session=past,
        by=trainer,
        full_name="Walk In",
        email="walk.in@example.org",
        organisation_name="Brook Green Primary",
        organisation_type="school",
    )
    Attendance.objects.create(
        session=past,
        full_name="Typed At Door",
        email="typed@example.org",
        organisation_name="Grove food bank",
        self_declared=True,
    )
    register_close(session=past, by=team_admin)

    member_session = make_session(days=-40, course=member_course)
    for person in members[:2]:
        attendance_record(session=member_session, user=person, by=trainer)
    closed = make_session(days=-10, visibility=SessionVisibility.CLOSED, organisation=duplicate)
    attendance_record(session=closed, user=staff[1], by=trainer)
    upcoming = make_session(days=10)
    booking_create(session=upcoming, user=members[2])
    booking_create(session=upcoming, user=staff[5])

    today = timezone.localdate()
    before = _counts(requirement, today)
    assert before["present"] == 8 and before["registers"][past.pk]["no_shows"] == 1  # the data says something

    exact_matches_link(by=team_admin)
    typed_name_link(key=organisation_name_key("Brook Green Primary"), organisation=school, by=team_admin)
    organisation_create_from_typed_name(
        key=organisation_name_key("Grove Food Bank"),
        name="Grove Food Bank",
        organisation_type="community",
        by=team_admin,
    )
    council = Organisation.objects.create(name="Hammersmith and Fulham Council", organisation_type="council")
    typed_name_link(key=organisation_name_key("Hammersmith & Fulham Council"), organisation=council, by=team_admin)
    typed_name_link(key=organisation_name_key("H&F Council"), organisation=council, by=team_admin)
    organisation_merge(winner=school, loser=duplicate, by=team_admin)

    # Everyone is linked now (the team admin and the trainer typed the factory's council name too) ...
    assert unmatched_typed_names() == []
    assert User.objects.filter(organisation__isnull=True).exclude(organisation_name="").count() == 0
    assert Attendance.history.filter(organisation__isnull=True).count() == 0
    # ... and nothing anyone counts has moved.
    assert _counts(requirement, today) == before
