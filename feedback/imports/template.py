"""The empty legacy register to fill in: the columns' headings, through the one export helper."""

from crm.exports import CSV, XLSX, csv_bytes, xlsx_bytes

from .rows import COLUMNS

TEMPLATE_FILENAME = "legacy-register-template"


def registers_template(fmt: str) -> bytes:
    if fmt == XLSX:
        return xlsx_bytes(COLUMNS, [], sheet_title="Legacy register", column_widths=[14, 40, 12, 16, 16, 30, 30, 18])
    if fmt == CSV:
        return csv_bytes(COLUMNS, [])
    raise ValueError(f"Unknown format: {fmt}")
