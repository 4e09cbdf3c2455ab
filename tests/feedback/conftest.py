import datetime as dt

import pytest
from django.utils import timezone

from crm import roles
from events.models import Attendance, ReportingCategory, TrainingSession
from feedback.models import FeedbackForm, Measure
from tests.factories import CoursePageFactory


@pytest.fixture
def wrap(db):
    return CoursePageFactory(title="WRAP", slug="wrap", reporting_category=ReportingCategory.WRAP)


def default_forms() -> None:
    """The default forms the migration makes, again if a transactional test has flushed them."""
    from importlib import import_module

    from django.apps import apps

    if not FeedbackForm.objects.exists():
        import_module("feedback.migrations.0003_default_forms").add_default_forms(apps, None)


@pytest.fixture
def wrap_form(db):
    """The default WRAP form the migration made: the eight standard questions."""
    default_forms()
    return FeedbackForm.objects.get(default_for=ReportingCategory.WRAP)


@pytest.fixture
def make_session(wrap):
    """A session that ended ``days_ago`` days ago (negative: still to come)."""

    def make(days_ago=1, course=None, **fields):
        ends = timezone.now() - dt.timedelta(days=days_ago)
        fields.setdefault("venue", "Hammersmith Town Hall")
        return TrainingSession.objects.create(
            course=course or wrap, starts_at=ends - dt.timedelta(hours=2), ends_at=ends, **fields
        )

    return make


@pytest.fixture
def learner(make_user):
    return make_user(roles.LEARNER, first_name="Sam", last_name="Taylor")


@pytest.fixture
def session(make_session):
    return make_session()


@pytest.fixture
def attendance(session, learner):
    """Sam Taylor, marked present on the register under their account."""
    return Attendance.objects.create(session=session, user=learner, full_name="Sam Taylor", email=learner.email)


@pytest.fixture
def walk_in(session):
    """A walk-in without an account, typed by the trainer on the register (so not self-declared)."""
    return Attendance.objects.create(session=session, full_name="Robin Okafor", email="robin@partner.example")


@pytest.fixture
def self_declared(session):
    """Someone not signed in typed these details at the door; nobody has confirmed them."""
    return Attendance.objects.create(
        session=session, full_name="Typed Name", email="someone.else@example.gov.uk", self_declared=True
    )


def good_answers(form: FeedbackForm, **overrides) -> dict[str, str]:
    """A full set of answers to ``form``, keyed by question id; ``overrides`` by measure name."""
    values = {
        Measure.OVERALL: "5",
        Measure.TRAINER: "4",
        Measure.RELEVANCE: "4",
        Measure.CONFIDENCE_BEFORE: "2",
        Measure.CONFIDENCE_AFTER: "4",
        Measure.RECOMMEND: "yes",
        Measure.MOST_USEFUL: "Priya's examples from Fulham schools were very useful.",
        Measure.IMPROVE: "",
    }
    values.update(overrides)
    return {str(question.pk): values.get(question.measure, "") for question in form.questions.all()}


def question_id(form: FeedbackForm, measure: str) -> str:
    return str(form.questions.get(measure=measure).pk)
