"""feedback_submit and its rules: one answer per attendance, answers checked, who may answer, when, and erasure."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from crm.services import person_delete, person_delete_preview
from events.models import Attendance
from events.services import attendance_undo
from feedback.errors import (
    ANSWER_MESSAGES,
    FEEDBACK_OPEN_DAYS,
    MESSAGES,
    PERSONAL_DATA_IN_FEEDBACK,
    TEXT_LIMIT,
    FeedbackError,
    FeedbackInvalid,
)
from feedback.models import FeedbackForm, FeedbackQuestion, FeedbackRequest, FeedbackResponse, Measure, QuestionKind
from feedback.services import feedback_closes_on, feedback_submit

from .conftest import good_answers, question_id


def submit(attendance, form, *, by=None, anonymous=False, **overrides):
    return feedback_submit(
        attendance_id=attendance.pk, answers=good_answers(form, **overrides), anonymous=anonymous, by=by
    )


def test_the_answers_are_kept_in_their_columns_and_as_asked(attendance, wrap_form, learner):
    response = submit(attendance, wrap_form, by=learner)
    assert response.attendance == attendance and not response.anonymous
    assert (response.overall, response.trainer, response.relevance) == (5, 4, 4)
    assert (response.confidence_before, response.confidence_after, response.would_recommend) == (2, 4, True)
    assert response.most_useful == "Priya's examples from Fulham schools were very useful."
    assert response.improve == ""  # optional, left blank
    assert response.submitted_on == timezone.localdate()
    assert response.session == attendance.session and response.form == wrap_form
    assert [answer["question"] for answer in response.answers] == [
        question.label for question in wrap_form.questions.all() if question.measure != Measure.IMPROVE
    ]
    assert FeedbackRequest.objects.get(attendance=attendance).answered


def test_one_answer_per_attendance(attendance, wrap_form, learner):
    submit(attendance, wrap_form, by=learner)
    with pytest.raises(FeedbackError) as refused:
        submit(attendance, wrap_form, by=learner, anonymous=True)
    assert refused.value.code == "already_answered" and refused.value.message == MESSAGES["already_answered"]
    assert FeedbackResponse.objects.count() == 1


def test_an_anonymous_answer_names_nobody_and_cannot_be_given_twice(attendance, wrap_form, learner):
    response = submit(attendance, wrap_form, by=learner, anonymous=True)
    assert response.anonymous and response.attendance is None
    assert not FeedbackResponse.objects.filter(attendance=attendance).exists()
    with pytest.raises(FeedbackError) as refused:
        submit(attendance, wrap_form, by=learner, anonymous=True)
    assert refused.value.code == "already_answered"
    assert FeedbackResponse.objects.count() == 1


@pytest.mark.parametrize(
    ("measure", "value", "message"),
    [
        (Measure.OVERALL, "", ANSWER_MESSAGES["required"]),
        (Measure.OVERALL, "6", ANSWER_MESSAGES["rating"]),
        (Measure.TRAINER, "0", ANSWER_MESSAGES["rating"]),
        (Measure.RELEVANCE, "4.5", ANSWER_MESSAGES["rating"]),
        (Measure.CONFIDENCE_AFTER, "five", ANSWER_MESSAGES["rating"]),
        (Measure.RECOMMEND, "maybe", ANSWER_MESSAGES["yes_no"]),
        (Measure.RECOMMEND, "", ANSWER_MESSAGES["required"]),
        (
            Measure.IMPROVE,
            "x" * (TEXT_LIMIT + 1),
            ANSWER_MESSAGES["too_long"].format(limit=TEXT_LIMIT, length=TEXT_LIMIT + 1),
        ),
        (
            Measure.MOST_USEFUL,
            "Call me on 020 7946 0123",
            PERSONAL_DATA_IN_FEEDBACK.format(kind="a UK phone number", found="020 7946 0123"),
        ),
        (
            Measure.IMPROVE,
            "Email sam.taylor@example.gov.uk the slides",
            PERSONAL_DATA_IN_FEEDBACK.format(kind="an email address", found="sam.taylor@example.gov.uk"),
        ),
    ],
)
def test_bad_answers_are_refused_with_a_message_beside_their_question(
    attendance, wrap_form, learner, measure, value, message
):
    with pytest.raises(FeedbackInvalid) as refused:
        submit(attendance, wrap_form, by=learner, **{measure: value})
    assert refused.value.errors == {question_id(wrap_form, measure): [message]}
    assert refused.value.message == MESSAGES["answers_invalid"]
    assert not FeedbackResponse.objects.exists()
    assert not FeedbackRequest.objects.filter(answered=True).exists(), "nothing half-saved"


def test_every_bad_answer_is_reported_at_once(attendance, wrap_form, learner):
    with pytest.raises(FeedbackInvalid) as refused:
        submit(attendance, wrap_form, by=learner, overall="9", trainer="", recommend="perhaps")
    assert set(refused.value.errors) == {question_id(wrap_form, m) for m in ("overall", "trainer", "recommend")}


@pytest.mark.parametrize(
    "comment",
    [
        "Helen Price was an excellent trainer.",
        "Session on 12/03/2026 at 14:30 in Room 2 ran over by 10 minutes.",
        "WRAP 2 should follow on; 25 of us attended.",
    ],
)
def test_ordinary_comments_pass_the_personal_data_guard(attendance, wrap_form, learner, comment):
    response = submit(attendance, wrap_form, by=learner, improve=comment)
    assert response.improve == comment


def test_written_answers_are_cleaned(attendance, wrap_form, learner):
    response = submit(attendance, wrap_form, by=learner, most_useful="Case\x00 studies\x0b too ")
    assert response.most_useful == "Case studies  too"


def test_a_choice_must_be_one_listed(attendance, wrap_form, learner):
    question = FeedbackQuestion.objects.create(
        form=wrap_form,
        sort_order=99,
        label="How did you hear of it?",
        kind=QuestionKind.CHOICE,
        choices="Email\nManager\nIntranet",
    )
    answers = good_answers(wrap_form) | {str(question.pk): "Carrier pigeon"}
    with pytest.raises(FeedbackInvalid) as refused:
        feedback_submit(attendance_id=attendance.pk, answers=answers, anonymous=False, by=learner)
    assert refused.value.errors == {str(question.pk): [ANSWER_MESSAGES["choice"]]}
    answers[str(question.pk)] = "Manager"
    response = feedback_submit(attendance_id=attendance.pk, answers=answers, anonymous=False, by=learner)
    assert response.answers[-1] == {"question": "How did you hear of it?", "measure": "", "answer": "Manager"}


def test_a_self_declared_mark_answers_only_anonymously(self_declared, wrap_form):
    with pytest.raises(FeedbackError) as refused:
        submit(self_declared, wrap_form, anonymous=False)
    assert refused.value.code == "anonymous_only" and refused.value.message == MESSAGES["anonymous_only"]
    response = submit(self_declared, wrap_form, anonymous=True)
    assert response.anonymous and response.attendance is None
    with pytest.raises(FeedbackError) as again:
        submit(self_declared, wrap_form, anonymous=True)
    assert again.value.code == "already_answered"


def test_an_account_attendance_needs_its_owner_signed_in(attendance, wrap_form, make_user):
    with pytest.raises(FeedbackError) as anonymous_visitor:
        submit(attendance, wrap_form, by=None, anonymous=True)
    assert anonymous_visitor.value.code == "sign_in"
    with pytest.raises(FeedbackError) as someone_else:
        submit(attendance, wrap_form, by=make_user(), anonymous=True)
    assert someone_else.value.code == "other_person" and someone_else.value.message == MESSAGES["other_person"]
    assert not FeedbackResponse.objects.exists()


def test_a_walk_in_without_an_account_answers_with_no_sign_in(walk_in, wrap_form):
    assert submit(walk_in, wrap_form).attendance == walk_in


def test_feedback_closes_some_days_after_the_session(attendance, wrap_form, learner):
    closes = feedback_closes_on(attendance.session)
    assert closes == timezone.localdate(attendance.session.ends_at) + dt.timedelta(days=FEEDBACK_OPEN_DAYS)
    with pytest.raises(FeedbackError) as refused:
        feedback_submit(
            attendance_id=attendance.pk,
            answers=good_answers(wrap_form),
            anonymous=False,
            by=learner,
            today=closes + dt.timedelta(days=1),
        )
    assert refused.value.code == "closed"
    assert refused.value.message == MESSAGES["closed"].format(closed=f"{closes:%-d %B %Y}", days=FEEDBACK_OPEN_DAYS)
    on_the_last_day = feedback_submit(
        attendance_id=attendance.pk, answers=good_answers(wrap_form), anonymous=False, by=learner, today=closes
    )
    assert on_the_last_day.submitted_on == closes


def test_a_mark_taken_back_gives_no_feedback(attendance, wrap_form, learner, make_user):
    from crm import roles

    attendance_undo(attendance=attendance, by=make_user(roles.PREVENT_ADMIN))
    with pytest.raises(FeedbackError) as refused:
        submit(attendance, wrap_form, by=learner)
    assert refused.value.code == "not_present"


def test_a_cancelled_session_or_a_course_without_a_form_asks_nothing(attendance, wrap_form, learner):
    FeedbackForm.objects.filter(pk=wrap_form.pk).update(default_for="")
    with pytest.raises(FeedbackError) as no_form:
        submit(attendance, wrap_form, by=learner)
    assert no_form.value.code == "no_form"
    FeedbackForm.objects.filter(pk=wrap_form.pk).update(default_for="wrap")
    type(attendance.session).objects.filter(pk=attendance.session.pk).update(status="cancelled")
    with pytest.raises(FeedbackError) as cancelled:
        submit(attendance, wrap_form, by=learner)
    assert cancelled.value.code == "session_cancelled"


def test_a_course_with_its_own_form_asks_that_one(attendance, wrap_form, learner, wrap):
    from feedback.models import FeedbackFormCourse

    own = FeedbackForm.objects.create(title="WRAP pilot")
    question = FeedbackQuestion.objects.create(form=own, label="Anything else?", kind=QuestionKind.TEXT)
    FeedbackFormCourse.objects.create(form=own, course=wrap)
    response = feedback_submit(
        attendance_id=attendance.pk, answers={str(question.pk): "All good"}, anonymous=False, by=learner
    )
    assert response.form == own and response.overall is None
    assert response.answers == [{"question": "Anything else?", "measure": "", "answer": "All good"}]


def test_erasing_a_person_detaches_their_feedback_and_the_preview_says_so(attendance, wrap_form, learner, make_user):
    from crm import roles

    named = submit(attendance, wrap_form, by=learner)
    other = Attendance.objects.create(session=attendance.session, full_name="Kept", email="kept@example.gov.uk")
    kept = submit(other, wrap_form)
    lines = {line.what: line for line in person_delete_preview(user=learner)}
    assert lines["Feedback they gave on sessions"].count == 1
    assert "no longer linked" in lines["Feedback they gave on sessions"].fate
    person_delete(actor=make_user(roles.PREVENT_ADMIN), user=learner)
    named.refresh_from_db()
    assert named.attendance is None and named.overall == 5, "kept for the figures, linked to nobody"
    kept.refresh_from_db()
    assert kept.attendance == other
    attendance.refresh_from_db()
    assert attendance.user is None and attendance.email == "", "training still blanks the attendance afterwards"


def test_submitted_on_is_the_london_date(attendance, wrap_form, learner):
    # 23:30 on 31 March in London (BST starts on 29 March 2026): still 31 March there.
    with time_machine.travel(dt.datetime(2026, 3, 31, 22, 30, tzinfo=dt.UTC), tick=False):
        type(attendance.session).objects.filter(pk=attendance.session.pk).update(
            starts_at=timezone.now() - dt.timedelta(hours=3), ends_at=timezone.now() - dt.timedelta(hours=1)
        )
        response = submit(attendance, wrap_form, by=learner)
    assert response.submitted_on == dt.date(2026, 3, 31)
