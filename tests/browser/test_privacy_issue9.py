"""Issue 9 on a 360 px phone: the footer's contact links pass axe's contrast check with the
team's details set, as in the demo (item 8); the privacy notice is linked from the footer, the
sign-up form and the self check-in form, and the team's *Privacy notice* setting shows beside
those forms, where people give their details (item 11)."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import session_starting
from tests.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_footer_contact_links_pass_axe_contrast_on_a_phone(phone_page, team_contact):
    phone_page.goto("/")
    footer = phone_page.locator("footer")
    expect(footer.get_by_role("link", name="prevent@lbhf.example")).to_be_visible()
    expect(footer.get_by_role("link", name="020 8753 0000")).to_be_visible()
    assert axe_violations(phone_page) == []


def test_privacy_notice_is_linked_from_the_footer_of_every_page(phone_page, team_contact, privacy_page):
    for path in ("/", "/accounts/login/", "/training/"):
        phone_page.goto(path)
        phone_page.locator("footer").get_by_role("link", name="Privacy notice").click()
        expect(phone_page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
        assert phone_page.url.endswith("/privacy/")


def test_sign_up_form_shows_the_teams_notice_and_links_the_privacy_page(phone_page, team_contact, privacy_page):
    phone_page.goto("/accounts/signup/")
    form = phone_page.locator("form", has=phone_page.get_by_label("Email", exact=False).first)
    expect(form).to_contain_text("We use your name and work email only to run your training.")
    expect(form.locator("b")).to_have_text("Retention: 6 years.")
    form.get_by_role("link", name="privacy notice").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
    assert axe_violations(phone_page) == []


def test_self_check_in_form_shows_the_teams_notice_and_links_the_privacy_page(
    phone_page, wrap, team_contact, privacy_page
):
    session = session_starting(wrap, minutes=10)
    phone_page.goto(f"/checkin/{session.checkin_token}/")
    form = phone_page.locator("form", has=phone_page.get_by_role("button", name="Check me in"))
    expect(form).to_contain_text("We use your name and work email only to run your training.")
    assert axe_violations(phone_page) == []
    form.get_by_role("link", name="privacy notice").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Privacy notice")


def test_without_a_privacy_page_the_footer_links_nowhere_dead(phone_page, team_contact):
    phone_page.goto("/")
    expect(phone_page.locator("footer").get_by_role("link", name="Privacy notice")).to_have_count(0)
