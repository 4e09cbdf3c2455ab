"""The outbox's warning on the team's admin dashboard, read in a real browser on a phone: all three
warnings at once (late, retrying, failed), each link to the outbox's list, and no serious axe findings."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from crm import roles
from crm.models import OutboxMessage, OutboxStatus
from tests.browser.helpers import sign_in
from tests.conftest import axe_violations
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def message(subject, **fields):
    return OutboxMessage.objects.create(
        from_email="prevent@example.gov.uk", to=["grace@example.gov.uk"], subject=subject, body="Body", **fields
    )


def test_the_team_reads_the_outbox_warnings_on_its_dashboard(phone_page):
    now = timezone.now()
    message("Your place is booked: WRAP", next_attempt_at=now - dt.timedelta(hours=2))
    message("Reset your password", attempts=2, next_attempt_at=now + dt.timedelta(minutes=15), last_error="SMTP 421")
    message("A place came up", status=OutboxStatus.FAILED, attempts=6, next_attempt_at=now - dt.timedelta(days=1))
    sign_in(phone_page, UserFactory(roles=[roles.PREVENT_ADMIN]))

    phone_page.goto("/admin/")
    panel = phone_page.locator("#outbox-health-section")
    expect(panel.get_by_role("heading", name="Outgoing email needs attention")).to_be_visible()
    expect(panel).to_contain_text("1 email has waited more than 10 minutes to be sent")
    expect(panel).to_contain_text("1 email could not be sent on the last try")
    expect(panel).to_contain_text("1 email failed after every try in the last 7 days")
    assert axe_violations(phone_page) == []

    panel.get_by_role("link", name="See the failed emails").click()
    expect(phone_page.get_by_role("link", name="A place came up")).to_be_visible()
    expect(phone_page.get_by_role("link", name="Your place is booked: WRAP")).to_have_count(0)
