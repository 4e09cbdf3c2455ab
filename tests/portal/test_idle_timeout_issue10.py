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
