"""Removing the scale data: ``clear`` deletes exactly the rows ``seed`` made."""

from __future__ import annotations

import time

from django.db import connection, transaction
from wagtail.models import Page, PageLogEntry

from crm.models import Organisation, User, Ward
from crm.outreach.models import OutreachTag, OutreachVisit
from events.models import (
    Attendance,
    TrainingSession,
)
from feedback.models import FeedbackRequest, FeedbackResponse

from .rows import STEPS, TABLES, foreign_key_triggers_off, is_postgres, table
from .shape import EMAIL_DOMAIN, PREFIX, SLUG

# --- Removing it --------------------------------------------------------------------------------------


def clear() -> dict[str, int]:
    """Remove every row ``seed`` made, and nothing else: plain DELETEs by the marks, children first.

    Raises ``IntegrityError`` (and removes nothing) if a row that is not scale data refers to
    scale data, e.g. someone booked a scale session by hand.
    """
    like_prefix, like_slug = f"{PREFIX}%", f"{SLUG}%"
    sessions = (
        f"SELECT s.id FROM {table(TrainingSession)} s JOIN {table(Page)} p ON p.id = s.course_id "  # noqa: S608
        "WHERE p.slug LIKE %s AND s.venue LIKE %s",
        [like_slug, like_prefix],
    )
    attendances = (f"SELECT id FROM {table(Attendance)} WHERE session_id IN ({sessions[0]})", sessions[1])  # noqa: S608
    wards = (f"SELECT id FROM {table(Ward)} WHERE name LIKE %s", [like_prefix])  # noqa: S608
    visits = (f"SELECT id FROM {table(OutreachVisit)} WHERE ward_id IN ({wards[0]})", wards[1])  # noqa: S608
    users = (
        f"SELECT id FROM {table(User)} WHERE username LIKE %s AND email LIKE %s",  # noqa: S608
        ["scale-%", f"%@{EMAIL_DOMAIN}"],
    )
    named = ("name LIKE %s", [like_prefix])
    steps = [
        ("feedback responses", FeedbackResponse, "session_id", sessions),
        ("feedback requests", FeedbackRequest, "attendance_id", attendances),
        ("attendances", Attendance, "session_id", sessions),
        ("session trainers", TrainingSession.trainers.through, "trainingsession_id", sessions),
        ("sessions", TrainingSession, "id", sessions),
        ("courses", None, None, None),
        ("outreach tags", OutreachVisit.tags.through, "outreachvisit_id", visits),
        ("outreach visits", OutreachVisit, "id", visits),
        ("people", User, "id", users),
        ("organisations", Organisation, None, named),
        ("wards", Ward, None, named),
        ("outreach topic tags", OutreachTag, None, named),
    ]
    counts = {}
    STEPS.clear()
    with transaction.atomic(), connection.cursor() as cursor, foreign_key_triggers_off():
        if is_postgres():  # plans for the deletes and checks below need the counts of what seed made
            for model in TABLES:
                cursor.execute(f"ANALYZE {table(model)}")
        deleted = {model: (column, select, params) for _, model, column, (select, params) in _steps(steps) if model}
        _refuse_outside_references(cursor, deleted)
        for label, model, column, (select, params) in _steps(steps):
            began = time.perf_counter()
            if model is None:
                counts[label] = _delete_courses()
            else:
                where = f"{column} IN ({select})" if column else select
                cursor.execute(f"DELETE FROM {table(model)} WHERE {where}", params)  # noqa: S608
                counts[label] = cursor.rowcount
            STEPS[f"delete {label}"] = time.perf_counter() - began
    return counts


def _steps(steps):
    for label, model, column, select in steps:
        yield label, model, column, select or ("", [])


def _refuse_outside_references(cursor, deleted: dict) -> None:
    """Raise ``IntegrityError`` naming the table when a row that ``clear`` keeps refers to a row it deletes.

    What the foreign-key triggers would have found one row at a time at commit, found with one
    query per foreign key into the deleted tables.
    """
    from django.apps import apps
    from django.db import IntegrityError

    def condition(model, alias: str) -> tuple[str, list]:
        column, select, params = deleted[model]
        if column:
            return f"{alias}.{connection.ops.quote_name(column)} IN ({select})", params
        return select, params

    def kept(model) -> tuple[str, list]:
        """Rows of ``model`` that ``clear`` keeps: NOT EXISTS, an anti-join (NOT IN would scan the list per row)."""
        column, select, params = deleted[model]
        if column:
            quoted = connection.ops.quote_name(column)
            return f"NOT EXISTS (SELECT 1 FROM ({select}) d WHERE d.id = r.{quoted})", params  # noqa: S608
        return f"NOT ({select})", params

    for model in apps.get_models(include_auto_created=True):
        for model_field in model._meta.local_concrete_fields:
            target = getattr(model_field, "related_model", None)
            if not model_field.is_relation or target not in deleted:
                continue
            target_pk = connection.ops.quote_name(target._meta.pk.column)
            goes, goes_params = condition(target, "t")
            # A count, not "LIMIT 1": with a limit PostgreSQL plans for finding a row at once, and when there is
            # none (the usual case) walks a million rows through a nested loop.
            sql = (
                f"SELECT COUNT(*) FROM {table(model)} r WHERE r.{connection.ops.quote_name(model_field.column)} IN "  # noqa: S608
                f"(SELECT t.{target_pk} FROM {table(target)} t WHERE {goes})"
            )
            params = list(goes_params)
            if model in deleted:
                stays, stays_params = kept(model)
                sql += f" AND {stays}"
                params += stays_params
            began = time.perf_counter()
            cursor.execute(sql, params)
            STEPS[f"check {model._meta.db_table}.{model_field.column}"] = time.perf_counter() - began
            if cursor.fetchone()[0]:
                raise IntegrityError(
                    f"{model._meta.db_table}.{model_field.column} refers to scale data in {target._meta.db_table}: "
                    "remove or change those rows first; nothing was removed."
                )


def _delete_courses() -> int:
    """The scale courses (and the scale training index, when this module made it), through Wagtail."""
    deleted = []
    for page in Page.objects.filter(slug__startswith=SLUG, depth__gt=2).order_by("-depth"):
        if page.get_children().exclude(slug__startswith=SLUG).exists():
            continue
        deleted.append(page.pk)
        page.specific.delete()
    # Wagtail logged making and deleting them: measurement, not the team's history.
    PageLogEntry.objects.filter(page_id__in=deleted).delete()
    return len(deleted)
