"""The borough's schools from a *Get Information about Schools* (GIAS) download: the one import rule.

GIAS (get-information-schools.service.gov.uk) exports establishments as a Windows-1252 CSV of
about 300 columns; only those in ``COLUMNS`` are read. Schools are matched by URN:

- a URN not in the register is a new school (unless GIAS says it is closed, or only proposed
  to open: such rows are skipped and listed);
- a school's name, phase, status, address, town, postcode, website, phone and ward follow GIAS.
  A blank GIAS cell never clears what the register holds (GIAS often lacks a website the team knows);
- a school that GIAS shows closed is marked closed and made inactive (no longer offered in
  choices); one that reopens is made active again;
- wards are matched by name (case, apostrophes and "&" aside). A ward not in the register is
  not created: the school keeps its ward and the import warns, naming the rows, so that a
  school outside the borough or a renamed ward never adds wards unseen;
- establishments that are not schools in the team's sense (children's centres, universities,
  Welsh establishments...) are skipped and listed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING

from ..models import EstablishmentStatus, Organisation, OrganisationType, SchoolPhase, Ward
from ..spreadsheets import shown, spreadsheet_rows
from .base import (
    ImportInvalid,
    ImportPlan,
    import_run,
    plan_change,
    rows_with,
    validation_problems,
    website_normalise,
)

if TYPE_CHECKING:
    from ..models import User

MAX_BYTES = 10 * 1024 * 1024
MAX_COLUMNS = 400
MAX_ROWS = 20000

URN = "URN"
NAME = "EstablishmentName"
TYPE = "TypeOfEstablishment (name)"
STATUS = "EstablishmentStatus (name)"
PHASE = "PhaseOfEducation (name)"
STREET, LOCALITY, ADDRESS3 = "Street", "Locality", "Address3"
TOWN, POSTCODE = "Town", "Postcode"
WEBSITE, PHONE = "SchoolWebsite", "TelephoneNum"
WARD = "AdministrativeWard (name)"
REQUIRED = (URN, NAME, TYPE, STATUS, PHASE)
COLUMNS = (*REQUIRED, STREET, LOCALITY, ADDRESS3, TOWN, POSTCODE, WEBSITE, PHONE, WARD)

FILE_MESSAGES = {
    "file_type": "A GIAS download is a CSV file; {name} is not one. In Get Information about Schools, "
    'search for your local authority\'s establishments and choose "Download" → "CSV".',
    "file_too_big": "The file is {size}; the most a GIAS download can be is {limit}. Download only your "
    "local authority's establishments, not the whole of England.",
}
EMPTY = "The file is empty. Upload the CSV downloaded from Get Information about Schools as it is."
MISSING_COLUMNS = (
    "Row 1 should hold GIAS's column headings, but these are missing: {missing}. Upload the CSV downloaded "
    "from Get Information about Schools as it is (all its columns), not a copy edited in Excel."
)
DUPLICATE_COLUMN = "Row 1: there are two columns called '{column}'. Keep one of them."
TOO_MANY_ROWS = "The file has more than {limit} rows. Download only your local authority's establishments."
NO_SCHOOLS = "The file has GIAS's column headings but no establishments under them."
BAD_URN = "Row {row}, column 'URN': '{value}' is not a URN. A URN is 6 digits, e.g. 100321."
DUPLICATE_URN = "Row {row}, column 'URN': {value} is also on row {first}. Each school should be in the file once."
NO_NAME = "Row {row}, column 'EstablishmentName': the school's name is missing."
BAD_STATUS = (
    "Row {row}, column 'EstablishmentStatus (name)': '{value}' is not a GIAS status "
    "(Open; Closed; Open, but proposed to close; Proposed to open)."
)
SKIPPED_CLOSED = "Row {row}: {name} (URN {urn}) is closed and not in the register, so is not added."
SKIPPED_PROPOSED = "Row {row}: {name} (URN {urn}) has not opened yet, so is not added."
SKIPPED_NOT_SCHOOL = "Row {row}: {name} (URN {urn}) is a {kind}, not a school the team counts."
UNKNOWN_WARD = (
    "Ward '{ward}' ({rows}) is not in the register, so those schools keep the ward they had. If it is one "
    "of the borough's wards, add it under CRM → Wards and import again."
)
BAD_WEBSITE = "Row {row}, column 'SchoolWebsite': '{value}' is not a website address, so it is left out."

STATUSES = {
    "open": EstablishmentStatus.OPEN,
    "open, but proposed to close": EstablishmentStatus.OPEN,
    "closed": EstablishmentStatus.CLOSED,
    "proposed to open": None,  # not open yet: skipped when new, status kept otherwise
}
PHASES = {
    "nursery": SchoolPhase.NURSERY,
    "primary": SchoolPhase.PRIMARY,
    "middle deemed primary": SchoolPhase.PRIMARY,
    "secondary": SchoolPhase.SECONDARY,
    "middle deemed secondary": SchoolPhase.SECONDARY,
    "all-through": SchoolPhase.ALL_THROUGH,
    "all through": SchoolPhase.ALL_THROUGH,
    "16 plus": SchoolPhase.POST_16,
}
POST_16_TYPES = ("further education", "sixth form", "16-19", "16 to 19", "post 16")
PRU_TYPES = ("pupil referral", "alternative provision", "secure unit")


def gias_phase(type_name: str, phase_name: str) -> str | None:
    """The team's phase for a GIAS establishment type and phase of education; None if not a school it counts.

    The type says more than the phase for the kinds the team counts apart: a pupil referral unit or
    alternative provision, a special school, an independent school and a sixth-form or FE college are
    so whatever their phase; otherwise the phase of education decides.
    """
    kind = type_name.lower()
    if any(words in kind for words in PRU_TYPES):
        return SchoolPhase.PRU
    if "special" in kind:
        return SchoolPhase.SPECIAL
    if "independent" in kind:
        return SchoolPhase.INDEPENDENT
    if any(words in kind for words in POST_16_TYPES):
        return SchoolPhase.POST_16
    if "nursery" in kind:
        return SchoolPhase.NURSERY
    return PHASES.get(phase_name.lower())


def ward_key(name: str) -> str:
    """A ward's name made comparable: GIAS writes "Shepherd’s Bush Green", the register "Shepherd's Bush Green"."""
    text = name.lower().replace("’", "'").replace("‘", "'").replace("&", " and ")
    return " ".join(re.sub(r"[^\w\s']", " ", text).split())


