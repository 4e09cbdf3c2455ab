"""Issue 14, the members' area: members-only pages and papers, restricted to the Faith Forum member role and the team."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import CollectionViewRestriction, PageViewRestriction

from crm import roles
from faith_forum.models import FaithForumPage, ForumMembersPage
from faith_forum.papers import COLLECTION_NAME, forum_papers_collection
from faith_forum.services import members_area_restrict
from tests.factories import UserFactory
from tests.faith_forum.members_area_data import forum_pages, forum_paper

pytestmark = pytest.mark.django_db

MEMBERS_URL = "/faith-forum/members/"
MINUTES_URL = "/faith-forum/members/minutes/"
DIRECTORY_URL = "/faith-forum/members/directory/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def area():
    return forum_pages()


def people():
    return {
        "learner": UserFactory(roles=[roles.LEARNER]),
        "PAG member": UserFactory(roles=[roles.PAG_MEMBER]),
        "member": UserFactory(roles=[roles.FAITH_FORUM_MEMBER]),
        "team": UserFactory(roles=[roles.PREVENT_ADMIN]),
    }


@pytest.mark.parametrize("url", [MEMBERS_URL, MINUTES_URL, DIRECTORY_URL])
def test_only_members_and_the_team_open_the_members_area(client, area, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    answers = {}
    for who, person in people().items():
        client.force_login(person)
        response = client.get(url)
        answers[who] = response.status_code
        if response.status_code == 403:
            assert "This page is for Faith Forum members" in response.content.decode(), who
    assert answers == {"learner": 403, "PAG member": 403, "member": 200, "team": 200}


@pytest.mark.parametrize("url", [MEMBERS_URL, DIRECTORY_URL])
def test_the_views_check_the_role_even_when_the_page_lost_its_restriction(client, url):
    """A members' page edited to be public in the admin still shows nothing to a non-member."""
    forum_pages(restrict=False)
    assert not PageViewRestriction.objects.exists()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(UserFactory(roles=[roles.LEARNER]))
    response = client.get(url)
    assert response.status_code == 403
    assert "This page is for Faith Forum members" in response.content.decode()
    client.force_login(UserFactory(roles=[roles.FAITH_FORUM_MEMBER]))
    assert client.get(url).status_code == 200


def test_the_members_page_shows_its_text_documents_pages_beneath_papers_and_the_directory(client, area):
    _forum, members, _minutes = area
    terms = forum_paper("Terms of reference")
    members.body = [("paragraph", "<p>Welcome, members.</p>"), ("document", terms)]
    members.save_revision().publish()
    forum_paper("Minutes of the March meeting")
    client.force_login(UserFactory(roles=[roles.FAITH_FORUM_MEMBER]))
    html = client.get(MEMBERS_URL).content.decode()
    assert "Welcome, members." in html
    assert f'href="{terms.url}"' in html and "Terms of reference" in html
    assert "Minutes of the March meeting" in html  # the papers collection, listed at the top of the area
    assert f'href="{MINUTES_URL}"' in html
    assert f'href="{DIRECTORY_URL}"' in html
    assert "previewing" not in html and "as the Prevent team" not in html
    minutes_html = client.get(MINUTES_URL).content.decode()
    assert f'href="{DIRECTORY_URL}"' in minutes_html and f'href="{MEMBERS_URL}"' in minutes_html
    assert "Minutes of the March meeting" not in minutes_html  # papers are listed once, on the area's own page


def test_the_team_is_told_it_sees_the_area_as_the_team(client, area):
    client.force_login(UserFactory(roles=[roles.PREVENT_ADMIN]))
    assert "as the Prevent team" in client.get(MEMBERS_URL).content.decode()


def test_the_directory_is_on_the_areas_own_page_only(client, area):
    client.force_login(UserFactory(roles=[roles.FAITH_FORUM_MEMBER]))
    assert client.get(MINUTES_URL + "directory/").status_code == 404


# --- The restriction ---------------------------------------------------------------------------------------


