"""Issue 9, item 9: *Schedule a run* lets the team choose trainers, and every session made gets them.

So the sessions are in the trainer's *Sessions I run* and the check-in desk admits them, with no
session to edit one by one.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from crm import roles
from events.errors import MESSAGES
from events.models import TrainingSession
from events.services import SessionRun, session_run_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainers(make_user):
    return [
        make_user(roles.TRAINER, first_name="Tess", last_name="Trainer"),
        make_user(roles.TRAINER, first_name="Omar", last_name="Okoro"),
    ]


def next_weekday(weekday: int) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=7)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def run_of(wrap, **changes) -> SessionRun:
    fields = {
        "course": wrap,
        "first_date": next_weekday(1),
        "count": 3,
        "start_time": dt.time(10),
        "end_time": dt.time(12),
        "venue": "Hammersmith Town Hall, Committee Room 1",
        "capacity": 25,
        "repeat": "weekly",
    }
    return SessionRun(**{**fields, **changes})


def assert_each_runs_them(client, sessions, trainers):
    for session in sessions:
        assert set(session.trainers.all()) == set(trainers)
    for trainer in trainers:
        client.force_login(trainer)
        page = client.get(reverse("events:my_sessions")).content.decode()
        for session in sessions:
            assert f'data-session="{session.pk}"' in page
            assert client.get(reverse("events:desk", args=[session.pk])).status_code == 200


def test_every_session_of_a_run_gets_its_trainers(client, wrap, trainers, team_admin):
    sessions = session_run_create(run=run_of(wrap, trainers=tuple(trainers)), by=team_admin)
    assert len(sessions) == 3
    assert_each_runs_them(client, sessions, trainers)


def test_a_run_refuses_a_trainer_without_the_trainer_role_and_makes_nothing(wrap, make_user, team_admin):
    learner = make_user(roles.LEARNER, first_name="Lee", last_name="Learner")
    with pytest.raises(ValidationError) as refused:
        session_run_create(run=run_of(wrap, trainers=(learner,)), by=team_admin)
    assert refused.value.message_dict["trainers"] == [MESSAGES["not_a_trainer"].format(name="Lee Learner")]
    assert not TrainingSession.objects.exists()


def test_schedule_a_run_in_the_admin_chooses_trainers(client, wrap, trainers, team_admin, make_user):
    learner = make_user(roles.LEARNER, first_name="Lee", last_name="Learner")
    client.force_login(team_admin)
    url = reverse("events_session_run")
    form = client.get(url)
    assert form.status_code == 200
    content = form.content.decode()
    assert 'name="trainers"' in content
    for trainer in trainers:
        assert f'value="{trainer.pk}"' in content and trainer.get_full_name() in content
    assert "Lee Learner" not in content  # only people who can run the desk are offered

    data = {
        "course": wrap.pk,
        "first_date": next_weekday(1).isoformat(),
        "repeat": "weekly",
        "count": 3,
        "start_time": "10:00",
        "end_time": "12:00",
        "venue": "Hammersmith Town Hall, Committee Room 1",
        "address": "",
        "online_url": "",
        "capacity": 25,
        "deadline_days_before": 1,
    }
    refused = client.post(url, {**data, "trainers": [learner.pk]})
    assert refused.status_code == 200 and not TrainingSession.objects.exists()

    response = client.post(url, {**data, "trainers": [trainer.pk for trainer in trainers]})
    assert response.status_code == 302
    sessions = list(TrainingSession.objects.order_by("starts_at"))
    assert len(sessions) == 3
    assert_each_runs_them(client, sessions, trainers)


def test_a_run_without_trainers_is_still_allowed(client, wrap, team_admin):
    """The team may add trainers later, session by session, as before."""
    client.force_login(team_admin)
    response = client.post(
        reverse("events_session_run"),
        {
            "course": wrap.pk,
            "first_date": next_weekday(1).isoformat(),
            "repeat": "weekly",
            "count": 2,
            "start_time": "10:00",
            "end_time": "12:00",
            "venue": "Fulham Library",
            "capacity": 20,
            "deadline_days_before": 0,
        },
    )
    assert response.status_code == 302
    assert TrainingSession.objects.count() == 2
    assert not TrainingSession.trainers.through.objects.exists()
