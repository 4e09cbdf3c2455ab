"""Every role's access to the public site and the Wagtail admin, allowed and refused."""

import pytest
from django.urls import reverse

from crm import roles
from crm.models import OrganisationType
from tests.factories import OrganisationFactory, StandardPageFactory

pytestmark = pytest.mark.django_db

ADMIN_HOME = "/admin/"
ADMIN_ORGANISATIONS = "/admin/crm/organisations/"
ADMIN_USERS = "/admin/users/"
ADMIN_SETTINGS = "/admin/settings/portal/teamcontactsettings/"
PUBLIC_PAGES = ("/", "/accounts/login/", "/accounts/signup/")
# url: (page title, the role it is for)
MEMBER_AREAS = {
    "/faith-forum/": ("Faith Forum", roles.FAITH_FORUM_MEMBER),
    "/advisory-group/": ("Prevent Advisory Group", roles.PAG_MEMBER),
}
REFUSED_TITLE = b"<h1>You cannot see this page</h1>"
REFUSED_REASON = b"Your account does not have the role this page needs."


@pytest.fixture
def member_areas(db):
    """The member areas as the team sets them up: pages restricted to their members and the team."""
    for url, (title, role) in MEMBER_AREAS.items():
        StandardPageFactory(title=title, slug=url.strip("/"), restricted_to=[role, roles.PREVENT_ADMIN])


def signed_in(client, make_user, role):
    user = make_user(role) if role else make_user()
    client.force_login(user)
    return user


def assert_refused(response, url):
    """Signed in without the role: the site's plain 403 page saying why, never the page itself."""
    assert response.status_code == 403, url
    assert REFUSED_TITLE in response.content and REFUSED_REASON in response.content, url


def admin_area_refused(client, url):
    """Signed in with admin access but not to this area: sent to the dashboard with a message."""
    response = client.get(url, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    return response.redirect_chain == [("/admin/", 302)] and any("do not have permission" in m for m in messages)


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_anonymous_sees_public_pages(client, url):
    assert client.get(url).status_code == 200


def test_anonymous_is_sent_to_sign_in_for_account_and_admin(client):
    for url in (reverse("portal:account"), ADMIN_HOME, ADMIN_ORGANISATIONS):
        response = client.get(url, follow=True)
        final_url = response.redirect_chain[-1][0]
        assert final_url.startswith("/accounts/login/"), url
        assert "next=" in final_url
        assert b'name="password"' in response.content


@pytest.mark.parametrize("url", list(MEMBER_AREAS))
def test_anonymous_is_sent_to_sign_in_for_member_areas(client, member_areas, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize(
    "role", [roles.LEARNER, roles.TRAINER, roles.ELECTED_MEMBER, roles.FAITH_FORUM_MEMBER, roles.PAG_MEMBER]
)
def test_public_site_roles_are_refused_the_admin(client, make_user, role):
    signed_in(client, make_user, role)
    assert client.get(reverse("portal:account")).status_code == 200
    for url in (ADMIN_HOME, ADMIN_ORGANISATIONS, ADMIN_USERS, ADMIN_SETTINGS):
        assert_refused(client.get(url), url)


@pytest.mark.parametrize("role", roles.ALL_ROLES)
def test_member_areas_open_only_to_their_members_and_the_team(client, make_user, member_areas, role):
    signed_in(client, make_user, role)
    for url, (title, members_role) in MEMBER_AREAS.items():
        response = client.get(url)
        heading = f"<h1>{title}</h1>".encode()
        if role in (members_role, roles.PREVENT_ADMIN):
            assert response.status_code == 200, (role, url)
            assert heading in response.content, (role, url)
        else:
            # A 403 that says why, not Wagtail's sign-in redirect: signed in, that would loop.
            assert_refused(response, (role, url))
            assert heading not in response.content, (role, url)


def test_outreach_officer_uses_the_crm_but_not_users_or_settings(client, make_user):
    OrganisationFactory(name="Brook Green Primary School", organisation_type=OrganisationType.SCHOOL)
    signed_in(client, make_user, roles.OUTREACH_OFFICER)
    assert client.get(ADMIN_HOME).status_code == 200
    response = client.get(ADMIN_ORGANISATIONS)
    assert response.status_code == 200
    assert b"Brook Green Primary School" in response.content
    for url in (ADMIN_USERS, ADMIN_SETTINGS, "/admin/pages/"):
        assert admin_area_refused(client, url), url


def test_team_admin_reaches_every_admin_area(client, make_user):
    signed_in(client, make_user, roles.PREVENT_ADMIN)
    for url in (ADMIN_HOME, ADMIN_ORGANISATIONS, ADMIN_USERS, ADMIN_SETTINGS, "/admin/pages/", "/admin/crm/wards/"):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert not any("do not have permission" in str(m) for m in response.context["messages"]), url


def test_organisations_export_to_csv_for_the_team(client, make_user):
    OrganisationFactory(name="Brook Green Primary School", organisation_type=OrganisationType.SCHOOL, urn="100321")
    signed_in(client, make_user, roles.PREVENT_ADMIN)
    response = client.get(ADMIN_ORGANISATIONS + "?export=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert "Brook Green Primary School" in body
    assert "100321" in body


def test_header_offers_the_admin_link_only_to_admin_roles(client, make_user):
    signed_in(client, make_user, roles.LEARNER)
    assert b"Team admin" not in client.get("/").content
    client.logout()
    signed_in(client, make_user, roles.OUTREACH_OFFICER)
    assert b"Team admin" in client.get("/").content