def _columns(rows) -> dict[str, int]:
    for _number, cells in rows:
        if not any(cells):
            continue
        spelt = {cell.strip().lower(): index for index, cell in reversed(list(enumerate(cells)))}
        seen = set()
        for cell in cells:
            key = cell.strip().lower()
            if key in {column.lower() for column in COLUMNS}:
                if key in seen:
                    raise ImportInvalid([DUPLICATE_COLUMN.format(column=cell)])
                seen.add(key)
        missing = [column for column in REQUIRED if column.lower() not in spelt]
        if missing:
            raise ImportInvalid([MISSING_COLUMNS.format(missing=", ".join(missing))])
        return {column: spelt[column.lower()] for column in COLUMNS if column.lower() in spelt}
    raise ImportInvalid([EMPTY])


def _read(upload) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """Every establishment row as ``(row number, {column: text})``, and every problem with the rows."""
    rows = spreadsheet_rows(
        upload, messages=FILE_MESSAGES, max_bytes=MAX_BYTES, max_columns=MAX_COLUMNS, extensions=("csv",)
    )
    columns = _columns(rows)
    read, problems, first_seen = [], [], {}
    for number, cells in rows:
        if number > MAX_ROWS:
            raise ImportInvalid([TOO_MANY_ROWS.format(limit=MAX_ROWS)])
        if not any(cells):
            continue
        values = {column: cells[index] if index < len(cells) else "" for column, index in columns.items()}
        urn = values[URN]
        if not re.fullmatch(r"\d{6}", urn):
            problems.append(BAD_URN.format(row=number, value=shown(urn)))
        elif urn in first_seen:
            problems.append(DUPLICATE_URN.format(row=number, value=urn, first=first_seen[urn]))
        else:
            first_seen[urn] = number
        if not values[NAME]:
            problems.append(NO_NAME.format(row=number))
        if values[STATUS].lower() not in STATUSES:
            problems.append(BAD_STATUS.format(row=number, value=shown(values[STATUS])))
        read.append((number, values))
    if not read and not problems:
        raise ImportInvalid([NO_SCHOOLS])
    return read, problems


