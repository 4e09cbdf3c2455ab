"""A paper register read back in (CSV or XLSX): every row checked, every problem named by row and column.

Nothing here saves anything: ``events.services.register_upload_apply`` applies the checked rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from crm.models import OrganisationType
from crm.spreadsheets import MAX_COLUMNS, SpreadsheetInvalid, find_headings, heading_key, shown, spreadsheet_rows

from ..errors import MESSAGES

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_PEOPLE = 1000
MAX_ROWS = 5000  # empty rows included: a sheet of a million blank rows is refused, not read to the end
ERRORS_SHOWN = 100

REQUIRED_COLUMNS = ("name", "email", "attended")
# Headings as people write them, after heading_key(): lower case, no punctuation, no "(yes/no)".
COLUMN_NAMES = {
    "name": {"name", "full name", "names"},
    "email": {"email", "email address", "e mail", "e mail address", "work email"},
    "attended": {"attended", "present", "attendance"},
    "organisation": {"organisation", "organization", "organisation name", "organization name"},
    "organisation type": {"organisation type", "organization type", "type of organisation"},
    "job role": {"job role", "role", "job title"},
}
FIELD_LIMITS = {"name": 200, "email": 254, "organisation": 200, "job role": 200}
ATTENDED_YES = {"yes", "y", "true", "1", "present", "x", "✓", "✔"}
ATTENDED_NO = {"no", "n", "false", "0", "absent", ""}


@dataclass(frozen=True)
class RegisterRow:
    """One checked person from a paper register; ``row`` is the spreadsheet's row number."""

    row: int
    name: str
    email: str
    attended: bool
    organisation: str = ""
    organisation_type: str = ""
    job_role: str = ""


# The file cannot be applied; ``problems`` says why, each naming its row and column where it has one.
RegisterFileInvalid = SpreadsheetInvalid


def _problem(code: str, **params) -> str:
    return MESSAGES[code].format(**params)


@cache
def _organisation_types() -> dict[str, str]:
    known = {}
    for value, label in OrganisationType.choices:
        known[value.lower()] = value
        known[heading_key(label)] = value
    return known


# The shared reader's messages about a whole file, in the paper register's words.
FILE_MESSAGES = {
    "file_type": MESSAGES["register_file_type"],
    "file_too_big": MESSAGES["register_file_too_big"],
    "file_unreadable": MESSAGES["register_file_unreadable"],
}


def _find_headings(numbered: Iterator[tuple[int, list[str]]]) -> tuple[dict[str, int], dict[str, str]]:
    """The row holding the headings: where each known column is, and how the file spells its heading."""
    messages = {
        "duplicate_heading": MESSAGES["register_file_duplicate_heading"],
        "empty": MESSAGES["register_file_empty"],
        "no_headings": MESSAGES["register_file_no_headings"],
    }
    try:
        return find_headings(numbered, column_names=COLUMN_NAMES, required=REQUIRED_COLUMNS, messages=messages)
    except SpreadsheetInvalid as invalid:
        raise RegisterFileInvalid(invalid.problems) from None


def _check_row(
    number: int, values: dict[str, str], spelt: dict[str, str], first_seen: dict[str, int]
) -> tuple[RegisterRow | None, list[str]]:
    """One person's row: the person, or every problem with it (each naming the row and the file's own heading)."""
    problems = []

    def problem(code: str, column: str, **params) -> None:
        problems.append(_problem(code, row=number, column=spelt[column], **params))

    name = values.get("name", "")
    if not name:
        problem("register_row_no_name", "name")
    email = values.get("email", "").removeprefix("mailto:").strip().lower()
    if not email:
        problem("register_row_no_email", "email")
    else:
        try:
            validate_email(email)
        except ValidationError:
            problem("register_row_bad_email", "email", value=shown(values["email"]))
        else:
            if email in first_seen:
                problem("register_row_duplicate_email", "email", value=email, first=first_seen[email])
            else:
                first_seen[email] = number
    attended = values.get("attended", "").lower()
    if attended not in ATTENDED_YES | ATTENDED_NO:
        problem("register_row_bad_attended", "attended", value=shown(values["attended"]))
    org_types = _organisation_types()
    organisation_type = values.get("organisation type", "")
    if organisation_type and heading_key(organisation_type) not in org_types:
        problem(
            "register_row_bad_organisation_type",
            "organisation type",
            value=shown(organisation_type),
            choices=", ".join(label for _, label in OrganisationType.choices),
        )
    for column, limit in FIELD_LIMITS.items():
        if len(values.get(column, "")) > limit:
            problem("register_row_too_long", column, limit=limit)
    if problems:
        return None, problems
    return RegisterRow(
        row=number,
        name=name,
        email=email,
        attended=attended in ATTENDED_YES,
        organisation=values.get("organisation", ""),
        organisation_type=org_types.get(heading_key(organisation_type), ""),
        job_role=values.get("job role", ""),
    ), []


def register_rows_read(upload) -> list[RegisterRow]:
    """Read a paper register (CSV or XLSX) and check every row; raise ``RegisterFileInvalid`` listing every problem.

    Headings (any case and spacing) name the columns: name, email and attended
    are required; organisation, organisation type and job role are optional;
    other columns are ignored. Empty rows are skipped. Nothing here saves anything.
    """
    numbered = spreadsheet_rows(upload, messages=FILE_MESSAGES, max_bytes=MAX_UPLOAD_BYTES, max_columns=MAX_COLUMNS)
    columns, spelt = _find_headings(numbered)
    problems, rows, first_seen, people = [], [], {}, 0
    for number, cells in numbered:
        if not any(cells):
            if number > MAX_ROWS:
                raise RegisterFileInvalid([_problem("register_file_too_many_rows", limit=MAX_PEOPLE)])
            continue
        people += 1
        if people > MAX_PEOPLE:
            raise RegisterFileInvalid([_problem("register_file_too_many_rows", limit=MAX_PEOPLE)])
        values = {column: cells[index] if index < len(cells) else "" for column, index in columns.items()}
        row, row_problems = _check_row(number, values, spelt, first_seen)
        problems += row_problems
        if row is not None:
            rows.append(row)
    if problems:
        raise RegisterFileInvalid(problems)
    if not rows:
        raise RegisterFileInvalid([_problem("register_file_no_people")])
    return rows


class RegisterUploadForm(forms.Form):
    """A paper register to upload: checked whole here; ``cleaned_data["rows"]`` holds the people when it is valid."""

    file = forms.FileField(
        label="Paper register file",
        help_text="A CSV file or an Excel workbook (.xlsx), up to 2 MB. Row 1 holds the headings name, email and "
        "attended; organisation, organisation type and job role are optional.",
        widget=forms.FileInput(
            attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            try:
                cleaned["rows"] = register_rows_read(upload)
            except RegisterFileInvalid as invalid:
                shown = invalid.problems[:ERRORS_SHOWN]
                if len(invalid.problems) > ERRORS_SHOWN:
                    shown.append(f"...and {len(invalid.problems) - ERRORS_SHOWN} more problems like these.")
                self.add_error("file", ValidationError(shown))
        return cleaned
