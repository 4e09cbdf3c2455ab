"""Every CSV and XLSX the product writes goes through here: one place for the rules a spreadsheet needs.

- Formula escaping: text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
  gets an apostrophe in front, in CSV and XLSX alike, so a name typed at the door cannot run
  as a formula when the file is opened (CSV injection). XLSX text cells are always text.
- Values: times in London time (``settings.TIME_ZONE``) to the minute, with no time zone
  attached (openpyxl cannot store one); dates as dates; booleans as Yes/No; choices as
  their labels; related objects as their ``str()``; nothing as an empty cell.
- Audit: a download of a list that names people is written to Wagtail's audit log
  (Reports → Site history) by ``export_audit``, with who, what, which filters and how many rows.

The writers are ``csv_bytes``/``csv_lines`` and ``xlsx_bytes``. Admin listings get all of it
from ``SpreadsheetExportMixin`` (Wagtail's own export mixin, with these rules): every
``ModelViewSet`` of the product is an ``ExportModelViewSet``, and ``ReportView`` subclasses
mix it in. Each declares ``export_names_people``.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from functools import cache
from itertools import chain
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.admin.utils import label_for_field
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, SuspiciousOperation
from django.db import models
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.encoding import force_str
from django.utils.text import capfirst
from wagtail.admin.views import generic
from wagtail.admin.views.mixins import SpreadsheetExportMixin as WagtailSpreadsheetExportMixin
from wagtail.admin.viewsets.model import ModelViewSet

from .audit import audit_log

if TYPE_CHECKING:
    from crm.models import User

__all__ = [
    "CSV",
    "XLSX",
    "CONTENT_TYPES",
    "EXPORT_ACTION",
    "EXPORT_ACTION_LABEL",
    "EXPORT_ACTION_MESSAGE",
    "escape_formula",
    "cell",
    "field_value",
    "field_heading",
    "csv_lines",
    "csv_bytes",
    "xlsx_bytes",
    "spreadsheet_response",
    "export_audit",
    "forward_relations",
    "SpreadsheetExportMixin",
    "ExportIndexView",
    "ExportModelViewSet",
]

CSV, XLSX = "csv", "xlsx"
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# The one audit-log action for downloads that name people. Its name dates from when only
# training lists were exported; it stays, so that earlier entries keep their label.
EXPORT_ACTION = "events.export"
EXPORT_ACTION_LABEL = "Export personal data"
EXPORT_ACTION_MESSAGE = "Downloaded a list with names"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATETIME_CSV = "%Y-%m-%d %H:%M"
DATETIME_XLSX = "yyyy-mm-dd hh:mm"
DATE_XLSX = "yyyy-mm-dd"
# Characters an XLSX file cannot hold (openpyxl refuses them): dropped rather than failing the download.
XLSX_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
SHEET_TITLE_ILLEGAL = re.compile(r"[\[\]:*?/\\]")


@cache
def _london() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


# --- Cells ------------------------------------------------------------------------------------


def escape_formula(text: str) -> str:
    """Text that a spreadsheet would read as a formula, with Excel's own escape (an apostrophe) in front."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(value: Any) -> str | int | float | Decimal | dt.date | dt.datetime | dt.time:
    """One value as it goes into a spreadsheet cell: text (escaped), a number, a date or a London time.

    Applying it twice changes nothing, so values already prepared pass through unharmed.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_london())
        return value.replace(second=0, microsecond=0, tzinfo=None)
    if isinstance(value, dt.time):
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, (dt.date, int, float, Decimal)):
        return value
    if isinstance(value, models.Manager):
        value = ", ".join(str(item) for item in value.all())
    elif isinstance(value, (list, tuple, set, frozenset)):
        value = ", ".join(str(item) for item in value)
    return escape_formula(str(value))


def field_value(item: Any, lookup: str) -> Any:
    """The value at ``lookup`` ("user__email" or "user.email") from a model instance or a dict.

    A field with choices gives its label (``get_FOO_display``); a method is called; a missing
    related object gives ``None``. Pass the result through ``cell`` (the writers do).
    """
    value = item
    for bit in lookup.replace("__", ".").split("."):
        if value is None:
            return None
        if isinstance(value, Mapping):
            value = value.get(bit)
            continue
        if isinstance(value, models.Model):
            try:
                field = value._meta.get_field(bit)
            except FieldDoesNotExist:
                field = None
            if field is not None and not field.is_relation and field.choices:
                value = getattr(value, f"get_{field.name}_display")()
                continue
        try:
            value = getattr(value, bit)
        except ObjectDoesNotExist:  # e.g. a booking without an attendance
            return None
        if callable(value) and not isinstance(value, models.Manager):
            if getattr(value, "alters_data", False):
                raise SuspiciousOperation(f"Exports do not call {lookup!r}: it changes data")
            value = value()
    return value


def field_heading(model: type[models.Model] | None, lookup: str) -> str:
    """The heading for ``lookup`` on ``model``: the last field's verbose name, following relations."""
    *path, last = lookup.replace("__", ".").split(".")
    try:
        for bit in path:
            model = model._meta.get_field(bit).related_model
        return capfirst(force_str(label_for_field(last, model)))
    except (AttributeError, FieldDoesNotExist):
        return capfirst(last.replace("_", " "))


