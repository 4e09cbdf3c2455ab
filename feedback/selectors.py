"""Reads behind feedback and the figures: who counts as trained, which sessions were held, which form a course uses.

The report (``feedback.reports``), the quarterly return and the analytics dashboard
(``feedback.analytics``) all start from ``counted_attendances`` and ``held_sessions``, so the
numbers on the dashboard and in the committee report can never disagree.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet

from events.models import Attendance, CoursePage, ReportingCategory, TrainingSession
from events.selectors import certified_attendances

from .models import FeedbackForm, FeedbackFormCourse, FeedbackResponse


def counted_attendances(*, starts: dt.datetime | None = None, ends: dt.datetime | None = None) -> QuerySet[Attendance]:
    """The attendances the figures count as *trained*, at sessions starting in ``[starts, ends)``.

    The same rule as a certificate (``events.selectors.certified_attendances``): marked present (a
    mark taken back does not count), not a self-declared mark nobody has confirmed, at a session
    that was not cancelled and has ended. A session counts in the period its start falls in.
    Faith Forum events (reporting category *forum*) are engagement, not training: they count in no figure
    here. A forum event held as a session of a WRAP course counts as WRAP.
    """
    attendances = certified_attendances().exclude(session__course__reporting_category=ReportingCategory.FORUM)
    if starts is not None:
        attendances = attendances.filter(session__starts_at__gte=starts)
    if ends is not None:
        attendances = attendances.filter(session__starts_at__lt=ends)
    return attendances


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
