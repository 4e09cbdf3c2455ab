"""python manage.py import_outreach FILE --officer EMAIL [--dry-run]"""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from crm.models import User
from crm.outreach.imports import outreach_import
from crm.outreach.services import OutreachError
from crm.spreadsheets import SpreadsheetInvalid


class Command(BaseCommand):
    help = (
        "Import outreach visits from a CSV or XLSX file (columns: date, ward, type, organisation, people_engaged, "
        "notes). Every row is checked first; any problem and nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--officer",
            required=True,
            help="The email of the outreach officer (or team member) the visits are logged by.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file and say what would be imported.")

    def handle(self, *args, file, officer, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        user = User.objects.filter(email__iexact=officer).first()
        if user is None:
            raise CommandError(f"No account has the email {officer}.")
        upload = SimpleUploadedFile(path.name, path.read_bytes())
        try:
            result = outreach_import(upload=upload, officer=user, dry_run=dry_run)
        except SpreadsheetInvalid as invalid:
            for problem in invalid.problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(invalid.problems)} problem(s) in {path.name}: nothing was imported.") from None
        except OutreachError as error:
            raise CommandError(error.message) from None
        if dry_run:
            for row in result.rows:
                where = row.organisation or row.ward
                self.stdout.write(
                    f"Row {row.row}: {row.visited_at:%d/%m/%Y}, {where}, {row.contact_type}, {row.people_engaged} people"
                )
            self.stdout.write(
                f"Dry run: {result.created} visit(s) would be imported, {result.already} already were. Nothing was saved."
            )
        else:
            self.stdout.write(f"Imported {result.created} visit(s); {result.already} were already imported.")
