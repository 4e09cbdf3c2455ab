"""An outreach officer on a 360 px phone: logs a visit, loses signal, logs another, and it arrives once."""

import re

import pytest
from playwright.sync_api import expect

from crm import roles
from crm.outreach.models import OutreachTag, OutreachVisit
from tests.browser.helpers import sign_in
from tests.conftest import axe_violations, page_overflows
from tests.factories import OrganisationFactory, UserFactory, WardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer():
    from crm.roles import sync_roles

    sync_roles()  # a transactional test before this one may have flushed the role groups
    ward = WardFactory(name="White City")
    OrganisationFactory(name="White City Community Centre", ward=ward)
    OutreachTag.objects.create(name="Online harms")
    return UserFactory(roles=[roles.OUTREACH_OFFICER])


def wait_for_service_worker(page):
    """Until the service worker controls the page (polled from here: the site's CSP refuses Playwright's eval)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    for _ in range(100):
        if page.evaluate("!!navigator.serviceWorker.controller"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("The service worker never took charge of the page.")


def fill_visit(page, *, people: str, notes: str):
    page.get_by_label("Ward").select_option(label="White City")
    page.get_by_label("Face to face").check()
    page.get_by_label("Activity").select_option(label="Community stall")
    page.get_by_label("Online harms").check()
    page.get_by_label("People engaged").fill(people)
    page.get_by_label("Notes").fill(notes)


def test_an_officer_logs_visits_online_offline_and_with_a_double_tap(phone_page, officer):
    page = phone_page
    context = page.context
    sign_in(page, officer)
    page.get_by_role("link", name="Log a visit").click()
    page.get_by_role("heading", name="Log a visit").wait_for()
    assert axe_violations(page) == []
    assert not page_overflows(page)
    # The service worker is in charge of /outreach/ once it has kept the form.
    wait_for_service_worker(page)

    fill_visit(page, people="25", notes="Stall by the library from 14:30; WRAP 2 leaflets")
    page.get_by_role("button", name="Log the visit").click()
    page.get_by_role("heading", name="My visits").wait_for()
    expect(page.get_by_text(re.compile("Visit logged"))).to_be_visible()
    assert OutreachVisit.objects.count() == 1
    assert axe_violations(page) == []
    assert not page_overflows(page)

    # No signal: the form opens from the phone's copy and the visit waits on the phone.
    page.get_by_role("link", name="Log a visit").first.click()
    page.get_by_role("heading", name="Log a visit").wait_for()
    context.set_offline(True)
    assert page.reload().from_service_worker
    page.get_by_role("heading", name="Log a visit").wait_for()
    fill_visit(page, people="8", notes="Second stall, Room 101")
    page.get_by_role("button", name="Log the visit").click()
    expect(page.locator("#outreach-status")).to_contain_text("Saved on this phone, will send when online")
    expect(page.locator("#outreach-pending")).to_contain_text("8 people")
    assert axe_violations(page) == []
    assert OutreachVisit.objects.count() == 1

    # Signal again: it is sent, once, and the officer is told.
    context.set_offline(False)
    expect(page.locator("#outreach-status")).to_contain_text("Sent 1 visit saved on this phone")
    expect(page.locator("#outreach-pending")).to_be_hidden()
    assert OutreachVisit.objects.count() == 2
    assert OutreachVisit.objects.filter(people_engaged=8, officer=officer).count() == 1

    # Personal data found when it is sent is shown to correct, not dropped.
    context.set_offline(True)
    fill_visit(page, people="3", notes="Call back on 07700 900123")
    page.get_by_role("button", name="Log the visit").click()
    expect(page.locator("#outreach-status")).to_contain_text("Saved on this phone")
    context.set_offline(False)
    expect(page.locator("#outreach-pending")).to_contain_text("a UK phone number")
    assert OutreachVisit.objects.count() == 2
    page.get_by_role("link", name="Correct it").click()
    expect(page.get_by_label("Notes")).to_have_value("Call back on 07700 900123")
    page.get_by_label("Notes").fill("Call back via the centre's office")
    page.get_by_role("button", name="Log the visit").click()
    page.get_by_role("heading", name="My visits").wait_for()
    assert OutreachVisit.objects.count() == 3
    expect(page.locator("#outreach-pending")).to_be_hidden()  # the phone's copy let go once it arrived

    # A double tap makes one visit.
    page.get_by_role("link", name="Log a visit").first.click()
    page.get_by_role("heading", name="Log a visit").wait_for()
    fill_visit(page, people="50", notes="Double tapped")
    page.get_by_role("button", name="Log the visit").dblclick()
    page.get_by_role("heading", name="My visits").wait_for()
    assert OutreachVisit.objects.filter(notes="Double tapped").count() == 1
