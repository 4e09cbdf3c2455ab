"""A person edits their own details; only the team sets the elected-Member fields."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.urls import reverse

from crm import roles
from crm.models import CABINET_NOT_ADMINISTRATION, User
from crm.services import member_details_update, profile_update

pytestmark = pytest.mark.django_db

PROFILE = {
    "first_name": "Robert",
    "last_name": "Ellis",
    "organisation_name": "Hammersmith & Fulham Council",
    "organisation_type": "member",
    "job_role": "Councillor",
}


def test_person_updates_their_own_details(client, make_user):
    user = make_user(roles.LEARNER)
    client.force_login(user)
    response = client.post("/account/", {**PROFILE, "job_role": "Ward councillor"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.job_role == "Ward councillor"


def test_blank_details_get_a_clear_message_and_nothing_saved(client, make_user):
    user = make_user(roles.LEARNER, job_role="Housing officer")
    client.force_login(user)
    response = client.post("/account/", {**PROFILE, "job_role": "", "organisation_name": "New org"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    user.refresh_from_db()
    assert (user.job_role, user.organisation_name) == ("Housing officer", "Hammersmith & Fulham Council")


def test_member_fields_posted_by_the_member_are_ignored(client, make_user):
    member = make_user(roles.ELECTED_MEMBER, political_group="Labour", member_side="opposition")
    client.force_login(member)
    client.post(
        "/account/",
        {**PROFILE, "political_group": "Independent", "member_side": "administration", "is_cabinet_member": "on"},
    )
    member.refresh_from_db()
    assert (member.political_group, member.member_side, member.is_cabinet_member) == ("Labour", "opposition", False)


def test_member_sees_their_member_details_read_only(client, make_user):
    member = make_user(roles.ELECTED_MEMBER, political_group="Labour", member_side="administration")
    client.force_login(member)
    response = client.get("/account/")
    assert b"Elected Member details" in response.content
    assert b'name="political_group"' not in response.content
    assert b'name="member_side"' not in response.content


def test_profile_service_refuses_member_fields():
    with pytest.raises(ValueError, match="political_group"):
        profile_update(user=None, political_group="Labour")


@pytest.mark.parametrize("role", [r for r in roles.ALL_ROLES if r != roles.PREVENT_ADMIN])
def test_member_details_service_refuses_everyone_but_the_team(make_user, role):
    actor = make_user(role)
    member = make_user(roles.ELECTED_MEMBER)
    with pytest.raises(PermissionDenied):
        member_details_update(
            actor=actor, user=member, political_group="Labour", member_side="administration", is_cabinet_member=True
        )
    member.refresh_from_db()
    assert member.political_group == ""


def test_team_sets_member_details_and_the_member_role(team_admin, make_user):
    councillor = make_user(organisation_type="member")
    member_details_update(
        actor=team_admin,
        user=councillor,
        political_group="Conservative",
        member_side="opposition",
        is_cabinet_member=False,
    )
    councillor.refresh_from_db()
    assert (councillor.political_group, councillor.member_side) == ("Conservative", "opposition")
    assert roles.has_role(councillor, roles.ELECTED_MEMBER)


def test_cabinet_member_must_be_in_the_administration(team_admin, make_user):
    councillor = make_user()
    with pytest.raises(ValidationError, match="Administration"):
        member_details_update(
            actor=team_admin,
            user=councillor,
            political_group="Labour",
            member_side="opposition",
            is_cabinet_member=True,
        )
    councillor.member_side, councillor.is_cabinet_member = "opposition", True
    with pytest.raises(IntegrityError):
        councillor.save()


def test_team_edits_member_fields_in_the_wagtail_users_admin(client, team_admin, make_user):
    """The real Users screen saves Member details through member_details_update: the role comes with them."""
    councillor = make_user()
    assert roles.ELECTED_MEMBER not in roles.role_names(councillor)
    client.force_login(team_admin)
    url = f"/admin/users/edit/{councillor.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="member_side"' in page.content
    data = {
        "username": councillor.username,
        "email": councillor.email,
        "first_name": "Ann",
        "last_name": "Lee",
        "organisation_name": "Hammersmith & Fulham Council",
        "organisation_type": "member",
        "job_role": "Councillor",
        "political_group": "Labour",
        "member_side": "administration",
        "is_cabinet_member": "on",
        "is_active": "on",
        "password1": "",
        "password2": "",
        "groups": [str(pk) for pk in councillor.groups.values_list("pk", flat=True)],
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    councillor = type(councillor).objects.get(pk=councillor.pk)
    assert (councillor.political_group, councillor.member_side, councillor.is_cabinet_member) == (
        "Labour",
        "administration",
        True,
    )
    assert roles.ELECTED_MEMBER in roles.role_names(councillor)
    # A Cabinet Member in the Opposition is refused with the model's message beside the box, nothing saved.
    response = client.post(url, {**data, "member_side": "opposition", "political_group": "Conservative"})
    assert response.status_code == 200
    assert CABINET_NOT_ADMINISTRATION in response.context["form"].errors["is_cabinet_member"]
    councillor.refresh_from_db()
    assert (councillor.member_side, councillor.political_group) == ("administration", "Labour")


def test_team_adds_a_member_in_the_wagtail_users_admin(client, team_admin):
    """Creating a Member on the Add user screen also goes through the service and gives the role."""
    client.force_login(team_admin)
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "cllr.new",
            "email": "cllr.new@example.gov.uk",
            "first_name": "New",
            "last_name": "Member",
            "organisation_name": "Hammersmith & Fulham Council",
            "organisation_type": "member",
            "job_role": "Councillor",
            "political_group": "Independent",
            "member_side": "opposition",
            "password1": "a-long-enough-password-1",
            "password2": "a-long-enough-password-1",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    member = User.objects.get(email="cllr.new@example.gov.uk")
    assert (member.member_side, member.political_group) == ("opposition", "Independent")
    assert roles.ELECTED_MEMBER in roles.role_names(member)


def test_the_member_rule_is_the_models_own(make_user):
    """full_clean (every form, the admin's included) refuses a Cabinet seat outside the Administration."""
    person = make_user()
    person.member_side, person.is_cabinet_member = "opposition", True
    with pytest.raises(ValidationError) as refused:
        person.full_clean(exclude=["password"])
    assert refused.value.message_dict["is_cabinet_member"] == [CABINET_NOT_ADMINISTRATION]


def test_a_member_cannot_reach_the_users_admin(client, make_user):
    member = make_user(roles.ELECTED_MEMBER)
    client.force_login(member)
    response = client.post(f"/admin/users/edit/{member.pk}/", {"political_group": "Independent"})
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.political_group == ""
