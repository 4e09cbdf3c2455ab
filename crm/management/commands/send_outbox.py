import datetime as dt
import time

from django.core.management.base import BaseCommand

from crm.outbox import outbox_purge_sent, outbox_send_due

KEEP_SENT_DAYS = 30


class Command(BaseCommand):
    help = (
        "Send the outbox's due emails through the real mail server, retrying failures with backoff. "
        "One pass by default (run it every minute from cron or a systemd timer); "
        "--every N keeps running, a pass every N seconds (beside runserver). "
        f"Sent emails are deleted after {KEEP_SENT_DAYS} days."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, metavar="SECONDS", help="keep running, one pass every SECONDS")
        parser.add_argument("--loop", action="store_true", help="keep running, one pass every 10 seconds")

    def handle(self, *args, every=None, loop=False, **options):
        every = every or (10.0 if loop else None)
        try:
            while True:
                self.run_once(quiet=every is not None)
                if every is None:
                    return
                time.sleep(every)
        except KeyboardInterrupt:  # Ctrl-C on `make run` stops runserver and this together
            return

    def run_once(self, *, quiet: bool) -> None:
        counts = outbox_send_due()
        purged = outbox_purge_sent(older_than=dt.timedelta(days=KEEP_SENT_DAYS))
        if not quiet or counts["sent"] or counts["not_sent"]:
            self.stdout.write(
                f"Outbox: {counts['sent']} sent, {counts['not_sent']} not sent (retried later, or failed)."
            )
        if purged:
            self.stdout.write(f"Deleted {purged} sent emails older than {KEEP_SENT_DAYS} days.")
