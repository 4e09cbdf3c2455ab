"""Issue 9, item 16, on a 360 px phone: 44 x 44 px tap targets for the footer's links and the
certificate links; the desk's button reads "Mark present" and its search hint is not cut off;
the admin's compliance table scrolls within itself instead of cutting off columns."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from crm import roles
from events.models import TrainingRequirement
from events.services import attendance_record, booking_create
from tests.browser.helpers import session_starting, sign_in
from tests.conftest import axe_violations
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def box(locator):
    found = locator.bounding_box()
    assert found, "not on screen"
    return found


def assert_tap_target(locator, what):
    found = box(locator)
    assert found["width"] >= 44 and found["height"] >= 44, f"{what} is {found['width']:.0f}x{found['height']:.0f}px"


def test_footer_links_are_44px_tap_targets(phone_page, team_contact, privacy_page):
    phone_page.goto("/")
    footer = phone_page.locator("footer")
    for name in ("prevent@lbhf.example", "020 8753 0000", "Privacy notice"):
        assert_tap_target(footer.get_by_role("link", name=name), name)


def test_certificate_view_and_pdf_links_are_44px_tap_targets(phone_page, wrap):
    learner = UserFactory(roles=[roles.LEARNER])
    past = session_starting(wrap, minutes=-60 * 24 * 10)
    attendance_record(session=past, user=learner, when=past.starts_at)
    sign_in(phone_page, learner)
    phone_page.goto("/my-training/")
    view = phone_page.get_by_role("link", name="View certificate for")
    pdf = phone_page.get_by_role("link", name="PDF certificate for")
    assert_tap_target(view, "View")
    assert_tap_target(pdf, "PDF")
    # Side by side or one under the other, neither covers the other.
    first, second = box(view), box(pdf)
    assert first["x"] + first["width"] <= second["x"] or first["y"] + first["height"] <= second["y"], (
        f"{first} overlaps {second}"
    )


@pytest.fixture
def desk(phone_page, wrap):
    session = session_starting(wrap, minutes=10)
    trainer = UserFactory(roles=[roles.TRAINER])
    session.trainers.add(trainer)
    booking_create(session=session, user=UserFactory(first_name="Ada", last_name="Tester"))
    sign_in(phone_page, trainer)
    phone_page.goto(f"/teaching/sessions/{session.pk}/desk/")
    return phone_page


def test_desk_button_reads_mark_present(desk):
    button = desk.get_by_role("button", name="Mark present: Ada Tester")
    expect(button).to_have_text("Mark present")
    button.click()
    expect(desk.get_by_role("button", name="Undo Ada Tester")).to_be_visible()
    assert axe_violations(desk) == []


FITS = """input => {
    const style = getComputedStyle(input);
    const context = document.createElement('canvas').getContext('2d');
    context.font = style.font;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return {text: context.measureText(input.placeholder).width, room: room};
}"""


@pytest.mark.parametrize("width", [360, 320])
def test_desk_search_hint_is_not_cut_off(desk, width):
    """At 360 px and at 320 px (the width WCAG's reflow criterion asks for): its hint shows whole."""
    desk.set_viewport_size({"width": width, "height": 800})
    search = desk.get_by_role("searchbox")
    measured = search.evaluate(FITS)
    assert measured["text"] <= measured["room"], measured
    assert search.evaluate("input => input.scrollWidth <= input.clientWidth")
    # What the hint said is in the label, which always shows whole.
    expect(desk.get_by_text("Find a name or organisation")).to_be_visible()
    expect(search).to_have_accessible_name("Find a name or organisation")


SCROLL_TO_THE_END = """table => {
    for (let box = table.parentElement; box; box = box.parentElement) {
        if (['auto', 'scroll'].includes(getComputedStyle(box).overflowX) && box.scrollWidth > box.clientWidth) {
            box.scrollLeft = box.scrollWidth;
            return true;
        }
    }
    return false;
}"""


def test_compliance_table_scrolls_within_itself_on_a_phone(phone_page, wrap):
    rule = TrainingRequirement.objects.create(name="Prevent training for elected Members", valid_for_months=24)
    rule.groups.add(Group.objects.get(name=roles.ELECTED_MEMBER))
    rule.courses.add(wrap)
    UserFactory(roles=[roles.ELECTED_MEMBER], first_name="Rita", last_name="Councillor")
    sign_in(phone_page, UserFactory(roles=[roles.PREVENT_ADMIN]))
    phone_page.goto(f"/admin/training/compliance/{rule.pk}/")
    table = phone_page.locator("table.listing")
    last_heading = table.locator("thead th").last
    expect(last_heading).to_be_attached()
    # The table is wider than the phone; the page does not scroll sideways, so something inside must.
    assert box(table)["width"] > 360
    assert phone_page.evaluate("() => document.documentElement.scrollWidth") <= 360
    scrolled = table.evaluate(SCROLL_TO_THE_END)
    assert scrolled, "nothing scrolls the table: its last columns are cut off at the phone's edge"
    heading = box(last_heading)
    assert heading["x"] >= 0 and heading["x"] + heading["width"] <= 360.5, heading
    # The scrolling region has a name and takes keyboard focus, so it can be scrolled without a finger.
    region = phone_page.get_by_role("region", name="People and their status")
    expect(region).to_have_attribute("tabindex", "0")
    assert axe_violations(phone_page) == []
