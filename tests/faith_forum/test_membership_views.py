"""The application form on /faith-forum/apply/ and the team's Applications and Memberships screens."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache

from crm import roles
from crm.models import User
from faith_forum.forms import NEW_ADDRESS_NEEDED, NEW_NAME_NEEDED
from faith_forum.models import ApplicationStatus, ForumApplication, ForumMembership, MembershipStatus
from faith_forum.services import APPLICATIONS_PER_HOUR, application_submit, representative_add
from faith_forum.services import MEMBERSHIP_MESSAGES as MESSAGES
from tests.factories import UserFactory
from tests.faith_forum.membership_helpers import APPLICATION, faith_organisation, forum_page

pytestmark = pytest.mark.django_db
APPLY = "/faith-forum/apply/"


@pytest.fixture(autouse=True)
def page():
    cache.clear()  # the per-network throttle
    return forum_page()


@pytest.fixture
def team_client(client):
    client.force_login(UserFactory(roles=[roles.PREVENT_ADMIN]))
    return client


def test_the_form_lists_faith_organisations_only(client):
    faith_organisation("Central Gurdwara")
    faith_organisation("Brook Green Primary", organisation_type="school")
    page = client.get(APPLY)
    assert page.status_code == 200
    assert b"Central Gurdwara" in page.content and b"Brook Green Primary" not in page.content
    assert b"never public" in page.content.replace(b"It is never public", b"never public")


def test_applying_shows_what_happens_next(client):
    organisation = faith_organisation()
    response = client.post(APPLY, {**APPLICATION, "organisation": organisation.pk})
    assert response.status_code == 302 and response["Location"] == f"{APPLY}?sent=1"
    done = client.get(response["Location"])
    assert b"What happens next" in done.content and APPLICATION["email"].encode() in done.content
    application = ForumApplication.objects.get()
    assert (application.organisation, application.in_directory, application.share_address, application.share_phone) == (
        organisation,
        True,
        True,
        False,
    )
    assert [APPLICATION["email"]] in [message.to for message in mail.outbox]


def test_the_thank_you_page_is_not_shown_to_someone_who_did_not_apply(client):
    assert b"Send the application" in client.get(f"{APPLY}?sent=1").content


def test_form_errors_say_what_to_fix(client):
    response = client.post(APPLY, {"faith": "sikh", "full_name": "Harjit Kaur", "email": "not-an-email"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["new_organisation_name"] == [NEW_NAME_NEEDED]
    assert form.errors["new_organisation_address"] == [NEW_ADDRESS_NEEDED]
    assert "job_role" in form.errors and "email" in form.errors
    assert b"There is a problem" in response.content
    assert not ForumApplication.objects.exists()


def test_personal_data_in_the_wrong_box_is_refused(client):
    response = client.post(
        APPLY,
        {
            **APPLICATION,
            "job_role": "Secretary, call 020 7946 0000",
            "new_organisation_name": "Mandir",
            "new_organisation_address": "1 Road",
        },
    )
    assert "job_role" in response.context["form"].errors
    assert not ForumApplication.objects.exists()


def test_a_second_application_from_the_same_address_is_a_friendly_message(client):
    organisation = faith_organisation()
    application_submit(
        email=APPLICATION["email"], full_name="H K", job_role="Secretary", faith="sikh", organisation=organisation
    )
    response = client.post(APPLY, {**APPLICATION, "organisation": organisation.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [MESSAGES["pending"].format(email=APPLICATION["email"])]
    assert ForumApplication.objects.count() == 1


def test_signed_in_applicants_cannot_change_the_email(client):
    person = UserFactory(email="ann@church.example.org")
    client.force_login(person)
    page = client.get(APPLY)
    assert b'value="ann@church.example.org"' in page.content and b"disabled" in page.content
    client.post(APPLY, {**APPLICATION, "organisation": faith_organisation().pk, "email": "victim@example.org"})
    application = ForumApplication.objects.get()
    assert application.email == "ann@church.example.org" and application.applicant == person


def test_too_many_applications_from_one_network(client):
    organisation = faith_organisation()
    for number in range(APPLICATIONS_PER_HOUR):
        client.post(APPLY, {**APPLICATION, "organisation": organisation.pk, "email": f"person{number}@example.org"})
    response = client.post(APPLY, {**APPLICATION, "organisation": organisation.pk, "email": "one.more@example.org"})
    assert response.status_code == 429
    assert MESSAGES["too_many_applications"] in response.content.decode()
    assert not ForumApplication.objects.filter(email="one.more@example.org").exists()


# --- The team's screens --------------------------------------------------------------------------


def test_applications_list_pending_first_and_filters_by_status(team_client):
    organisation = faith_organisation()
    first = application_submit(
        email="a@example.org", full_name="A", job_role="R", faith="sikh", organisation=organisation
    )
    ForumApplication.objects.filter(pk=first.pk).update(status=ApplicationStatus.DECLINED, reason="No")
    application_submit(
        email="b@example.org", full_name="Bea Pending", job_role="R", faith="sikh", organisation=organisation
    )
    page = team_client.get("/admin/faith-forum/applications/")
    assert page.status_code == 200
    rows = [row.full_name for row in page.context["object_list"]]
    assert rows == ["Bea Pending", "A"]
    filtered = team_client.get("/admin/faith-forum/applications/?status=declined")
    assert [row.full_name for row in filtered.context["object_list"]] == ["A"]


def test_the_decision_screen_shows_everything_and_possible_matches(team_client):
    faith_organisation("Shree Ram Mandir")
    application = application_submit(
        email="a@example.org",
        full_name="Asha Patel",
        job_role="Trustee",
        faith="hindu",
        new_organisation_name="Shri Ram Mandir",
        new_organisation_address="2 Temple Road",
        new_organisation_postcode="W6 0AA",
        consents={"share_phone": True},
    )
    page = team_client.get(f"/admin/faith-forum/applications/edit/{application.pk}/")
    text = page.content.decode()
    for shown in (
        "Asha Patel",
        "Trustee",
        "a@example.org",
        "2 Temple Road",
        "W6 0AA",
        "Possible matches",
        "Shree Ram Mandir",
    ):
        assert shown in text, shown
    assert "Show our phone number: yes" in text


def test_the_team_approves_and_declines_by_post(team_client):
    organisation = faith_organisation()
    approve = application_submit(
        email="a@example.org", full_name="Amar Singh", job_role="Granthi", faith="sikh", organisation=organisation
    )
    response = team_client.post(
        f"/admin/faith-forum/applications/edit/{approve.pk}/", {"action": "approve", "note": ""}
    )
    assert response.status_code == 302
    assert User.objects.get(email="a@example.org").groups.filter(name=roles.FAITH_FORUM_MEMBER).exists()

    decline = application_submit(
        email="b@example.org", full_name="B", job_role="R", faith="sikh", organisation=organisation
    )
    refused = team_client.post(
        f"/admin/faith-forum/applications/edit/{decline.pk}/", {"action": "decline", "reason": ""}
    )
    assert refused.status_code == 200 and "reason" in refused.context["decline_form"].errors
    team_client.post(
        f"/admin/faith-forum/applications/edit/{decline.pk}/", {"action": "decline", "reason": "Outside the borough"}
    )
    decline.refresh_from_db()
    assert decline.status == ApplicationStatus.DECLINED and decline.reason == "Outside the borough"


def test_a_typed_organisation_is_added_on_approval(team_client):
    application = application_submit(
        email="a@example.org",
        full_name="A",
        job_role="R",
        faith="jain",
        new_organisation_name="Jain Centre",
        new_organisation_address="3 Rd",
    )
    team_client.post(
        f"/admin/faith-forum/applications/edit/{application.pk}/", {"action": "approve", "organisation": ""}
    )
    assert ForumMembership.objects.get().organisation.name == "Jain Centre"


@pytest.mark.parametrize("role", [roles.OUTREACH_OFFICER, roles.TRAINER, roles.FAITH_FORUM_MEMBER])
def test_only_the_team_decides(client, role):
    application = application_submit(
        email="a@example.org", full_name="A", job_role="R", faith="sikh", organisation=faith_organisation()
    )
    client.force_login(UserFactory(roles=[role]))
    client.post(f"/admin/faith-forum/applications/edit/{application.pk}/", {"action": "approve"})
    application.refresh_from_db()
    assert application.is_pending


def test_memberships_list_mark_as_left_and_representatives(team_client):
    membership = ForumMembership.objects.create(organisation=faith_organisation("St Mary's"), faith="christian")
    rep = UserFactory(email="rep@stmarys.example.org")
    representative_add(membership=membership, user=rep, role="Vicar", by=None)
    listing = team_client.get("/admin/faith-forum/memberships/?status=active")
    assert listing.status_code == 200 and b"St Mary" in listing.content
    assert [row.reps for row in listing.context["object_list"]] == [1]

    other = UserFactory(email="warden@stmarys.example.org")
    team_client.post(
        f"/admin/faith-forum/memberships/representatives/{membership.pk}/", {"email": other.email, "role": "Warden"}
    )
    assert other.groups.filter(name=roles.FAITH_FORUM_MEMBER).exists()
    missing = team_client.post(
        f"/admin/faith-forum/memberships/representatives/{membership.pk}/", {"email": "nobody@example.org"}
    )
    assert "email" in missing.context["form"].errors

    team_client.post(f"/admin/faith-forum/memberships/leave/{membership.pk}/")
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.LEFT
    assert not rep.groups.filter(name=roles.FAITH_FORUM_MEMBER).exists()


def test_the_faith_forum_menu_is_the_teams(client):
    client.force_login(UserFactory(roles=[roles.PREVENT_ADMIN]))
    assert b"/admin/faith-forum/applications/" in client.get("/admin/").content
    client.force_login(UserFactory(roles=[roles.OUTREACH_OFFICER]))
    assert b"/admin/faith-forum/applications/" not in client.get("/admin/").content
