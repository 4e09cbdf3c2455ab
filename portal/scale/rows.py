"""Writing and removing scale data fast: COPY or bulk_create, ids given by hand, foreign-key triggers, VACUUM."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.db import DatabaseError, connection, models

from crm.models import User
from crm.outreach.models import OutreachVisit
from events.models import (
    Attendance,
    TrainingSession,
)
from feedback.models import FeedbackRequest, FeedbackResponse

from .shape import BATCH

# --- Writing rows fast ------------------------------------------------------------------------------


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


STEPS: dict[str, float] = {}


def write_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert ``rows`` (tuples in ``columns`` order, attribute names) into ``model``'s table: COPY or bulk_create."""
    began = time.perf_counter()
    try:
        return _insert(model, columns, rows)
    finally:
        name = model._meta.db_table
        STEPS[name] = STEPS.get(name, 0.0) + time.perf_counter() - began


def _insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> int:
    count = 0
    if is_postgres():
        columns, rows = _with_defaults(model, columns, rows)
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in columns)
        with connection.cursor() as cursor:
            # Binary COPY: PostgreSQL parses no text; the columns' types come from the table itself.
            cursor.execute(f"SELECT {names} FROM {table} LIMIT 0")  # noqa: S608
            types = [column.type_code for column in cursor.description]
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    batch: list[models.Model] = []
    for row in rows:
        batch.append(model(**dict(zip(columns, row, strict=True))))
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)
        count += len(batch)
    return count


def _with_defaults(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]):
    """COPY leaves a left-out column NULL (Django keeps defaults in Python): add each left-out field's default."""
    extra = []
    for model_field in model._meta.concrete_fields:
        if model_field.attname in columns or model_field.null or model_field.primary_key:
            continue
        if model_field.has_default() and callable(model_field.default):
            raise ValueError(f"{model.__name__}.{model_field.name} needs a value of its own in each row")
        extra.append((model_field.attname, model_field.get_default()))
    if not extra:
        return columns, rows
    tail = tuple(value for _, value in extra)
    return (*columns, *(name for name, _ in extra)), (row + tail for row in rows)


@contextmanager
def foreign_key_triggers_off() -> Iterator[bool]:
    """On PostgreSQL as a superuser, no foreign-key triggers inside the block (within the caller's transaction).

    The rows this module writes refer only to rows it has just written or read, so checking each
    reference again (PostgreSQL does it once per row per key, at commit) only costs time: about a
    third of a seed's, and most of a clear's. ``clear`` checks in bulk first that nothing else
    refers to what it deletes. Anyone else gets the checks: slower, same result. Yields whether
    they are off.
    """
    off = False
    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            row = cursor.fetchone()
            off = bool(row and row[0])
            if off:
                cursor.execute("SET LOCAL session_replication_role = replica")
    try:
        yield off
    finally:
        if off:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = origin")
            except DatabaseError:  # the transaction failed: its rollback puts the setting back
                pass


def next_id(model: type[models.Model]) -> int:
    """The first id after every row of ``model`` (ids are given by this module, then the sequence is moved on)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        return cursor.fetchone()[0] + 1


def reset_sequences(*models_: type[models.Model]) -> None:
    """After ids were given by hand: PostgreSQL's sequences go past them (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(_NoStyle(), list(models_))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class _NoStyle:
    """The ``style`` argument ``sequence_reset_sql`` wants, without colours."""

    def __getattr__(self, name: str) -> Callable[[str], str]:
        return lambda text: text


TABLES = (
    Attendance,
    FeedbackRequest,
    FeedbackResponse,
    TrainingSession,
    TrainingSession.trainers.through,  # one or two trainers a session: as many rows as sessions, and more
    User,
    OutreachVisit,
)


def tidy() -> float:
    """After a big load or clear on PostgreSQL, as autovacuum would later: VACUUM the big tables (so index-only
    scans work), then ANALYZE every table, the small ones the load grew too (wards, organisations, courses), so
    plans see the new counts. Inside a transaction (a test), ANALYZE only. Seconds taken."""
    if not is_postgres():
        return 0.0
    began = time.perf_counter()
    with connection.cursor() as cursor:
        if not connection.in_atomic_block:
            for model in TABLES:
                cursor.execute(f"VACUUM {table(model)}")
        cursor.execute("ANALYZE")
    return time.perf_counter() - began


def table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)
