import datetime as dt

import pytest
from django.utils import timezone

from events.models import TrainingSession


@pytest.fixture
def wrap(db):
    from events.demo import courses

    return courses()["wrap"]


@pytest.fixture
def member_course(db):
    from events.demo import courses

    return courses()["member"]


@pytest.fixture
def make_session(wrap):
    """A session starting ``days`` from now (negative: in the past)."""

    def make(days=7, capacity=10, course=None, **fields):
        starts = timezone.now() + dt.timedelta(days=days)
        fields.setdefault("venue", "Hammersmith Town Hall")
        return TrainingSession.objects.create(
            course=course or wrap, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), capacity=capacity, **fields
        )

    return make
