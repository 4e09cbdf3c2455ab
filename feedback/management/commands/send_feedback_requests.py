from django.core.management.base import BaseCommand

from feedback.services import EMAIL_WITHIN_DAYS, feedback_requests_send


class Command(BaseCommand):
    help = (
        "Email each person marked present at a session that has ended a link to its feedback form: once each, "
        f"for sessions that ended in the last {EMAIL_WITHIN_DAYS} days, never to unconfirmed self-declared marks "
        "or people who have already answered. Safe to run as often as you like: run it every hour."
    )

    def handle(self, *args, **options):
        sent = feedback_requests_send()
        self.stdout.write(f"Sent {sent} feedback request{'s' if sent != 1 else ''}.")
