"""The outbox's health alarm (issue 15's closing note): the team's dashboard and /healthz say when emails
are late (no sender running), retrying (the mail server refuses) or failed; nobody else is told."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from crm import roles
from crm.models import OutboxMessage, OutboxStatus
from crm.outbox import outbox_health, outbox_send_due
from tests.crm.conftest import SMTP, queue_one, smtp_back_up

PANEL = "Outgoing email needs attention"
LATE = "may not be running"
RETRYING = "could not be sent on the last try"
FAILED = "failed after every try"


@pytest.fixture
def outbox(smtp_down):
    """Production's email wiring, its mail server up: messages wait in the outbox until a sender runs."""
    smtp_back_up(smtp_down)
    return smtp_down


def queue():
    return queue_one(subject="Your place is booked: WRAP", to="grace@example.gov.uk")


def dashboard(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return " ".join(response.content.decode().split())  # the words, as read: the template's line breaks are spaces


@pytest.mark.django_db
def test_a_sender_that_is_not_running_shows_on_the_teams_dashboard_and_in_healthz_until_it_runs(
    client, team_admin, outbox
):
    message = queue()
    assert mail.outbox == []
    # Five minutes on, a cron that runs every minute would have sent it: not late yet.
    with time_machine.travel(message.next_attempt_at + dt.timedelta(minutes=5)):
        assert outbox_health().ok
        assert PANEL not in dashboard(client, team_admin)
        assert client.get("/healthz").json()["outbox"] == "ok"
    # Eleven minutes on and still queued: no sender is running.
    with time_machine.travel(message.next_attempt_at + dt.timedelta(minutes=11)):
        health = outbox_health()
        assert (health.late, health.oldest_due, health.retrying, health.failed) == (1, message.next_attempt_at, 0, 0)
        page = dashboard(client, team_admin)
        assert PANEL in page and LATE in page and "1 email has waited more than 10 minutes" in page
        assert f"{reverse('outbox:index')}?status=queued" in page
        healthz = client.get("/healthz")
        assert healthz.status_code == 200  # the web servers are as well as ever: monitoring reads the word
        assert healthz.json() == {"status": "ok", "database": "ok", "outbox": "late"}
        # The sender runs: the email goes and the warning goes with it.
        call_command("send_outbox")
        assert [m.subject for m in mail.outbox] == ["Your place is booked: WRAP"]
        assert PANEL not in dashboard(client, team_admin)
        assert client.get("/healthz").json()["outbox"] == "ok"


@pytest.mark.django_db
def test_the_lateness_is_a_setting(client, team_admin, outbox):
    outbox.OUTBOX_LATE_MINUTES = 2
    message = queue()
    with time_machine.travel(message.next_attempt_at + dt.timedelta(minutes=3)):
        assert "1 email has waited more than 2 minutes" in dashboard(client, team_admin)


@pytest.mark.django_db
def test_a_mail_server_that_refuses_shows_as_retrying_then_failed_for_a_week(client, team_admin, outbox):
    outbox.OUTBOX_TRANSPORT_BACKEND = SMTP  # the mail server goes down
    outbox.OUTBOX_MAX_ATTEMPTS = 2
    message = queue()
    assert outbox_send_due() == {"sent": 0, "not_sent": 1}
    message.refresh_from_db()
    assert message.status == OutboxStatus.QUEUED and message.attempts == 1
    health = outbox_health()
    assert (health.late, health.retrying, health.failed) == (0, 1, 0)
    page = dashboard(client, team_admin)
    assert RETRYING in page and LATE not in page and FAILED not in page
    assert client.get("/healthz").json()["outbox"] == "ok"  # the sender runs; the mail server is the trouble

    tried_at = message.next_attempt_at
    assert outbox_send_due(now=tried_at) == {"sent": 0, "not_sent": 1}
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    with time_machine.travel(tried_at + dt.timedelta(days=6)):
        page = dashboard(client, team_admin)
        assert "1 email failed after every try in the last 7 days" in page and RETRYING not in page
        assert f"{reverse('outbox:index')}?status=failed" in page
    # A week on, the failure stays in Settings → Outgoing email but no longer on the dashboard.
    with time_machine.travel(tried_at + dt.timedelta(days=8)):
        assert PANEL not in dashboard(client, team_admin)
        assert OutboxMessage.objects.get().status == OutboxStatus.FAILED


@pytest.mark.django_db
def test_only_the_team_is_warned(client, make_user, team_admin, outbox):
    message = queue()
    with time_machine.travel(message.next_attempt_at + dt.timedelta(hours=1)):
        assert PANEL in dashboard(client, team_admin)
        # Outreach officers use the team admin too (their visits): its dashboard never warns them.
        page = dashboard(client, make_user(roles.OUTREACH_OFFICER))
        assert PANEL not in page and "grace@example.gov.uk" not in page
        # /healthz is public: one word, never how many emails or to whom.
        client.logout()
        assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "outbox": "late"}
