import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand

from portal.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the code the demo staff's authenticator app shows now (the demo secret only: real accounts have their own)."

    def handle(self, *args, **options):
        now = int(time.time())
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, now // 30))
        self.stdout.write(f"{code}  (the demo staff's code for the next {30 - now % 30} seconds)")
