from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from crm import demo as crm_demo
from crm.governance import demo as governance_demo
from crm.governance import registers_demo
from crm.organisations import exact_matches_link
from crm.outreach import demo as outreach_demo
from crm.roles import sync_roles
from events import demo as events_demo
from faith_forum import demo as faith_forum_demo
from feedback import demo as feedback_demo
from portal import demo as portal_demo


class Command(BaseCommand):
    help = "Load demo data: wards, organisations, people for every role, pages. Safe to run more than once."

    def handle(self, *args, **options):
        sync_roles()
        counts = {}
        # Demo people are not real: the bookings made here email nobody.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            counts.update(crm_demo.seed())
            counts.update(portal_demo.seed())
            counts.update(outreach_demo.seed())  # logged by the demo outreach officer, made just above
            crm_demo.contacts_link_accounts()  # a contact who has a demo account (the school DSL)
            counts.update(governance_demo.seed())  # PAG, PSG and a board: the team's and the PAG member's
            counts.update(events_demo.seed())
            counts.update(events_demo.seed_requirements())
            counts.update(feedback_demo.seed())  # answers from people marked present at the sessions above
            counts.update(registers_demo.seed())  # the steering group's registers, reviewed by the demo team admin
            # As at go-live: typed organisation names that are exactly an organisation's are linked
            # (manage.py link_organisations); near misses are left for CRM → Match names.
            counts["typed names linked"] = len(exact_matches_link(by=None))
            counts.update(portal_demo.seed_unmatched_names())
            # The Faith Forum: its pages, member organisations and a year of forum events (after training, whose
            # course list and people it uses; its events count in no training figure).
            counts.update(faith_forum_demo.seed())
        self.stdout.write(self.style.SUCCESS("Demo data loaded: " + ", ".join(f"{v} {k}" for k, v in counts.items())))
        self.stdout.write(f"\nDemo sign-ins (password for all: {portal_demo.DEMO_PASSWORD})")
        for email, _first, _last, _org, _type, _job, role_list in portal_demo.DEMO_PEOPLE:
            self.stdout.write(f"  {', '.join(role_list):<22} {email}")
        self.stdout.write(
            "\nThe team admin, outreach officer and trainer also enter a code from an authenticator app"
            f"\n(two-factor authentication). Add the setup key {portal_demo.DEMO_TOTP_SECRET} to one, or run"
            "\n`.venv/bin/python manage.py demo_code` for the code it shows now."
        )
        self.stdout.write("\nPortal: http://127.0.0.1:8000/   Team admin: http://127.0.0.1:8000/admin/")
