"""A legacy register's plan applied: courses, sessions, attendances and no-shows written in one transaction.

The rules are in the package's docstring (``feedback.imports``); ``registers_import`` is the service.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.log_actions import log

from crm import roles
from crm.audit import audit_log
from crm.imports import ImportOutdated
from events.models import (
    Attendance,
    AttendanceMethod,
    CoursePage,
    SessionStatus,
    SessionVisibility,
    TrainingIndexPage,
    TrainingSession,
)
from events.services import attendance_record, booking_no_show_mark

from ..models import ImportedNoShow
from .plan import PLAN_MESSAGES, PlannedSession, RegisterImportPlan, register_import_plan

if TYPE_CHECKING:
    from crm.models import User

# What a course or session made from a legacy register holds where the register says nothing.
IMPORTED_SUMMARY = "Imported from a legacy register."
IMPORTED_AUDIENCE = "As recorded on a legacy register"
IMPORTED_DURATION = "Not recorded"
IMPORTED_VENUE = "Not recorded (imported from a legacy register)"
SESSION_STARTS, SESSION_ENDS = dt.time(9, 30), dt.time(12, 0)

REGISTER_IMPORT = "feedback.register_import"
ACTIONS = {REGISTER_IMPORT: ("Legacy register imported", "Imported a legacy register")}


def _course_create(index: TrainingIndexPage, *, title: str, category: str, by: User | None) -> CoursePage:
    """A course the register names that the site does not have: unpublished, for the team to finish or leave."""
    base = slugify(title)[:200] or "imported-course"
    slug, number = base, 1
    while CoursePage.objects.filter(slug=slug).exists() or index.get_children().filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    page = CoursePage(
        title=title,
        slug=slug,
        summary=IMPORTED_SUMMARY,
        audience=IMPORTED_AUDIENCE,
        duration=IMPORTED_DURATION,
        reporting_category=category,
        live=False,
    )
    index.add_child(instance=page)
    page.save_revision(user=by)
    log(page, "wagtail.create", user=by, data={"source": "Legacy register import"})
    return page


def _session_create(planned: PlannedSession, course: CoursePage, *, by: User | None, now) -> TrainingSession:
    """A session the register records that the site does not have: held in the past, its register closed."""
    organisation = planned.organisation
    session = TrainingSession.objects.create(
        course=course,
        starts_at=timezone.make_aware(dt.datetime.combine(planned.date, SESSION_STARTS)),
        ends_at=timezone.make_aware(dt.datetime.combine(planned.date, SESSION_ENDS)),
        venue=IMPORTED_VENUE,
        capacity=max(len(planned.rows), 1),
        status=SessionStatus.SCHEDULED,
        visibility=SessionVisibility.CLOSED if organisation else SessionVisibility.OPEN,
        organisation=organisation,
        allow_walk_ins=False,
        register_closed_at=now,
    )
    log(session, "wagtail.create", user=by, data={"source": "Legacy register import"})
    return session


def _apply(plan: RegisterImportPlan, *, by: User | None) -> None:
    now = timezone.now()
    index = TrainingIndexPage.objects.first()
    for key, (title, category) in plan.new_courses.items():
        plan.courses[key] = _course_create(index, title=title, category=category, by=by)
    for planned in plan.new_sessions:
        planned.session = _session_create(planned, plan.courses[planned.course_key], by=by, now=now)
    for person in plan.attendances:
        row, session = person.row, plan.sessions[person.session_key].session
        attendance, created = attendance_record(
            session=session,
            user=person.user,
            by=by,
            method=AttendanceMethod.UPLOAD,
            when=session.starts_at,
            full_name=row.full_name,
            email=row.email,
            organisation_name=row.organisation,
            organisation_type=row.organisation_type,
        )
        if created:
            # Who they were on the day is what the register says, not what their account says today.
            Attendance.objects.filter(pk=attendance.pk).update(
                full_name=row.full_name,
                organisation_name=row.organisation,
                organisation_type=row.organisation_type,
                organisation=person.organisation,
                member_side=row.political_group,
                is_cabinet_member=row.cabinet,
                job_role="",
            )
        if person.replaces is not None:
            person.replaces.delete()  # a corrected register says they came after all
    for person in plan.no_shows:
        row, session = person.row, plan.sessions[person.session_key].session
        if person.action == "booking_no_show":
            booking_no_show_mark(booking=person.booking, by=by, source="legacy register import")
        else:
            ImportedNoShow.objects.create(
                session=session,
                full_name=row.full_name,
                email=row.email,
                organisation_name=row.organisation,
                organisation_type=row.organisation_type,
                imported_by=by,
                imported_at=now,
            )
    plan.dry_run = False
    if plan.changes:
        where = index or next(iter(plan.sessions.values())).session
        audit_log(REGISTER_IMPORT, instance=where, user=by, data={"file": plan.file_name, **plan.counts()})


def registers_import(
    *, upload, by: User | None = None, dry_run: bool = False, expected_digest: str | None = None
) -> RegisterImportPlan:
    """Import a legacy register (``feedback.imports``' docstring): every row checked, then all of it or nothing.

    Raises ``ImportInvalid`` naming every bad row and column, and saves nothing; ``dry_run`` returns
    the plan unsaved; ``expected_digest`` (from a preview) refuses with ``ImportOutdated`` when the
    plan changed since. ``by`` must be the Prevent team (``PermissionDenied``); None is ``manage.py``.
    """
    if by is not None and not roles.has_role(by, roles.PREVENT_ADMIN):
        raise PermissionDenied(PLAN_MESSAGES["team_only"])
    with transaction.atomic():
        if not dry_run:
            # Two imports at once take turns, so the second plans against what the first made.
            list(TrainingIndexPage.objects.select_for_update().values_list("pk", flat=True))
        plan = register_import_plan(upload)
        if dry_run:
            return plan
        if expected_digest is not None and plan.digest != expected_digest:
            raise ImportOutdated()
        _apply(plan, by=by)
        return plan
