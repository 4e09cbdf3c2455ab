"""A legacy register read in (CSV or XLSX) and every row checked, each problem named by row and column.

Nothing here reads the database or saves anything: ``feedback.imports.plan`` matches the checked
rows to courses, sessions and people and works out what to write.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from crm.imports import ImportInvalid
from crm.models import CABINET_NOT_ADMINISTRATION, MemberSide, OrganisationType, member_details_check
from crm.spreadsheets import SpreadsheetInvalid, find_headings, heading_key, shown, spreadsheet_rows
from events.models import ReportingCategory

MAX_ROWS = 5000  # people, and rows read (blank ones included): a sheet of a million blank rows is refused

COLUMNS = (
    "session_date",
    "course",
    "category",
    "first_name",
    "last_name",
    "email",
    "organisation",
    "organisation_type",
    "political_group",
    "cabinet",
    "attended",
)
OPTIONAL = ("email", "political_group", "cabinet")
REQUIRED = tuple(column for column in COLUMNS if column not in OPTIONAL)
# Headings as people write them, after crm.spreadsheets.heading_key ("Session_Date" → "session date").
COLUMN_NAMES = {
    "session_date": {"session date", "date", "session"},
    "course": {"course", "course title", "course name", "training"},
    "category": {"category", "reporting category", "course category"},
    "first_name": {"first name", "firstname", "forename", "given name"},
    "last_name": {"last name", "lastname", "surname", "family name"},
    "email": {"email", "email address", "e mail", "work email"},
    "organisation": {"organisation", "organization", "organisation name", "organization name"},
    "organisation_type": {"organisation type", "organization type", "type of organisation"},
    "political_group": {"political group", "group", "member side", "side"},
    "cabinet": {"cabinet", "cabinet member"},
    "attended": {"attended", "present", "attendance"},
}
FIELD_LIMITS = {"course": 255, "first_name": 95, "last_name": 100, "email": 254, "organisation": 200}
YES = {"yes", "y", "true", "1", "present", "x"}
NO = {"no", "n", "false", "0", "absent"}

# The words people see; the tests reuse them.
MESSAGES = {
    "empty": "The file is empty. Put the column headings in row 1 (download the template), then one person "
    "per session per row.",
    "no_headings": "Row {row} should hold the column headings, but these are missing: {missing}. "
    "Every legacy register needs the template's columns (email, political_group and cabinet may be left out).",
    "duplicate_heading": "Row {row}: there are two columns called '{column}'. Keep one of them.",
    "too_many_rows": "The file has more than {limit} rows. Split it into smaller files.",
    "no_rows": "The file has column headings but nobody under them: put one person per session per row.",
    "missing": "Row {row}, column '{column}': this is empty; every row needs it.",
    "too_long": "Row {row}, column '{column}': this is longer than {limit} characters.",
    "bad_date": "Row {row}, column '{column}': '{value}' is not a date. Write it as YYYY-MM-DD or DD/MM/YYYY, "
    "e.g. 2019-02-28 or 28/02/2019.",
    "impossible_date": "Row {row}, column '{column}': {value} is not a day of the calendar.",
    "future_date": "Row {row}, column '{column}': {value} is today or later. A legacy register is of sessions "
    "already held; record today's with the session's own register.",
    "bad_category": "Row {row}, column '{column}': '{value}' is not a category. Use one of: {choices}.",
    "bad_type": "Row {row}, column '{column}': '{value}' is not an organisation type. Use one of: {choices}.",
    "bad_email": "Row {row}, column '{column}': '{value}' is not an email address.",
    "bad_yes_no": "Row {row}, column '{column}': '{value}' is not yes or no.",
    "bad_group": "Row {row}, column '{column}': '{value}' is not a political group. Use administration or "
    "opposition, or leave it empty.",
    "group_not_member": "Row {row}, column '{column}': only elected Members (organisation type member) have a "
    "political group; this row's type is {kind}. Leave it empty, or correct the type.",
    "cabinet_not_administration": "Row {row}, column '{column}': " + CABINET_NOT_ADMINISTRATION,
}


def message(code: str, **params) -> str:
    return MESSAGES[code].format(**params)


@dataclass(frozen=True)
class RegisterImportRow:
    """One checked row: one person at one session, as the register recorded them on the day."""

    row: int
    session_date: dt.date
    course: str
    category: str
    first_name: str
    last_name: str
    email: str
    organisation: str
    organisation_type: str
    political_group: str
    cabinet: bool
    attended: bool

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def identity(self) -> str:
        """Who this is within one session: the email, else the name and organisation (case apart)."""
        if self.email:
            return f"email:{self.email.casefold()}"
        return f"name:{self.full_name.casefold()}|{self.organisation.casefold()}"


@cache
def _choices(choices: tuple) -> dict[str, str]:
    known = {}
    for value, label in choices:
        known[heading_key(value)] = value
        known[heading_key(label)] = value
    return known


ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")  # an Excel date cell reads "…00:00:00"
UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def date_read(value: str) -> tuple[dt.date | None, str]:
    """``(date, "")``, or ``(None, "bad_date")`` for text that is no date, ``"impossible_date"`` for 31/02/2019."""
    if match := ISO_DATE.match(value):
        year, month, day = (int(part) for part in match.groups())
    elif match := UK_DATE.match(value):
        day, month, year = (int(part) for part in match.groups())
    else:
        return None, "bad_date"
    try:
        return dt.date(year, month, day), ""
    except ValueError:
        return None, "impossible_date"


def _row_check(number: int, values: dict[str, str], spelt: dict[str, str]) -> tuple[RegisterImportRow | None, list]:
    problems = []

    def problem(code: str, column: str, **params) -> None:
        problems.append(message(code, row=number, column=spelt.get(column, column), **params))

    for column in REQUIRED:
        if column != "organisation" and not values.get(column):
            problem("missing", column)
    for column, limit in FIELD_LIMITS.items():
        if len(values.get(column, "")) > limit:
            problem("too_long", column, limit=limit)

    session_date = None
    if raw := values["session_date"]:
        session_date, error = date_read(raw)
        if error:
            problem(error, "session_date", value=shown(raw))
        elif session_date >= timezone.localdate():
            problem("future_date", "session_date", value=shown(raw))
    category = _choices(tuple(ReportingCategory.choices)).get(heading_key(values["category"]))
    if values["category"] and category is None:
        problem(
            "bad_category", "category", value=shown(values["category"]), choices=", ".join(ReportingCategory.values)
        )
    kind = _choices(tuple(OrganisationType.choices)).get(heading_key(values["organisation_type"]))
    if values["organisation_type"] and kind is None:
        problem(
            "bad_type",
            "organisation_type",
            value=shown(values["organisation_type"]),
            choices=", ".join(OrganisationType.values),
        )
    email = values.get("email", "").removeprefix("mailto:").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problem("bad_email", "email", value=shown(values["email"]))
    answers = {}
    for column in ("attended", "cabinet"):
        answer = values.get(column, "").lower()
        answers[column] = answer in YES
        if answer and answer not in YES | NO:
            problem("bad_yes_no", column, value=shown(values[column]))
    group = values.get("political_group", "").lower()
    if group and group not in MemberSide.values:
        problem("bad_group", "political_group", value=shown(values["political_group"]))
    elif group and kind and kind != OrganisationType.ELECTED_MEMBER:
        problem("group_not_member", "political_group", kind=kind)
    else:
        try:
            member_details_check(member_side=group, is_cabinet_member=answers["cabinet"])
        except ValidationError:
            problem("cabinet_not_administration", "cabinet")
    if problems:
        return None, problems
    return RegisterImportRow(
        row=number,
        session_date=session_date,
        course=values["course"],
        category=category,
        first_name=values["first_name"],
        last_name=values["last_name"],
        email=email,
        organisation=values["organisation"],
        organisation_type=kind,
        political_group=group,
        cabinet=answers["cabinet"],
        attended=answers["attended"],
    ), []


def register_import_rows(upload) -> tuple[list[RegisterImportRow], list[str], dict[str, str]]:
    """Read a legacy register (CSV or XLSX; the template's headings in any order and case) and check every row.

    Returns ``(good rows, problems, headings as the file spells them)``: each problem names its row and
    column. Raises ``ImportInvalid`` for a file that cannot be read at all (type, size, headings, no rows).
    Empty rows are skipped.
    """
    try:
        numbered = spreadsheet_rows(upload)
        columns, spelt = find_headings(
            numbered,
            column_names={column: {heading_key(column), *names} for column, names in COLUMN_NAMES.items()},
            required=REQUIRED,
            messages={key: MESSAGES[key] for key in ("empty", "no_headings", "duplicate_heading")},
        )
        problems, rows = [], []
        for number, cells in numbered:
            if number > MAX_ROWS + 1:
                raise ImportInvalid([message("too_many_rows", limit=MAX_ROWS)])
            if not any(cells):
                continue
            values = {column: cells[index] if index < len(cells) else "" for column, index in columns.items()}
            row, row_problems = _row_check(number, values, spelt)
            problems += row_problems
            if row is not None:
                rows.append(row)
    except SpreadsheetInvalid as invalid:
        if isinstance(invalid, ImportInvalid):
            raise
        raise ImportInvalid(invalid.problems) from None
    if not rows and not problems:
        raise ImportInvalid([message("no_rows")])
    return rows, problems, spelt
