"""Issue 13, done when: the team records a PAG meeting with attendance and two concerns and approves the
minutes; a PAG member sees the approved minutes and the open action, and submits a concern; another
signed-in role gets 403/404 on every /advisory-group/ URL. At 360 px, axe-core clean on every page.

The first test records the team's part through the ORM and Wagtail's revisions (as the admin saves them);
the second has the team do it in the Wagtail admin, in the browser, at desktop width.
"""

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.documents import get_document_model

from crm import roles
from crm.governance.models import (
    AttendanceStatus,
    CommunityConcern,
    ConcernTheme,
    Meeting,
    MeetingAction,
    MeetingMinutes,
    MeetingPaper,
    MeetingSeries,
    SeriesMember,
)
from crm.governance.services import MESSAGES
from tests.browser.helpers import axe_scan, sign_in
from tests.browser.test_demo_accessibility import allowed as wagtail_allowed
from tests.conftest import axe_violations, page_overflows
from tests.crm import governance_data
from tests.crm.governance_data import APPROVED_TEXT, DRAFT_TEXT, PAPER_BYTES
from tests.factories import OrganisationFactory, UserFactory, WardFactory
from tests.pagetree import restore_root_collection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def flushed_ground_back():
    """What a transactional test before this one may have flushed: the root collection (papers), the role groups."""
    from crm.roles import sync_roles

    restore_root_collection()
    sync_roles()


@pytest.fixture
def recorded(flushed_ground_back):
    return governance_data.build()


def area_urls(*, past, upcoming, paper) -> list[str]:
    """Every /advisory-group/ URL, for the given meetings and paper."""
    return [
        "/advisory-group/",
        f"/advisory-group/pag/meetings/{past.pk}/",
        f"/advisory-group/pag/meetings/{upcoming.pk}/meeting.ics",
        "/advisory-group/pag/meetings.ics",
        f"/advisory-group/pag/papers/{paper.pk}/",
        "/advisory-group/pag/actions/",
        "/advisory-group/pag/concerns/new/",
        "/advisory-group/pag/agenda/new/",
    ]


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
    member_urls = area_urls(past=w.past, upcoming=w.upcoming, paper=w.paper)
    for url in member_urls:
        response = other.goto(url)
        assert response.status in (403, 404), url
        expect(other.locator("main")).not_to_contain_text(APPROVED_TEXT)
    expect(other.get_by_role("heading", name="You cannot see this page")).to_be_visible()
    assert axe_violations(other) == []


# --- The team's part in the Wagtail admin --------------------------------------------------------

DESKTOP = {"width": 1280, "height": 900}
ADMIN_MINUTES = "Members reviewed hate-incident reporting across the borough and agreed a leaflet."


def admin_scan(page):
    """axe on an admin screen at desktop width; Wagtail's own known flaws (the Draftail editor) allowed."""
    path = urlsplit(page.url).path
    # Wagtail's "created" message fades in: axe_scan waits for it (tests.conftest.settle).
    found = [str(violation) for violation in axe_scan(page, path) if not wagtail_allowed(violation)]
    assert found == [], path


def open_governance(page, item: str, add: str, model: str):
    """Governance → ``item`` in the sidebar, then the listing's add button, to the form for a new ``model``."""
    link = page.get_by_role("list", name="Governance").get_by_role("link", name=item, exact=True)
    if not link.is_visible():
        page.get_by_role("button", name="Governance", exact=True).click()
    listing = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"**{listing}")
    expect(page.get_by_role("link", name=add, exact=True).first).to_be_visible()
    admin_scan(page)
    page.get_by_role("link", name=add, exact=True).first.click()
    expect(page).to_have_title(f"New: {model} - Wagtail")
    admin_scan(page)


