"""Issue 10 items 10 and 11: training records in the audit log, check-ins kept as history, deleting a person.

Bookings and cancellations (own, colleague, team), check-ins and their undo, registers uploaded and
closed, sessions deleted: each writes an entry with what changed. Undoing a mark keeps it (and its
certificate code, never given again). Deleting a person deletes their data, after the team has seen
what will go.
"""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from crm.wagtail_hooks import BULK_PERSON_DELETE_REFUSED
from events.models import Attendance, Booking, ExternalCertificate, TrainingSession
from events.register_files import RegisterRow
from events.services import (
    attendance_undo,
    booking_cancel,
    booking_create,
    desk_mark,
    register_close,
    register_upload_apply,
)
from tests.factories import book_colleague

pytestmark = pytest.mark.django_db


def logged(action, **data):
    lookups = {f"data__{key}": value for key, value in data.items()}
    return list(ModelLogEntry.objects.filter(action=action, **lookups).order_by("pk"))


def test_bookings_and_cancellations_say_whose_doing_they_were(make_session, make_user, team_admin):
    session = make_session(days=7)
    own_person, lead, team_person = make_user(), make_user(), make_user()
    own = booking_create(session=session, user=own_person)
    cy = make_user(email="cy@example.gov.uk")
    colleague = book_colleague(session=session, lead=lead, colleague=cy)
    by_team = booking_create(session=session, user=team_person, booked_by=team_admin)
    kinds = {entry.data["person"]: entry.data["kind"] for entry in logged("events.booking_create")}
    # A colleague's place is theirs: they accepted the lead's invitation, which the entry names.
    assert kinds == {own_person.pk: "own", cy.pk: "own", team_person.pk: "team"}
    [accepted] = logged("events.booking_create", person=cy.pk)
    assert accepted.data["invited_by"] == lead.pk and accepted.user == cy
    [invited] = logged("events.invitation_send")
    assert (invited.user, invited.data["email"], invited.data["changes"]) == (
        lead,
        "cy@example.gov.uk",
        {"status": [None, "pending"]},
    )
    [entry] = logged("events.booking_create", person=own_person.pk)
    assert entry.data["changes"] == {"status": [None, "confirmed"]} and entry.user == own_person

    booking_cancel(booking=own, by=own_person)
    booking_cancel(booking=colleague, by=lead)
    booking_cancel(booking=by_team, by=team_admin)
    cancels = {entry.data["person"]: (entry.data["kind"], entry.user) for entry in logged("events.booking_cancel")}
    assert cancels == {
        own_person.pk: ("own", own_person),
        colleague.user_id: ("colleague", lead),
        team_person.pk: ("team", team_admin),
    }
    assert logged("events.booking_cancel", person=own_person.pk)[0].data["changes"] == {
        "status": ["confirmed", "cancelled"]
    }


def test_undo_keeps_the_mark_as_history_and_a_new_mark_never_reuses_its_certificate_code(
    today_session, trainer, make_user
):
    person = make_user()
    booking = booking_create(session=today_session, user=person)
    first = desk_mark(booking=booking, by=trainer).attendance
    [checked_in] = logged("events.checkin", person=person.pk)
    assert checked_in.user == trainer and checked_in.data["changes"] == {"present": [False, True]}

    attendance_undo(attendance=first, by=trainer)
    kept = Attendance.history.get(pk=first.pk)
    assert kept.undone_at is not None and kept.undone_by == trainer
    assert not Attendance.objects.filter(session=today_session).exists(), "a mark taken back counts nowhere"
    [undone] = logged("events.checkin_undo", person=person.pk)
    assert undone.data["certificate_code"] == first.certificate_code
    assert undone.data["changes"]["present"] == [True, False]

    again = desk_mark(booking=Booking.objects.get(pk=booking.pk), by=trainer)
    assert again.created and again.attendance.pk != first.pk
    assert again.attendance.certificate_code != first.certificate_code
    assert Attendance.objects.get(session=today_session).pk == again.attendance.pk
    assert Attendance.history.filter(session=today_session).count() == 2


