"""Flag Faith Forum memberships with no forum attendance for 12 months as lapsed (and un-flag those with one).

Run once a day from cron; safe to run twice (a second run the same day changes nothing and emails nobody).
"""

import datetime as dt

from django.core.management.base import BaseCommand

from faith_forum.services import memberships_lapse


class Command(BaseCommand):
    help = "Flag forum memberships with no attendance at a forum event in 12 months as lapsed; email the team."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=dt.date.fromisoformat, help="Run as of this date (YYYY-MM-DD).")

    def handle(self, *args, today=None, **options):
        run = memberships_lapse(today=today)
        self.stdout.write(f"{len(run.lapsed)} lapsed, {len(run.reactivated)} active again.")
