import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from events.services import training_reminders_send


class Command(BaseCommand):
    help = (
        "Remind people of mandatory training they have not started, that is due for renewal or that has expired, "
        "and send the Prevent team its monthly summary. Sends each reminder once: run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Work out statuses as on this date (YYYY-MM-DD), e.g. to test or catch up.")

    def handle(self, *args, **options):
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError("Give --today as YYYY-MM-DD, e.g. 2026-11-25.") from error
        sent = training_reminders_send(today=today)
        people = sent["not_started"] + sent["renewal"] + sent["expired"]
        self.stdout.write(
            f"Sent {people} reminder{'s' if people != 1 else ''} (not started {sent['not_started']}, "
            f"due for renewal {sent['renewal']}, expired {sent['expired']}) "
            f"and {sent['team_summary']} team summar{'ies' if sent['team_summary'] != 1 else 'y'}."
        )
