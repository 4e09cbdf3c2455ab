"""The register written out: CSV and XLSX (through ``crm.exports``), the page printed to PDF (``crm.pdf``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.utils import timezone

from crm.exports import csv_bytes, xlsx_bytes
from crm.pdf import render_pdf

from ..models import TrainingSession
from .table import Register

if TYPE_CHECKING:
    from django.http import HttpRequest

EXPORT_COLUMNS = (
    "Name",
    "Email",
    "Organisation",
    "Organisation type",
    "Job role",
    "Booking status",
    "Present",
    "Checked in at",
    "Method",
    "No-show",
)
XLSX_WIDTHS = (28, 32, 30, 24, 24, 20, 9, 17, 22, 9)


def register_filename(session: TrainingSession, extension: str) -> str:
    """register-<course slug>-<date>-<start time>.<ext>: two sessions of a course on one day get two names."""
    starts = timezone.localtime(session.starts_at)
    return f"register-{session.course.slug}-{starts:%Y-%m-%d-%H%M}.{extension}"


def _export_rows(register: Register) -> Iterator[list]:
    # Raw values: crm.exports escapes walk-ins' typed names, writes London times and Yes/No.
    for line in register.lines:
        yield [
            line.name,
            line.email,
            line.organisation,
            line.organisation_type_label,
            line.job_role,
            line.booking_status,
            line.present,
            line.checked_in_at,
            line.method,
            line.no_show,
        ]


def register_csv(register: Register) -> bytes:
    """The register as UTF-8 CSV with a byte-order mark, so Excel shows accented names correctly."""
    return csv_bytes(EXPORT_COLUMNS, _export_rows(register))


def register_xlsx(register: Register) -> bytes:
    """The register as an Excel workbook: one sheet, headings frozen, check-in times as real dates."""
    return xlsx_bytes(EXPORT_COLUMNS, _export_rows(register), sheet_title="Register", column_widths=XLSX_WIDTHS)


REGISTER_TEMPLATE = "events/register.html"


def register_context(register: Register, *, blank_rows: int = 5) -> dict:
    """What the register page shows, on screen and printed: the session, its lines, blank rows for walk-ins."""
    session = register.session
    return {
        "session": session,
        "register": register,
        "has_ended": timezone.now() >= session.ends_at,
        "blank_rows": range(blank_rows),
    }


def register_pdf(register: Register, *, request: HttpRequest | None = None, blank_rows: int = 5) -> bytes:
    """The register page printed to PDF: A4 landscape, an empty Signature column and blank rows for walk-ins.

    One layout for the page and its PDF (the template's print styles), printed by WeasyPrint
    (``crm.pdf``) so every name prints in its own script, Arabic right to left.
    """
    return render_pdf(REGISTER_TEMPLATE, register_context(register, blank_rows=blank_rows), request)
