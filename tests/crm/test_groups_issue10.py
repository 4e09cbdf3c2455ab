"""Issue 10 item 13: the team admin manages groups (Settings → Groups); the role groups stay as they are."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from crm import roles
from crm.wagtail_hooks import ROLE_GROUP_DELETE_REFUSED, ROLE_GROUP_RENAME_REFUSED

pytestmark = pytest.mark.django_db

NO_PERMISSION_FORMS = {
    f"{prefix}-{field}": value
    for prefix in ("page_permissions", "collection_permissions", "document_permissions", "image_permissions")
    for field, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"), ("MAX_NUM_FORMS", "1000"))
}


@pytest.fixture
def admin_client(client, team_admin):
    client.force_login(team_admin)
    return client


def test_the_team_admin_reaches_groups_and_creates_designated_safeguarding_leads(admin_client):
    index = admin_client.get(reverse("wagtailusers_groups:index"))
    assert index.status_code == 200
    assert roles.TRAINER in index.content.decode()

    response = admin_client.post(
        reverse("wagtailusers_groups:add"), {"name": "Designated Safeguarding Leads", **NO_PERMISSION_FORMS}
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    group = Group.objects.get(name="Designated Safeguarding Leads")

    # It is then a choice for who a training requirement applies to.
    page = admin_client.get(reverse("requirements:add"))
    assert page.status_code == 200
    assert f'<option value="{group.pk}">Designated Safeguarding Leads</option>' in page.content.decode()

    # And the team can rename or delete a group it made.
    edit = admin_client.post(
        reverse("wagtailusers_groups:edit", args=[group.pk]), {"name": "DSLs", **NO_PERMISSION_FORMS}
    )
    assert edit.status_code == 302
    assert admin_client.post(reverse("wagtailusers_groups:delete", args=[group.pk])).status_code == 302
    assert not Group.objects.filter(pk=group.pk).exists()


def test_the_role_groups_cannot_be_renamed_or_deleted(admin_client):
    trainer = Group.objects.get(name=roles.TRAINER)

    renamed = admin_client.post(
        reverse("wagtailusers_groups:edit", args=[trainer.pk]), {"name": "Trainers", **NO_PERMISSION_FORMS}
    )
    assert renamed.status_code == 200
    assert ROLE_GROUP_RENAME_REFUSED in renamed.context["form"].errors["name"]

    page = admin_client.get(reverse("wagtailusers_groups:delete", args=[trainer.pk]), follow=True)
    assert page.redirect_chain[-1][0] == reverse("wagtailusers_groups:edit", args=[trainer.pk])
    assert ROLE_GROUP_DELETE_REFUSED in page.content.decode().replace("&#x27;", "'")
    deleted = admin_client.post(reverse("wagtailusers_groups:delete", args=[trainer.pk]))
    assert deleted.status_code == 302
    assert Group.objects.filter(name=roles.TRAINER).exists()


def test_an_outreach_officer_still_cannot_manage_groups(client, make_user):
    client.force_login(make_user(roles.OUTREACH_OFFICER))
    response = client.get(reverse("wagtailusers_groups:add"))
    assert response.status_code in (302, 403)
    assert not (response.status_code == 302 and response["Location"].startswith(reverse("wagtailusers_groups:add")))
