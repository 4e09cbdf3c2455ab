"""Learning content: a learner marks a course's lessons complete."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import CourseLesson, LessonProgress

if TYPE_CHECKING:
    from crm.models import User


def lesson_mark(*, user: User, lesson: CourseLesson, complete: bool) -> bool:
    """Record (or undo) a learner completing a lesson. Idempotent; returns whether it is now complete."""
    if complete:
        LessonProgress.objects.get_or_create(user=user, lesson=lesson)
    else:
        LessonProgress.objects.filter(user=user, lesson=lesson).delete()
    return complete
