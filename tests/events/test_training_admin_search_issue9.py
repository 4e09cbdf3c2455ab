"""Issue 9, item 15: the admin's Bookings (and Attendance) search finds people by full name and by course title."""

import pytest
from django.urls import reverse

from crm import roles
from events.services import attendance_record, booking_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def bookings(make_session, make_user, school_course):
    wrap_session = make_session(days=7)
    school_session = make_session(days=9, course=school_course)
    eve = make_user(roles.LEARNER, first_name="Eve", last_name="Ahmed", email="e.ahmed@example.gov.uk")
    eve_other = make_user(roles.LEARNER, first_name="Eve", last_name="Brown", email="eve.b@example.gov.uk")
    sam = make_user(roles.LEARNER, first_name="Sam", last_name="Ahmed", email="s.ahmed@example.gov.uk")
    return {
        "eve": booking_create(session=wrap_session, user=eve),
        "eve_brown": booking_create(session=wrap_session, user=eve_other),
        "sam": booking_create(session=school_session, user=sam),
    }


def listed(client, url_name, query, objects) -> set[str]:
    """Which of ``objects`` (name -> model instance) the admin listing shows for ``?q=query``."""
    response = client.get(reverse(f"{url_name}:index"), {"q": query})
    assert response.status_code == 200
    content = response.content.decode()
    return {name for name, obj in objects.items() if reverse(f"{url_name}:edit", args=[obj.pk]) in content}


def test_bookings_search_finds_a_full_name(client, team_admin, bookings):
    client.force_login(team_admin)
    # Not Sam Ahmed, although "eve" is in the title of Sam's course (Pr*eve*nt briefing for school staff).
    assert listed(client, "bookings", "Eve Ahmed", bookings) == {"eve"}
    assert listed(client, "bookings", "  eve   AHMED ", bookings) == {"eve"}
    assert listed(client, "bookings", "Ahmed", bookings) == {"eve", "sam"}
    assert listed(client, "bookings", "e.ahmed@example", bookings) == {"eve"}


def test_bookings_search_finds_a_course_title(client, team_admin, bookings, school_course, wrap):
    client.force_login(team_admin)
    assert listed(client, "bookings", wrap.title, bookings) == {"eve", "eve_brown"}
    assert listed(client, "bookings", school_course.title, bookings) == {"sam"}
    assert listed(client, "bookings", "Eve WRAP", bookings) == {"eve", "eve_brown"}  # name and course together
    assert listed(client, "bookings", "Ahmed briefing", bookings) == {"sam"}
    assert listed(client, "bookings", "Prev", bookings) == {"eve", "eve_brown", "sam"}  # the start of a word


def test_attendance_search_finds_a_full_name_and_a_course(client, team_admin, make_session, make_user, wrap):
    session = make_session(days=-7)
    eve = make_user(roles.LEARNER, first_name="Eve", last_name="Ahmed")
    marks = {
        "eve": attendance_record(session=session, user=eve)[0],
        "walk_in": attendance_record(
            session=session,
            full_name="Robin Okafor",
            email="robin@example.org",
            organisation_name="Youth club",
            organisation_type="community",
            job_role="Youth worker",
        )[0],
    }
    client.force_login(team_admin)
    assert listed(client, "attendance", "Eve Ahmed", marks) == {"eve"}
    assert listed(client, "attendance", "Robin Okafor", marks) == {"walk_in"}
    assert listed(client, "attendance", wrap.title, marks) == {"eve", "walk_in"}
    assert listed(client, "attendance", "Eve Prevent", marks) == {"eve"}