def test_restricting_is_idempotent_keeps_a_group_the_team_added_and_replaces_a_password(area):
    _forum, members, _minutes = area
    extra = Group.objects.create(name="Interfaith chaplains")
    restriction = PageViewRestriction.objects.get(page=members)
    restriction.groups.add(extra)
    PageViewRestriction.objects.create(page=members, restriction_type=PageViewRestriction.PASSWORD, password="x")
    again = members_area_restrict(members)
    assert again.pk == restriction.pk
    assert list(PageViewRestriction.objects.filter(page=members)) == [restriction]
    assert set(restriction.groups.values_list("name", flat=True)) == {
        roles.FAITH_FORUM_MEMBER,
        roles.PREVENT_ADMIN,
        "Interfaith chaplains",
    }


def admin_add_members_page(client, parent, slug):
    """The team adds a members' page in the Wagtail admin, and publishes it."""
    url = reverse("wagtailadmin_pages:add", args=["faith_forum", "forummemberspage", parent.pk])
    response = client.post(
        url,
        {
            "title": "Members' news",
            "slug": slug,
            "introduction": "News for members.",
            "body-count": "0",
            "action-publish": "Publish",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return ForumMembersPage.objects.get(slug=slug)


def test_a_members_page_the_team_adds_beneath_the_forum_page_is_restricted_at_once(client):
    forum, members, _minutes = forum_pages()
    members.delete()  # the forum page alone: the team makes its members' area
    forum = FaithForumPage.objects.get(pk=forum.pk)
    team = UserFactory(roles=[roles.PREVENT_ADMIN])
    client.force_login(team)
    page = admin_add_members_page(client, forum, "members")
    restriction = PageViewRestriction.objects.get(page=page)
    assert restriction.restriction_type == PageViewRestriction.GROUPS
    assert set(restriction.groups.values_list("name", flat=True)) == {roles.FAITH_FORUM_MEMBER, roles.PREVENT_ADMIN}
    assert forum_papers_collection().name == COLLECTION_NAME
    client.force_login(UserFactory(roles=[roles.LEARNER]))
    assert client.get(MEMBERS_URL).status_code == 403


def test_a_page_beneath_the_members_area_inherits_its_restriction(client, area):
    _forum, members, _minutes = area
    client.force_login(UserFactory(roles=[roles.PREVENT_ADMIN]))
    page = admin_add_members_page(client, members, "news")
    assert not PageViewRestriction.objects.filter(page=page).exists()
    client.force_login(UserFactory(roles=[roles.LEARNER]))
    assert client.get(page.url).status_code == 403


# --- Papers: Wagtail's own document address ----------------------------------------------------------------


def test_the_papers_collection_is_restricted_to_members_and_the_team(db):
    collection = forum_papers_collection()
    assert forum_papers_collection() == collection  # made once
    [restriction] = CollectionViewRestriction.objects.filter(collection=collection)
    assert restriction.restriction_type == CollectionViewRestriction.GROUPS
    assert set(restriction.groups.values_list("name", flat=True)) == {roles.FAITH_FORUM_MEMBER, roles.PREVENT_ADMIN}


def test_a_paper_is_downloaded_by_members_and_the_team_only(client, area):
    paper = forum_paper(content=b"Minutes: the forum agreed its terms of reference.\n")
    url = paper.url
    assert url.startswith("/documents/")
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    for who in ("learner", "PAG member", "member", "team"):
        client.force_login(people()[who] if who != "member" else UserFactory(roles=[roles.FAITH_FORUM_MEMBER]))
        response = client.get(url)
        if who in ("member", "team"):
            assert response.status_code == 200, who
            assert b"".join(response.streaming_content) == b"Minutes: the forum agreed its terms of reference.\n"
            assert response["Content-Disposition"].startswith("attachment")
        else:
            # Refused, saying who papers are for (not Wagtail's sign-in redirect, which loops for the signed in).
            assert response.status_code == 403, who
            assert "Faith Forum members" in response.content.decode(), who
