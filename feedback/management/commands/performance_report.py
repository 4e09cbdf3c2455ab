"""``manage.py performance_report --year 2018 [--format json|csv] [--output FILE]``: the year's figures.

The figures of ``feedback.reports.performance_report`` for the financial year starting 1 April
``--year``: as JSON (the default), or as CSV rows of section, measure and value. Standard output
unless ``--output`` names a file. The quarterly return is ``manage.py quarterly_return``.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from feedback.reports import performance_report, report_csv

from ._reporting import YEAR_HELP, financial_year, write


class Command(BaseCommand):
    help = "The financial year's performance report (training, outreach, feedback) as JSON or CSV."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=financial_year, required=True, help=YEAR_HELP)
        parser.add_argument("--format", choices=("json", "csv"), default="json", help="json (the default) or csv")
        parser.add_argument("--output", help="write to this file instead of standard output")

    def handle(self, *args, year, format, output=None, **options):
        report = performance_report(year=year)
        if format == "csv":
            content = report_csv(report)
        else:
            content = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
        write(self, content, output)
