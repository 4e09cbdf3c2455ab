"""What an organisations import plans to do, how it is described, and how it is applied.

An import reads the whole file, checks every row and works out every change (``ImportPlan``)
before anything is written. A dry run stops there; otherwise the plan is applied in one
transaction, so a file is imported whole or not at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from wagtail.log_actions import log

from ..models import EstablishmentStatus, Organisation
from ..spreadsheets import SpreadsheetInvalid, shown

if TYPE_CHECKING:
    from ..models import User

IMPORT_TEAM_ONLY = "Only the Prevent team can import organisations."
IMPORT_OUTDATED = (
    "The register changed after the preview was made, so the preview no longer says what would happen. "
    "Upload the file again to see a new preview."
)
IMPORT_PERMISSION = "crm.import_organisations"


class ImportInvalid(SpreadsheetInvalid):
    """Nothing was imported; ``problems`` names each problem by row and column."""


class ImportOutdated(ImportInvalid):
    def __init__(self):
        super().__init__([IMPORT_OUTDATED])


def import_permission_check(by: User | None) -> None:
    """The team imports (``crm.import_organisations``); ``by`` is None only for ``manage.py`` commands."""
    if by is not None and not by.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied(IMPORT_TEAM_ONLY)


@dataclass
class PlannedChange:
    """One organisation the import creates or changes: ``changes`` is ``{field label: (before, after)}``."""

    row: int
    organisation: Organisation
    new: bool
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        urn = f" (URN {self.organisation.urn})" if self.organisation.urn else ""
        return f"{self.organisation.name}{urn}"

    @property
    def renamed(self) -> bool:
        return not self.new and "Name" in self.changes

    @property
    def status_change(self) -> str:
        """ "closed" or "reopened" when an existing organisation's status changes, else ""."""
        before, after = self.changes.get("Status", ("", ""))
        if self.new or not after:
            return ""
        return "closed" if after == EstablishmentStatus.CLOSED.label else "reopened"

    def describe(self) -> str:
        """One line, e.g. "Renamed: Old name → New name (URN 100321); Phone: 020… → 020…"."""
        if self.new:
            return f"New: {self.label}, row {self.row}"
        parts = [
            f"{name}: {before or '(blank)'} → {after or '(blank)'}" for name, (before, after) in self.changes.items()
        ]
        return f"{self.label}, row {self.row}: " + "; ".join(parts)


@dataclass
class ImportPlan:
    """Everything an import would do (a dry run) or did: per organisation, plus rows skipped and warnings."""

    what: str
    changes: list[PlannedChange] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = True

    @property
    def new(self) -> list[PlannedChange]:
        return [change for change in self.changes if change.new]

    @property
    def renamed(self) -> list[PlannedChange]:
        return [change for change in self.changes if change.renamed]

    @property
    def closed(self) -> list[PlannedChange]:
        return [change for change in self.changes if change.status_change == "closed"]

    @property
    def reopened(self) -> list[PlannedChange]:
        return [change for change in self.changes if change.status_change == "reopened"]

    @property
    def updated(self) -> list[PlannedChange]:
        return [change for change in self.changes if not change.new]

    @property
    def digest(self) -> str:
        """A fingerprint of the changes: a confirmed preview is applied only if it would still do the same."""
        text = repr([(change.label, change.new, sorted(change.changes.items())) for change in self.changes])
        return hashlib.sha256(text.encode()).hexdigest()

    def summary(self) -> str:
        counts = (
            f"{self.what}: {len(self.new)} new, {len(self.updated)} changed ({len(self.renamed)} renamed, "
            f"{len(self.closed)} closed, {len(self.reopened)} reopened), {self.unchanged} unchanged, "
            f"{len(self.skipped)} rows skipped."
        )
        return f"{counts} Dry run: nothing was saved." if self.dry_run else f"{counts} Saved."

    def sections(self) -> list[tuple[str, list[PlannedChange]]]:
        """The changes under their headings; one renamed and closed appears under both."""
        return [
            ("New", self.new),
            ("Renamed", self.renamed),
            ("Closed", self.closed),
            ("Reopened", self.reopened),
            ("Other changes", [change for change in self.updated if not change.renamed and not change.status_change]),
        ]

    def lines(self) -> list[str]:
        """The whole report, as ``manage.py`` prints it."""
        lines = [self.summary()]
        for heading, changes in self.sections():
            if changes:
                lines.append(f"{heading} ({len(changes)}):")
                lines += [f"  {change.describe()}" for change in changes]
        if self.skipped:
            lines.append(f"Skipped ({len(self.skipped)}):")
            lines += [f"  {line}" for line in self.skipped]
        if self.warnings:
            lines.append(f"Warnings ({len(self.warnings)}):")
            lines += [f"  {line}" for line in self.warnings]
        return lines


