"""Issue 11 §1: CRM → Import organisations and CRM → Contacts in the admin; deleting a person unlinks their contact."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from crm import roles
from crm.import_admin import PREVIEW_EXPIRED
from crm.imports import ORGANISATION_COLUMNS
from crm.models import Contact, EstablishmentStatus, Organisation
from crm.services import person_delete, person_delete_preview
from tests.crm.test_imports_issue11 import borough, organisations_csv, renamed_and_closed_file  # noqa: F401
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_client(client, team_admin):
    client.force_login(team_admin)
    return client


@pytest.fixture
def outreach_client(client, make_user):
    client.force_login(make_user(roles.OUTREACH_OFFICER))
    return client


def test_the_team_uploads_a_gias_file_sees_the_preview_and_confirms_it(team_client, borough):  # noqa: F811
    page = team_client.get(reverse("crm_import", args=["schools"]))
    assert page.status_code == 200
    assert "Check the file and preview" in page.content.decode()

    preview = team_client.post(reverse("crm_import", args=["schools"]), {"file": renamed_and_closed_file()})
    text = preview.content.decode()
    assert preview.status_code == 200
    assert "Renamed (1)" in text and "Brook Green Primary Academy’s School" in text
    assert "Closed (1)" in text
    assert Organisation.objects.get(urn="100321").name == "Brook Green Primary School"  # a preview saves nothing

    token = preview.context["token"]
    done = team_client.post(reverse("crm_import_confirm", args=["schools"]), {"token": token})
    assert done.status_code == 302 and done.url == reverse("organisations:index")
    assert Organisation.objects.get(urn="100321").name == "Brook Green Primary Academy’s School"
    assert Organisation.objects.get(urn="100322").establishment_status == EstablishmentStatus.CLOSED

    # The preview is spent: confirming again does nothing more.
    again = team_client.post(reverse("crm_import_confirm", args=["schools"]), {"token": token}, follow=True)
    assert PREVIEW_EXPIRED in again.content.decode()


def test_a_bad_file_shows_every_problem_on_the_form_and_saves_nothing(team_client):
    upload = organisations_csv(["name,type,ward", "Hall,community,Nowhere", ",faith,"])
    page = team_client.post(reverse("crm_import", args=["organisations"]), {"file": upload})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Row 2, column &#x27;ward&#x27;: &#x27;Nowhere&#x27; is not one of the borough&#x27;s wards" in text
    assert "Row 3, column &#x27;name&#x27;: the name is missing." in text
    assert not Organisation.objects.exists()
    assert "token" not in page.context


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_team_downloads_the_template(team_client, fmt):
    response = team_client.get(reverse("crm_import_template", args=[fmt]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="organisations-import-template.{fmt}"'
    if fmt == "csv":
        assert response.content.decode("utf-8-sig").strip() == ",".join(ORGANISATION_COLUMNS)
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert [cell.value for cell in sheet[1]] == list(ORGANISATION_COLUMNS)


def test_outreach_officers_and_others_cannot_import(outreach_client, client, make_user):
    for name, args in (
        ("crm_import", ["schools"]),
        ("crm_import", ["organisations"]),
        ("crm_import_template", ["csv"]),
    ):
        response = outreach_client.get(reverse(name, args=args))
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    upload = organisations_csv(["name,type", "Hall,community"])
    outreach_client.post(reverse("crm_import", args=["organisations"]), {"file": upload})
    assert not Organisation.objects.exists()
    assert "Import organisations" not in outreach_client.get(reverse("wagtailadmin_home")).content.decode()

    client.force_login(make_user(roles.LEARNER))
    assert client.get(reverse("crm_import", args=["schools"])).status_code == 403


# --- Contacts ----------------------------------------------------------------------------------


def contact_form(organisation, **fields):
    return {
        "name": "Imam Abdullah Rahman",
        "role": "Imam",
        "organisation": organisation.pk,
        "email": "imam@mosque.example.org",
        "phone": "",
        "preferred_contact": "in_person",
        "lawful_basis": "legitimate_interests",
        "lawful_basis_note": "Faith Forum partnership",
        "user": "",
        "notes": "",
    } | fields


def test_the_team_and_outreach_officers_keep_contacts_only_the_team_deletes(team_client, outreach_client, client):
    mosque = OrganisationFactory(name="Shepherd's Bush Mosque", organisation_type="faith")
    response = outreach_client.post(reverse("contacts:add"), contact_form(mosque))
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.organisation == mosque
    edit = outreach_client.post(
        reverse("contacts:edit", args=[contact.pk]), contact_form(mosque, phone="020 7946 0201")
    )
    assert edit.status_code == 302
    contact.refresh_from_db()
    assert contact.phone == "020 7946 0201"
    listing = outreach_client.get(reverse("contacts:index"), {"q": "Abdullah"})
    assert "Imam Abdullah Rahman" in listing.content.decode()
    refused = outreach_client.post(reverse("contacts:delete", args=[contact.pk]))
    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_others_cannot_see_contacts(client, make_user):
    OrganisationFactory()
    for role in (roles.TRAINER, roles.LEARNER, roles.FAITH_FORUM_MEMBER):
        client.force_login(make_user(role))
        assert client.get(reverse("contacts:index")).status_code == 403


def test_the_contacts_export_names_people_and_is_audited(team_client, team_admin):
    from wagtail.models import ModelLogEntry

    Contact.objects.create(name="Helen Carter", role="Head teacher", organisation=OrganisationFactory())
    response = team_client.get(reverse("contacts:index"), {"export": "csv"})
    assert "Helen Carter" in b"".join(response.streaming_content).decode("utf-8-sig")
    assert ModelLogEntry.objects.filter(action="events.export", user=team_admin).exists()


def test_deleting_a_person_unlinks_their_contact_and_keeps_it(team_admin, make_user):
    person = make_user(roles.LEARNER, email="dsl@school.example.sch.uk")
    contact = Contact.objects.create(
        name="Priya Shah", role="DSL", organisation=OrganisationFactory(), email=person.email, user=person
    )
    lines = person_delete_preview(user=person)
    assert any(line.what.startswith("Contacts at organisations") and line.count == 1 for line in lines)
    person_delete(actor=team_admin, user=person)
    contact.refresh_from_db()
    assert contact.user is None
    assert contact.name == "Priya Shah"
