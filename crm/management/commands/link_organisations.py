"""Link typed organisation names that are exactly an organisation's name: ``manage.py link_organisations [--dry-run]``."""

from django.core.management.base import BaseCommand

from crm.organisations import exact_matches_link
from crm.selectors import counts_phrase


class Command(BaseCommand):
    help = (
        "Link every account and attendance whose typed organisation name is exactly (ignoring case, spaces and "
        "punctuation) the name of one organisation in the register. Names two organisations share are left for "
        "the team's matching screen (CRM → Match names)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be linked; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        results = exact_matches_link(by=None, dry_run=dry_run)
        verb = "Would link" if dry_run else "Linked"
        for result in results:
            self.stdout.write(f"{verb} “{result.name}” → {result.organisation}: {counts_phrase(result.counts)}")
        totals: dict[str, int] = {}
        for result in results:
            for label, count in result.counts.items():
                totals[label] = totals.get(label, 0) + count
        names = "1 typed name" if len(results) == 1 else f"{len(results)} typed names"
        self.stdout.write(self.style.SUCCESS(f"{verb} {names}: {counts_phrase(totals)}."))
