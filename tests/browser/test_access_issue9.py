"""Issue 9 on a 360 x 800 phone: restricted pages answer with who they are for (item 1), and
sign-up keeps where you were going (item 12)."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.models import Site

from crm import roles
from crm.models import User
from events.models import Booking, ReportingCategory, TrainingSession
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


# --- Item 12: sign-up keeps where you were going -------------------------------------


def test_book_sign_up_confirm_and_sign_in_lands_back_on_the_session(phone_page, wrap):
    page = phone_page
    starts = (timezone.localtime() + dt.timedelta(days=14)).replace(hour=10, minute=0, second=0, microsecond=0)
    session = TrainingSession.objects.create(
        course=wrap, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Hammersmith Town Hall"
    )
    book_path = wrap.url + wrap.reverse_subpage("book", args=[session.pk])

    page.goto(wrap.url)
    page.locator(f'[data-session="{session.pk}"]').get_by_role("link", name=re.compile(r"^Book\b")).click()
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    assert not page_overflows(page)
    page.locator("main").get_by_role("link", name="sign up").click()
    page.wait_for_url(re.compile(r"/accounts/signup/\?next="))

    page.get_by_label("Email").fill("jo.bloggs@lbhf.gov.uk")
    page.get_by_label("First name").fill("Jo")
    page.get_by_label("Last name").fill("Bloggs")
    page.get_by_label("Organisation", exact=False).first.fill("Hammersmith & Fulham Council")
    page.get_by_label("Organisation type").select_option("council")
    page.get_by_label("Job role").fill("Housing officer")
    page.locator("#id_password1").fill("Tulip-Kettle-Harbour-9")
    page.locator("#id_password2").fill("Tulip-Kettle-Harbour-9")
    assert not page_overflows(page)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_text("We have sent an email to jo.bloggs@lbhf.gov.uk").first.wait_for()

    [message] = [m for m in mail.outbox if m.to == ["jo.bloggs@lbhf.gov.uk"]]
    assert message.body.startswith("Hello Jo,")
    confirm = re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)
    page.goto(confirm)
    assert not page_overflows(page)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Confirm").click()

    # Confirmed: the session asks for a sign-in, and the sign-in goes back to it.
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_text("Thank you: jo.bloggs@lbhf.gov.uk is confirmed.").wait_for()
    page.locator("#id_login").fill("jo.bloggs@lbhf.gov.uk")
    page.locator("#id_password").fill("Tulip-Kettle-Harbour-9")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(re.escape(book_path) + "$"))
    page.get_by_role("heading", name=f"Book {wrap.title}").wait_for()
    assert "Welcome back, Jo. You are signed in." in page.locator(".messages").inner_text()
    assert not page_overflows(page)
    assert axe_violations(page) == []

    page.get_by_role("button", name="Book my place").click()
    page.get_by_role("heading", name="My training", exact=True).wait_for()
    person = User.objects.get(email="jo.bloggs@lbhf.gov.uk")
    assert Booking.objects.filter(session=session, user=person, status="confirmed").exists()


def test_plain_sign_in_lands_on_my_training(phone_page, make_user):
    restore_home_page()
    page = phone_page
    person = make_user(roles.LEARNER)
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(person.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="My training", exact=True).wait_for()
    assert page.url.endswith("/my-training/")
    assert axe_violations(page) == []
