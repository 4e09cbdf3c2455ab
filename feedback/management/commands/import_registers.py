"""python manage.py import_registers FILE [--dry-run] [--by EMAIL]"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from crm.imports import ImportInvalid
from feedback.imports import COLUMNS, registers_import


class Command(BaseCommand):
    help = (
        "Import legacy registers (who attended which session) from a CSV or XLSX file with the columns "
        + ", ".join(COLUMNS)
        + " (headings in any order and case; email, political_group and cabinet optional). Every row is "
        "checked first: any bad row and nothing is saved. --dry-run says what would be imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the file to import")
        parser.add_argument("--dry-run", action="store_true", help="say what would be imported, and save nothing")
        parser.add_argument("--by", help="the email of the team member importing (recorded as who marked people)")

    def handle(self, *args, file, dry_run=False, by=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: there is no such file.")
        importer = None
        if by:
            importer = get_user_model().objects.filter(email__iexact=by).first()
            if importer is None:
                raise CommandError(f"No account has the email {by}.")
        with path.open("rb") as handle:
            try:
                plan = registers_import(upload=File(handle, name=path.name), by=importer, dry_run=dry_run)
            except ImportInvalid as invalid:
                raise CommandError(
                    "Nothing was imported. Fix these problems and run it again:\n"
                    + "\n".join(f"  {problem}" for problem in invalid.problems)
                ) from None
        for line in plan.lines():
            self.stdout.write(line)
