"""Issue 14, membership: an applicant applies on a phone at /faith-forum/apply/; the team approves in the
admin; the applicant follows the emailed set-password link, sets a password, signs in and sees the
Faith Forum member role in My account. Every public page axe-clean and without sideways scrolling at 360 px.
"""

from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from crm import roles
from tests.browser.test_advisory_group_issue13 import DESKTOP, admin_scan
from tests.conftest import axe_violations, page_overflows
from tests.factories import UserFactory
from tests.faith_forum.membership_helpers import faith_organisation, forum_page, set_password_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "harjit.kaur@gurdwara.example.org"
NEW_PASSWORD = "Langar-Kettle-Harbour-9"


@pytest.fixture
def ground():
    """What a transactional test before this one may have flushed: the role groups and the page tree."""
    from crm.roles import sync_roles

    sync_roles()
    return forum_page()


def scan(page, heading):
    page.get_by_role("heading", name=heading).first.wait_for()
    assert axe_violations(page) == [], page.url
    assert not page_overflows(page), page.url


def test_an_applicant_applies_the_team_approves_and_the_member_sets_a_password(
    browser, phone_page, live_server, ground
):
    team = UserFactory(roles=[roles.PREVENT_ADMIN], email="team@lbhf.gov.uk")
    faith_organisation("Central Gurdwara", postcode="W6 9JU")
    faith_organisation("St Paul's Church", postcode="W6 9PJ")

    # The applicant, on a phone: a form sent empty says what to fix, then the application goes.
    page = phone_page
    page.goto("/faith-forum/apply/")
    scan(page, "Apply to join the Faith Forum")
    page.get_by_role("button", name="Send the application").click()
    scan(page, "There is a problem")
    expect(page.locator(".error-summary")).to_contain_text("Give your organisation's name")
    page.get_by_label("Your organisation").select_option(label="Central Gurdwara (W6 9JU)")
    page.get_by_label("The organisation's faith").select_option(label="Sikh")
    page.get_by_label("Your name").fill("Harjit Kaur")
    page.get_by_label("Your role at the organisation").fill("Secretary")
    page.get_by_label("Your work email").fill(EMAIL)
    page.get_by_label("Show our website").check()
    page.get_by_role("button", name="Send the application").click()
    scan(page, "Thank you: your application is with the Prevent team")
    expect(page.get_by_text(EMAIL)).to_be_visible()
    assert [EMAIL] in [message.to for message in mail.outbox]
    assert ["team@lbhf.gov.uk"] in [message.to for message in mail.outbox]

    # The team, in the admin: Faith Forum → Applications → the application → Approve.
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    context.set_default_timeout(10_000)
    admin = context.new_page()
    from tests.browser.helpers import sign_in

    sign_in(admin, team)
    admin.goto("/admin/")
    admin.get_by_role("button", name="Faith Forum", exact=True).click()
    admin.get_by_role("link", name="Applications", exact=True).click()
    admin.wait_for_url("**/admin/faith-forum/applications/")
    admin_scan(admin)
    admin.get_by_role("link", name="Central Gurdwara").first.click()
    admin.get_by_role("heading", name="Approve").wait_for()
    expect(admin.locator("main")).to_contain_text("Harjit Kaur")
    admin_scan(admin)
    mail.outbox.clear()
    admin.get_by_role("button", name="Approve", exact=True).click()
    expect(admin.locator(".messages")).to_contain_text("Approved: Central Gurdwara is a member")
    admin_scan(admin)
    context.close()

    # The applicant follows the emailed link, sets a password, signs in, and holds the role.
    [welcome] = [message for message in mail.outbox if message.to == [EMAIL]]
    link = urlsplit(set_password_link(welcome.body))
    page.context.clear_cookies()
    page.goto(link.path)
    scan(page, "Change Password")
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change Password").click()
    page.wait_for_url("**/password/reset/key/done/")
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(EMAIL)
    page.locator("#id_password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="My training", exact=True).wait_for()
    page.goto("/account/")
    scan(page, "Your roles")
    expect(page.locator("section[aria-labelledby=roles-heading]")).to_contain_text("Faith Forum member")
