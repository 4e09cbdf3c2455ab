"""Reads behind feedback and the figures: who counts as trained, which sessions were held, which form a course uses.

The report (``feedback.reports``), the quarterly return and the analytics dashboard
(``feedback.analytics``) all start from ``counted_attendances`` and ``held_sessions``, so the
numbers on the dashboard and in the committee report can never disagree.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from events.models import Attendance, CoursePage, ReportingCategory, TrainingSession
from events.selectors import CERTIFYING_MARK, certified_attendances, certifying_session

from .models import FeedbackForm, FeedbackFormCourse, FeedbackResponse


def counted_attendances(*, starts: dt.datetime | None = None, ends: dt.datetime | None = None) -> QuerySet[Attendance]:
    """The attendances the figures count as *trained*, at sessions starting in ``[starts, ends)``.

    The same rule as a certificate (``events.selectors.certified_attendances``): marked present (a
    mark taken back does not count), not a self-declared mark nobody has confirmed, at a session
    that was not cancelled and has ended. A session counts in the period its start falls in.
    Faith Forum events (reporting category *forum*) are engagement, not training: they count in no figure
    here. A forum event held as a session of a WRAP course counts as WRAP.
    """
    return certified_attendances().filter(_counted_session(starts=starts, ends=ends, through="session__"))


def _counted_session(*, starts: dt.datetime | None, ends: dt.datetime | None, through: str = "") -> Q:
    """What the figures add to a certificate's session: not a Faith Forum event, and started in ``[starts, ends)``."""
    condition = ~Q(**{f"{through}course__reporting_category": ReportingCategory.FORUM})
    if starts is not None:
        condition &= Q(**{f"{through}starts_at__gte": starts})
    if ends is not None:
        condition &= Q(**{f"{through}starts_at__lt": ends})
    return condition


def counted_sessions(
    *, starts: dt.datetime | None = None, ends: dt.datetime | None = None
) -> QuerySet[TrainingSession]:
    """The session half of ``counted_attendances``: sessions starting in ``[starts, ends)`` whose marks count
    (ended, not cancelled, not a Faith Forum event), whether or not anyone was marked present."""
    return TrainingSession.objects.filter(certifying_session(), _counted_session(starts=starts, ends=ends))


def counted_marks_by_session() -> QuerySet[Attendance]:
    """``(session_id, trained)`` for every session with a mark that counts (standing, not self-declared): the mark
    half of ``counted_attendances``, for every session whether or not it counts.

    Join it to ``counted_sessions`` (the session half) for the figures: a session held is one with a
    count here. PostgreSQL counts every session's marks in one pass over the index made for it
    (``attendance_counted``, events migration 0010), never reading the table. At 3 million
    attendances that is about a quarter quicker than counting each session's from the same index
    one session at a time, and far quicker than joining every attendance to its session first.
    """
    return (
        Attendance.objects.filter(CERTIFYING_MARK)
        .values("session_id")
        .annotate(trained=Count("*"))
        .values_list("session_id", "trained")
        .order_by()
    )


def held_sessions(*, starts: dt.datetime | None = None, ends: dt.datetime | None = None) -> QuerySet[TrainingSession]:
    """Sessions starting in ``[starts, ends)`` that were held: not cancelled, with someone counted as trained.

    A session with nobody present was not held, whatever its status.
    """
    present = counted_attendances().filter(session=OuterRef("pk"))
    sessions = TrainingSession.objects.filter(Exists(present))
    if starts is not None:
        sessions = sessions.filter(starts_at__gte=starts)
    if ends is not None:
        sessions = sessions.filter(starts_at__lt=ends)
    return sessions


def counted_responses(
    *, starts: dt.datetime | None = None, ends: dt.datetime | None = None
) -> QuerySet[FeedbackResponse]:
    """Feedback about sessions starting in ``[starts, ends)`` (by the session's start, as attendance is).

    As with attendance, feedback on Faith Forum events (reporting category *forum*) is not the training's.
    """
    responses = FeedbackResponse.objects.exclude(session__course__reporting_category=ReportingCategory.FORUM)
    if starts is not None:
        responses = responses.filter(session__starts_at__gte=starts)
    if ends is not None:
        responses = responses.filter(session__starts_at__lt=ends)
    return responses


def feedback_form_for(course: CoursePage) -> FeedbackForm | None:
    """The form a course asks: its own, else its reporting category's default, else None (no feedback asked)."""
    link = FeedbackFormCourse.objects.filter(course=course).select_related("form").first()
    if link is not None:
        return link.form
    return FeedbackForm.objects.filter(default_for=course.reporting_category).first()
