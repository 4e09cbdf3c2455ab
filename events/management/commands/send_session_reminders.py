from django.core.management.base import BaseCommand

from events.services import reminders_send


class Command(BaseCommand):
    help = "Email everyone booked on a session starting in the next two days. Sends each reminder once: run it every few minutes."

    def handle(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(f"Sent {sent} reminder{'s' if sent != 1 else ''}.")
