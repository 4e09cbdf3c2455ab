"""The register written out: CSV and XLSX for spreadsheets, PDF for printing (with a Signature column)."""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from xml.sax.saxutils import escape

from django.utils import timezone

from ..models import TrainingSession
from .table import Register

EXPORT_COLUMNS = (
    "Name", "Email", "Organisation", "Organisation type", "Job role", "Booking status", "Present",
    "Checked in at", "Method", "No-show",
)


def register_filename(session: TrainingSession, extension: str) -> str:
    """register-<course slug>-<date>-<start time>.<ext>: two sessions of a course on one day get two names."""
    starts = timezone.localtime(session.starts_at)
    return f"register-{session.course.slug}-{starts:%Y-%m-%d-%H%M}.{extension}"


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _export_rows(register: Register) -> Iterator[list]:
    for line in register.lines:
        checked_in = line.checked_in_at.replace(second=0, microsecond=0, tzinfo=None) if line.present else None
        yield [
            line.name, line.email, line.organisation, line.organisation_type_label, line.job_role,
            line.booking_status, _yes_no(line.present), checked_in, line.method, _yes_no(line.no_show),
        ]


def _no_formula(value):
    # Walk-ins type their own names at the door: a name starting with "=" must not run as a
    # spreadsheet formula when the CSV is opened (CSV injection). The apostrophe is Excel's own escape.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def register_csv(register: Register) -> bytes:
    """The register as UTF-8 CSV with a byte-order mark, so Excel shows accented names correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for row in _export_rows(register):
        writer.writerow([
            f"{value:%Y-%m-%d %H:%M}" if isinstance(value, dt.datetime) else _no_formula(value or "") for value in row
        ])
    return out.getvalue().encode("utf-8-sig")


def register_xlsx(register: Register) -> bytes:
    """The register as an Excel workbook: one sheet, headings frozen, check-in times as real dates."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Register"
    sheet.append(EXPORT_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(_export_rows(register), start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text: openpyxl would store "=..." as a formula
            elif isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
    for column, width in zip("ABCDEFGHIJ", (28, 32, 30, 24, 24, 20, 9, 17, 22, 9), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


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
        Paragraph(escape(
            f"Booked: {register.booked}. Present: {register.present}. Walk-ins: {register.walk_ins}. "
            f"No-shows: {register.no_shows}."
        ), styles["Normal"]),
        Spacer(1, 4 * mm),
    ]
    data = [["Name", "Email", "Organisation", "Booking", "Present", "No-show", "Signature"]]
    for line in register.lines:
        present = f"Yes, {line.checked_in_at:%H:%M}" if line.present else "No"
        data.append([
            text(line.name), text(line.email), text(line.organisation), text(line.booking_status),
            text(present), text(_yes_no(line.no_show)), "",
        ])
    data += [[""] * 7 for _ in range(blank_rows)]
    table = Table(data, colWidths=[130, 150, 130, 75, 70, 45, 170], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, HexColor("#6c757d")),
        ("BACKGROUND", (0, 0), (-1, 0), HexColor("#e9ecef")),
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("FONTSIZE", (0, 0), (-1, 0), 9),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 1), (-1, -1), 7),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 7),
    ]))
    story.append(table)

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(doc.leftMargin, 10 * mm, f"{session.course.title}, {starts:%-d %B %Y}")
        canvas.drawRightString(doc.pagesize[0] - doc.rightMargin, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
        bottomMargin=16 * mm, title=title, author="Prevent team",
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