def test_register_close_and_upload_are_logged_with_each_no_show(make_session, trainer, make_user):
    session = make_session(days=7, capacity=5)
    session.trainers.add(trainer)
    absent, present, listed = make_user(), make_user(), make_user(email="listed@example.gov.uk")
    booking_create(session=session, user=absent)
    booking_create(session=session, user=present)
    listed_booking = booking_create(session=session, user=listed)
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=3), ends_at=timezone.now() - dt.timedelta(hours=1)
    )
    session.refresh_from_db()

    counts = register_upload_apply(
        session=session,
        rows=[
            RegisterRow(row=2, name="P", email=present.email, attended=True),
            RegisterRow(row=3, name="L", email=listed.email, attended=False),
        ],
        by=trainer,
    )
    [upload] = logged("events.register_upload")
    assert upload.object_id == str(session.pk) and upload.user == trainer
    assert upload.data["marked"] == counts["marked"] == 1 and upload.data["rows"] == 2
    assert logged("events.checkin", person=present.pk)[0].data["method"] == "upload"
    [listed_no_show] = logged("events.no_show", person=listed.pk)
    assert listed_no_show.object_id == str(listed_booking.pk)

    register_close(session=session, by=trainer)
    [closed] = logged("events.register_close")
    assert closed.data["no_shows"] == 2 and closed.user == trainer
    [absent_no_show] = logged("events.no_show", person=absent.pk)
    assert absent_no_show.data["changes"] == {"no_show": [False, True]}
    assert len(logged("events.no_show", person=listed.pk)) == 1, "already a no-show: nothing changed, nothing logged"


def test_deleting_a_session_logs_what_went_with_it(client, today_session, trainer, team_admin, make_user):
    people = [make_user() for _ in range(3)]
    bookings = [booking_create(session=today_session, user=person) for person in people]
    desk_mark(booking=bookings[0], by=trainer)
    client.force_login(team_admin)
    url = reverse("sessions:delete", args=[today_session.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not TrainingSession.objects.filter(pk=today_session.pk).exists()
    [entry] = logged("events.session_delete")
    assert entry.user == team_admin and entry.object_id == str(today_session.pk)
    assert entry.data["bookings"] == 3 and entry.data["attendances"] == 1
    assert sorted(entry.data["booking_ids"]) == sorted(booking.pk for booking in bookings)
    assert sorted(entry.data["people"]) == sorted(person.pk for person in people)


def test_deleting_a_person_shows_what_goes_then_deletes_their_data(
    client, make_session, trainer, team_admin, make_user, requirement, django_capture_on_commit_callbacks
):
    person = make_user(first_name="Dana", last_name="Delete", email="dana@example.gov.uk", job_role="Teacher")
    other = make_user(first_name="Olly", last_name="Other")
    session = make_session(days=0, capacity=5)
    session.starts_at = timezone.now() + dt.timedelta(minutes=10)
    session.ends_at = session.starts_at + dt.timedelta(hours=2)
    session.save()
    session.trainers.add(trainer)
    for someone in (person, other):
        desk_mark(booking=booking_create(session=session, user=someone), by=trainer)
    certificate = ExternalCertificate.objects.create(
        user=person,
        requirement=requirement,
        title="Home Office e-learning",
        completed_on=timezone.localdate(),
        file=ContentFile(b"%PDF-1.4 certificate", name="certificate.pdf"),
    )
    storage, file_name = certificate.file.storage, certificate.file.name
    assert storage.exists(file_name)

    client.force_login(team_admin)
    url = reverse("wagtailusers_users:delete", args=[person.pk])
    preview = client.get(url)
    assert preview.status_code == 200
    page = preview.content.decode()
    for line in (
        "What will go",
        "Bookings and waiting-list places",
        "Attendance at sessions",
        "kept for the figures, with name, email and job role taken out",
        "External certificates (and their files)",
        "deleted, files removed from storage",
    ):
        assert line in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302

    assert not type(person).objects.filter(pk=person.pk).exists()
    assert not storage.exists(file_name), "the certificate file is removed from storage"
    assert not ExternalCertificate.objects.filter(pk=certificate.pk).exists()
    assert Attendance.objects.filter(session=session).count() == 2, "the counts stay"
    kept = Attendance.objects.exclude(user=other).get(session=session)
    assert (kept.full_name, kept.email, kept.job_role, kept.user_id) == ("", "", "", None)
    assert not Booking.objects.filter(user_id=person.pk).exists()
    [deleted] = logged("crm.person_delete", person=person.pk)
    assert deleted.user == team_admin and "Dana" not in str(deleted.data) and "Dana" not in deleted.label
    assert not ModelLogEntry.objects.filter(data__person=person.pk, label__icontains="Dana").exists()


def test_people_are_not_deleted_in_bulk(client, team_admin, make_user):
    person = make_user()
    client.force_login(team_admin)
    url = reverse("wagtail_bulk_action", args=["crm", "user", "delete"]) + f"?id={person.pk}"
    response = client.post(url)
    assert response.status_code == 302
    assert type(person).objects.filter(pk=person.pk).exists()
    assert [str(message) for message in get_messages(response.wsgi_request)] == [BULK_PERSON_DELETE_REFUSED]
