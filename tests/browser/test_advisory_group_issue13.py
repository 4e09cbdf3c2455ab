"""Issue 13, done when: the team records a PAG meeting with attendance and two concerns and approves the
minutes; a PAG member sees the approved minutes and the open action, and submits a concern; another
signed-in role gets 403/404 on every /advisory-group/ URL. At 360 px, axe-core clean on every page.

The team's part is recorded here through the ORM and Wagtail's revisions (as the admin saves them);
the admin screens for meetings and minutes are tested with their own journey.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from crm import roles
from crm.governance.models import CommunityConcern
from crm.governance.services import MESSAGES
from tests.browser.helpers import sign_in
from tests.conftest import axe_violations, page_overflows
from tests.crm import governance_data
from tests.crm.governance_data import APPROVED_TEXT, DRAFT_TEXT, PAPER_BYTES
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def recorded():
    from crm.roles import sync_roles

    sync_roles()  # a transactional test before this one may have flushed the role groups
    return governance_data.build()


def scan(page, heading):
    page.get_by_role("heading", name=heading, exact=True).first.wait_for()
    assert axe_violations(page) == [], page.url
    assert not page_overflows(page), page.url


def test_a_pag_member_reads_approved_minutes_and_raises_a_concern_others_are_refused(phone_page, new_phone, recorded):
    w = recorded
    # The team's record: attendance and two concerns at the past meeting, minutes approved (a later
    # correction still in draft), one open action.
    assert w.past.attendance.count() == 2 and w.past.concerns.count() == 2
    assert w.minutes.live and w.minutes.has_unpublished_changes

    page = phone_page
    sign_in(page, w.member)
    page.goto("/advisory-group/")
    scan(page, "Prevent Advisory Group")
    expect(page.get_by_text("Response to the summer's incidents")).to_be_visible()

    # The past meeting: approved minutes, never the draft correction.
    page.get_by_role("link", name=re.compile(r": minutes$")).first.click()
    scan(page, "Minutes")
    expect(page.locator(".minutes")).to_contain_text(APPROVED_TEXT)
    expect(page.locator("main")).not_to_contain_text(DRAFT_TEXT)
    expect(page.locator("main")).to_contain_text("Women's Voices West London (Grace Mensah): Present")

    # The open action, overdue, with its progress.
    page.get_by_role("link", name="All open actions and their progress").click()
    scan(page, "Open actions")
    expect(page.locator("main")).to_contain_text("Share the hate-incident reporting leaflet")
    expect(page.locator("main")).to_contain_text("Overdue")
    expect(page.locator("main")).to_contain_text("Leaflet printed; distribution next week.")

    # The upcoming meeting's page, with its paper.
    page.goto(f"/advisory-group/pag/meetings/{w.upcoming.pk}/")
    scan(page, "Agenda")
    with page.expect_download() as download:
        page.get_by_role("link", name="Delivery update").click()
    assert re.fullmatch(r"delivery-update(_\w+)?\.txt", download.value.suggested_filename)
    assert Path(download.value.path()).read_bytes() == PAPER_BYTES

    # A concern: first with a phone number in it (refused, nothing saved), then as it should be.
    page.goto("/advisory-group/")
    page.get_by_role("link", name="Raise a concern").click()
    scan(page, "Raise a concern")
    expect(page.locator("main")).to_contain_text("Never about a named person.")
    page.get_by_label("Theme").select_option(label="Online radicalisation")
    page.get_by_label("Ward", exact=True).select_option(label="Addison")
    page.get_by_label("High").check()
    page.get_by_label("Description").fill("A man on 07700 900123 shares extremist videos in the park")
    page.get_by_role("button", name="Send the concern").click()
    expect(page.locator("main")).to_contain_text(MESSAGES["personal_data"])
    assert axe_violations(page) == []
    assert not CommunityConcern.objects.filter(submitted_by=w.member).exists()
    page.get_by_label("Description").fill("Extremist videos shared in group chats among young people near the park")
    page.get_by_role("button", name="Send the concern").click()
    scan(page, "Prevent Advisory Group")
    expect(page.get_by_text(re.compile("your concern was sent to the Prevent team"))).to_be_visible()
    concern = CommunityConcern.objects.get(submitted_by=w.member)
    assert (concern.raised_by, concern.ward.name, concern.level, concern.meeting) == (
        w.org,
        "Addison",
        "high",
        w.upcoming,
    )

    # The agenda-item form passes too.
    page.get_by_role("link", name="Propose an agenda item").click()
    scan(page, "Propose an agenda item")

    # Another signed-in role: refused on every /advisory-group/ URL.
    other = new_phone()
    sign_in(other, UserFactory(roles=[roles.FAITH_FORUM_MEMBER]))
    member_urls = [
        "/advisory-group/",
        f"/advisory-group/pag/meetings/{w.past.pk}/",
        f"/advisory-group/pag/meetings/{w.upcoming.pk}/meeting.ics",
        "/advisory-group/pag/meetings.ics",
        f"/advisory-group/pag/papers/{w.paper.pk}/",
        "/advisory-group/pag/actions/",
        "/advisory-group/pag/concerns/new/",
        "/advisory-group/pag/agenda/new/",
    ]
    for url in member_urls:
        response = other.goto(url)
        assert response.status in (403, 404), url
        expect(other.locator("main")).not_to_contain_text(APPROVED_TEXT)
    expect(other.get_by_role("heading", name="You cannot see this page")).to_be_visible()
    assert axe_violations(other) == []
