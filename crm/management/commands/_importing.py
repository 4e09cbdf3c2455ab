"""What ``import_schools`` and ``import_organisations`` share: open the file, run the service, print the plan."""

from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from crm.imports import ImportInvalid


class ImportCommand(BaseCommand):
    #: The import service: ``service(upload=..., dry_run=...) -> ImportPlan``.
    service = None

    def add_arguments(self, parser):
        parser.add_argument("file", help="the file to import")
        parser.add_argument("--dry-run", action="store_true", help="say what would change, and save nothing")

    def handle(self, *args, file, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: there is no such file.")
        with path.open("rb") as handle:
            try:
                plan = type(self).service(upload=File(handle, name=path.name), dry_run=dry_run)
            except ImportInvalid as invalid:
                raise CommandError(
                    "Nothing was imported. Fix these problems and run it again:\n"
                    + "\n".join(f"  {problem}" for problem in invalid.problems)
                ) from None
        for line in plan.lines():
            self.stdout.write(line)
