"""The one export helper: formula escaping, London times, labels, and the audit of downloads that name people.

Files are read back with the csv module and openpyxl, not with the helper.
"""

import csv
import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from crm.exports import (
    EXPORT_ACTION,
    cell,
    csv_bytes,
    escape_formula,
    export_audit,
    field_heading,
    field_value,
    xlsx_bytes,
)
from crm.models import Organisation, OrganisationType, User
from tests.factories import OrganisationFactory, WardFactory

UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")
FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"]


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "a byte-order mark, so Excel reads UTF-8"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(body: bytes):
    return load_workbook(io.BytesIO(body)).active


# --- Cells ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", FORMULAS)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert escape_formula(text) == "'" + text
    assert cell(text) == "'" + text
    assert cell(cell(text)) == "'" + text, "escaping twice changes nothing"


@pytest.mark.parametrize("text", ["Ada Lovelace", "O'Brien", "x=1", "", "1-2"])
def test_ordinary_text_is_left_alone(text):
    assert cell(text) == text


def test_values_become_what_a_spreadsheet_shows():
    assert (cell(True), cell(False), cell(None)) == ("Yes", "No", "")
    assert cell(dt.date(2026, 7, 1)) == dt.date(2026, 7, 1)
    assert cell(3) == 3 and cell(Decimal("2.50")) == Decimal("2.50")
    assert cell(-3) == -3, "a negative number is a number, not text"
    assert cell(["Ada", "=Bea"]) == "Ada, =Bea"
    assert cell(["=Ada", "Bea"]) == "'=Ada, Bea"


def test_times_are_london_time_to_the_minute_without_a_zone():
    summer = dt.datetime(2026, 7, 1, 9, 30, 15, 123456, tzinfo=UTC)
    winter = dt.datetime(2026, 1, 15, 9, 30, 15, 123456, tzinfo=UTC)
    assert cell(summer) == dt.datetime(2026, 7, 1, 10, 30)
    assert cell(winter) == dt.datetime(2026, 1, 15, 9, 30)
    assert cell(summer).tzinfo is None
    assert cell(summer.astimezone(ZoneInfo("America/New_York"))) == dt.datetime(2026, 7, 1, 10, 30)


@pytest.mark.django_db
def test_field_values_follow_relations_and_give_choice_labels():
    organisation = OrganisationFactory(
        name="Brook Green Primary School",
        organisation_type=OrganisationType.SCHOOL,
        ward=WardFactory(name="Brook Green"),
    )
    user = User(first_name="Ada", last_name="Lovelace", email="ada@example.gov.uk", organisation=organisation)
    assert field_value(user, "organisation__ward__name") == "Brook Green"
    assert field_value(user, "organisation.organisation_type") == OrganisationType.SCHOOL.label
    assert field_value(user, "get_full_name") == "Ada Lovelace"
    assert field_value(User(), "organisation__name") is None
    assert field_value({"person": {"name": "Ada"}}, "person__name") == "Ada"
    assert cell(field_value(user, "organisation")) == "Brook Green Primary School"


def test_headings_are_the_fields_verbose_names_across_relations():
    assert field_heading(Organisation, "ward__name") == "Name"
    assert field_heading(User, "organisation__organisation_type") == "Organisation type"
    assert field_heading(User, "email") == "Email address"
    assert field_heading(User, "not_a_field") == "Not a field"


# --- Files ------------------------------------------------------------------------------------

ROWS = [
    [FORMULAS[0], True, dt.datetime(2026, 7, 1, 9, 30, 15, 123456, tzinfo=UTC), dt.date(2026, 7, 1), 3, None],
    *[[text, False, None, None, 0, ""] for text in FORMULAS[1:]],
]
HEADINGS = ["Name", "Present", "Checked in at", "Completed on", "Count", "Note"]


def test_csv_escapes_formulas_and_writes_london_minutes():
    heading, *rows = read_csv(csv_bytes(HEADINGS, ROWS))
    assert heading == HEADINGS
    assert rows[0] == ["'" + FORMULAS[0], "Yes", "2026-07-01 10:30", "2026-07-01", "3", ""]
    assert [row[0] for row in rows] == ["'" + text for text in FORMULAS]
    assert {row[1] for row in rows[1:]} == {"No"}


def test_xlsx_escapes_formulas_as_text_cells_and_writes_real_dates():
    sheet = read_xlsx(xlsx_bytes(HEADINGS, ROWS, sheet_title="Attendance"))
    assert sheet.title == "Attendance" and sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == HEADINGS
    name, present, checked_in, completed, count, note = sheet[2]
    assert (name.value, name.data_type) == ("'" + FORMULAS[0], "s")
    assert present.value == "Yes" and count.value == 3 and note.value is None
    assert checked_in.value == dt.datetime(2026, 7, 1, 10, 30) and checked_in.is_date
    assert completed.value.date() == dt.date(2026, 7, 1) and completed.is_date
    for row in sheet.iter_rows(min_row=2):
        assert row[0].data_type == "s" and row[0].value.startswith("'"), row[0].value


def test_xlsx_drops_characters_a_workbook_cannot_hold():
    sheet = read_xlsx(xlsx_bytes(["Name"], [["Ada\x00 Lovelace\x07"]], sheet_title="A list: [people]/2026"))
    assert sheet["A2"].value == "Ada Lovelace"
    assert sheet.title == "A list   people -2026"


# --- Audit ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_audited_download_names_who_what_and_how_many(team_admin):
    organisation = OrganisationFactory()
    export_audit(team_admin, what="Attendance", fmt="csv", rows=3, filters="method=walk_in")
    export_audit(team_admin, what="register", fmt="pdf", rows=1, about=organisation)
    listing, register = ModelLogEntry.objects.filter(action=EXPORT_ACTION).order_by("id")
    assert listing.user == team_admin and listing.object_id == str(team_admin.pk)
    assert listing.label == "Attendance: 3 rows (CSV)"
    assert listing.data == {"what": "Attendance", "format": "csv", "filters": "method=walk_in", "rows": 3}
    assert register.user == team_admin and register.object_id == str(organisation.pk)
    assert register.content_type.model == "organisation" and register.data["rows"] == 1


@pytest.fixture
def school(db):
    return OrganisationFactory(
        name="Brook Green Primary School",
        organisation_type=OrganisationType.SCHOOL,
        phone="+44 20 7946 0000",
        ward=WardFactory(name="Brook Green"),
    )


@pytest.mark.parametrize("name", ["organisations:index", "wards:index"])
def test_lists_without_people_export_without_an_audit_entry(client, team_admin, school, name):
    client.force_login(team_admin)
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse(name) + f"?export={fmt}")
        assert response.status_code == 200
    assert not ModelLogEntry.objects.filter(action=EXPORT_ACTION).exists()


def test_the_organisations_export_has_labels_and_escaped_phone_numbers(client, team_admin, school):
    client.force_login(team_admin)
    response = client.get(reverse("organisations:index") + "?export=csv")
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    heading, *rows = read_csv(b"".join(response.streaming_content))
    assert heading == [
        "Name",
        "Organisation type",
        "URN",
        "Phase",
        "Status",
        "Ward",
        "Address",
        "Town",
        "Postcode",
        "Email",
        "Phone",
        "Website",
        "Active",
    ]
    assert rows == [
        [
            "Brook Green Primary School",
            "School or college",
            "",
            "",
            "Open",
            "Brook Green",
            "",
            "",
            "W6 9JU",
            "",
            "'+44 20 7946 0000",
            "",
            "Yes",
        ]
    ]
