"""Feedback after a session: one answer per attendance, asked once by email, erased with the person.

The rules live here; the views, the email command and My training only call them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from crm.services import PersonDataLine
from crm.text import clean_text, personal_data_check
from events.after_attendance import AttendanceLink
from events.models import Attendance, SessionStatus, TrainingSession
from events.services.people import person_attendances

from . import emails
from .errors import (
    ANSWER_MESSAGES,
    FEEDBACK_OPEN_DAYS,
    PERSONAL_DATA_IN_FEEDBACK,
    TEXT_LIMIT,
    FeedbackError,
    FeedbackInvalid,
)
from .links import feedback_path
from .models import (
    FeedbackForm,
    FeedbackFormCourse,
    FeedbackQuestion,
    FeedbackRequest,
    FeedbackResponse,
    Measure,
    QuestionKind,
)
from .selectors import counted_attendances, feedback_form_for

if TYPE_CHECKING:
    from crm.models import User

# Sessions that ended longer ago than this are never emailed: a fresh install, or the first run of the
# job, must not write to everyone trained in past years.
EMAIL_WITHIN_DAYS = 14

YES = ("yes", "true", "1")
NO = ("no", "false", "0")
MEASURE_FIELDS = {
    Measure.OVERALL: "overall",
    Measure.TRAINER: "trainer",
    Measure.RELEVANCE: "relevance",
    Measure.CONFIDENCE_BEFORE: "confidence_before",
    Measure.CONFIDENCE_AFTER: "confidence_after",
    Measure.RECOMMEND: "would_recommend",
    Measure.MOST_USEFUL: "most_useful",
    Measure.IMPROVE: "improve",
}


def feedback_closes_on(session: TrainingSession) -> dt.date:
    """The last day feedback on ``session`` is taken: ``FEEDBACK_OPEN_DAYS`` after the day it ends (London)."""
    return timezone.localdate(session.ends_at) + dt.timedelta(days=FEEDBACK_OPEN_DAYS)


def feedback_open_check(attendance: Attendance, *, today: dt.date | None = None) -> FeedbackForm:
    """The form ``attendance``'s person is asked, or ``FeedbackError``: cancelled session, no form, closed.

    Feedback opens once the person is marked present (the thank-you screen asks at the door) and
    closes ``FEEDBACK_OPEN_DAYS`` after the session ends.
    """
    today = today or timezone.localdate()
    session = attendance.session
    if session.status == SessionStatus.CANCELLED:
        raise FeedbackError("session_cancelled")
    form = feedback_form_for(session.course)
    if form is None:
        raise FeedbackError("no_form")
    closes = feedback_closes_on(session)
    if today > closes:
        raise FeedbackError("closed", closed=f"{closes:%-d %B %Y}", days=FEEDBACK_OPEN_DAYS)
    return form


def feedback_person_check(attendance: Attendance, *, by: User | None) -> None:
    """Who may answer for ``attendance``: its account's owner, signed in; anyone holding the link of a walk-in without one.

    Raises ``FeedbackError("sign_in")`` or ``("other_person")``: a forwarded email never lets
    someone else answer as the person.
    """
    if attendance.user_id is None:
        return
    if by is None or not by.is_authenticated:
        raise FeedbackError("sign_in")
    if by.pk != attendance.user_id:
        raise FeedbackError("other_person")


def must_be_anonymous(attendance: Attendance) -> bool:
    """A self-declared mark (typed at the door, not confirmed) may answer only anonymously.

    Anyone can type anyone's email at the door: answers from such a mark must never be put to that person.
    """
    return attendance.self_declared


def standing_attendance(attendance_id: int) -> Attendance:
    """The attendance, if its mark still stands (``Attendance.objects``); else ``FeedbackError("not_present")``."""
    attendance = Attendance.objects.select_related("session", "session__course").filter(pk=attendance_id).first()
    if attendance is None:
        raise FeedbackError("not_present")
    return attendance


@dataclass(frozen=True)
class Answer:
    question: FeedbackQuestion
    value: int | bool | str


def feedback_answers_clean(*, form: FeedbackForm, answers: Mapping[str, object]) -> list[Answer]:
    """Each of ``form``'s questions answered as it asks, from ``answers`` (question id as text -> value typed).

    Required questions must be answered; ratings are whole numbers 1 to 5; yes/no is yes or no; a choice
    is one of the question's own; written answers are cleaned (``crm.text.clean_text``), at most
    ``TEXT_LIMIT`` characters, and hold no contact details (``crm.text.personal_data_check``: emails,
    phone numbers, postcodes, NI numbers - a trainer's name or a date is fine). Raises
    ``FeedbackInvalid`` with every question's messages at once.
    """
    cleaned: list[Answer] = []
    errors: dict[str, list[str]] = {}
    for question in form.questions.all():
        key = str(question.pk)
        raw = answers.get(key)
        raw = "" if raw is None else str(raw)
        raw = clean_text(raw, multiline=question.kind == QuestionKind.TEXT).strip()
        if not raw:
            if question.required:
                errors[key] = [ANSWER_MESSAGES["required"]]
            continue
        if question.kind == QuestionKind.RATING:
            if raw not in ("1", "2", "3", "4", "5"):
                errors[key] = [ANSWER_MESSAGES["rating"]]
                continue
            value: int | bool | str = int(raw)
        elif question.kind == QuestionKind.YES_NO:
            if raw.lower() not in YES + NO:
                errors[key] = [ANSWER_MESSAGES["yes_no"]]
                continue
            value = raw.lower() in YES
        elif question.kind == QuestionKind.CHOICE:
            if raw not in question.choice_list:
                errors[key] = [ANSWER_MESSAGES["choice"]]
                continue
            value = raw
        else:
            problems = personal_data_check(raw, refused=PERSONAL_DATA_IN_FEEDBACK)
            if len(raw) > TEXT_LIMIT:
                problems.insert(0, ANSWER_MESSAGES["too_long"].format(limit=TEXT_LIMIT, length=len(raw)))
            if problems:
                errors[key] = problems
                continue
            value = raw
        cleaned.append(Answer(question, value))
    if errors:
        raise FeedbackInvalid(errors)
    return cleaned


def _lock_request(attendance: Attendance) -> FeedbackRequest:
    request, _ = FeedbackRequest.objects.get_or_create(attendance=attendance)
    return FeedbackRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def feedback_submit(
    *,
    attendance_id: int,
    answers: Mapping[str, object],
    anonymous: bool,
    by: User | None = None,
    today: dt.date | None = None,
) -> FeedbackResponse:
    """One person's feedback on a session they were marked present at: once per attendance.

    Rule: the mark still stands; the person may answer for it (``feedback_person_check``); the
    session was not cancelled, its course asks for feedback, and feedback has not closed
    (``feedback_open_check``); a self-declared mark answers only anonymously; nobody has answered
    for this attendance yet - the attendance's ``FeedbackRequest`` row is locked, so two answers
    sent at once give one response. Every answer is checked (``feedback_answers_clean``); the
    measures go in their columns and every answer in ``answers``. An anonymous response holds no
    link to the attendance. Raises ``FeedbackError`` (``not_present``, ``sign_in``, ``other_person``,
    ``session_cancelled``, ``no_form``, ``closed``, ``anonymous_only``, ``already_answered``) or
    ``FeedbackInvalid``; nothing is saved when it does.
    """
    today = today or timezone.localdate()
    attendance = standing_attendance(attendance_id)
    feedback_person_check(attendance, by=by)
    form = feedback_open_check(attendance, today=today)
    if must_be_anonymous(attendance) and not anonymous:
        raise FeedbackError("anonymous_only")
    request = _lock_request(attendance)
    if request.answered:
        raise FeedbackError("already_answered")
    cleaned = feedback_answers_clean(form=form, answers=answers)
    response = FeedbackResponse(
        session=attendance.session,
        form=form,
        attendance=None if anonymous else attendance,
        anonymous=anonymous,
        submitted_on=today,
    )
    for answer in cleaned:
        if answer.question.measure:
            setattr(response, MEASURE_FIELDS[answer.question.measure], answer.value)
    response.answers = [
        {"question": answer.question.label, "measure": answer.question.measure, "answer": answer.value}
        for answer in cleaned
    ]
    response.save()
    request.answered = True
    request.save(update_fields=["answered"])
    return response


# --- Asking by email ---------------------------------------------------------------------------------


def _courses_with_forms() -> Q:
    """Sessions whose course asks for feedback: a form of its own, or its category's default."""
    defaults = FeedbackForm.objects.exclude(default_for="").values_list("default_for", flat=True)
    own = FeedbackFormCourse.objects.values_list("course_id", flat=True)
    return Q(session__course__in=own) | Q(session__course__reporting_category__in=defaults)


def feedback_requests_due(*, now: dt.datetime | None = None):
    """Attendances to email a feedback link to now.

    Counted as trained (``counted_attendances``: present, confirmed, at a session held and ended),
    the session ended in the last ``EMAIL_WITHIN_DAYS`` days, the course asks for feedback, the person
    has an email address, and they were neither emailed nor have answered.
    """
    now = now or timezone.now()
    return (
        counted_attendances()
        .filter(session__ends_at__lte=now, session__ends_at__gte=now - dt.timedelta(days=EMAIL_WITHIN_DAYS))
        .filter(_courses_with_forms())
        .filter((Q(user__isnull=False) & ~Q(user__email="")) | (Q(user__isnull=True) & ~Q(email="")))
        .exclude(feedback_request__emailed_at__isnull=False)
        .exclude(feedback_request__answered=True)
        .select_related("session", "session__course", "user")
        .order_by("session__ends_at", "pk")
    )


def feedback_requests_send(*, now: dt.datetime | None = None) -> int:
    """Email each attendance due (``feedback_requests_due``) its feedback link, once; returns how many were sent.

    Each email is stored in the outbox in the same transaction that sets ``emailed_at`` on the
    attendance's locked ``FeedbackRequest``, so a second run - or two at once - sends nothing more.
    Self-declared marks are never emailed: the address was typed by whoever stood at the door.
    """
    now = now or timezone.now()
    sent = 0
    for attendance in feedback_requests_due(now=now):
        with transaction.atomic():
            request = _lock_request(attendance)
            if request.emailed_at is not None or request.answered:
                continue
            emails.feedback_request(attendance)
            request.emailed_at = now
            request.save(update_fields=["emailed_at"])
            sent += 1
    return sent


# --- Links beside an attendance (events.after_attendance) ------------------------------------------------


def feedback_attendance_links(*, attendances, viewer) -> dict[int, AttendanceLink | None]:
    """ "Give feedback" beside each attendance whose person may still answer; "Feedback given" once they have;
    "Feedback closed" once the time to answer is over.

    Nothing for a cancelled session, a course without a form, or an attendance of another account
    than ``viewer``'s.
    """
    today = timezone.localdate()
    answered = set(
        FeedbackRequest.objects.filter(
            attendance__in=[attendance.pk for attendance in attendances], answered=True
        ).values_list("attendance_id", flat=True)
    )
    forms: dict[int, FeedbackForm | None] = {}
    links: dict[int, AttendanceLink | None] = {}
    for attendance in attendances:
        if attendance.user_id is not None and (not viewer.is_authenticated or viewer.pk != attendance.user_id):
            continue
        if attendance.pk in answered:
            links[attendance.pk] = AttendanceLink("Feedback given: thank you", kind="feedback")
            continue
        session = attendance.session
        if session.status == SessionStatus.CANCELLED:
            continue
        if today > feedback_closes_on(session):
            links[attendance.pk] = AttendanceLink("Feedback closed", kind="feedback")
            continue
        if session.course_id not in forms:
            forms[session.course_id] = feedback_form_for(session.course)
        if forms[session.course_id] is not None:
            links[attendance.pk] = AttendanceLink("Give feedback", url=feedback_path(attendance), kind="feedback")
    return links


# --- Erasing a person (crm.signals) ------------------------------------------------------------------------


def person_feedback_responses(*, user: User):
    """Feedback linked to ``user``'s attendances (anonymous answers never are)."""
    return FeedbackResponse.objects.filter(attendance__in=person_attendances(user))


def person_feedback_data(*, user: User) -> list[PersonDataLine]:
    """What feedback holds about ``user`` and what deleting them does to it (for the preview)."""
    return [
        PersonDataLine(
            "Feedback they gave on sessions",
            person_feedback_responses(user=user).count(),
            "kept for the figures, no longer linked to them or their attendance",
        )
    ]


def person_feedback_erase(*, user: User) -> int:
    """Detach ``user``'s feedback from their attendances, inside the deletion's transaction; returns how many.

    Runs before training blanks the attendances (``feedback.apps``), while they still name the person.
    """
    return person_feedback_responses(user=user).update(attendance=None)


def on_person_data_preview(sender, user, **kwargs) -> list[PersonDataLine]:
    return person_feedback_data(user=user)


def on_person_deleting(sender, user, by, **kwargs) -> None:
    person_feedback_erase(user=user)
