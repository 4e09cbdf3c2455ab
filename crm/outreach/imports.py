"""``import_outreach``: last year's spreadsheet of outreach (CSV or XLSX) read in, every row checked first.

Columns (headings in any order, any case): ``date`` (YYYY-MM-DD or DD/MM/YYYY), ``ward``, ``type``
(the codes: face_to_face, phone, online, email, event), ``organisation`` (optional, matched by
name), ``people_engaged``, ``notes``; and optionally ``activity``. Any problem in any row and
nothing is imported; each problem names its row and column. Visits imported get a reference made
from the row, so importing the same file again adds nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django import forms
from django.db import transaction
from django.utils import timezone

from crm.models import Organisation, Ward
from crm.spreadsheets import SpreadsheetInvalid, heading_key, shown, spreadsheet_rows
from crm.text import personal_data_check

from .models import PEOPLE_ENGAGED_MAX, ContactType, OutreachActivity
from .services import outreach_visit_log

if TYPE_CHECKING:
    from crm.models import User

REQUIRED_COLUMNS = ("date", "ward", "type", "people_engaged", "notes")
OPTIONAL_COLUMNS = ("organisation", "activity")
COLUMN_NAMES = {
    "date": {"date", "visit date", "date of visit"},
    "ward": {"ward"},
    "type": {"type", "contact type", "contact_type"},
    "organisation": {"organisation", "organization"},
    "people_engaged": {"people engaged", "people_engaged", "people", "number engaged"},
    "notes": {"notes", "note"},
    "activity": {"activity"},
}
IMPORT_TIME = dt.time(12, 0)  # a row has a date only: noon, London, so no quarter or year boundary moves it
REFERENCE_NAMESPACE = uuid.UUID("6f1d3c52-3b7e-4c57-9d0c-6a5b0d6f9e21")

MESSAGES = {
    "no_rows": "The file has no rows of visits under its headings.",
    "missing_columns": "The file has no column for {columns}. The headings are: date, ward, type, organisation "
    "(optional), people_engaged, notes.",
    "bad_date": "Row {row}, column 'date': '{value}' is not a date. Write it as YYYY-MM-DD or DD/MM/YYYY.",
    "future_date": "Row {row}, column 'date': {value} is in the future.",
    "unknown_ward": "Row {row}, column 'ward': '{value}' is not one of the borough's wards.",
    "bad_type": "Row {row}, column 'type': '{value}' is not a type. Use one of: {choices}.",
    "bad_activity": "Row {row}, column 'activity': '{value}' is not an activity. Use one of: {choices}; "
    "or leave it blank.",
    "unknown_organisation": "Row {row}, column 'organisation': '{value}' is not in the register of organisations "
    "(or more than one has that name). Add it first, or leave the cell empty.",
    "bad_people": f"Row {{row}}, column 'people_engaged': '{{value}}' is not a count from 0 to {PEOPLE_ENGAGED_MAX:,}.",
    "personal_data": "Row {row}, column 'notes': {message}",
}


@dataclass(frozen=True)
class OutreachRow:
    row: int
    visited_at: dt.datetime
    ward: Ward
    contact_type: str
    activity: str
    organisation: Organisation | None
    people_engaged: int
    notes: str
    occurrence: int = 0  # the same visit written twice in a file is two visits

    @property
    def reference(self) -> uuid.UUID:
        key = "|".join(
            str(part)
            for part in (
                self.visited_at.date(),
                self.ward.pk,
                self.contact_type,
                self.activity,
                self.organisation.pk if self.organisation else "",
                self.people_engaged,
                self.notes,
                self.occurrence,
            )
        )
        return uuid.uuid5(REFERENCE_NAMESPACE, key)


def _date(value: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            pass
    # Excel dates read back as "2026-03-12 00:00:00".
    try:
        return dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S").date()
    except ValueError:
        return None


def outreach_rows_read(upload) -> list[OutreachRow]:
    """Every row checked; ``SpreadsheetInvalid`` lists every problem (by row and column) if any row has one."""
    rows = spreadsheet_rows(upload)
    columns: dict[str, int] = {}
    for _number, cells in rows:
        if not any(cells):
            continue
        keys = [heading_key(cell) for cell in cells]
        for column, names in COLUMN_NAMES.items():
            for index, key in enumerate(keys):
                if key in names or key.replace(" ", "_") in names:
                    columns.setdefault(column, index)
        break
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise SpreadsheetInvalid([MESSAGES["missing_columns"].format(columns=", ".join(missing))])

    wards = {ward.name.lower(): ward for ward in Ward.objects.all()}
    organisations: dict[str, list[Organisation]] = {}
    for organisation in Organisation.objects.all():
        organisations.setdefault(organisation.name.lower(), []).append(organisation)
    types = {value: value for value in ContactType.values} | {
        heading_key(label): value for value, label in ContactType.choices
    }
    activities = {value: value for value in OutreachActivity.values} | {
        heading_key(label): value for value, label in OutreachActivity.choices
    }
    today = timezone.localdate()

    problems: list[str] = []
    checked: list[OutreachRow] = []
    for number, cells in rows:
        if not any(cells):
            continue

        def value(column: str, cells=cells) -> str:
            index = columns.get(column)
            return cells[index] if index is not None and index < len(cells) else ""

        before = len(problems)
        date = _date(value("date"))
        if date is None:
            problems.append(MESSAGES["bad_date"].format(row=number, value=shown(value("date"))))
        elif date > today:
            problems.append(MESSAGES["future_date"].format(row=number, value=date.strftime("%d/%m/%Y")))
        ward = wards.get(value("ward").lower())
        if ward is None:
            problems.append(MESSAGES["unknown_ward"].format(row=number, value=shown(value("ward"))))
        contact_type = types.get(value("type").strip().lower()) or types.get(heading_key(value("type")))
        if contact_type is None:
            problems.append(
                MESSAGES["bad_type"].format(
                    row=number, value=shown(value("type")), choices=", ".join(ContactType.values)
                )
            )
        activity = OutreachActivity.OTHER
        if value("activity"):
            activity = activities.get(value("activity").lower()) or activities.get(heading_key(value("activity")))
            if activity is None:
                problems.append(
                    MESSAGES["bad_activity"].format(
                        row=number, value=shown(value("activity")), choices=", ".join(OutreachActivity.values)
                    )
                )
        organisation = None
        if value("organisation"):
            found = organisations.get(value("organisation").lower(), [])
            if len(found) != 1:
                problems.append(MESSAGES["unknown_organisation"].format(row=number, value=shown(value("organisation"))))
            else:
                organisation = found[0]
        people_text = value("people_engaged") or "0"
        people = int(people_text) if people_text.isdigit() else -1
        if not 0 <= people <= PEOPLE_ENGAGED_MAX:
            problems.append(MESSAGES["bad_people"].format(row=number, value=shown(people_text)))
        notes = value("notes")
        for message in personal_data_check(notes):
            problems.append(MESSAGES["personal_data"].format(row=number, message=message))
        if len(problems) == before:
            checked.append(
                OutreachRow(
                    row=number,
                    visited_at=timezone.make_aware(dt.datetime.combine(date, IMPORT_TIME)),
                    ward=ward,
                    contact_type=contact_type,
                    activity=activity,
                    organisation=organisation,
                    people_engaged=people,
                    notes=notes,
                )
            )
    if problems:
        raise SpreadsheetInvalid(problems)
    seen: dict[uuid.UUID, int] = {}
    for index, row in enumerate(checked):
        occurrence = seen.get(row.reference, 0)
        seen[row.reference] = occurrence + 1
        if occurrence:
            checked[index] = dataclasses.replace(row, occurrence=occurrence)
    if not checked:
        raise SpreadsheetInvalid([MESSAGES["no_rows"]])
    return checked


@dataclass(frozen=True)
class OutreachImportResult:
    rows: list[OutreachRow]
    created: int
    already: int
    dry_run: bool


def outreach_import(*, upload, officer: User, dry_run: bool = False) -> OutreachImportResult:
    """Import a file of visits, all or nothing, logged as ``officer``'s; ``dry_run`` only checks and counts.

    Raises ``SpreadsheetInvalid`` naming every problem; each visit goes through ``outreach_visit_log``.
    """
    rows = outreach_rows_read(upload)
    created = already = 0
    with transaction.atomic():
        for row in rows:
            if dry_run:
                from .models import OutreachVisit

                exists = OutreachVisit.objects.filter(uuid=row.reference).exists()
                already, created = already + exists, created + (not exists)
                continue
            _visit, made = outreach_visit_log(
                officer=officer,
                uuid=row.reference,
                visited_at=row.visited_at,
                ward=row.ward,
                contact_type=row.contact_type,
                activity=row.activity,
                organisation=row.organisation,
                people_engaged=row.people_engaged,
                notes=row.notes,
            )
            created, already = created + made, already + (not made)
    return OutreachImportResult(rows=rows, created=created, already=already, dry_run=dry_run)


class OutreachImportForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet of visits (CSV or Excel)",
        help_text="Columns: date, ward, type, organisation (optional), people_engaged, notes.",
    )
    dry_run = forms.BooleanField(label="Check only (dry run): import nothing", required=False)
