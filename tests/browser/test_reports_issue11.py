"""The reports of issue 11 on a 360 px phone: an organisation's timeline, schools coverage, ward hot spots.

Each page is scanned with axe (no serious or critical violations) and must not scroll sideways: wide
tables scroll inside their own labelled region.
"""

import datetime as dt
import re
import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from crm import roles
from crm.models import OrganisationType, OutreachTag, OutreachVisit, SchoolPhase, Ward
from events.models import Attendance, SessionVisibility, TrainingSession
from tests.browser.helpers import sign_in
from tests.conftest import axe_violations, page_overflows
from tests.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reports_data(wrap):
    ward_names = ["Addison", "College Park and Old Oak", "Shepherd's Bush Green", "Wormholt"]
    wards = [Ward.objects.get_or_create(name=name)[0] for name in ward_names]
    school = OrganisationFactory(
        name="St Stephen’s Church of England Primary School",
        organisation_type=OrganisationType.SCHOOL,
        urn="100123",
        phase=SchoolPhase.PRIMARY,
        ward=wards[0],
    )
    OrganisationFactory(
        name="Phoenix Academy", organisation_type=OrganisationType.SCHOOL, urn="100124", phase=SchoolPhase.SECONDARY
    )
    starts = timezone.now() - dt.timedelta(days=20)
    briefing = TrainingSession.objects.create(
        course=wrap,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        venue="St Stephen’s school hall",
        capacity=40,
        visibility=SessionVisibility.CLOSED,
        organisation=school,
    )
    for _ in range(3):
        Attendance.objects.create(session=briefing, user=UserFactory(organisation=school), organisation=school)
    officer = UserFactory(roles=[roles.OUTREACH_OFFICER])
    tag = OutreachTag.objects.create(name="Online harms")
    for n in range(30):
        visit = OutreachVisit.objects.create(
            uuid=uuid.uuid4(),
            visited_at=timezone.now() - dt.timedelta(days=3 + n * 9),
            ward=wards[n % len(wards)],
            organisation=school if n % 7 == 0 else None,
            contact_type="face_to_face" if n % 3 else "event",
            activity="assembly",
            people_engaged=5 + n * 3,
            officer=officer,
        )
        if n % 2:
            visit.tags.add(tag)
    return school, officer


def check(page):
    assert not page_overflows(page), page.url
    assert axe_violations(page) == [], page.url


def test_the_team_reads_the_reports_on_a_phone(phone_page, reports_data):
    school, _ = reports_data
    page = phone_page
    sign_in(page, UserFactory(roles=[roles.PREVENT_ADMIN]))

    page.goto(f"/admin/crm/organisations/timeline/{school.pk}/")
    expect(page.locator("#timeline")).to_contain_text("Closed session held for it")
    expect(page.locator("#timeline")).to_contain_text("3 present")
    check(page)

    page.goto("/admin/training/schools-coverage/")
    expect(page.locator("#coverage-by-phase")).to_contain_text("All open schools")
    expect(page.locator("#no-engagement")).to_contain_text("Phoenix Academy")
    check(page)

    page.goto("/admin/crm/hot-spots/")
    expect(page.locator("#hotspots-grid")).to_contain_text("College Park and Old Oak")
    check(page)
    page.get_by_label("Topic tag").select_option(label="Online harms")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#hotspots-grid")).to_be_visible()
    check(page)

    page.goto("/admin/crm/hot-spots/publishable/?period=year")
    expect(page.locator("#hotspots-grid")).to_contain_text("fewer than 5")
    check(page)


def test_an_outreach_officer_reads_the_publishable_hot_spots(phone_page, reports_data):
    _, officer = reports_data
    page = phone_page
    sign_in(page, officer)
    page.goto("/admin/crm/hot-spots/")
    expect(page).to_have_url(re.compile(r"/admin/crm/hot-spots/publishable/$"))
    expect(page.locator("#hotspots-grid")).to_be_visible()
    check(page)
