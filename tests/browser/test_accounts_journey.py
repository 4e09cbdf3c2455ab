"""Real pages in Debian's chromium on a 360 x 800 phone viewport."""

import re

import pytest
from django.core import mail

from crm.models import User
from tests.conftest import axe_violations, page_overflows
from tests.pagetree import restore_home_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_verify_email_then_sign_in(phone_page):
    page = phone_page
    page.goto("/")
    page.get_by_role("button", name="Show menu").click()
    page.get_by_role("link", name="Create an account").click()

    page.get_by_label("Email").fill("jo.bloggs@lbhf.gov.uk")
    page.get_by_label("First name").fill("Jo")
    page.get_by_label("Last name").fill("Bloggs")
    page.get_by_label("Organisation", exact=False).first.fill("Hammersmith & Fulham Council")
    page.get_by_label("Organisation type").select_option("council")
    page.get_by_label("Job role").fill("Housing officer")
    page.locator("#id_password1").fill("Tulip-Kettle-Harbour-9")
    page.locator("#id_password2").fill("Tulip-Kettle-Harbour-9")
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_text("Verify Your Email Address").first.wait_for()

    sent = [m for m in mail.outbox if m.to == ["jo.bloggs@lbhf.gov.uk"]]
    assert len(sent) == 1, [(m.to, m.subject) for m in mail.outbox]
    message = sent[0]
    path = re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)
    page.goto(path)
    page.get_by_role("button", name="Confirm").click()
    assert User.objects.get(email="jo.bloggs@lbhf.gov.uk").emailaddress_set.get().verified

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("jo.bloggs@lbhf.gov.uk")
    page.locator("#id_password").fill("Tulip-Kettle-Harbour-9")
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="My training", exact=True).wait_for()
    page.goto("/account/")
    assert page.get_by_label("Job role").input_value() == "Housing officer"
    assert not page_overflows(page)


def test_bad_sign_up_shows_an_error_summary_linked_to_the_field(phone_page):
    page = phone_page
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_role("button", name="Sign Up").click()
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    assert "There is a problem" in summary.inner_text()
    summary.get_by_role("link", name=re.compile("Email")).click()
    assert page.evaluate("() => document.activeElement.id") == "id_email"
    assert not User.objects.filter(email="not-an-email").exists()


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/"])
def test_pages_fit_a_phone_and_pass_axe(phone_page, path):
    phone_page.goto(path)
    assert not page_overflows(phone_page), f"{path} scrolls sideways at 360px"
    assert axe_violations(phone_page) == []


def test_menu_opens_on_a_phone_and_keyboard_focus_is_visible(phone_page):
    # A transactional test before this one may have flushed the home page: then "/" is the 404 page,
    # whose body offers its own "Sign in" (for a members-only address), which is not the menu's.
    restore_home_page()
    page = phone_page
    page.goto("/")
    assert page.get_by_role("heading", level=1).count() >= 1
    assert not page.get_by_role("link", name="Sign in").is_visible()
    page.get_by_role("button", name="Show menu").click()
    page.get_by_role("link", name="Sign in").wait_for(state="visible")
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.is_visible()
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
