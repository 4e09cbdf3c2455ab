"""Issue 14, the members' area on a phone: the demo member opens the members' pages, the directory and a paper;
axe-core finds nothing serious at 360 px and nothing scrolls sideways. A learner is refused all three.
"""

import pytest
from playwright.sync_api import expect

from crm import demo as crm_demo
from crm.models import User
from crm.roles import sync_roles
from faith_forum import demo as forum_demo
from faith_forum.papers import forum_papers
from portal import demo as portal_demo
from tests.conftest import axe_violations, page_overflows
from tests.pagetree import restore_home_page, restore_root_collection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEMBER_EMAIL = "faith.forum@demo.example"


@pytest.fixture
def forum(settings, tmp_path):
    """The demo's places, people and Faith Forum (its pages, papers and members; events too)."""
    settings.MEDIA_ROOT = str(tmp_path)
    restore_home_page()
    restore_root_collection()
    sync_roles()
    crm_demo.seed()
    portal_demo.seed()
    forum_demo.seed()
    # The test storage keeps files in memory; Wagtail serves a document from its file's path.
    for paper in forum_papers():
        path = tmp_path / paper.file.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(paper.file.open("rb").read())


def demo_sign_in(page, email):
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(portal_demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="My training", exact=True).wait_for()


def scan(page, heading):
    page.get_by_role("heading", name=heading, exact=True).first.wait_for()
    assert axe_violations(page) == [], page.url
    assert not page_overflows(page), page.url


def test_the_demo_member_reads_the_members_area_and_directory_on_a_phone(phone_page, new_phone, forum):
    page = phone_page
    demo_sign_in(page, MEMBER_EMAIL)
    page.goto("/faith-forum/members/")
    scan(page, "Members' area")
    terms = page.get_by_role("link", name="Faith Forum terms of reference").first
    expect(terms).to_be_visible()
    paper_url = terms.get_attribute("href")
    paper = page.request.get(paper_url)
    assert paper.status == 200 and paper.body().startswith(b"%PDF-")

    page.get_by_role("link", name="Member directory").first.click()
    scan(page, "Member directory")
    expect(page.get_by_role("heading", name="Shepherd's Bush Mosque")).to_be_visible()
    expect(page.get_by_text("Yusuf Ali, Trustee")).to_be_visible()
    assert "abdullah.rahman@sbmosque.demo.example" not in page.content()  # representatives' emails: never
    expect(page.get_by_role("heading", name="Ravenscourt Baptist Church")).to_have_count(0)  # left the forum

    page.get_by_role("link", name="Members' area").first.click()
    page.get_by_role("link", name="Minutes", exact=True).click()
    scan(page, "Minutes")

    learner = new_phone()
    demo_sign_in(learner, "learner@demo.example")
    for url in ("/faith-forum/members/", "/faith-forum/members/directory/"):
        response = learner.goto(url)
        assert response.status == 403, url
        expect(learner.get_by_text("Faith Forum members").first).to_be_visible()
        assert axe_violations(learner) == [], url
    refused = learner.request.get(paper_url)
    assert refused.status == 403 and not refused.body().startswith(b"%PDF-")
    assert User.objects.get(email=MEMBER_EMAIL).forum_representations.exists()
