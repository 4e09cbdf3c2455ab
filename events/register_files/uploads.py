"""A paper register read back in (CSV or XLSX): every row checked, every problem named by row and column.

Nothing here saves anything: ``events.services.register_upload_apply`` applies the checked rows.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template.defaultfilters import filesizeformat

from crm.models import OrganisationType
from crm.text import clean_text

from ..errors import MESSAGES

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_PEOPLE = 1000
MAX_ROWS = 5000  # empty rows included: a sheet of a million blank rows is refused, not read to the end
MAX_COLUMNS = 50
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # a 2 MB workbook that unpacks to more is not a register
HEADING_SEARCH_ROWS = 10  # a title or a date above the headings is fine; row numbers stay the spreadsheet's
ERRORS_SHOWN = 100

REQUIRED_COLUMNS = ("name", "email", "attended")
# Headings as people write them, after _heading(): lower case, no punctuation, no "(yes/no)".
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


class RegisterFileInvalid(Exception):
    """The file cannot be applied; ``problems`` says why, each naming its row and column where it has one."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def _problem(code: str, **params) -> str:
    return MESSAGES[code].format(**params)


def _heading(value) -> str:
    text = re.sub(r"\(.*?\)", " ", _text(value).lower())
    text = re.sub(r"[_\-]+", " ", text)
    text = re.sub(r"[^\w\s]", "", text)
    return " ".join(text.split())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(str(value).replace("\xa0", " ")).strip()


def _shown(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


@cache
def _organisation_types() -> dict[str, str]:
    known = {}
    for value, label in OrganisationType.choices:
        known[value.lower()] = value
        known[_heading(label)] = value
    return known


def _csv_cells(data: bytes, name: str) -> Iterator[list]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")  # Excel's "Unicode Text"
    elif b"\x00" in data:
        raise RegisterFileInvalid([_problem("register_file_unreadable", name=name, kind="a CSV file")])
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")  # Excel's plain "CSV" on Windows
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first_line.count) if first_line else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error:
        raise RegisterFileInvalid([_problem("register_file_unreadable", name=name, kind="a CSV file")]) from None


def _xlsx_cells(data: bytes, name: str) -> Iterator[Iterable]:
    from openpyxl import load_workbook

    unreadable = RegisterFileInvalid([_problem("register_file_unreadable", name=name, kind="an Excel workbook")])
    if not data.startswith(b"PK"):
        raise unreadable
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise unreadable from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise RegisterFileInvalid(
            [
                _problem(
                    "register_file_too_big",
                    size=f"{filesizeformat(unzipped)} once unpacked",
                    limit=filesizeformat(MAX_UPLOAD_BYTES),
                )
            ]
        )
    # openpyxl raises many kinds of error on a damaged or disguised file; all mean "cannot read it".
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise unreadable from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some programs write a wrong size; read every row instead
        yield from sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    except Exception:
        raise unreadable from None
    finally:
        workbook.close()


def _cells(upload) -> Iterator[Iterable]:
    name = upload.name or "The file"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ("csv", "xlsx"):
        raise RegisterFileInvalid([_problem("register_file_type", name=name)])
    if upload.size > MAX_UPLOAD_BYTES:
        raise RegisterFileInvalid(
            [
                _problem(
                    "register_file_too_big", size=filesizeformat(upload.size), limit=filesizeformat(MAX_UPLOAD_BYTES)
                )
            ]
        )
    data = upload.read()
    return _csv_cells(data, name) if extension == "csv" else _xlsx_cells(data, name)


def _find_headings(numbered: Iterator[tuple[int, list[str]]]) -> tuple[dict[str, int], dict[str, str]]:
    """The row holding the headings: where each known column is, and how the file spells its heading."""
    first_row, first_found = None, {}
    for number, cells in numbered:
        if number > HEADING_SEARCH_ROWS:
            break
        if not any(cells):
            continue
        found, spelt = {}, {}
        for index, value in enumerate(cells):
            column = next((key for key, names in COLUMN_NAMES.items() if _heading(value) in names), None)
            if column is None:
                continue
            if column in found:
                raise RegisterFileInvalid([_problem("register_file_duplicate_heading", row=number, column=value)])
            found[column], spelt[column] = index, value
        if all(column in found for column in REQUIRED_COLUMNS):
            return found, spelt
        if first_row is None:
            first_row, first_found = number, found
    if first_row is None:
        raise RegisterFileInvalid([_problem("register_file_empty")])
    missing = ", ".join(column for column in REQUIRED_COLUMNS if column not in first_found)
    raise RegisterFileInvalid([_problem("register_file_no_headings", row=first_row, missing=missing)])


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
            problem("register_row_bad_email", "email", value=_shown(values["email"]))
        else:
            if email in first_seen:
                problem("register_row_duplicate_email", "email", value=email, first=first_seen[email])
            else:
                first_seen[email] = number
    attended = values.get("attended", "").lower()
    if attended not in ATTENDED_YES | ATTENDED_NO:
        problem("register_row_bad_attended", "attended", value=_shown(values["attended"]))
    org_types = _organisation_types()
    organisation_type = values.get("organisation type", "")
    if organisation_type and _heading(organisation_type) not in org_types:
        problem(
            "register_row_bad_organisation_type",
            "organisation type",
            value=_shown(organisation_type),
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
        organisation_type=org_types.get(_heading(organisation_type), ""),
        job_role=values.get("job role", ""),
    ), []


def register_rows_read(upload) -> list[RegisterRow]:
    """Read a paper register (CSV or XLSX) and check every row; raise ``RegisterFileInvalid`` listing every problem.

    Headings (any case and spacing) name the columns: name, email and attended
    are required; organisation, organisation type and job role are optional;
    other columns are ignored. Empty rows are skipped. Nothing here saves anything.
    """
    numbered = ((number, [_text(value) for value in cells]) for number, cells in enumerate(_cells(upload), start=1))
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
