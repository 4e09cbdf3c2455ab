"""Issue 10, item 8 (in part): roles that reach people's records are signed out after 30 idle minutes."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from crm import roles

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [roles.PREVENT_ADMIN, roles.OUTREACH_OFFICER, roles.TRAINER])
def test_staff_are_signed_out_after_thirty_idle_minutes(client, make_user, role, settings):
    assert settings.STAFF_IDLE_TIMEOUT_SECONDS == 30 * 60
    client.force_login(make_user(role))
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.get(reverse("events:my_training")).status_code == 200
        assert client.session.get_expiry_age() == 30 * 60
    # Active again 25 minutes later: the deadline moves on.
    with time_machine.travel(start + dt.timedelta(minutes=25), tick=False):
        assert client.get(reverse("events:my_training")).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=50), tick=False):
        assert client.get(reverse("events:my_training")).status_code == 200
    # Then 31 idle minutes: signed out.
    with time_machine.travel(start + dt.timedelta(minutes=81), tick=False):
        response = client.get(reverse("events:my_training"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_learners_keep_the_usual_session(client, make_user, settings):
    client.force_login(make_user(roles.LEARNER))
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.get(reverse("events:my_training")).status_code == 200
        assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    with time_machine.travel(start + dt.timedelta(hours=2), tick=False):
        assert client.get(reverse("events:my_training")).status_code == 200


def test_staff_sessions_are_written_once_a_minute_not_on_every_request(client, make_user):
    """Issue 15: moving the idle deadline on saved the session on every request of the desk or a scan."""
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(make_user(roles.TRAINER))
    start = timezone.now()
    url = reverse("events:my_training")

    def session_writes() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return sum(
            1 for q in captured.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]
        )

    with time_machine.travel(start, tick=False):
        assert session_writes() == 1
        first_deadline = Session.objects.get().expire_date
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        assert session_writes() == 0
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        assert session_writes() == 1
    assert Session.objects.get().expire_date > first_deadline
