from django.core.management.base import BaseCommand

from crm.governance.services import actions_weekly_send


class Command(BaseCommand):
    help = (
        "Email each owner of open meeting actions (a person, or an organisation's representatives on the group) "
        "the list of their open actions, overdue ones first: once a week per person (Monday to Sunday). "
        "Safe to run as often as you like: run it daily from cron."
    )

    def handle(self, *args, **options):
        sent = actions_weekly_send()
        self.stdout.write(f"Sent {sent} weekly action email{'s' if sent != 1 else ''}.")
