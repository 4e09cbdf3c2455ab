from django.core.management.base import BaseCommand

from events.services import invitations_expire, reminders_send


class Command(BaseCommand):
    help = (
        "Email everyone booked on a session starting in the next two days, and end colleague invitations "
        "whose time is up (their held places go back). Sends each reminder once: run it every few minutes."
    )

    def handle(self, *args, **options):
        expired = invitations_expire()
        sent = reminders_send()
        self.stdout.write(f"Sent {sent} reminder{'s' if sent != 1 else ''}.")
        if expired:
            self.stdout.write(
                f"Ended {expired} colleague invitation{'s' if expired != 1 else ''} not answered in time."
            )
