"""The register written out: CSV and XLSX (through ``crm.exports``), PDF for printing (with a Signature column)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from xml.sax.saxutils import escape

from django.utils import timezone

from crm.exports import csv_bytes, xlsx_bytes

from ..models import TrainingSession
from .table import Register

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


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


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


def register_pdf(register: Register, *, blank_rows: int = 5) -> bytes:
    """A printable A4 landscape register with an empty Signature column and a few blank rows for walk-ins."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    session = register.session
    starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    styles = getSampleStyleSheet()
    cell = ParagraphStyle("cell", parent=styles["BodyText"], fontSize=8.5, leading=10.5)

    def text(value: str) -> Paragraph:
        return Paragraph(escape(value or ""), cell)

    title = f"Register: {session.course.title}"
    story = [
        Paragraph(escape(title), styles["Title"]),
        Paragraph(escape(f"{starts:%A %-d %B %Y}, {starts:%H:%M} to {ends:%H:%M}. {session.where}"), styles["Normal"]),
        Paragraph(
            escape(
                f"Booked: {register.booked}. Present: {register.present}. Walk-ins: {register.walk_ins}. "
                f"No-shows: {register.no_shows}."
            ),
            styles["Normal"],
        ),
        Spacer(1, 4 * mm),
    ]
    data = [["Name", "Email", "Organisation", "Booking", "Present", "No-show", "Signature"]]
    for line in register.lines:
        present = f"Yes, {line.checked_in_at:%H:%M}" if line.present else "No"
        data.append(
            [
                text(line.name),
                text(line.email),
                text(line.organisation),
                text(line.booking_status),
                text(present),
                text(_yes_no(line.no_show)),
                "",
            ]
        )
    data += [[""] * 7 for _ in range(blank_rows)]
    table = Table(data, colWidths=[130, 150, 130, 75, 70, 45, 170], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, HexColor("#6c757d")),
                ("BACKGROUND", (0, 0), (-1, 0), HexColor("#e9ecef")),
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, 0), 9),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 1), (-1, -1), 7),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 7),
            ]
        )
    )
    story.append(table)

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(doc.leftMargin, 10 * mm, f"{session.course.title}, {starts:%-d %B %Y}")
        canvas.drawRightString(doc.pagesize[0] - doc.rightMargin, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=16 * mm,
        title=title,
        author="Prevent team",
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
