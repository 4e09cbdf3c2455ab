"""``manage.py quarterly_return --year 2018 --format xlsx|csv [--publishable] [--output FILE]``.

The performance report's figures per quarter (Q1 April–June ... Q4 January–March) and for the
year, for the team's returns to the Home Office: XLSX with a sheet a quarter and one for the year
(``--output`` needed), or CSV rows of quarter, section, measure and value. ``--publishable``:
small numbers suppressed as in the compliance summary, with the note saying so.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from crm.exports import CSV, XLSX
from feedback.reports import quarterly_csv, quarterly_return, quarterly_xlsx

from ._reporting import YEAR_HELP, financial_year, write

XLSX_NEEDS_FILE = "An XLSX workbook is written to a file: give --output, e.g. --output return-2018.xlsx."


class Command(BaseCommand):
    help = "The quarterly return: the performance figures per quarter of a financial year, as XLSX or CSV."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=financial_year, required=True, help=YEAR_HELP)
        parser.add_argument("--format", choices=(XLSX, CSV), default=XLSX, help="xlsx (the default) or csv")
        parser.add_argument("--publishable", action="store_true", help="suppress small numbers, for publishing")
        parser.add_argument("--output", help="write to this file (needed for xlsx) instead of standard output")

    def handle(self, *args, year, format, publishable=False, output=None, **options):
        if format == XLSX and not output:
            raise CommandError(XLSX_NEEDS_FILE)
        figures = quarterly_return(year=year, publishable=publishable)
        write(self, quarterly_xlsx(figures) if format == XLSX else quarterly_csv(figures), output)
