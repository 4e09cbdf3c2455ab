import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from events.models import TrainingRequirement, TrainingSession
from crm import roles


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


@pytest.fixture
def requirement(wrap, member_course):
    """Mandatory training for elected Members: the Member briefing or WRAP, or the e-learning; 24 months."""
    rule = TrainingRequirement.objects.create(
        name="Prevent training for elected Members", valid_for_months=24, renewal_window_days=60,
        external_certificate_name="Home Office Prevent e-learning",
    )
    rule.groups.add(Group.objects.get(name=roles.ELECTED_MEMBER))
    rule.courses.add(wrap, member_course)
    return rule
