"""Issue 14, the member directory: members only, and each organisation shows only what it agreed to share."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm import roles
from faith_forum.directory import member_directory
from faith_forum.models import Faith, MembershipStatus
from tests.factories import UserFactory
from tests.faith_forum.members_area_data import forum_pages, member_organisation

pytestmark = pytest.mark.django_db

DIRECTORY_URL = "/faith-forum/members/directory/"

# Each consent and what it shows of the CRM's organisation (member_organisation fills every detail).
SHOWN_BY = {
    "share_address": ["1 Example Street", "Hammersmith", "W6 9ZZ"],
    "share_phone": ["020 7946 0999", 'href="tel:02079460999"'],
    "share_email": ["office@sikh.example.org", 'href="mailto:office@sikh.example.org"'],
    "share_website": ["https://sikh.example.org"],
    "share_representatives": ["Harjit Singh", "Secretary", "Manpreet Kaur", "Trustee"],
}


@pytest.fixture
def member(client):
    forum_pages()
    client.force_login(UserFactory(roles=[roles.FAITH_FORUM_MEMBER]))
    return client


def directory_html(client) -> str:
    response = client.get(DIRECTORY_URL)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("consent", list(SHOWN_BY))
def test_each_consent_shows_its_own_detail_and_nothing_else(member, consent):
    member_organisation(
        "Sikh Gurdwara West",
        faith=Faith.SIKH,
        reps=[("Harjit", "Singh", "Secretary"), ("Manpreet", "Kaur", "Trustee")],
        **{consent: True},
    )
    html = directory_html(member)
    assert "Sikh Gurdwara West" in html and "Sikh" in html  # name and faith, always
    for field, texts in SHOWN_BY.items():
        for text in texts:
            assert (text in html) == (field == consent), f"{text!r} with only {consent} ticked"
    # Representatives' emails: never, whatever is ticked.
    assert "harjit.singh@sikh.example.org" not in html and "manpreet.kaur@sikh.example.org" not in html


def test_with_nothing_ticked_only_the_name_and_faith_show(member):
    member_organisation("Shepherd's Bush Mosque", reps=[("Yusuf", "Ali", "Trustee")])
    html = directory_html(member)
    assert "Shepherd&#x27;s Bush Mosque" in html and "Muslim" in html
    for texts in SHOWN_BY.values():
        for text in texts:
            assert text.replace("sikh", "shepherd") not in html
    assert "Yusuf Ali" not in html and "yusuf.ali@" not in html


def test_everything_ticked_shows_everything_but_representatives_emails(member):
    member_organisation(
        "Sikh Gurdwara West",
        faith=Faith.SIKH,
        reps=[("Harjit", "Singh", "Secretary"), ("Manpreet", "Kaur", "Trustee")],
        **{field: True for field in SHOWN_BY},
    )
    html = directory_html(member)
    for texts in SHOWN_BY.values():
        for text in texts:
            assert text in html
    assert "harjit.singh@" not in html and "manpreet.kaur@" not in html


def test_who_is_listed_active_and_lapsed_members_that_chose_to_be_never_those_that_left(member):
    member_organisation("Active Church", faith=Faith.CHRISTIAN)
    member_organisation("Lapsed Temple", faith=Faith.HINDU, status=MembershipStatus.LAPSED)
    member_organisation("Left Chapel", faith=Faith.CHRISTIAN, status=MembershipStatus.LEFT, share_address=True)
    member_organisation("Unlisted Synagogue", faith=Faith.JEWISH, in_directory=False, share_phone=True)
    html = directory_html(member)
    assert "Active Church" in html and "Lapsed Temple" in html
    assert "Left Chapel" not in html and "Unlisted Synagogue" not in html
    assert "2 organisations" in html
    assert [entry.name for entry in member_directory()] == ["Active Church", "Lapsed Temple"]


def test_a_representative_whose_account_was_closed_is_not_listed(member):
    membership = member_organisation(
        "Sikh Gurdwara West", reps=[("Harjit", "Singh", "Secretary")], share_representatives=True
    )
    rep = membership.representatives.get()
    rep.user.is_active = False
    rep.user.save()
    assert "Harjit Singh" not in directory_html(member)


def test_the_directory_reads_the_same_few_queries_however_many_members(member):
    member_organisation("First Mosque", reps=[("Ali", "Khan", "Imam")], share_representatives=True, share_address=True)
    with CaptureQueriesContext(connection) as some:
        member_directory()
    for n in range(6):
        member_organisation(
            f"Church {n}", reps=[("Ruth", f"Adebayo{n}", "Warden")], share_representatives=True, share_address=True
        )
    with CaptureQueriesContext(connection) as many:
        entries = member_directory()
    assert len(entries) == 7
    assert len(many) == len(some) <= 3
