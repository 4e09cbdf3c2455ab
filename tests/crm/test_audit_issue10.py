"""Issue 10 item 10: every change to a person's record is in the audit log with what changed (before → after).

Profile, Member details (a councillor's side), roles, the team's edits in Settings → Users, sign-ins and
failed sign-ins; the team filters the log by person (Reports → People's records history), nobody else.
"""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from crm import roles
from crm.models import MemberSide
from crm.services import member_details_update, profile_update, role_assign

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


def entries(person, action):
    return list(ModelLogEntry.objects.filter(action=action, data__person=person.pk).order_by("pk"))


def test_a_councillors_side_changing_is_logged_with_before_and_after(team_admin, make_user):
    councillor = make_user(roles.ELECTED_MEMBER, member_side=MemberSide.ADMINISTRATION, political_group="Labour")
    member_details_update(
        actor=team_admin, user=councillor, political_group="Labour", member_side="opposition", is_cabinet_member=False
    )
    [entry] = entries(councillor, "crm.member_details")
    assert entry.user == team_admin
    assert entry.data["changes"] == {"member_side": ["administration", "opposition"]}
    assert "member_side administration → opposition" in entry.message


def test_profile_and_role_changes_are_logged(make_user):
    person = make_user(first_name="Ann", job_role="Teacher")
    profile_update(user=person, first_name="Anne", job_role="Teacher")
    [entry] = entries(person, "crm.profile_change")
    assert entry.user == person and entry.data["changes"] == {"first_name": ["Ann", "Anne"]}
    role_assign(user=person, role=roles.TRAINER)
    role_assign(user=person, role=roles.TRAINER)  # already held: nothing changes, nothing logged
    [role] = entries(person, "crm.role_change")
    assert role.data["changes"]["roles"][1] == sorted([*role.data["changes"]["roles"][0], roles.TRAINER])


def _edit_form_data(response, **changes):
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name in ("password1", "password2"):
            continue
        if hasattr(value, "__iter__") and not isinstance(value, str):
            data[name] = [getattr(item, "pk", item) for item in value]
        elif value is None:
            continue
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = getattr(value, "pk", value)
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def test_the_teams_edit_of_an_account_logs_fields_roles_and_member_side(client, team_admin, make_user):
    from django.contrib.auth.models import Group

    councillor = make_user(
        roles.ELECTED_MEMBER, member_side=MemberSide.ADMINISTRATION, political_group="Labour", job_role="Councillor"
    )
    client.force_login(team_admin)
    url = reverse("wagtailusers_users:edit", args=[councillor.pk])
    page = client.get(url)
    assert page.status_code == 200
    trainer_group = Group.objects.get(name=roles.TRAINER)
    data = _edit_form_data(page, job_role="Cabinet lead", member_side="opposition")
    data["groups"] = [*data.get("groups", []), trainer_group.pk]
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    [account] = entries(councillor, "crm.account_change")
    assert account.data["changes"] == {"job_role": ["Councillor", "Cabinet lead"]}
    [side] = entries(councillor, "crm.member_details")
    assert side.data["changes"] == {"member_side": ["administration", "opposition"]}
    [role] = entries(councillor, "crm.role_change")
    assert roles.TRAINER in role.data["changes"]["roles"][1] and roles.TRAINER not in role.data["changes"]["roles"][0]


def test_sign_ins_and_failed_sign_ins_are_logged_without_the_password(client, make_user):
    person = make_user(email="ann@example.gov.uk")
    person.set_password(PASSWORD)
    person.save()
    client.post(reverse("account_login"), {"login": "ann@example.gov.uk", "password": "wrong-password-1"})
    [failed] = entries(person, "crm.login_failed")
    assert failed.user is None and "wrong-password-1" not in str(failed.data)
    client.post(reverse("account_login"), {"login": "ann@example.gov.uk", "password": PASSWORD})
    [signed_in] = entries(person, "crm.login")
    assert signed_in.user == person and PASSWORD not in str(signed_in.data)
    client.logout()
    client.post(reverse("account_login"), {"login": "nobody@example.gov.uk", "password": "x-123456789"})
    assert not ModelLogEntry.objects.filter(action="crm.login_failed").exclude(data__person=person.pk).exists()


def test_the_team_filters_the_log_by_person_and_nobody_else_may(client, team_admin, make_user):
    ann = make_user(first_name="Ann", last_name="Ardent", job_role="Teacher")
    bob = make_user(first_name="Bob", last_name="Bold", job_role="Teacher")
    profile_update(user=ann, job_role="Head of year")
    profile_update(user=bob, job_role="Deputy head")
    client.force_login(team_admin)
    url = reverse("crm_people_history")
    by_id = client.get(url, {"person": ann.pk})
    assert by_id.status_code == 200
    page = by_id.content.decode()
    assert "Head of year" in page and "Deputy head" not in page
    by_name = client.get(url, {"person_search": "bold"}).content.decode()
    assert "Deputy head" in by_name and "Head of year" not in by_name
    for role in (roles.OUTREACH_OFFICER, roles.TRAINER, roles.LEARNER):
        client.force_login(make_user(role))
        assert client.get(url, {"person": ann.pk}).status_code in (302, 403)
