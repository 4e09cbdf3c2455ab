from django.core.management.base import BaseCommand

from crm.governance.registers_services import risk_review_reminders_send


class Command(BaseCommand):
    help = (
        "Email the Prevent team once about programme risks not reviewed for more than a quarter "
        "(run daily from cron; a risk already reminded is not reminded again until it is reviewed)."
    )

    def handle(self, *args, **options):
        result = risk_review_reminders_send()
        self.stdout.write(f"{result.risks} risk(s) newly overdue for review; {result.emails} email(s) queued.")
