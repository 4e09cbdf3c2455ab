"""The feedback page behind a link, and where the link is offered: the check-in thank-you screen and My training."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from crm import roles
from events.models import Attendance, TrainingSession
from feedback.errors import ANSWER_MESSAGES, FEEDBACK_OPEN_DAYS, MESSAGES
from feedback.links import feedback_path, feedback_token
from feedback.models import FeedbackRequest, FeedbackResponse

from .conftest import good_answers


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()).replace("&#x27;", "'")


def post_data(form, *, anonymous=False, **overrides) -> dict[str, str]:
    data = {f"q{pk}": value for pk, value in good_answers(form, **overrides).items()}
    if anonymous:
        data["anonymous"] = "on"
    return data


def test_an_account_attendance_asks_its_owner_to_sign_in(client, attendance, learner, wrap_form):
    path = feedback_path(attendance)
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert client.post(path, post_data(wrap_form)).status_code == 302
    assert not FeedbackResponse.objects.exists()
    client.force_login(learner)
    page = client.get(path)
    assert page.status_code == 200
    assert f"How was {attendance.session.course.title}?" in text(page)
    # 1 to 5 radios, each question a fieldset with its legend
    assert page.content.decode().count("<fieldset") >= 6 and "<legend" in page.content.decode()
    answered = client.post(path, post_data(wrap_form))
    assert answered.status_code == 302 and answered["Location"] == reverse("feedback:thanks")
    assert FeedbackResponse.objects.get().attendance == attendance
    assert "Thank you for your feedback" in text(client.get(reverse("feedback:thanks")))


def test_someone_else_signed_in_cannot_answer_for_them(client, attendance, make_user, wrap_form):
    client.force_login(make_user(roles.LEARNER))
    path = feedback_path(attendance)
    refused = client.get(path)
    assert refused.status_code == 403 and MESSAGES["other_person"] in text(refused)
    assert client.post(path, post_data(wrap_form, anonymous=True)).status_code == 403
    assert not FeedbackResponse.objects.exists()


def test_a_walk_in_without_an_account_answers_with_the_link_alone(client, walk_in, wrap_form):
    path = feedback_path(walk_in)
    assert client.get(path).status_code == 200
    assert client.post(path, post_data(wrap_form, anonymous=True)).status_code == 302
    response = FeedbackResponse.objects.get()
    assert response.anonymous and response.attendance is None
    again = client.get(path)
    assert again.status_code == 200 and MESSAGES["already_answered"] in text(again)
    assert client.post(path, post_data(wrap_form)).status_code == 200
    assert FeedbackResponse.objects.count() == 1


def test_a_tampered_or_made_up_token_is_a_404(client, walk_in):
    token = feedback_token(walk_in)
    assert client.get(reverse("feedback:answer", args=[token[:-2] + "xx"])).status_code == 404
    assert client.get(reverse("feedback:answer", args=["not-a-token"])).status_code == 404


def test_a_link_made_for_an_account_stops_when_the_attendance_loses_it(client, attendance):
    path = feedback_path(attendance)
    Attendance.objects.filter(pk=attendance.pk).update(user=None, email="", full_name="")
    assert client.get(path).status_code == 404, "an erased person's old email answers nothing"


def test_bad_answers_show_clear_messages_and_keep_what_was_typed(client, walk_in, wrap_form):
    path = feedback_path(walk_in)
    response = client.post(path, post_data(wrap_form, overall="", recommend="maybe", improve="More role play"))
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert ANSWER_MESSAGES["required"] in page and ANSWER_MESSAGES["yes_no"] in page
    assert "More role play" in response.content.decode()
    assert not FeedbackResponse.objects.exists()


def test_a_self_declared_mark_is_kept_anonymous_whatever_is_posted(client, self_declared, wrap_form):
    path = feedback_path(self_declared)
    page = client.get(path)
    assert "your answers are kept anonymously" in text(page)
    assert re.search(r'name="anonymous"[^>]*disabled|disabled[^>]*name="anonymous"', page.content.decode())
    assert client.post(path, post_data(wrap_form, anonymous=False)).status_code == 302
    response = FeedbackResponse.objects.get()
    assert response.anonymous and response.attendance is None


def test_closed_feedback_says_when_it_closed(client, walk_in):
    ended = timezone.now() - dt.timedelta(days=FEEDBACK_OPEN_DAYS + 2)
    TrainingSession.objects.filter(pk=walk_in.session_id).update(starts_at=ended - dt.timedelta(hours=2), ends_at=ended)
    page = client.get(feedback_path(walk_in))
    assert "Feedback for this session closed on" in text(page)
    assert "Send my feedback" not in text(page)


# --- Where the link is offered ---------------------------------------------------------------------------


@pytest.fixture
def open_session(wrap):
    """A session starting in ten minutes, open to walk-ins: check-in is open."""
    starts = timezone.now() + dt.timedelta(minutes=10)
    return TrainingSession.objects.create(
        course=wrap, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Hammersmith Town Hall"
    )


def test_the_check_in_thank_you_screen_asks_for_feedback(client, open_session, learner, wrap_form):
    client.force_login(learner)
    page = client.post(reverse("events:self_checkin", args=[open_session.checkin_token]))
    attendance = Attendance.objects.get(session=open_session, user=learner)
    assert f'href="{feedback_path(attendance)}"' in page.content.decode()
    assert "Give feedback" in text(page)


def test_a_walk_in_at_the_door_is_offered_anonymous_feedback(client, open_session, wrap_form):
    details = {
        "full_name": "Robin Okafor",
        "email": "robin@partner.example",
        "organisation_name": "Fulham Library",
        "organisation_type": "community",
        "job_role": "Librarian",
    }
    page = client.post(reverse("events:self_checkin", args=[open_session.checkin_token]), details)
    attendance = Attendance.objects.get(session=open_session)
    assert attendance.self_declared
    path = feedback_path(attendance)
    assert f'href="{path}"' in page.content.decode()
    assert client.post(path, post_data(wrap_form)).status_code == 302
    assert FeedbackResponse.objects.get().attendance is None


def test_my_training_offers_feedback_then_says_it_was_given(client, attendance, learner, wrap_form, make_session):
    other = make_session(days_ago=FEEDBACK_OPEN_DAYS + 5)
    Attendance.objects.create(session=other, user=learner, full_name="Sam Taylor", email=learner.email)
    client.force_login(learner)
    page = client.get(reverse("events:my_training"))
    html = page.content.decode()
    assert html.count('data-kind="feedback"') == 2, "the open session's link, and the closed one's line"
    assert html.count("/feedback/") == 1 and "Feedback closed" in text(page), "closed feedback is not offered"
    assert f'href="{feedback_path(attendance)}"' in html
    client.post(feedback_path(attendance), post_data(wrap_form))
    assert FeedbackRequest.objects.get(attendance=attendance).answered
    after = client.get(reverse("events:my_training"))
    assert "Feedback given: thank you" in text(after)
    assert feedback_path(attendance) not in after.content.decode()