def _plan(upload) -> ImportPlan:
    read, problems = _read(upload)
    plan = ImportPlan(what="GIAS import")
    existing = {school.urn: school for school in Organisation.objects.exclude(urn="").select_related("ward")}
    wards = {ward_key(ward.name): ward for ward in Ward.objects.all()}
    unknown_wards: dict[str, list[int]] = defaultdict(list)
    for number, values in read:
        if problems:
            continue  # keep checking rows for problems only: nothing will be planned
        urn, name = values[URN], values[NAME]
        school = existing.get(urn)
        status = STATUSES[values[STATUS].lower()]
        phase = gias_phase(values[TYPE], values[PHASE])
        if phase is None:
            kind = values[TYPE] or values[PHASE] or "establishment of unknown type"
            plan.skipped.append(SKIPPED_NOT_SCHOOL.format(row=number, name=name, urn=urn, kind=kind.lower()))
            continue
        if school is None and status is None:
            plan.skipped.append(SKIPPED_PROPOSED.format(row=number, name=name, urn=urn))
            continue
        if school is None and status == EstablishmentStatus.CLOSED:
            plan.skipped.append(SKIPPED_CLOSED.format(row=number, name=name, urn=urn))
            continue
        if school is None:
            school = Organisation(urn=urn, is_active=True)
        fields = {"name": name, "organisation_type": OrganisationType.SCHOOL, "phase": phase}
        if status is not None:
            fields["establishment_status"] = status
            if school.pk is not None and status != school.establishment_status:
                fields["is_active"] = status == EstablishmentStatus.OPEN
        address = "\n".join(part for part in (values.get(STREET), values.get(LOCALITY), values.get(ADDRESS3)) if part)
        for field_name, value in (
            ("address", address),
            ("town", values.get(TOWN, "")),
            ("postcode", values.get(POSTCODE, "").upper()),
            ("phone", values.get(PHONE, "")),
        ):
            if value:
                fields[field_name] = value
        website = website_normalise(values.get(WEBSITE, ""))
        if website is None:
            plan.warnings.append(BAD_WEBSITE.format(row=number, value=shown(values[WEBSITE])))
        elif website:
            fields["website"] = website
        ward_name = values.get(WARD, "")
        if ward_name:
            ward = wards.get(ward_key(ward_name))
            if ward is None:
                unknown_wards[ward_name].append(number)
            else:
                fields["ward"] = ward
        change = plan_change(number, school, fields)
        if change is None:
            plan.unchanged += 1
            continue
        problems += validation_problems(change)
        plan.changes.append(change)
    if problems:
        raise ImportInvalid(problems)
    plan.warnings += [UNKNOWN_WARD.format(ward=ward, rows=rows_with(rows)) for ward, rows in unknown_wards.items()]
    return plan


def schools_import_gias(
    *, upload, by: User | None = None, dry_run: bool = False, expected_digest: str | None = None
) -> ImportPlan:
    """Import the borough's schools from a GIAS CSV download, matched by URN (the rules: this module's docstring).

    Every row is checked first; any problem (a bad or repeated URN, a missing name, an unknown
    status, a file that is not a GIAS download) raises ``ImportInvalid`` naming each by row and
    column, and nothing is saved. ``dry_run`` returns the plan (what would be new, renamed,
    closed or otherwise changed, per school) without saving. ``expected_digest``, from a preview,
    makes the import refuse (``ImportOutdated``) if it would now do something else. ``by`` must
    hold ``crm.import_organisations`` (``PermissionDenied``); None is ``manage.py``.
    """
    return import_run(
        _plan,
        upload=upload,
        by=by,
        dry_run=dry_run,
        expected_digest=expected_digest,
        source="GIAS import",
        lock_schools=True,  # one GIAS import at a time
    )
