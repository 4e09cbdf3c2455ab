from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from crm.services import mfa_reset


class Command(BaseCommand):
    help = (
        "Remove a person's authenticator app and recovery codes when they have lost both, after checking who "
        "is asking. Their sessions end; staff set up a new app at their next sign-in. Audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The person's account email")
        parser.add_argument("--reason", required=True, help="Why, e.g. 'lost phone, confirmed with their manager'")

    def handle(self, *args, email, reason, **options):
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account has the email {email}.")
        try:
            removed = mfa_reset(user=user, by=None, reason=reason)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Removed {removed} authenticator record(s) for {user.email}; their sessions have ended.")