def test_the_team_records_the_meeting_in_the_admin_and_a_member_reads_it(
    browser, phone_page, new_phone, live_server, flushed_ground_back
):
    # What the team set up earlier: the PAG, its member organisations, the wards and themes, the next meeting.
    team = UserFactory(roles=[roles.PREVENT_ADMIN])
    addison = WardFactory(name="Addison")
    WardFactory(name="Grove")
    voices = OrganisationFactory(name="Women's Voices West London", ward=addison)
    residents = OrganisationFactory(name="Brook Green Residents")
    member = UserFactory(roles=[roles.PAG_MEMBER], first_name="Grace", last_name="Mensah")
    pag = MeetingSeries.objects.create(
        name="Prevent Advisory Group", slug="pag", kind="pag", members_role=roles.PAG_MEMBER
    )
    MeetingSeries.objects.create(name="Prevent Steering Group", slug="psg", kind="psg")
    SeriesMember.objects.create(series=pag, organisation=voices, representative=member)
    SeriesMember.objects.create(series=pag, organisation=residents)
    for name in ("Community tensions", "Online radicalisation"):
        ConcernTheme.objects.get_or_create(name=name)
    upcoming = governance_data.meeting(pag, days=12)
    paper = MeetingPaper.objects.create(
        meeting=upcoming,
        document=get_document_model().objects.create(
            title="Delivery update", file=ContentFile(PAPER_BYTES, name="delivery-update.txt")
        ),
    )

    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    context.set_default_timeout(10_000)
    admin = context.new_page()
    sign_in(admin, team)
    admin.goto("/admin/")

    # The meeting, two weeks ago, with two attendance rows added through the inline panel.
    day = timezone.localdate() - dt.timedelta(days=14)
    open_governance(admin, "Meetings", "Add meeting", "Meeting")
    admin.locator("#id_series").select_option(label="Prevent Advisory Group")
    admin.locator("#id_starts_at").fill(f"{day:%Y-%m-%d} 18:00")
    admin.locator("#id_ends_at").fill(f"{day:%Y-%m-%d} 20:00")
    admin.locator("#id_venue").fill("Hammersmith Town Hall, Committee Room 1")
    for n, (organisation, person, status) in enumerate(
        [("Women's Voices West London", "Grace Mensah", "Present"), ("Brook Green Residents", "A. Okoro", "Apologies")]
    ):
        admin.get_by_role("button", name="Add attendee").click()
        admin.locator(f"#id_attendance-{n}-organisation").select_option(label=organisation)
        admin.locator(f"#id_attendance-{n}-representative").fill(person)
        admin.locator(f"#id_attendance-{n}-status").select_option(label=status)
    admin_scan(admin)
    admin.get_by_role("button", name="Create").click()
    expect(admin.locator(".messages")).to_contain_text("created")
    admin_scan(admin)
    meeting = Meeting.objects.get(series=pag, starts_at__date=day)
    assert sorted(meeting.attendance.values_list("organisation__name", "representative", "status")) == [
        ("Brook Green Residents", "A. Okoro", AttendanceStatus.APOLOGIES),
        ("Women's Voices West London", "Grace Mensah", AttendanceStatus.PRESENT),
    ]
    assert timezone.localtime(meeting.starts_at).hour == 18

    # Two concerns raised at the meeting; one first typed with a phone number: refused, nothing saved.
    concerns = [
        ("Community tensions", "Addison", "High", "Leaflets from a far-right group around the estate."),
        ("Online radicalisation", None, "Medium", "Extremist videos shared in group chats among young people."),
    ]
    for theme, ward, level, description in concerns:
        open_governance(admin, "Community concerns", "Add community concern", "Community concern")
        admin.locator("#id_series").select_option(label="Prevent Advisory Group")
        admin.locator("#id_meeting").select_option(label=str(meeting))
        admin.locator("#id_theme").select_option(label=theme)
        admin.locator("#id_level").select_option(label=level)
        if ward:
            admin.locator("#id_ward").select_option(label=ward)
        else:
            admin.locator("#id_borough_wide").check()
            admin.locator("#id_description").fill("Videos shared by a man on 07700 900123 in group chats.")
            admin.locator("#id_raised_by").select_option(label="Women's Voices West London")
            admin.get_by_role("button", name="Create").click()
            expect(admin.locator("main")).to_contain_text("a UK phone number (07700 900123)")
            expect(admin.locator("main")).to_contain_text("never about a named person")
            admin_scan(admin)
            assert CommunityConcern.objects.count() == 1
        admin.locator("#id_raised_by").select_option(label="Women's Voices West London")
        admin.locator("#id_description").fill(description)
        admin.get_by_role("button", name="Create").click()
        expect(admin.locator(".messages")).to_contain_text("created")
    assert sorted(meeting.concerns.values_list("theme__name", "ward__name", "borough_wide", "level")) == [
        ("Community tensions", "Addison", False, "high"),
        ("Online radicalisation", None, True, "medium"),
    ]

    # The minutes, typed into the rich-text editor and approved (Wagtail's publish).
    open_governance(admin, "Minutes", "Add meeting minutes", "Meeting minutes")
    admin.locator("#id_meeting").select_option(label=str(meeting))
    admin.locator(".public-DraftEditor-content").click()
    admin.keyboard.type(ADMIN_MINUTES)
    admin_scan(admin)
    admin.locator("footer [data-w-dropdown-target='toggle']").click()
    admin.get_by_role("button", name="Approve minutes").click()
    expect(admin.locator(".messages")).to_contain_text(f"The minutes of {meeting} are approved.")
    admin_scan(admin)
    minutes = MeetingMinutes.objects.get(meeting=meeting)
    assert minutes.live and not minutes.has_unpublished_changes and ADMIN_MINUTES in minutes.body

    # One open action for the member's organisation, already overdue.
    open_governance(admin, "Actions", "Add meeting action", "Meeting action")
    admin.locator("#id_meeting").select_option(label=str(meeting))
    admin.locator("#id_description").fill("Share the hate-incident reporting leaflet with mosques")
    admin.locator("#id_owner_organisation").select_option(label="Women's Voices West London")
    admin.locator("#id_due_on").fill(f"{timezone.localdate() - dt.timedelta(days=3):%Y-%m-%d}")
    admin.get_by_role("button", name="Create").click()
    expect(admin.locator(".messages")).to_contain_text("created")
    admin_scan(admin)
    action = MeetingAction.objects.get(meeting=meeting)
    assert (action.owner_organisation, action.status) == (voices, "open")
    context.close()

    # The PAG member, on a phone: the approved minutes, who came, the open action; then a concern.
    page = phone_page
    sign_in(page, member)
    page.goto("/advisory-group/")
    scan(page, "Prevent Advisory Group")
    page.get_by_role("link", name=f"{day:%-d %B %Y}: minutes").click()
    scan(page, "Minutes")
    expect(page.locator(".minutes")).to_contain_text(ADMIN_MINUTES)
    expect(page.locator("main")).to_contain_text("Women's Voices West London (Grace Mensah): Present")
    page.goto("/advisory-group/pag/actions/")
    scan(page, "Open actions")
    expect(page.locator("main")).to_contain_text("Share the hate-incident reporting leaflet with mosques")
    expect(page.locator("main")).to_contain_text("Overdue")
    page.goto("/advisory-group/")
    page.get_by_role("link", name="Raise a concern").click()
    scan(page, "Raise a concern")
    page.get_by_label("Theme").select_option(label="Community tensions")
    page.get_by_label("Borough-wide (not one ward)").check()
    page.get_by_label("Low").check()
    page.get_by_label("Description").fill("Tension after the international news at the school gates")
    page.get_by_role("button", name="Send the concern").click()
    scan(page, "Prevent Advisory Group")
    expect(page.get_by_text(re.compile("your concern was sent to the Prevent team"))).to_be_visible()
    sent = CommunityConcern.objects.get(submitted_by=member)
    assert (sent.raised_by, sent.borough_wide, sent.level, sent.meeting) == (voices, True, "low", upcoming)

    # Another signed-in role: refused on every /advisory-group/ URL.
    other = new_phone()
    sign_in(other, UserFactory(roles=[roles.LEARNER]))
    for url in area_urls(past=meeting, upcoming=upcoming, paper=paper):
        response = other.goto(url)
        assert response.status in (403, 404), url
        expect(other.locator("body")).not_to_contain_text(ADMIN_MINUTES)
    expect(other.get_by_role("heading", name="You cannot see this page")).to_be_visible()
    assert axe_violations(other) == []
