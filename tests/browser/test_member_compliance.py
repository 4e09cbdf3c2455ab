"""Mandatory training for a Member, on phones: not started, booked, checked in at the door (attending), complete
until a date once the session has ended."""

import datetime as dt
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from crm import roles
from events.models import Attendance, RequirementStatus, TrainingRequirement, TrainingSession
from tests.browser.helpers import sign_in
from tests.conftest import axe_violations, page_overflows
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def member_setup(wrap):
    from events.demo import courses

    member_course = courses()["member"]
    rule = TrainingRequirement.objects.create(
        name="Prevent training for elected Members",
        valid_for_months=24,
        renewal_window_days=60,
        external_certificate_name="Home Office Prevent awareness e-learning",
    )
    rule.groups.add(Group.objects.get(name=roles.ELECTED_MEMBER))
    rule.courses.add(member_course, wrap)
    starts = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=15)
    session = TrainingSession.objects.create(
        course=member_course,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        venue="Hammersmith Town Hall, Council Chamber",
        capacity=46,
    )
    trainer = UserFactory(roles=[roles.TRAINER], first_name="Helen", last_name="Price")
    session.trainers.add(trainer)
    member = UserFactory(
        roles=[roles.ELECTED_MEMBER],
        first_name="Rita",
        last_name="Councillor",
        member_side="opposition",
        political_group="Independent",
    )
    return rule, session, trainer, member, member_course


def dashboard_counts(page, rule):
    """The Everyone row of the requirement's table on the team's compliance dashboard, as the page shows it."""
    page.goto("/admin/training/compliance/")
    cells = page.locator(f"#requirement-{rule.pk} tbody tr").first.locator("td, th").all_inner_texts()
    label, *numbers, total = [cell.strip() for cell in cells]
    assert label == "Everyone"
    return {status: int(cell.split()[0]) for status, cell in zip(RequirementStatus.values, numbers, strict=True)}


def test_member_goes_from_not_started_to_complete_until_a_date(phone_page, new_phone, member_setup):
    rule, session, trainer, member, member_course = member_setup
    team = new_phone()
    sign_in(team, UserFactory(roles=[roles.PREVENT_ADMIN]))
    assert dashboard_counts(team, rule)["not_started"] == 1
    page = phone_page
    sign_in(page, member)
    page.goto(reverse("events:my_training"))
    card = page.locator(f'[data-requirement="{rule.pk}"]')
    expect(card.locator(".requirement-status")).to_contain_text("Not started")
    assert not page_overflows(page)
    assert axe_violations(page) == []

    card.get_by_role("link", name=f"Book {member_course.title}").click()
    page.locator(f'[data-session="{session.pk}"]').get_by_role("link", name=re.compile(r"^Book\b")).click()
    page.get_by_role("button", name="Book my place").click()
    page.get_by_role("heading", name="My training", exact=True).wait_for()
    expect(page.locator(f'[data-requirement="{rule.pk}"] .requirement-status')).to_contain_text("Booked")
    assert dashboard_counts(team, rule)["booked"] == 1

    # At the door the trainer marks the Member present on the check-in desk.
    desk = new_phone()
    sign_in(desk, trainer)
    desk.goto(reverse("events:desk", args=[session.pk]))
    desk.get_by_role("button", name="Present: Rita Councillor").click()
    expect(desk.locator('[data-count="present"]')).to_have_text("1")
    assert Attendance.objects.filter(session=session, user=member).exists()

    # Checked in, but the session has not ended: attending, not yet trained (issue 9).
    page.reload()
    expect(page.locator(f'[data-requirement="{rule.pk}"] .requirement-status')).to_contain_text("Attending")
    expect(page.locator(f'[data-requirement="{rule.pk}"] .requirement-status')).not_to_contain_text("Complete")
    assert dashboard_counts(team, rule)["booked"] == 1
    assert axe_violations(page) == []

    # The session ends.
    ended = timezone.now() - dt.timedelta(minutes=1)
    TrainingSession.objects.filter(pk=session.pk).update(starts_at=ended - dt.timedelta(hours=1), ends_at=ended)
    session.refresh_from_db()
    page.reload()
    until = timezone.localdate(session.starts_at) + relativedelta(months=24) - dt.timedelta(days=1)
    expect(page.locator(f'[data-requirement="{rule.pk}"] .requirement-status')).to_contain_text(
        f"Complete until {until.day} {until:%B %Y}"
    )
    assert dashboard_counts(team, rule) == {
        "complete": 1,
        "due_renewal": 0,
        "expired": 0,
        "booked": 0,
        "not_started": 0,
    }


def test_sending_in_a_certificate_fits_a_phone_and_passes_axe(phone_page, member_setup):
    rule, _session, _trainer, member, _course = member_setup
    sign_in(phone_page, member)
    phone_page.goto(reverse("events:certificate_upload", args=[rule.pk]))
    phone_page.get_by_role("heading", name="Send in a certificate").wait_for()
    assert not page_overflows(phone_page)
    assert axe_violations(phone_page) == []
    phone_page.get_by_role("button", name="Send it to the Prevent team").click()
    expect(phone_page.locator(".error-summary")).to_be_visible()
    assert axe_violations(phone_page) == []
