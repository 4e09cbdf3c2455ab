"""Issue 9 on a 360 x 800 phone: restricted pages answer with who they are for (item 1), and
sign-up keeps where you were going (item 12)."""

import re

import pytest
from wagtail.models import Site

from crm import roles
from events.models import ReportingCategory
from portal.models import TeamContactSettings
from tests.conftest import axe_violations, page_overflows
from tests.factories import PASSWORD, CoursePageFactory, TrainingIndexPageFactory
from tests.pagetree import restore_home_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEAM_EMAIL = "prevent@lbhf.example"


@pytest.fixture
def training(db):
    restore_home_page()
    contact = TeamContactSettings.for_site(Site.objects.get(is_default_site=True))
    contact.team_name = "Hammersmith & Fulham Prevent team"
    contact.email = TEAM_EMAIL
    contact.phone = "020 8753 0000"
    contact.save()
    index = TrainingIndexPageFactory(slug="training")
    wrap = CoursePageFactory(parent=index, title="WRAP", slug="wrap")
    member = CoursePageFactory(
        parent=index,
        title="Prevent training for elected Members",
        slug="member-training",
        reporting_category=ReportingCategory.MEMBER,
        restricted_to=[roles.ELECTED_MEMBER, roles.PREVENT_ADMIN],
    )
    return index, wrap, member


def sign_in_to(page, user, next_url):
    page.goto(f"/accounts/login/?next={next_url}")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))


def test_learner_opening_the_member_course_is_told_who_it_is_for(phone_page, training, make_user):
    page = phone_page
    index, wrap, member = training
    sign_in_to(page, make_user(roles.LEARNER), member.url)

    page.get_by_role("heading", name="You cannot see this page").wait_for()
    main = page.locator("main")
    assert "This page is for elected Members." in main.inner_text()
    assert "To get access, contact the Hammersmith & Fulham Prevent team" in main.inner_text()
    assert main.get_by_role("link", name=TEAM_EMAIL).get_attribute("href") == f"mailto:{TEAM_EMAIL}"
    assert not page_overflows(page)
    assert axe_violations(page) == []

    # The training index names who the course is for instead of linking to that refusal.
    page.goto(index.url)
    card = page.locator("article", has_text=member.title)
    assert "For elected Members" in card.inner_text()
    assert card.get_by_role("link").count() == 0
    assert page.locator("article", has_text="WRAP").get_by_role("link", name="WRAP").is_visible()
    assert not page_overflows(page)
    assert axe_violations(page) == []


def test_member_follows_the_index_to_the_member_course(phone_page, training, make_user):
    page = phone_page
    index, wrap, member = training
    sign_in_to(page, make_user(roles.ELECTED_MEMBER), index.url)
    page.locator("article", has_text=member.title).get_by_role("link", name=member.title).click()
    page.get_by_role("heading", name=member.title, level=1).wait_for()
    assert page.url.endswith(member.url)
    assert axe_violations(page) == []


def test_signed_out_index_offers_members_the_sign_in(phone_page, training):
    page = phone_page
    index, wrap, member = training
    page.goto(index.url)
    card = page.locator("article", has_text=member.title)
    assert "For elected Members" in card.inner_text()
    card.get_by_role("link", name=re.compile("Sign in to see it")).click()
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    assert not page_overflows(page)
    assert axe_violations(page) == []
