"""Mandatory training reminders: each person reminded once per occasion, the team's monthly summary, certificate emails.

Real database, real mail capture (Django's locmem backend): ``mail.outbox`` holds what
would have been sent. ``django_capture_on_commit_callbacks(execute=True)`` runs the
on_commit callbacks that the test's wrapping transaction would otherwise hold back.
"""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from crm import roles
from events.models import (
    Attendance,
    ReportingCategory,
    SessionStatus,
    TrainingReminder,
    TrainingRequirement,
    TrainingSession,
)
from events.services import (
    booking_create,
    requirement_reminders_send,
    team_summary_send,
    training_reminders_send,
)
from events.services.requirements import (
    external_certificate_review,
    external_certificate_submit,
)
from tests.factories import CERTIFICATE_PDF as PDF
from tests.factories import CoursePageFactory
from tests.pagetree import restore_home_page

NOTHING = {"not_started": 0, "renewal": 0, "expired": 0}
# A fixed day for the status rule; the sessions on offer are always the real upcoming ones.
TODAY = dt.date(2024, 11, 25)


@pytest.fixture
def member(make_user):
    return make_user(roles.ELECTED_MEMBER, member_side="opposition", first_name="Zebedee", last_name="Quartermain")


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run a service as the daily job would: its emails go out once its transaction commits."""

    def run(service, **arguments):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**arguments)

    return run


def attended(person, course, on: dt.date):
    """Mark ``person`` present at a session of ``course`` held on ``on`` (10:00 London time)."""
    starts = timezone.make_aware(dt.datetime.combine(on, dt.time(10)))
    session = TrainingSession.objects.create(
        course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Town Hall", capacity=20
    )
    return Attendance.objects.create(session=session, user=person, email=person.email)


def booking_link(course_slug: str, session) -> str:
    return f"http://testserver/training/{course_slug}/book/{session.pk}/"


def long_date(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"


# --- People who have not started -----------------------------------------------------------------


def test_someone_not_started_is_reminded_once_with_the_next_sessions_and_the_certificate_link(
    requirement, member, member_course, school_course, make_session, make_user, send
):
    first = make_session(days=3, course=member_course, venue="Council Chamber")
    full = make_session(days=5, capacity=1)
    booking_create(session=full, user=make_user(roles.LEARNER))
    online = make_session(days=12, venue="", online_url="https://meet.example.gov.uk/prevent")
    fourth = make_session(days=20)
    too_late = make_session(days=40)  # only the next four are listed
    deadline_passed = make_session(days=2, booking_deadline=timezone.now() - dt.timedelta(hours=1))
    cancelled = make_session(days=4, status=SessionStatus.CANCELLED)
    other_course = make_session(days=1, course=school_course)
    mail.outbox.clear()  # the set-up booking's confirmation

    sent = send(requirement_reminders_send)

    assert sent == {**NOTHING, "not_started": 1}
    [email] = mail.outbox
    assert email.to == [member.email]
    assert email.subject == "Training you need to do: Prevent training for elected Members"
    body = email.body
    assert "Hello Zebedee," in body and "have not done it yet" in body
    listed = [
        booking_link("member-training", first),
        booking_link("wrap", full),
        booking_link("wrap", online),
        booking_link("wrap", fourth),
    ]
    positions = [body.find(link) for link in listed]
    assert -1 not in positions and positions == sorted(positions), "the next sessions, soonest first"
    for left_out in (too_late, deadline_passed, cancelled):
        assert f"/book/{left_out.pk}/" not in body
    assert f"/book/{other_course.pk}/" not in body, "a course that does not count is not offered"
    assert long_date(timezone.localtime(first.starts_at).date()) in body
    assert "Council Chamber (10 places left)" in body
    assert "Hammersmith Town Hall (full: you can join the waiting list)" in body
    assert "Online (10 places left)" in body
    assert f"http://testserver/my-training/requirements/{requirement.pk}/certificate/" in body
    assert "Home Office Prevent e-learning" in body

    assert send(requirement_reminders_send) == NOTHING
    assert len(mail.outbox) == 1, "the same person is not reminded twice"
    assert list(TrainingReminder.objects.values_list("user", "requirement", "key")) == [
        (member.pk, requirement.pk, "not_started")
    ]


def test_sessions_of_a_course_the_person_may_not_book_are_not_offered(
    wrap, member_course, make_user, make_session, send
):
    rule = TrainingRequirement.objects.create(name="Prevent awareness for council staff")
    rule.groups.add(Group.objects.get(name=roles.LEARNER))
    rule.courses.add(wrap, member_course)  # the Member briefing is restricted to elected Members
    make_user(roles.LEARNER)
    members_only = make_session(days=2, course=member_course)
    open_to_all = make_session(days=6)

    send(requirement_reminders_send)

    [email] = mail.outbox
    assert booking_link("wrap", open_to_all) in email.body
    assert f"/book/{members_only.pk}/" not in email.body
    assert "certificate" not in email.body, "this requirement accepts no external certificate"


def test_the_daily_command_run_twice_sends_each_email_once(
    requirement, member, team_admin, django_capture_on_commit_callbacks
):
    first, second = StringIO(), StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_training_reminders", stdout=first)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_training_reminders", stdout=second)

    assert sorted(email.to[0] for email in mail.outbox) == sorted([member.email, team_admin.email])
    assert "Sent 1 reminder (not started 1, due for renewal 0, expired 0) and 1 team summary." in first.getvalue()
    assert "Sent 0 reminders (not started 0, due for renewal 0, expired 0) and 0 team summaries." in second.getvalue()
    with pytest.raises(CommandError):
        call_command("send_training_reminders", "--today", "25/11/2026")


# --- Renewal and expiry -----------------------------------------------------------------------------


def test_due_for_renewal_is_reminded_once_per_expiry_and_again_after_renewing(requirement, member, member_course, send):
    attended(member, member_course, TODAY - relativedelta(months=24) + dt.timedelta(days=30))  # expires in 30 days
    expires_on = TODAY + dt.timedelta(days=30)

    assert send(requirement_reminders_send, today=TODAY) == {**NOTHING, "renewal": 1}
    [email] = mail.outbox
    assert email.subject == "Time to renew your training: Prevent training for elected Members"
    assert f"counts until {long_date(expires_on - dt.timedelta(days=1))}" in email.body
    assert send(requirement_reminders_send, today=TODAY + dt.timedelta(days=10)) == NOTHING

    renewed_on = TODAY + dt.timedelta(days=20)
    attended(member, member_course, renewed_on)
    assert send(requirement_reminders_send, today=renewed_on) == NOTHING, "complete again"
    next_expiry = renewed_on + relativedelta(months=24)
    assert send(requirement_reminders_send, today=next_expiry - dt.timedelta(days=59)) == {**NOTHING, "renewal": 1}
    assert len(mail.outbox) == 2
    assert f"counts until {long_date(next_expiry - dt.timedelta(days=1))}" in mail.outbox[1].body
    assert sorted(TrainingReminder.objects.values_list("key", flat=True)) == [
        f"renewal:{expires_on.isoformat()}",
        f"renewal:{next_expiry.isoformat()}",
    ]


def test_expired_training_is_reminded_once(requirement, member, member_course, send):
    attended(member, member_course, TODAY - relativedelta(months=30))
    expires_on = TODAY - relativedelta(months=6)

    assert send(requirement_reminders_send, today=TODAY) == {**NOTHING, "expired": 1}
    [email] = mail.outbox
    assert email.subject == "Your training has expired: Prevent training for elected Members"
    assert f"counted until {long_date(expires_on - dt.timedelta(days=1))} and has now expired" in email.body
    assert send(requirement_reminders_send, today=TODAY + dt.timedelta(days=1)) == NOTHING
    assert len(mail.outbox) == 1
    assert TrainingReminder.objects.get().key == f"expired:{expires_on.isoformat()}"


# --- Who gets nothing -----------------------------------------------------------------------------------


def test_complete_booked_outsiders_and_inactive_requirements_get_nothing(
    requirement, make_user, member_course, make_session, send
):
    complete = make_user(roles.ELECTED_MEMBER)
    attended(complete, member_course, timezone.localdate() - dt.timedelta(days=30))
    booked = make_user(roles.ELECTED_MEMBER)
    booking_create(session=make_session(days=5, course=member_course), user=booked)
    mail.outbox.clear()  # the booking's own confirmation
    outsider = make_user(roles.LEARNER)
    inactive = TrainingRequirement.objects.create(name="Safeguarding for everyone", active=False)
    inactive.groups.add(Group.objects.get(name=roles.LEARNER))

    assert send(requirement_reminders_send) == NOTHING
    assert mail.outbox == []
    assert not TrainingReminder.objects.filter(user__in=[complete, booked, outsider]).exists()


def test_a_pending_certificate_holds_the_reminder_back_until_it_is_refused(requirement, member, team_admin, send):
    certificate = external_certificate_submit(
        user=member,
        requirement=requirement,
        title="Home Office Prevent e-learning",
        completed_on=timezone.localdate() - dt.timedelta(days=2),
        file=SimpleUploadedFile("cert.pdf", PDF),
    )
    assert send(requirement_reminders_send) == NOTHING
    external_certificate_review(certificate=certificate, by=team_admin, approve=False, note="The name does not match.")
    mail.outbox.clear()  # the team's "certificate submitted" and the person's "not accepted" emails
    assert send(requirement_reminders_send) == {**NOTHING, "not_started": 1}
    assert [email.to for email in mail.outbox] == [[member.email]]


# --- The team's monthly summary ----------------------------------------------------------------------


def test_the_team_gets_a_monthly_summary_with_counts_only(requirement, make_user, member_course, team_admin, send):
    cabinet = make_user(
        roles.ELECTED_MEMBER,
        member_side="administration",
        is_cabinet_member=True,
        first_name="Zebedee",
        last_name="Quartermain",
    )
    backbench = make_user(
        roles.ELECTED_MEMBER, member_side="administration", first_name="Araminta", last_name="Fotheringay"
    )
    opposition = make_user(roles.ELECTED_MEMBER, member_side="opposition", first_name="Ottoline", last_name="Pargeter")
    attended(cabinet, member_course, TODAY - dt.timedelta(days=30))
    attended(opposition, member_course, TODAY - dt.timedelta(days=30))
    make_user(roles.PREVENT_ADMIN, is_active=False)
    make_user(roles.TRAINER)

    assert send(team_summary_send, today=TODAY) == 1
    [email] = mail.outbox
    assert email.to == [team_admin.email], "team admins only"
    assert email.subject == "Mandatory training summary: November 2024"
    body = email.body
    assert "Prevent training for elected Members" in body
    assert "  Everyone: 3 people\n    Complete: 2 (66.7%)\n    Due for renewal: 0 (0%)" in body
    assert "    Not started: 1 (33.3%)" in body
    assert "  Administration: 2 people\n    Complete: 1 (50%)" in body
    assert "  Opposition: 1 person\n    Complete: 1 (100%)" in body
    assert "  Cabinet Members: 1 person\n    Complete: 1 (100%)" in body
    assert "http://testserver/admin/training/compliance/" in body
    for person in (cabinet, backbench, opposition):
        for detail in (person.first_name, person.last_name, person.email):
            assert detail not in body

    assert send(team_summary_send, today=TODAY + dt.timedelta(days=5)) == 0, "once a month"
    assert send(team_summary_send, today=dt.date(2024, 12, 1)) == 1, "and again next month"
    assert [email.subject for email in mail.outbox] == [
        "Mandatory training summary: November 2024",
        "Mandatory training summary: December 2024",
    ]


def test_no_summary_is_claimed_while_nothing_is_active(requirement, team_admin, send):
    requirement.active = False
    requirement.save()
    assert send(team_summary_send, today=TODAY) == 0
    requirement.active = True
    requirement.save()
    assert send(team_summary_send, today=TODAY) == 1
    assert len(mail.outbox) == 1


# --- Certificates sent in and reviewed ---------------------------------------------------------------


def submit(member, requirement, send):
    return send(
        external_certificate_submit,
        user=member,
        requirement=requirement,
        title="Home Office Prevent e-learning",
        completed_on=dt.date(2026, 11, 2),
        file=SimpleUploadedFile("cert.pdf", PDF),
    )


def test_a_certificate_sent_in_tells_the_team_with_the_review_link(requirement, member, team_admin, make_user, send):
    colleague = make_user(roles.PREVENT_ADMIN)
    certificate = submit(member, requirement, send)

    assert sorted(email.to[0] for email in mail.outbox) == sorted([team_admin.email, colleague.email])
    email = mail.outbox[0]
    assert email.subject == "Certificate to review: Prevent training for elected Members"
    assert f"http://testserver/admin/training/certificates/edit/{certificate.pk}/" in email.body
    assert "2 November 2026" in email.body
    assert member.email not in email.body and member.last_name not in email.body


def test_an_approved_certificate_tells_the_person_it_counts_from_its_date(requirement, member, team_admin, send):
    certificate = submit(member, requirement, send)
    mail.outbox.clear()
    send(external_certificate_review, certificate=certificate, by=team_admin, approve=True)

    [email] = mail.outbox
    assert email.to == [member.email]
    assert email.subject == "Certificate approved: Prevent training for elected Members"
    assert "has been approved" in email.body
    assert "from 2 November 2026, the date on the certificate, until 1 November 2028" in email.body


def test_a_refused_certificate_tells_the_person_why_and_how_to_send_another(requirement, member, team_admin, send):
    certificate = submit(member, requirement, send)
    mail.outbox.clear()
    send(
        external_certificate_review,
        certificate=certificate,
        by=team_admin,
        approve=False,
        note="The name on the certificate does not match yours.",
    )

    [email] = mail.outbox
    assert email.to == [member.email]
    assert email.subject == "Certificate not accepted: Prevent training for elected Members"
    assert "could not accept it" in email.body and "has been approved" not in email.body
    assert "The Prevent team said: The name on the certificate does not match yours." in email.body
    assert f"http://testserver/my-training/requirements/{requirement.pk}/certificate/" in email.body


# --- Two runs at once (PostgreSQL) --------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_each_email_once(make_user, team_admin):
    restore_home_page()
    rule = TrainingRequirement.objects.create(name="Prevent training for elected Members")
    rule.groups.add(Group.objects.get(name=roles.ELECTED_MEMBER))
    rule.courses.add(CoursePageFactory(reporting_category=ReportingCategory.MEMBER))
    members = [make_user(roles.ELECTED_MEMBER) for _ in range(8)]
    mail.outbox.clear()
    barrier = threading.Barrier(2)

    def run():
        try:
            connection.ensure_connection()
            barrier.wait(timeout=30)
            return training_reminders_send(today=TODAY)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = [future.result() for future in [pool.submit(run), pool.submit(run)]]

    assert sum(result["not_started"] for result in results) == 8
    assert sum(result["team_summary"] for result in results) == 1
    assert sorted(email.to[0] for email in mail.outbox) == sorted([m.email for m in members] + [team_admin.email])
