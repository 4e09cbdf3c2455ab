"""What ``performance_report`` and ``quarterly_return`` share: the year argument and writing the file."""

from __future__ import annotations

import argparse
from pathlib import Path

from django.core.management.base import CommandError

from crm.periods import FinancialYear

FIRST_YEAR = 2000
YEAR_HELP = "the financial year, by the year it starts: 2018 means 1 April 2018 to 31 March 2019"


def financial_year(text: str) -> int:
    """``--year``: a whole year from 2000 to next year, else a message saying what to give."""
    latest = FinancialYear.current().start_year + 1
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a year: give the year the financial year starts in, e.g. 2018 for 2018/19."
        ) from None
    if not FIRST_YEAR <= year <= latest:
        raise argparse.ArgumentTypeError(f"{year} is out of range: give a year from {FIRST_YEAR} to {latest}.")
    return year


def write(command, content: bytes | str, output: str | None) -> None:
    """To ``output`` if given, else to standard output (text only: a workbook needs a file)."""
    if output:
        try:
            path = Path(output)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Could not write {output}: {error.strerror}.") from None
        command.stderr.write(f"Written to {output}.")
        return
    if isinstance(content, bytes):
        content = content.decode("utf-8-sig")
    command.stdout.write(content, ending="" if content.endswith("\n") else "\n")
