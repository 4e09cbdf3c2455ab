"""Issue 10 item 7: control characters are stripped on the way in, in one place (crm.text).

A vertical tab typed into a profile or a walk-in's name, or a NUL in a UTF-16 register
upload, used to be stored as it came and made the register's XLSX export answer 500 (and
a NUL is refused by PostgreSQL).
"""

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from crm.models import User
from crm.text import clean_text
from events.models import Attendance
from tests.events import test_registers, test_tickets
from tests.events.test_registers import ENDS, GOOD_FILE, at, upload
from tests.events.test_tickets import WALK_IN, checkin_path

# The two modules' fixtures, shared: a register day (test_registers) and a room open for self check-in.
clock = test_registers.clock
trainer = test_registers.trainer
day = test_registers.day
room = test_tickets.room

pytestmark = pytest.mark.django_db

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def xlsx_names(response) -> list[str]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [str(row[0].value) for row in sheet.iter_rows(min_row=2)]


@pytest.mark.parametrize(
    "value, multiline, cleaned",
    [
        ("Ann\x0bLee", False, "Ann Lee"),
        ("Ann\x00Lee", False, "AnnLee"),
        ("Zo\u0065\u0301", False, "Zo\u00e9"),  # NFC: e + combining acute is é
        ("one\ttwo\nthree", False, "one two three"),
        ("line one\r\nline two\tend\x07", True, "line one\nline two\tend"),
        ("C1\x85 and \x9bhere", False, "C1  and here"),
    ],
)
def test_clean_text(value, multiline, cleaned):
    assert clean_text(value, multiline=multiline) == cleaned


def test_a_profile_name_with_a_vertical_tab_is_stored_clean(client, make_user):
    person = make_user(first_name="Old", last_name="Name")
    client.force_login(person)
    response = client.post(
        "/account/",
        {
            "first_name": "Ann\x0bMarie",
            "last_name": "Lee\x00",
            "organisation_name": "Fulham\x07 Library",
            "organisation_type": "council",
            "job_role": "Librarian",
        },
    )
    assert response.status_code in (200, 302)
    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.organisation_name) == ("Ann Marie", "Lee", "Fulham Library")


def test_a_model_saved_directly_is_cleaned_too(make_user):
    person = make_user()
    person.job_role = "Youth\x0bworker"
    person.save()
    assert User.objects.get(pk=person.pk).job_role == "Youth worker"


def test_a_walk_in_with_a_vertical_tab_is_stored_clean_and_the_register_exports(client, room, trainer):
    response = client.post(
        checkin_path(room), {**WALK_IN, "full_name": "Robin\x0bOkafor", "job_role": "Youth\x1fworker"}
    )
    assert response.status_code == 200
    attendance = Attendance.objects.get(session=room)
    assert (attendance.full_name, attendance.job_role) == ("Robin Okafor", "Youth worker")

    client.force_login(trainer)
    names = xlsx_names(client.get(reverse("events:register_export", args=[room.pk, "xlsx"])))
    assert "Robin Okafor" in names


def utf16_register_with_nul() -> SimpleUploadedFile:
    rows = [",".join(row) for row in GOOD_FILE]
    rows[-1] = rows[-1].replace("Eve Walker", "Eve\x00 Walker").replace("Teacher", "Tea\x0bcher")
    data = ("\r\n".join(rows) + "\r\n").encode("utf-16")  # with its byte-order mark, as Excel writes it
    return SimpleUploadedFile("register.csv", data, content_type="text/csv")


def upload_nul_register_and_export(client, day):
    at(day, ENDS + dt.timedelta(hours=1))
    client.force_login(day.trainer)
    response = upload(client, day.session, utf16_register_with_nul())
    assert response.status_code == 302
    eve = Attendance.objects.get(session=day.session, email="eve.walker@brookgreen.sch.uk")
    assert (eve.full_name, eve.job_role) == ("Eve Walker", "Tea cher")
    assert not any(CONTROL.search(value) for a in Attendance.objects.all() for value in (a.full_name, a.job_role))
    names = xlsx_names(client.get(reverse("events:register_export", args=[day.session.pk, "xlsx"])))
    assert "Eve Walker" in names


def test_a_utf16_register_upload_with_a_nul_is_stored_clean_and_exports(client, day):
    upload_nul_register_and_export(client, day)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_nul_in_a_register_upload_is_not_a_500_on_postgresql(client, day):
    upload_nul_register_and_export(client, day)
