"""Organisations from the team's own spreadsheet (CSV or XLSX): the one generic import rule.

Columns (headings in row 1, any order, any case; other columns are ignored):

========  =========  ==============================================================
heading   required   what
========  =========  ==============================================================
name      yes        the organisation's name
type      yes        council, school, statutory, community, faith, member, other
                     (or the label, e.g. "Faith organisation")
ward      no         one of the borough's wards, as CRM → Wards names it
urn       schools    the school's 6-digit DfE URN (schools only)
phase     no         schools only: nursery, primary, secondary, all-through, special,
                     PRU, post-16, independent
address   no         street and locality
town      no
postcode  no
email     no         a general address, not a person's
phone     no
website   no         "www.example.org.uk" is read as https://www.example.org.uk
========  =========  ==============================================================

A school is matched by URN, any other organisation by name and postcode; a match is updated
(a blank cell never clears what the register holds), anything else is added. Every row is
checked first; one bad row and nothing is saved.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from ..exports import CSV, XLSX, csv_bytes, xlsx_bytes
from ..models import Organisation, OrganisationType, SchoolPhase, Ward
from ..spreadsheets import SpreadsheetInvalid, find_headings, heading_key, shown, spreadsheet_rows
from .base import (
    ImportInvalid,
    ImportPlan,
    import_run,
    plan_change,
    validation_problems,
    website_normalise,
)
from .gias import ward_key

if TYPE_CHECKING:
    from ..models import User

MAX_ROWS = 5000

COLUMNS = ("name", "type", "ward", "urn", "phase", "address", "town", "postcode", "email", "phone", "website")
REQUIRED = ("name", "type")
# Headings as people write them, after crm.spreadsheets.heading_key.
COLUMN_NAMES = {
    "name": {"name", "organisation", "organisation name", "organization", "organization name"},
    "type": {"type", "organisation type", "organization type", "type of organisation", "kind"},
    "ward": {"ward"},
    "urn": {"urn", "dfe urn", "school urn"},
    "phase": {"phase", "school phase", "phase of education"},
    "address": {"address", "street", "street address"},
    "town": {"town", "city"},
    "postcode": {"postcode", "post code", "postal code"},
    "email": {"email", "email address", "e mail"},
    "phone": {"phone", "telephone", "phone number", "telephone number"},
    "website": {"website", "web site", "web address", "url"},
}
TEMPLATE_FILENAME = "organisations-import-template"

EMPTY = "The file is empty. Put the column headings (at least name and type) in row 1, then one organisation per row."
NO_HEADINGS = (
    "Row {row} should hold the column headings, but these are missing: {missing}. "
    "Every organisations file needs the columns name and type (download the template)."
)
DUPLICATE_HEADING = "Row {row}: there are two columns called '{column}'. Keep one of them."
TOO_MANY_ROWS = "The file has more than {limit} organisations in it. Split it into smaller files."
NO_ROWS = "The file has column headings but no organisations under them: put one organisation per row."
NO_NAME = "Row {row}, column '{column}': the name is missing."
NO_TYPE = "Row {row}, column '{column}': the type is missing. Use one of: {choices}."
BAD_TYPE = "Row {row}, column '{column}': '{value}' is not an organisation type. Use one of: {choices}."
BAD_PHASE = "Row {row}, column '{column}': '{value}' is not a school phase. Use one of: {choices}."
UNKNOWN_WARD = (
    "Row {row}, column '{column}': '{value}' is not one of the borough's wards. Check the spelling against "
    "CRM → Wards, or leave it blank."
)
BAD_WEBSITE = "Row {row}, column '{column}': '{value}' is not a website address."
DUPLICATE_ROW = "Row {row}: {what} is also on row {first}. Put each organisation in the file once."


@cache
def _choices(choices: tuple) -> dict[str, str]:
    known = {}
    for value, label in choices:
        known[heading_key(value)] = value
        known[heading_key(label)] = value
    return known


def _types() -> dict[str, str]:
    return _choices(tuple(OrganisationType.choices))


def _phases() -> dict[str, str]:
    known = dict(_choices(tuple(SchoolPhase.choices)))
    known.update({"pru": SchoolPhase.PRU, "post 16": SchoolPhase.POST_16, "fe": SchoolPhase.POST_16})
    return known


def _find_headings(rows) -> tuple[dict[str, int], dict[str, str]]:
    messages = {"duplicate_heading": DUPLICATE_HEADING, "empty": EMPTY, "no_headings": NO_HEADINGS}
    try:
        return find_headings(rows, column_names=COLUMN_NAMES, required=REQUIRED, messages=messages)
    except SpreadsheetInvalid as invalid:
        raise ImportInvalid(invalid.problems) from None


def _plan(upload) -> ImportPlan:
    rows = spreadsheet_rows(upload)
    columns, spelt = _find_headings(rows)
    plan = ImportPlan(what="Organisations import")
    wards = {ward_key(ward.name): ward for ward in Ward.objects.all()}
    type_labels = ", ".join(value for value in OrganisationType.values)
    phase_labels = ", ".join(str(label) for label in SchoolPhase.labels)
    problems, first_seen, count = [], {}, 0
    for number, cells in rows:
        if not any(cells):
            if number > MAX_ROWS:
                raise ImportInvalid([TOO_MANY_ROWS.format(limit=MAX_ROWS)])
            continue
        count += 1
        if count > MAX_ROWS:
            raise ImportInvalid([TOO_MANY_ROWS.format(limit=MAX_ROWS)])
        values = {column: cells[index] if index < len(cells) else "" for column, index in columns.items()}
        row_problems = []

        def problem(message: str, column: str, **params) -> None:
            row_problems.append(message.format(row=number, column=spelt.get(column, column), **params))  # noqa: B023

        name = values["name"]
        if not name:
            problem(NO_NAME, "name")
        kind = _types().get(heading_key(values["type"]))
        if not values["type"]:
            problem(NO_TYPE, "type", choices=type_labels)
        elif kind is None:
            problem(BAD_TYPE, "type", value=shown(values["type"]), choices=type_labels)
        phase = ""
        if values.get("phase"):
            phase = _phases().get(heading_key(values["phase"]))
            if phase is None:
                problem(BAD_PHASE, "phase", value=shown(values["phase"]), choices=phase_labels)
        ward = None
        if values.get("ward"):
            ward = wards.get(ward_key(values["ward"]))
            if ward is None:
                problem(UNKNOWN_WARD, "ward", value=shown(values["ward"]))
        website = website_normalise(values.get("website", ""))
        if website is None:
            problem(BAD_WEBSITE, "website", value=shown(values["website"]))
        urn, postcode = values.get("urn", ""), values.get("postcode", "").upper()
        key = f"URN {urn}" if urn else f"{name} ({postcode or 'no postcode'})"
        if name and key.lower() in first_seen:
            row_problems.append(DUPLICATE_ROW.format(row=number, what=key, first=first_seen[key.lower()]))
        first_seen.setdefault(key.lower(), number)
        if row_problems:
            problems += row_problems
            continue
        if urn:
            organisation = Organisation.objects.filter(urn=urn).first()
        else:
            organisation = Organisation.objects.filter(urn="", name__iexact=name, postcode__iexact=postcode).first()
        organisation = organisation or Organisation()
        fields = {"name": name, "organisation_type": kind}
        for field_name, value in (
            ("urn", urn),
            ("phase", phase),
            ("ward", ward),
            ("address", values.get("address", "")),
            ("town", values.get("town", "")),
            ("postcode", postcode),
            ("email", values.get("email", "").removeprefix("mailto:").lower()),
            ("phone", values.get("phone", "")),
            ("website", website),
        ):
            if value:
                fields[field_name] = value
        change = plan_change(number, organisation, fields)
        if change is None:
            plan.unchanged += 1
            continue
        problems += [_column_named(message, spelt) for message in validation_problems(change)]
        plan.changes.append(change)
    if problems:
        raise ImportInvalid(problems)
    if not plan.changes and not plan.unchanged:
        raise ImportInvalid([NO_ROWS])
    return plan


def _column_named(message: str, spelt: dict[str, str]) -> str:
    """The model's field names in a problem, as the file spells its headings ("organisation_type" → "Type")."""
    for field_name, column in (("organisation_type", "type"), *((name, name) for name in COLUMNS)):
        message = message.replace(f"column '{field_name}'", f"column '{spelt.get(column, column)}'")
    return message


def organisations_import(
    *, upload, by: User | None = None, dry_run: bool = False, expected_digest: str | None = None
) -> ImportPlan:
    """Import organisations from a CSV or XLSX file in the template's columns (this module's docstring).

    Every row is checked first; any problem raises ``ImportInvalid`` naming each by row and column,
    and nothing is saved. ``dry_run`` returns what would be added or changed without saving;
    ``expected_digest`` (from a preview) refuses with ``ImportOutdated`` if that changed meanwhile.
    ``by`` must hold ``crm.import_organisations`` (``PermissionDenied``); None is ``manage.py``.
    """
    return import_run(
        _plan,
        upload=upload,
        by=by,
        dry_run=dry_run,
        expected_digest=expected_digest,
        source="Organisations import",
    )


def organisations_template(fmt: str) -> bytes:
    """The empty template to fill in: the columns' headings, through the one export helper."""
    if fmt == XLSX:
        return xlsx_bytes(COLUMNS, [], sheet_title="Organisations", column_widths=[30, 14, 20, 10, 14, 30])
    if fmt == CSV:
        return csv_bytes(COLUMNS, [])
    raise ValueError(f"Unknown format: {fmt}")
