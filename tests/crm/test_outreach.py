"""Outreach visits (issue 11 §2): the personal-data guard, logging once per UUID, the 30-day edit rule,
the officer's pages, the phone's sync endpoint, import_outreach and the team's export."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from crm import roles
from crm.outreach.models import ContactType, OutreachActivity, OutreachTag, OutreachVisit
from crm.outreach.services import EDIT_DAYS, OutreachError, outreach_visit_log, outreach_visit_update
from crm.text import PERSONAL_DATA_KINDS, personal_data_check
from tests.factories import OrganisationFactory, UserFactory, WardFactory

pytestmark = pytest.mark.django_db


# --- The guard ---------------------------------------------------------------------------------------

REFUSED = [
    ("Spoke to sam.patel@school.example.sch.uk after", "email"),
    ("call back on 07700 900123", "phone"),
    ("call back on 07700900123", "phone"),
    ("office 020 7946 0000", "phone"),
    ("office (020) 7946 0000", "phone"),
    ("mobile +44 7700 900123", "phone"),
    ("lives near W6 7BS", "postcode"),
    ("lives near sw6 2ta", "postcode"),
    ("NW10 6RB", "postcode"),
    ("NI number QQ123456C", None),  # QQ is not a real prefix: a look-alike, below
    ("NI number AB123456C", "ni_number"),
    ("NI AB 12 34 56 C", "ni_number"),
]


@pytest.mark.parametrize(("text", "kind"), [case for case in REFUSED if case[1]])
def test_the_guard_refuses_each_kind_and_says_which(text, kind):
    messages = personal_data_check(text)
    assert len(messages) == 1
    assert PERSONAL_DATA_KINDS[kind] in messages[0]
    assert "never people" in messages[0]


LOOK_ALIKES = [
    "12/03/2026",
    "2026-03-12",
    "12.03.2026",
    "14:30",
    "at 14:30 on 12/03/2026",
    "Room 101",
    "WRAP 2",
    "in 2025 and 2026",
    "45 people, 10,000 leaflets",
    "Year 10 assembly, KS2 and KS3",
    "01/02/2026 - 03/04/2026",
    "0 people came",
    "QQ123456C",
    "Fulham Cross Academy, hall B",
]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_pass_the_guard(text):
    assert personal_data_check(text) == []


# --- The services --------------------------------------------------------------------------------------


@pytest.fixture
def officer():
    return UserFactory(roles=[roles.OUTREACH_OFFICER])


@pytest.fixture
def ward():
    return WardFactory(name="White City")


def log(officer, ward, **fields):
    values = {
        "officer": officer,
        "uuid": uuid.uuid4(),
        "visited_at": timezone.now() - dt.timedelta(hours=1),
        "ward": ward,
        "contact_type": ContactType.FACE_TO_FACE,
        "activity": OutreachActivity.COMMUNITY_STALL,
        "people_engaged": 12,
    }
    return outreach_visit_log(**(values | fields))


def test_the_same_uuid_logs_one_visit(officer, ward):
    reference = uuid.uuid4()
    first, created = log(officer, ward, uuid=reference)
    again, created_again = log(officer, ward, uuid=str(reference), people_engaged=99)
    assert created and not created_again
    assert again.pk == first.pk
    assert OutreachVisit.objects.count() == 1
    assert OutreachVisit.objects.get().people_engaged == 12


def test_another_officers_uuid_is_refused(officer, ward):
    reference = uuid.uuid4()
    log(officer, ward, uuid=reference)
    with pytest.raises(OutreachError) as refused:
        log(UserFactory(roles=[roles.OUTREACH_OFFICER]), ward, uuid=reference)
    assert refused.value.code == "uuid_taken"


def test_personal_data_in_any_text_field_is_refused_and_nothing_saved(officer, ward):
    for field in ("notes", "outcome", "venue", "partner_agencies"):
        with pytest.raises(OutreachError) as refused:
            log(officer, ward, **{field: "ring 07700 900123"})
        assert refused.value.code == "personal_data"
        assert field in refused.value.errors
    assert not OutreachVisit.objects.exists()


def test_only_officers_and_the_team_log_visits(ward):
    with pytest.raises(OutreachError) as refused:
        log(UserFactory(roles=[roles.TRAINER]), ward)
    assert refused.value.code == "not_officer"
    assert log(UserFactory(roles=[roles.PREVENT_ADMIN]), ward)[1]


def test_an_officer_changes_their_own_visit_for_30_days_only(officer, ward):
    visit, _ = log(officer, ward)
    outreach_visit_update(user=officer, visit=visit, people_engaged=20)
    assert OutreachVisit.objects.get().people_engaged == 20
    with pytest.raises(OutreachError) as refused:
        outreach_visit_update(user=UserFactory(roles=[roles.OUTREACH_OFFICER]), visit=visit, people_engaged=1)
    assert refused.value.code == "not_yours"
    with time_machine.travel(visit.created_at + dt.timedelta(days=EDIT_DAYS, minutes=1)):
        with pytest.raises(OutreachError) as refused:
            outreach_visit_update(user=officer, visit=visit, people_engaged=21)
        assert refused.value.code == "too_old"
        outreach_visit_update(user=UserFactory(roles=[roles.PREVENT_ADMIN]), visit=visit, people_engaged=22)
    assert OutreachVisit.objects.get().people_engaged == 22


# --- The pages -----------------------------------------------------------------------------------------


def form_data(ward, **fields):
    now = timezone.localtime() - dt.timedelta(minutes=5)
    return {
        "uuid": str(uuid.uuid4()),
        "visited_on": now.strftime("%Y-%m-%d"),
        "visited_time": now.strftime("%H:%M"),
        "ward": ward.pk,
        "organisation": "",
        "venue": "North End Road market",
        "contact_type": "face_to_face",
        "activity": "community_stall",
        "people_engaged": "25",
        "partner_agencies": "Police, Youth service",
        "outcome": "Leaflets on WRAP 2 handed out",
        "follow_up_on": "",
        "notes": "Busy from 14:30; Room 101 booked for 12/03/2026",
    } | fields


def test_an_officer_logs_a_visit_and_a_double_submit_makes_one(client, officer, ward):
    tag = OutreachTag.objects.create(name="Online harms")
    client.force_login(officer)
    page = client.get(reverse("outreach:new"))
    assert page.status_code == 200
    assert "Do not write names" in page.content.decode()
    data = form_data(ward, tags=[tag.pk])
    first = client.post(reverse("outreach:new"), data)
    second = client.post(reverse("outreach:new"), data)
    assert first.status_code == second.status_code == 302
    visit = OutreachVisit.objects.get()
    assert (visit.officer, visit.people_engaged, visit.venue) == (officer, 25, "North End Road market")
    assert list(visit.tags.all()) == [tag]
    listing = client.get(first.url)
    assert "Log another like this" in listing.content.decode()
    like = client.get(reverse("outreach:new") + f"?like={visit.pk}")
    assert like.context["form"].initial["venue"] == "North End Road market"
    assert like.context["form"].initial["uuid"] != visit.uuid


def test_the_form_refuses_personal_data_saying_which(client, officer, ward):
    client.force_login(officer)
    response = client.post(reverse("outreach:new"), form_data(ward, notes="Spoke to jo@example.com, SW6 2TA"))
    assert response.status_code == 200
    errors = response.context["form"].errors["notes"]
    assert any(PERSONAL_DATA_KINDS["email"] in error for error in errors)
    assert any(PERSONAL_DATA_KINDS["postcode"] in error for error in errors)
    assert not OutreachVisit.objects.exists()


def test_the_organisation_is_found_by_name_and_gives_the_ward(client, officer):
    school = OrganisationFactory(name="Brook Green Primary School")
    client.force_login(officer)
    response = client.post(
        reverse("outreach:new"), form_data(school.ward) | {"ward": "", "organisation": "brook green primary school"}
    )
    assert response.status_code == 302
    visit = OutreachVisit.objects.get()
    assert (visit.organisation, visit.ward) == (school, school.ward)


@pytest.mark.parametrize("role", [roles.LEARNER, roles.TRAINER, roles.ELECTED_MEMBER])
def test_other_roles_are_refused_on_every_outreach_page(client, role, officer, ward):
    visit, _ = log(officer, ward)
    client.force_login(UserFactory(roles=[role]))
    for url in (reverse("outreach:new"), reverse("outreach:visits"), reverse("outreach:edit", args=[visit.pk])):
        assert client.get(url).status_code == 403
    response = client.post(reverse("outreach:sync"), "{}", content_type="application/json")
    assert response.status_code == 403
    assert client.get(reverse("outreach:service_worker")).status_code == 200  # a script, no data


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(reverse("outreach:new")).url.startswith("/accounts/login/")
    response = client.post(reverse("outreach:sync"), "{}", content_type="application/json")
    assert response.status_code == 401
    assert "Sign in again" in response.json()["message"]


def test_my_visits_edits_own_within_30_days_and_shows_follow_ups(client, officer, ward):
    mine, _ = log(officer, ward, follow_up_on=timezone.localdate() + dt.timedelta(days=3), outcome="Book a WRAP")
    theirs, _ = log(UserFactory(roles=[roles.OUTREACH_OFFICER]), ward)
    client.force_login(officer)
    listing = client.get(reverse("outreach:visits"))
    assert list(listing.context["follow_ups"]) == [mine]
    assert [visit.pk for visit in listing.context["visits"]] == [mine.pk]
    assert client.get(reverse("outreach:edit", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("outreach:edit", args=[mine.pk]), form_data(ward, people_engaged="40"))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.people_engaged == 40
    with time_machine.travel(mine.created_at + dt.timedelta(days=EDIT_DAYS + 1)):
        client.force_login(officer)  # the staff session has timed out in the meantime
        assert client.get(reverse("outreach:edit", args=[mine.pk])).status_code == 403
        listing = client.get(reverse("outreach:visits"))
        assert 'href="/outreach/' + str(mine.pk) not in listing.content.decode()


# --- The phone's sync ----------------------------------------------------------------------------------


def sync_payload(ward, **fields):
    data = form_data(ward, **fields)
    data["tags"] = []
    return data


def test_sync_logs_once_per_uuid_and_reports_refusals(officer, ward):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    page = client.get(reverse("outreach:new"))
    token = page.context["csrf_token"]
    payload = sync_payload(ward)
    url = reverse("outreach:sync")
    without_token = client.post(url, json.dumps(payload), content_type="application/json")
    assert without_token.status_code == 403
    first = client.post(url, json.dumps(payload), content_type="application/json", HTTP_X_CSRFTOKEN=str(token))
    again = client.post(url, json.dumps(payload), content_type="application/json", HTTP_X_CSRFTOKEN=str(token))
    assert (first.status_code, first.json()["status"]) == (201, "created")
    assert (again.status_code, again.json()["status"]) == (200, "already")
    assert OutreachVisit.objects.count() == 1

    refused = client.post(
        url,
        json.dumps(sync_payload(ward, outcome="Ring 020 7946 0000")),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=str(token),
    )
    assert refused.status_code == 400
    assert PERSONAL_DATA_KINDS["phone"] in refused.json()["errors"]["Outcome (optional)"][0]
    assert OutreachVisit.objects.count() == 1


def test_the_service_worker_keeps_the_form_and_its_files(client):
    response = client.get(reverse("outreach:service_worker"))
    script = response.content.decode()
    assert response["Content-Type"].startswith("text/javascript")
    assert '"/outreach/new/"' in script
    assert "js/outreach" in script


# --- import_outreach -----------------------------------------------------------------------------------


def write_csv(tmp_path, text: str):
    path = tmp_path / "outreach.csv"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = (
    "Notes,DATE,Ward,Type,People_Engaged,Organisation\n"
    "Assembly on online harms,2026-01-12,White City,face_to_face,120,White City Community Centre\n"
    "Stall,12/02/2026,white city,event,40,\n"
)


@pytest.fixture
def place(ward):
    return OrganisationFactory(name="White City Community Centre", ward=ward)


@time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC))
def test_import_outreach_imports_every_row_once(tmp_path, officer, place):
    path = write_csv(tmp_path, GOOD)
    out = io.StringIO()
    call_command("import_outreach", str(path), "--officer", officer.email, "--dry-run", stdout=out)
    assert "2 visit(s) would be imported" in out.getvalue()
    assert not OutreachVisit.objects.exists()
    call_command("import_outreach", str(path), "--officer", officer.email, stdout=io.StringIO())
    assert OutreachVisit.objects.count() == 2
    visit = OutreachVisit.objects.get(contact_type="face_to_face")
    assert (visit.organisation, visit.people_engaged) == (place, 120)
    assert timezone.localtime(visit.visited_at).date() == dt.date(2026, 1, 12)
    call_command("import_outreach", str(path), "--officer", officer.email, stdout=io.StringIO())
    assert OutreachVisit.objects.count() == 2  # the same file again adds nothing


@time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC))
def test_import_outreach_with_bad_rows_names_each_and_imports_nothing(tmp_path, officer, place):
    path = write_csv(
        tmp_path,
        GOOD
        + "Fine,2026-02-13,Atlantis,face_to_face,3,\n"
        + "Fine,31/02/2026,White City,visit,3,\n"
        + "Call jo on 07700 900123,2026-02-14,White City,phone,1,\n",
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_outreach", str(path), "--officer", officer.email, stdout=io.StringIO(), stderr=err)
    problems = err.getvalue()
    assert "Row 4, column 'ward': 'Atlantis'" in problems
    assert "Row 5, column 'date': '31/02/2026'" in problems
    assert "Row 5, column 'type': 'visit'" in problems
    assert "Row 6, column 'notes'" in problems and PERSONAL_DATA_KINDS["phone"] in problems
    assert not OutreachVisit.objects.exists()


# --- The team's admin ----------------------------------------------------------------------------------


def test_the_team_exports_visits_as_csv_and_xlsx(client, officer, ward):
    tag = OutreachTag.objects.create(name="Far right")
    visit, _ = log(officer, ward, tags=[tag], venue="=cmd|'/c calc'!A1")
    client.force_login(UserFactory(roles=[roles.PREVENT_ADMIN]))
    response = client.get(reverse("outreach_visits:index") + "?export=csv")
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    assert "Topics" in text and "Far right" in text and "White City" in text
    assert "'=cmd" in text  # formula escaped by the one export helper
    xlsx = client.get(reverse("outreach_visits:index") + "?export=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    filtered = client.get(reverse("outreach_visits:index") + f"?contact_type=phone&tags={tag.pk}")
    assert filtered.status_code == 200 and visit not in filtered.context["object_list"]


def test_the_team_imports_from_the_admin_with_a_dry_run(client, officer, place):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(UserFactory(roles=[roles.PREVENT_ADMIN]))
    url = reverse("outreach_visits:import")
    upload = SimpleUploadedFile(
        "visits.csv", GOOD.replace("2026-01-12", "2025-01-12").encode().replace(b"12/02/2026", b"12/02/2025")
    )
    response = client.post(url, {"file": upload, "dry_run": "on"})
    assert "2 visits would be imported" in response.content.decode()
    assert not OutreachVisit.objects.exists()
    client.force_login(officer)
    assert client.get(url).status_code in (302, 403)


def test_the_team_adds_and_corrects_visits_in_the_admin_and_the_guard_applies(client, officer, ward):
    team = UserFactory(roles=[roles.PREVENT_ADMIN])
    client.force_login(team)
    data = {
        "visited_at": "2026-01-12 14:30",
        "ward": ward.pk,
        "organisation": "",
        "venue": "Library",
        "contact_type": "event",
        "activity": "other",
        "people_engaged": "30",
        "partner_agencies": "",
        "outcome": "",
        "follow_up_on": "",
        "notes": "",
    }
    with time_machine.travel(dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC)):
        client.force_login(team)
        refused = client.post(reverse("outreach_visits:add"), data | {"notes": "NI AB123456C"})
        assert refused.status_code == 200
        assert not OutreachVisit.objects.exists()
        added = client.post(reverse("outreach_visits:add"), data)
        assert added.status_code == 302
    visit = OutreachVisit.objects.get()
    assert (visit.officer, visit.venue, visit.people_engaged) == (team, "Library", 30)
    assert visit.uuid is not None
