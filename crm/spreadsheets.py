"""Spreadsheets read in (CSV or XLSX): the one reader every upload and import uses.

What a file from a council laptop needs, in one place: Excel's encodings (UTF-8 with or without
a byte-order mark, "Unicode Text" UTF-16, and Windows-1252, which is what *Get Information about
Schools* and Excel's plain "CSV" on Windows write), the delimiter Excel chose, a size limit, and a
workbook that unpacks to far more than it weighs (a zip bomb) refused before openpyxl opens it.
Every cell comes out as clean one-line text (``crm.text.clean_text``).

Nothing here knows what the columns mean: the paper register (events), the organisations and
GIAS imports (``crm.imports``) check their own rows and name each problem by row and column.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping

from django.template.defaultfilters import filesizeformat

from .text import clean_text

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # a small workbook that unpacks to more than this is not a list
MAX_COLUMNS = 50
EXTENSIONS = ("csv", "xlsx")

# The messages a reader gives about a whole file; callers may pass their own wording (same placeholders).
FILE_MESSAGES = {
    "file_type": "The file must be a CSV file or an Excel workbook (.xlsx); {name} is neither. "
    'In Excel, use File > Save As and choose "CSV UTF-8" or "Excel Workbook".',
    "file_too_big": "The file is {size}; the most it can be is {limit}. Remove other sheets and pictures, "
    "or save it as CSV.",
    "file_unreadable": "{name} could not be read as {kind}. Open it in Excel and save it again "
    'as "CSV UTF-8" or "Excel Workbook" (.xlsx).',
}


class SpreadsheetInvalid(Exception):
    """The file cannot be used; ``problems`` says why, each naming its row and column where it has one."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def heading_key(value) -> str:
    """A heading as people write it, made comparable: lower case, no punctuation, no "(yes/no)"."""
    text = re.sub(r"\(.*?\)", " ", cell_text(value).lower())
    text = re.sub(r"[_\-]+", " ", text)
    text = re.sub(r"[^\w\s]", "", text)
    return " ".join(text.split())


def cell_text(value) -> str:
    """One cell as one-line text: numbers as typed (``100321.0`` is ``100321``), no controls, trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(str(value).replace("\xa0", " ")).strip()


def shown(value: str, limit: int = 60) -> str:
    """A value quoted back in a message, cut short if long."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _message(messages: Mapping[str, str], code: str, **params) -> str:
    return (messages.get(code) or FILE_MESSAGES[code]).format(**params)


def _csv_cells(data: bytes, name: str, messages: Mapping[str, str]) -> Iterator[list]:
    unreadable = SpreadsheetInvalid([_message(messages, "file_unreadable", name=name, kind="a CSV file")])
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")  # Excel's "Unicode Text"
    elif b"\x00" in data:
        raise unreadable
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Windows-1252: GIAS downloads and Excel's plain "CSV" on Windows. Text in it is almost
            # never valid UTF-8 (a ’ is the lone byte 0x92), so trying UTF-8 first cannot misread it.
            text = data.decode("cp1252", errors="replace")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first_line.count) if first_line else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error:
        raise unreadable from None


def _xlsx_cells(
    data: bytes, name: str, messages: Mapping[str, str], max_bytes: int, max_columns: int
) -> Iterator[Iterable]:
    from openpyxl import load_workbook

    unreadable = SpreadsheetInvalid([_message(messages, "file_unreadable", name=name, kind="an Excel workbook")])
    if not data.startswith(b"PK"):
        raise unreadable
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise unreadable from None
    if unzipped > MAX_UNZIPPED_BYTES:
        size = f"{filesizeformat(unzipped)} once unpacked"
        raise SpreadsheetInvalid([_message(messages, "file_too_big", size=size, limit=filesizeformat(max_bytes))])
    # openpyxl raises many kinds of error on a damaged or disguised file; all mean "cannot read it".
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise unreadable from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some programs write a wrong size; read every row instead
        yield from sheet.iter_rows(values_only=True, max_col=max_columns)
    except Exception:
        raise unreadable from None
    finally:
        workbook.close()


def spreadsheet_rows(
    upload,
    *,
    messages: Mapping[str, str] | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
    max_columns: int = MAX_COLUMNS,
    extensions: Iterable[str] = EXTENSIONS,
) -> Iterator[tuple[int, list[str]]]:
    """Each row of the file's first sheet as ``(row number, [cell text, ...])``, numbered as Excel shows them.

    ``upload`` is an uploaded file or any object with ``name``, ``size`` and ``read()``. Raises
    ``SpreadsheetInvalid`` (when the first row is asked for) for a file of another type, too big,
    or unreadable; ``messages`` may reword those (keys of ``FILE_MESSAGES``).
    """
    messages = messages or {}
    name = getattr(upload, "name", "") or "The file"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in tuple(extensions):
        raise SpreadsheetInvalid([_message(messages, "file_type", name=name)])
    if upload.size > max_bytes:
        size, limit = filesizeformat(upload.size), filesizeformat(max_bytes)
        raise SpreadsheetInvalid([_message(messages, "file_too_big", size=size, limit=limit)])
    data = upload.read()
    cells = (
        _csv_cells(data, name, messages)
        if extension == "csv"
        else _xlsx_cells(data, name, messages, max_bytes, max_columns)
    )
    return ((number, [cell_text(value) for value in row]) for number, row in enumerate(cells, start=1))


HEADING_SEARCH_ROWS = 10  # a title or a date above the headings is fine; row numbers stay the spreadsheet's


def find_headings(
    numbered: Iterable[tuple[int, list[str]]],
    *,
    column_names: Mapping[str, Iterable[str]],
    required: Iterable[str],
    messages: Mapping[str, str],
) -> tuple[dict[str, int], dict[str, str]]:
    """The row holding the headings: where each known column is, and how the file spells its heading.

    ``column_names`` maps each column to the ``heading_key`` spellings it answers to. The first of the
    top ``HEADING_SEARCH_ROWS`` rows that holds every ``required`` column is the heading row.
    ``messages`` words the refusals (``SpreadsheetInvalid``): ``duplicate_heading`` ({row}, {column}),
    ``empty``, and ``no_headings`` ({row}, {missing}).
    """
    required = list(required)
    first_row, first_found = None, {}
    for number, cells in numbered:
        if number > HEADING_SEARCH_ROWS:
            break
        if not any(cells):
            continue
        found, spelt = {}, {}
        for index, value in enumerate(cells):
            column = next((key for key, names in column_names.items() if heading_key(value) in names), None)
            if column is None:
                continue
            if column in found:
                raise SpreadsheetInvalid([messages["duplicate_heading"].format(row=number, column=value)])
            found[column], spelt[column] = index, value
        if all(column in found for column in required):
            return found, spelt
        if first_row is None:
            first_row, first_found = number, found
    if first_row is None:
        raise SpreadsheetInvalid([messages["empty"]])
    missing = ", ".join(column for column in required if column not in first_found)
    raise SpreadsheetInvalid([messages["no_headings"].format(row=first_row, missing=missing)])
