"""Booking pages, My training, certificates and the team's admin screens: permissions and bad input."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from crm import roles
from events.emails import cancel_link
from events.errors import MESSAGES
from events.models import Booking, BookingStatus, ColleagueInvitation, CourseLesson, SessionVisibility, TrainingSession
from events.services import attendance_record, booking_create
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def book_url(course, session):
    return course.url + course.reverse_subpage("book", args=[session.pk])


def test_course_page_lists_open_sessions_with_places_left(client, wrap, make_session, make_user):
    session = make_session(capacity=3)
    booking_create(session=session, user=make_user())
    school = OrganisationFactory(organisation_type="school", urn="100777")
    make_session(visibility=SessionVisibility.CLOSED, organisation=school, venue="Closed School Hall")
    content = client.get(wrap.url).content.decode()
    assert "2 places left" in content
    assert book_url(wrap, session) in content
    assert "Closed School Hall" not in content


def test_anonymous_visitor_is_asked_to_sign_in_before_booking(client, wrap, make_session):
    session = make_session()
    response = client.post(book_url(wrap, session), {"action": "book"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Booking.objects.exists()


def test_booking_from_the_course_page(client, wrap, make_session, make_user):
    person = make_user(roles.LEARNER)
    session = make_session()
    client.force_login(person)
    response = client.post(book_url(wrap, session), {"action": "book"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("events:my_training")
    assert "Your place is booked" in response.content.decode()
    assert Booking.objects.get(user=person).status == BookingStatus.CONFIRMED


def test_refusal_says_why(client, wrap, make_session, make_user):
    session = make_session(capacity=1)
    booking_create(session=session, user=make_user())
    client.force_login(make_user(roles.LEARNER))
    response = client.post(book_url(wrap, session), {"action": "book"})
    assert MESSAGES["full"] in response.content.decode()
    assert "Join the waiting list" in response.content.decode()


def test_closed_sessions_have_no_public_booking_page(client, wrap, make_session, make_user):
    school = OrganisationFactory(organisation_type="school", urn="100778")
    session = make_session(visibility=SessionVisibility.CLOSED, organisation=school)
    client.force_login(make_user(roles.LEARNER))
    assert client.get(book_url(wrap, session)).status_code == 404


def test_inviting_colleagues_with_a_bad_line_names_it_and_invites_nobody(client, wrap, make_session, make_user):
    session = make_session()
    client.force_login(make_user(roles.LEARNER))
    response = client.post(
        book_url(wrap, session),
        {"action": "colleagues", "colleagues": "sam@school.example\nAnn Lee ann-at-school"},
    )
    assert response.status_code == 200
    assert "Line 2: &quot;Ann Lee ann-at-school&quot; is not an email address." in response.content.decode()
    assert not ColleagueInvitation.objects.exists() and not Booking.objects.exists()


def test_inviting_colleagues_emails_each_an_invitation_and_books_nobody(
    client, wrap, make_session, make_user, django_capture_on_commit_callbacks
):
    session = make_session()
    client.force_login(make_user(roles.LEARNER))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            book_url(wrap, session),
            {"action": "colleagues", "colleagues": "sam@school.example\nAnn Lee <ann@school.example>"},
        )
    assert sorted(ColleagueInvitation.objects.values_list("email", flat=True)) == [
        "ann@school.example",
        "sam@school.example",
    ]
    assert not Booking.objects.exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@school.example", "sam@school.example"]


def test_nobody_cancels_or_sees_another_persons_booking(client, make_session, make_user):
    owner, other = make_user(roles.LEARNER), make_user(roles.LEARNER)
    booking = booking_create(session=make_session(), user=owner)
    client.force_login(other)
    assert client.post(reverse("events:booking_cancel", args=[booking.pk])).status_code == 404
    assert client.get(reverse("events:booking_ics", args=[booking.pk])).status_code == 404
    assert owner.email not in client.get(reverse("events:my_training")).content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_cancelling_needs_a_post(client, make_session, make_user):
    owner = make_user(roles.LEARNER)
    booking = booking_create(session=make_session(), user=owner)
    client.force_login(owner)
    assert client.get(reverse("events:booking_cancel", args=[booking.pk])).status_code == 200  # the question
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED
    client.post(reverse("events:booking_cancel", args=[booking.pk]))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_signed_cancel_link_works_and_a_tampered_one_does_not(client, make_session, make_user):
    booking = booking_create(session=make_session(), user=make_user())
    path = cancel_link(booking).replace("http://testserver", "")
    assert client.post(path[:-3] + "abc/").status_code == 404
    client.post(path)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_my_training_shows_waiting_position_and_attended_sessions(client, make_session, make_user):
    person = make_user(roles.LEARNER)
    full = make_session(capacity=1)
    booking_create(session=full, user=make_user())
    booking_create(session=full, user=make_user(), join_waiting_list=True)
    booking_create(session=full, user=person, join_waiting_list=True)
    past = make_session(days=-30)
    attendance_record(session=past, user=person)
    client.force_login(person)
    content = client.get(reverse("events:my_training")).content.decode()
    assert "Waiting list: number 2" in content
    assert reverse("events:certificate_pdf", args=[person.attendances.get().pk]) in content


def test_certificate_html_pdf_and_public_verification(client, make_session, make_user):
    person = make_user(roles.LEARNER, first_name="Jo", last_name="Bloggs")
    attendance, _ = attendance_record(session=make_session(days=-3), user=person)
    other = make_user(roles.LEARNER)
    client.force_login(other)
    assert client.get(reverse("events:certificate", args=[attendance.pk])).status_code == 404
    assert client.get(reverse("events:certificate_pdf", args=[attendance.pk])).status_code == 404
    client.force_login(person)
    html = client.get(reverse("events:certificate", args=[attendance.pk])).content.decode()
    assert "Jo Bloggs" in html and attendance.certificate_code in html
    pdf = client.get(reverse("events:certificate_pdf", args=[attendance.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Jo Bloggs" in text and attendance.certificate_code in text and "Workshop to Raise Awareness" in text
    client.logout()
    verify = reverse("events:certificate_verify")
    assert "Jo Bloggs" in client.get(verify, {"code": attendance.certificate_code.lower()}).content.decode()
    assert "No certificate has the code" in client.get(verify, {"code": "NOTACODE99"}).content.decode()


def test_lesson_progress_is_marked_as_the_learner_goes(client, wrap, make_user):
    person = make_user(roles.LEARNER)
    lessons = list(wrap.lessons.all())
    client.force_login(person)
    assert "0 of 3 complete" in client.get(wrap.url).content.decode()
    url = wrap.url + wrap.reverse_subpage("lesson", args=[lessons[0].pk])
    client.post(url, {"complete": "1"})
    client.post(url, {"complete": "1"})
    assert "1 of 3 complete" in client.get(wrap.url).content.decode()
    client.post(url, {"complete": "0"})
    assert "0 of 3 complete" in client.get(wrap.url).content.decode()


def test_lesson_of_another_course_is_not_found(client, wrap, member_course):
    other = CourseLesson.objects.create(page=member_course, title="Members only", body=[])
    assert client.get(wrap.url + wrap.reverse_subpage("lesson", args=[other.pk])).status_code == 404


def test_restricted_course_page_is_hidden_from_people_outside_its_groups(client, member_course, make_user):
    anonymous = client.get(member_course.url)
    assert anonymous.status_code == 302 and anonymous["Location"] == f"/accounts/login/?next={member_course.url}"
    client.force_login(make_user(roles.LEARNER))
    refused = client.get(member_course.url)
    assert refused.status_code == 403  # signed in: a refusal, not a sign-in page that sends them back here
    assert b"You cannot see this page" in refused.content and member_course.title.encode() not in refused.content
    client.force_login(make_user(roles.ELECTED_MEMBER))
    assert client.get(member_course.url).status_code == 200


# --- the team's admin ----------------------------------------------------------------


@pytest.mark.parametrize("role", [roles.LEARNER, roles.TRAINER, roles.ELECTED_MEMBER, roles.OUTREACH_OFFICER])
def test_only_the_team_manages_sessions(client, make_user, role, make_session):
    session = make_session()
    client.force_login(make_user(role))
    for url in (
        "/admin/training/sessions/",
        f"/admin/training/sessions/edit/{session.pk}/",
        "/admin/training/bookings/new/",
        "/admin/training/sessions/run/",
    ):
        response = client.get(url)
        if role == roles.OUTREACH_OFFICER:  # uses the admin, but not this area: back to the dashboard
            assert response.status_code == 302 and response["Location"] == "/admin/", (role, url)
        else:  # no admin at all: the site's 403 page
            assert response.status_code == 403, (role, url)
            assert b"You cannot see this page" in response.content, (role, url)


def test_team_admin_lists_exports_and_edits_sessions(
    client, team_admin, make_session, make_user, django_capture_on_commit_callbacks
):
    session = make_session()
    booking_create(session=session, user=make_user())
    client.force_login(team_admin)
    listing = client.get("/admin/training/sessions/")
    assert listing.status_code == 200 and b"Schedule a run" in listing.content
    export = client.get("/admin/training/sessions/?export=xlsx")
    assert export.status_code == 200
    mail.outbox.clear()
    edit = f"/admin/training/sessions/edit/{session.pk}/"
    local = timezone.localtime(session.starts_at)
    data = {
        "course": session.course_id,
        "starts_at": local.strftime("%Y-%m-%d %H:%M"),
        "ends_at": (local + dt.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"),
        "venue": "Fulham Library",
        "address": "",
        "online_url": "",
        "capacity": 10,
        "booking_deadline": "",
        "audience_note": "",
        "visibility": "open",
        "organisation": "",
        "status": "scheduled",
        "checkin_opens_minutes": 30,
        "checkin_closes_minutes": 30,
        "allow_walk_ins": "on",
        "checkin_mode": "screen",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit, data)
    assert response.status_code == 302, response.context["form"].errors
    session.refresh_from_db()
    assert session.venue == "Fulham Library" and session.sequence == 1
    assert session.checkin_mode == "screen"  # issue 10: the session says which self check-in it uses
    assert len(mail.outbox) == 1
    bad = client.post(edit, {**data, "capacity": 0})
    assert bad.status_code == 200
    session.refresh_from_db()
    assert session.capacity == 10


def test_team_books_and_cancels_on_someones_behalf_in_the_admin(client, team_admin, make_session, make_user):
    session = make_session(capacity=1)
    person, second = make_user(roles.LEARNER), make_user(roles.LEARNER)
    client.force_login(team_admin)
    response = client.post("/admin/training/bookings/new/", {"session": session.pk, "user": person.pk})
    assert response.status_code == 302
    booking = Booking.objects.get(user=person)
    assert booking.booked_by == team_admin
    full = client.post("/admin/training/bookings/new/", {"session": session.pk, "user": second.pk})
    assert full.status_code == 200 and MESSAGES["full"] in full.content.decode()
    response = client.post(f"/admin/training/bookings/edit/{booking.pk}/", {"status": "cancelled"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_team_schedules_a_run_of_sessions(client, team_admin, wrap):
    client.force_login(team_admin)
    first = timezone.localdate() + dt.timedelta(days=7)
    response = client.post(
        "/admin/training/sessions/run/",
        {
            "course": wrap.pk,
            "first_date": first.isoformat(),
            "repeat": "monthly_nth",
            "count": 6,
            "start_time": "10:00",
            "end_time": "12:00",
            "venue": "Town Hall",
            "address": "",
            "online_url": "",
            "capacity": 20,
            "deadline_days_before": 1,
        },
    )
    assert response.status_code == 302
    assert TrainingSession.objects.filter(course=wrap).count() == 6
    bad = client.post(
        "/admin/training/sessions/run/",
        {
            "course": wrap.pk,
            "first_date": first.isoformat(),
            "repeat": "weekly",
            "count": 3,
            "start_time": "12:00",
            "end_time": "10:00",
            "venue": "",
            "capacity": 20,
            "deadline_days_before": 1,
        },
    )
    assert bad.status_code == 200
    assert "end time must be after" in bad.content.decode()
    assert TrainingSession.objects.filter(course=wrap).count() == 6


def test_bookings_cannot_be_deleted_in_the_admin_only_cancelled(client, team_admin, make_session, make_user):
    """Deleting would skip booking_cancel: no place freed, nobody promoted. Not even a superuser may."""
    booking = booking_create(session=make_session(), user=make_user())
    for person in (team_admin, make_user(is_superuser=True)):
        client.force_login(person)
        response = client.post(f"/admin/training/bookings/delete/{booking.pk}/")
        assert response.status_code == 302 and response["Location"] == "/admin/"  # Wagtail: permission denied
        assert Booking.objects.filter(pk=booking.pk).exists()