def display(instance: Organisation, name: str) -> str:
    """A field's value as the team reads it: a choice's label, a ward's name, blank as ""."""
    model_field = Organisation._meta.get_field(name)
    if model_field.is_relation:
        value = getattr(instance, name)
        return str(value) if value is not None else ""
    if model_field.choices:
        return str(getattr(instance, f"get_{name}_display")()) if getattr(instance, name) else ""
    value = getattr(instance, name)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value or "")


def field_label(name: str) -> str:
    return str(Organisation._meta.get_field(name).verbose_name).capitalize()


def plan_change(row: int, organisation: Organisation, values: dict) -> PlannedChange | None:
    """Set ``values`` on ``organisation`` (not saved) and say what changed; None when nothing did."""
    new = organisation.pk is None
    before = {name: display(organisation, name) for name in values}
    for name, value in values.items():
        setattr(organisation, name, value)
    changes = {}
    for name in values:
        after = display(organisation, name)
        if (new and after) or (not new and before[name] != after):
            changes[field_label(name)] = (before[name], after)
    if not new and not changes:
        return None
    return PlannedChange(row=row, organisation=organisation, new=new, changes=changes)


def validation_problems(change: PlannedChange) -> list[str]:
    """The model's own checks (lengths, URN, email, website, the unique constraints), by row and field."""
    try:
        change.organisation.full_clean(exclude=["created_at", "updated_at"])
    except ValidationError as error:
        problems = []
        for name, messages in error.message_dict.items():
            where = f"column '{name}'" if name != "__all__" else shown(change.organisation.name)
            problems += [f"Row {change.row}, {where}: {message}" for message in messages]
        return problems
    return []


def website_normalise(value: str) -> str | None:
    """A website as typed ("www.school.org.uk") as a full address; None when it is not one."""
    if not value:
        return ""
    url = value if "://" in value else f"https://{value}"
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return None
    return url


def plan_apply(plan: ImportPlan, *, by: User | None, source: str) -> None:
    """Save every planned change and record each in the organisation's history (Wagtail's log)."""
    for change in plan.changes:
        change.organisation.save()
        data = {"source": source, "changes": {name: list(values) for name, values in change.changes.items()}}
        log(change.organisation, "wagtail.create" if change.new else "wagtail.edit", user=by, data=data)
    plan.dry_run = False


def import_run(
    plan_upload: Callable[[object], ImportPlan],
    *,
    upload,
    by: User | None,
    dry_run: bool,
    expected_digest: str | None,
    source: str,
    lock_schools: bool = False,
) -> ImportPlan:
    """The one way an organisations import runs: permission, plan the whole file, then all of it or nothing.

    ``plan_upload`` reads and checks the file into an ``ImportPlan`` (``ImportInvalid`` for any bad
    row). ``dry_run`` returns the plan unsaved; ``expected_digest`` (from a preview) refuses with
    ``ImportOutdated`` if the plan changed since. ``lock_schools`` makes imports that match by URN
    take turns: a second waits, then plans against what the first saved.
    """
    import_permission_check(by)
    try:
        with transaction.atomic():
            if lock_schools and not dry_run:
                list(Organisation.objects.select_for_update().exclude(urn="").values_list("pk", flat=True))
            plan = plan_upload(upload)
            if dry_run:
                return plan
            if expected_digest is not None and plan.digest != expected_digest:
                raise ImportOutdated()
            plan_apply(plan, by=by, source=source)
            return plan
    except SpreadsheetInvalid as invalid:
        if isinstance(invalid, ImportInvalid):
            raise
        raise ImportInvalid(invalid.problems) from None


def rows_with(numbers: Iterable[int]) -> str:
    numbers = sorted(numbers)
    return ("row " if len(numbers) == 1 else "rows ") + ", ".join(str(number) for number in numbers)
