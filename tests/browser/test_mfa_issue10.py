"""Issue 10, item 8: a trainer sets up two-factor authentication on a phone, then signs in with a code."""

import re

import pytest
from allauth.mfa.models import Authenticator

from crm import roles
from tests.browser.helpers import enter_totp_code, fresh_totp_code
from tests.conftest import axe_violations, page_overflows
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _checked(page):
    assert not page_overflows(page), page.url
    assert axe_violations(page) == [], page.url


def test_a_trainer_sets_up_the_authenticator_app_then_signs_in_with_its_code(phone_page, wrap):
    page = phone_page
    trainer = UserFactory(roles=[roles.TRAINER], totp=False)

    page.goto("/teaching/")
    page.locator("#id_login").fill(trainer.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    # Sent to set it up; changing two-factor authentication asks for the password once more.
    page.get_by_text("your account needs two-factor authentication").wait_for()
    _checked(page)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    page.get_by_role("heading", name="Set up two-factor authentication").wait_for()
    _checked(page)
    assert page.get_by_role("img", name="QR code to add this site to your authenticator app").is_visible()
    secret = page.locator("#authenticator-secret").inner_text().strip()
    page.get_by_label("Code from your authenticator app").fill(fresh_totp_code(trainer, secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()

    page.get_by_role("heading", name="Recovery codes").wait_for()
    _checked(page)
    assert page.locator("#recovery-codes li").count() == 10
    page.get_by_role("link", name="Continue").click()
    page.wait_for_url(re.compile(r"/teaching/$"))
    page.get_by_role("heading", name="Sessions I run").wait_for()

    # Next time: the password, then the code.
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(trainer.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="Enter your code").wait_for()
    _checked(page)
    enter_totp_code(page, trainer, secret)
    page.get_by_role("heading", name="My training", exact=True).wait_for()
    assert Authenticator.objects.filter(user=trainer, type=Authenticator.Type.TOTP).exists()