# --- Writers ----------------------------------------------------------------------------------


def _csv_text(value: Any) -> Any:
    value = cell(value)
    if isinstance(value, dt.datetime):
        return f"{value:{DATETIME_CSV}}"
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return value


def csv_lines(headings: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """UTF-8 CSV, line by line, after a byte-order mark so that Excel shows accented names correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield codecs.BOM_UTF8
    for row in chain([headings], rows):
        writer.writerow([_csv_text(value) for value in row])
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate(0)


def csv_bytes(headings: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """The whole CSV file (see ``csv_lines``)."""
    return b"".join(csv_lines(headings, rows))


def xlsx_bytes(
    headings: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str = "Sheet1",
    column_widths: Sequence[int] = (),
    more_sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]] = (),
) -> bytes:
    """An Excel workbook: headings in bold and frozen, text as text, dates and times as real dates.

    One sheet, or more: ``more_sheets`` are further ``(title, headings, rows)`` after the first,
    written by the same rules and with the same column widths (e.g. a quarterly return, a sheet a quarter).
    """
    from openpyxl import Workbook

    workbook = Workbook()
    _xlsx_sheet(workbook.active, sheet_title, headings, rows, column_widths)
    for title, more_headings, more_rows in more_sheets:
        _xlsx_sheet(workbook.create_sheet(), title, more_headings, more_rows, column_widths)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_sheet(sheet, title: str, headings: Sequence[str], rows: Iterable[Sequence[Any]], column_widths) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.title = SHEET_TITLE_ILLEGAL.sub(" ", str(title).replace("/", "-"))[:31].strip() or "Sheet1"
    for number, row in enumerate(chain([headings], rows), start=1):
        for column, raw in enumerate(row, start=1):
            value = cell(raw)
            if isinstance(value, str):
                value = XLSX_ILLEGAL.sub("", value)
            xl_cell = sheet.cell(row=number, column=column, value=value)
            if isinstance(value, str):
                xl_cell.data_type = "s"  # text stays text: openpyxl would store "=..." as a formula
            elif isinstance(value, dt.datetime):
                xl_cell.number_format = DATETIME_XLSX
            elif isinstance(value, dt.date):
                xl_cell.number_format = DATE_XLSX
            if number == 1:
                xl_cell.font = Font(bold=True)
    for column, width in enumerate(column_widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"


def spreadsheet_response(content: bytes | Iterable[bytes], *, fmt: str, filename: str) -> HttpResponse:
    """A download: streamed when given lines, never kept by a shared cache (the lists name people)."""
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    else:
        response = StreamingHttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Audit ------------------------------------------------------------------------------------


def export_audit(
    user: User,
    *,
    what: str,
    fmt: str,
    rows: int,
    filters: str = "",
    about: models.Model | None = None,
):
    """Record a download that names people in the audit log (Reports → Site history).

    ``about`` is the one object the list belongs to (a session's register, a requirement's
    compliance list); a whole admin listing belongs to no one object, so its entry is kept
    on the person who downloaded it and titled with the list's name and size.
    """
    data = {"what": what, "format": fmt, "filters": filters, "rows": rows}
    if about is not None:
        return audit_log(EXPORT_ACTION, instance=about, user=user, data=data)
    title = f"{capfirst(what)}: {rows} row{'' if rows == 1 else 's'} ({fmt.upper()})"
    return audit_log(EXPORT_ACTION, instance=user, user=user, data=data, title=title)


# --- Wagtail admin listings -------------------------------------------------------------------


class SpreadsheetExportMixin(WagtailSpreadsheetExportMixin):
    """Wagtail's CSV/XLSX export with this module's rules, for index views and ``ReportView`` subclasses.

    Columns in ``list_export`` may follow relations ("user__email"), headed by the field's
    verbose name. The rows are all worked out before the response starts, so a column that
    fails gives an error rather than a file cut short after its headings.
    """

    #: Does the list name people? Then every download is recorded by ``export_audit``.
    export_names_people = True
    #: The list's name in the audit log; the viewset's menu label (else the model's plural name) when blank.
    export_what = ""
    # Wagtail's would write times in UTC; ``cell`` does every value.
    custom_value_preprocess = {}
    #: How many rows the last export wrote (for the audit log).
    exported_rows: int | None = None

    def to_row_dict(self, item):
        return {field: field_value(item, field) for field in self.list_export}

    def preprocess_field_value(self, field, value, export_format):
        preprocess = self.custom_field_preprocess.get(field, {}).get(export_format)
        return cell(preprocess(value) if preprocess else value)

    def get_heading(self, queryset, field):
        heading = self.export_headings.get(field)
        if heading:
            return force_str(heading)
        return field_heading(getattr(queryset, "model", None) or getattr(self, "model", None), field)

    def export_table(self, queryset, export_format: str) -> tuple[list[str], list[list[Any]]]:
        """The headings and every row, each value prepared by ``preprocess_field_value``."""
        headings = [self.get_heading(queryset, field) for field in self.list_export]
        rows = [
            [
                self.preprocess_field_value(field, value, export_format)
                for field, value in self.to_row_dict(item).items()
            ]
            for item in queryset
        ]
        self.exported_rows = len(rows)
        return headings, rows

    def write_csv_response(self, queryset):
        headings, rows = self.export_table(queryset, self.FORMAT_CSV)
        return spreadsheet_response(csv_lines(headings, rows), fmt=CSV, filename=f"{self.get_filename()}.csv")

    def write_xlsx_response(self, queryset):
        headings, rows = self.export_table(queryset, self.FORMAT_XLSX)
        body = xlsx_bytes(headings, rows, sheet_title=self.get_export_what())
        return spreadsheet_response(body, fmt=XLSX, filename=f"{self.get_filename()}.xlsx")

    def get_export_what(self) -> str:
        if self.export_what:
            return force_str(self.export_what)
        model = getattr(self, "model", None)
        return force_str(capfirst(model._meta.verbose_name_plural) if model else self.get_filename())

    def get_export_about(self) -> models.Model | None:
        """The one object the list belongs to, if any (see ``export_audit``)."""
        return None

    def get_export_filters(self) -> str:
        params = self.request.GET.copy()
        params.pop("export", None)
        return params.urlencode()

    def as_spreadsheet(self, queryset, spreadsheet_format):
        response = super().as_spreadsheet(queryset, spreadsheet_format)
        if response is not None and self.export_names_people:
            export_audit(
                self.request.user,
                what=self.get_export_what(),
                fmt=spreadsheet_format,
                rows=self.exported_rows,
                filters=self.get_export_filters(),
                about=self.get_export_about(),
            )
        return response


def forward_relations(model: type[models.Model], lookups: Iterable[str]) -> list[str]:
    """The foreign keys the lookups pass through or end on ("user__email", "session"), for ``select_related``."""
    related = set()
    for lookup in lookups:
        current, path = model, []
        for bit in lookup.replace(".", "__").split("__"):
            try:
                field = current._meta.get_field(bit)
            except FieldDoesNotExist:
                break
            if not (field.many_to_one or field.one_to_one) or not field.concrete:
                break
            path.append(bit)
            related.add("__".join(path))
            current = field.related_model
    return sorted(related)


class ExportIndexView(SpreadsheetExportMixin, generic.IndexView):
    """A model listing whose CSV/XLSX follows this module's rules."""

    #: Relations a column's ``str()`` reads, beyond those ``list_export`` names (e.g. a session's course).
    export_select_related = ()

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        if self.is_export:
            # One query for the rows and what they name, not one more per row.
            related = {*forward_relations(self.model, self.list_export), *self.export_select_related}
            queryset = queryset.select_related(*sorted(related))
        return queryset


class ExportModelViewSet(ModelViewSet):
    """The product's admin listings: exports go through ``ExportIndexView``; each says if its list names people."""

    index_view_class = ExportIndexView
    export_names_people = True
    export_what = ""
    export_select_related = ()

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            export_names_people=self.export_names_people,
            export_what=force_str(self.export_what or self.menu_label),
            export_select_related=self.export_select_related,
            **kwargs,
        )
