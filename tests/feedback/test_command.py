"""manage.py send_feedback_requests: one email per person present, once, with a link that works."""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from crm.models import OutboxMessage
from events.models import Attendance
from feedback.models import FeedbackRequest, FeedbackResponse
from feedback.services import EMAIL_WITHIN_DAYS, feedback_submit

from .conftest import good_answers


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def run() -> str:
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_feedback_requests", stdout=out)
        return out.getvalue()

    return run


def link_in(message) -> str:
    [url] = re.findall(r"https?://\S+/feedback/\S+/", message.body)
    return url


@override_settings(EMAIL_BACKEND="crm.outbox.OutboxBackend")  # as the site runs: stored, then sent
def test_each_person_present_is_emailed_once_however_often_it_runs(send, attendance, walk_in, learner):
    assert send() == "Sent 2 feedback requests.\n"
    assert sorted(message.to[0] for message in mail.outbox) == sorted([learner.email, walk_in.email])
    assert OutboxMessage.objects.count() == 2, "through the outbox"
    assert FeedbackRequest.objects.filter(emailed_at__isnull=False).count() == 2
    assert send() == "Sent 0 feedback requests.\n"
    assert len(mail.outbox) == 2


def test_the_email_names_the_session_and_its_link_opens_the_form(send, attendance, learner, client):
    send()
    [message] = mail.outbox
    assert message.subject.startswith(f"How was it? {attendance.session.course.title}")
    path = "/" + link_in(message).split("/", 3)[3]
    assert client.get(path).status_code == 302, "an account's link asks for sign-in first"
    client.force_login(learner)
    page = client.get(path)
    assert page.status_code == 200 and "Send my feedback" in page.content.decode()


def test_a_walk_in_without_an_account_answers_from_the_email_alone(send, walk_in, wrap_form, client):
    send()
    [message] = mail.outbox
    path = "/" + link_in(message).split("/", 3)[3]
    form_page = client.get(path)
    assert form_page.status_code == 200
    answers = {f"q{pk}": value for pk, value in good_answers(wrap_form).items()}
    assert client.post(path, answers).status_code == 302
    assert FeedbackResponse.objects.get().attendance == walk_in


def test_self_declared_marks_are_never_emailed(send, self_declared):
    assert send() == "Sent 0 feedback requests.\n"
    assert not mail.outbox


def test_nobody_who_answered_is_emailed(send, attendance, learner, wrap_form):
    feedback_submit(attendance_id=attendance.pk, answers=good_answers(wrap_form), anonymous=True, by=learner)
    assert send() == "Sent 0 feedback requests.\n"


def test_sessions_that_ended_long_ago_or_have_not_ended_are_not_emailed(send, make_session, learner):
    old = make_session(days_ago=EMAIL_WITHIN_DAYS + 1)
    running = make_session(days_ago=-1)
    Attendance.objects.create(session=old, user=learner, full_name="Sam Taylor", email=learner.email)
    Attendance.objects.create(session=running, full_name="Robin", email="robin@partner.example")
    assert send() == "Sent 0 feedback requests.\n"


def test_a_mark_taken_back_or_a_cancelled_session_is_not_emailed(send, attendance, walk_in):
    from django.utils import timezone

    Attendance.objects.filter(pk=attendance.pk).update(undone_at=timezone.now())
    type(walk_in.session).objects.filter(pk=walk_in.session_id).update(status="cancelled")
    assert send() == "Sent 0 feedback requests.\n"


def test_a_course_without_a_form_is_not_emailed(send, attendance, wrap_form):
    type(wrap_form).objects.filter(pk=wrap_form.pk).update(default_for="")
    assert send() == "Sent 0 feedback requests.\n"
