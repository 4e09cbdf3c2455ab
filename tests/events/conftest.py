import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from crm import roles
from events.models import CourseLesson, ReportingCategory, TrainingRequirement, TrainingSession
from tests.factories import CoursePageFactory


@pytest.fixture
def wrap(db):
    """WRAP, open to anyone, with three lessons of pre-reading."""
    course = CoursePageFactory(
        title="Workshop to Raise Awareness of Prevent (WRAP)", slug="wrap", reporting_category=ReportingCategory.WRAP
    )
    for order, title in enumerate(("What is the Prevent duty?", "Recognising vulnerability", "Making a referral")):
        CourseLesson.objects.create(page=course, sort_order=order, title=title, minutes=5, body=[])
    return course


@pytest.fixture
def member_course(db):
    """Training for elected Members: its page is restricted to Members and the team."""
    return CoursePageFactory(
        title="Prevent training for elected Members",
        slug="member-training",
        reporting_category=ReportingCategory.MEMBER,
        restricted_to=[roles.ELECTED_MEMBER, roles.PREVENT_ADMIN],
    )


@pytest.fixture
def school_course(db):
    """Whole-school briefings, which do not count towards Members' training."""
    return CoursePageFactory(
        title="Prevent briefing for school staff",
        slug="school-staff-briefing",
        reporting_category=ReportingCategory.EDUCATION,
    )


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
        name="Prevent training for elected Members",
        valid_for_months=24,
        renewal_window_days=60,
        external_certificate_name="Home Office Prevent e-learning",
    )
    rule.groups.add(Group.objects.get(name=roles.ELECTED_MEMBER))
    rule.courses.add(wrap, member_course)
    return rule


@pytest.fixture
def trainer(make_user):
    return make_user(roles.TRAINER, first_name="Helen", last_name="Price")


@pytest.fixture
def today_session(make_session, trainer):
    """A session starting in ten minutes, run by ``trainer``: check-in is open."""
    session = make_session(days=0, capacity=5)
    session.starts_at = timezone.now() + dt.timedelta(minutes=10)
    session.ends_at = session.starts_at + dt.timedelta(hours=2)
    session.save()
    session.trainers.add(trainer)
    return session
