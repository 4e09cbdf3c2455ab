"""Every page of the seeded demo, at 360 px, signed out and as each demo person: axe-core and no sideways scrolling.

The other browser tests build small data with factories; real data (the team's contact
details in the footer, long names, hundreds of attendances) breaks what they miss.
"""

import os
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from wagtail.documents import get_document_model

from crm import roles
from crm.models import User
from events.emails import cancel_link
from events.models import Booking, BookingStatus, TrainingSession
from portal.demo import DEMO_PEOPLE
from tests.browser.helpers import crawl, crawl_report
from tests.conftest import PHONE
from tests.pagetree import restore_home_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Wagtail's own admin markup, which this project cannot change, keyed by axe rule and the
# addresses (and elements) where it shows. Everything else must pass: our templates, our
# admin forms and reports, and Wagtail's screens wherever they show no violation today.
WAGTAIL_ALLOWED = {
    # Draftail, Wagtail's rich text editor: its contenteditable textbox is described by its
    # placeholder but not labelled by the field's <label>. Home page body; the team's privacy notice.
    "aria-input-field-name": [
        (r"^/admin/pages/\d+/edit/$", r"^div\[aria-describedby=\"placeholder-"),
        (r"^/admin/settings/portal/teamcontactsettings/\d+/$", r"^\.notranslate$"),
        # Meeting minutes (issue 13): the minutes' rich text, a snippet.
        (r"^/admin/snippets/crm/meetingminutes/(add|edit/\d+)/$", r"^\.notranslate$"),
    ],
    # The hidden file input behind the drop zone of Wagtail's multiple upload (images, documents).
    "label": [
        (r"^/admin/(images|documents)/multiple/add/$", r"^#fileupload$"),
        # The tags field of Wagtail's document form (its jQuery UI tag-it input). The demo's Faith Forum
        # papers (issue 14) are the first documents of the demo, so their edit screen is scanned.
        (r"^/admin/documents/edit/\d+/", r"\.ui-autocomplete-input$"),
    ],
    # wagtailusers/users/create.html: its "Roles" button has role="tab" outside the tab list.
    # Our override only adds fields (templates/wagtailusers/users/create.html).
    "aria-required-parent": [(r"^/admin/users/new/$", r"^\.w-w-fit$")],
    # wagtailadmin/shared/headers/_filters.html: with a filter applied, the "Show filters" toggle
    # shows the number of filters as its text. Reached from a group's "View users in this group"
    # now that the team admin manages groups (issue 10 item 13).
    "label-content-name-mismatch": [(r"^/admin/users/\?group=\d+$", r"\.w-slim-header-action-button$")],
}


def allowed(violation) -> bool:
    return any(
        re.search(url, violation.url) and re.search(selector, violation.selector)
        for url, selector in WAGTAIL_ALLOWED.get(violation.rule, ())
    )


@pytest.fixture
def demo(settings, tmp_path):
    """The demo exactly as `make seed` loads it (seed_demo), in the live server's database."""
    settings.MEDIA_ROOT = str(tmp_path)
    restore_home_page()
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)
    # The tests' storage keeps files in memory; Wagtail serves and checks a document at its file's path.
    for document in get_document_model().objects.all():
        path = Path(document.file.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(document.file.open("rb").read())


def start_paths(user: User | None) -> list[str]:
    """Where each person starts; signed out also the pages only an email or a QR code links to."""
    door = TrainingSession.objects.get(audience_note__startswith="Demo: check-in is open")
    if user is None:
        booking = Booking.objects.filter(session=door, status=BookingStatus.CONFIRMED).first()
        return [
            "/",
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password/reset/",
            "/certificates/verify/",
            f"/checkin/{door.checkin_token}/",
            f"/t/{booking.ticket_token}/",
            urlsplit(cancel_link(booking)).path,
        ]
    paths = ["/", "/my-training/", "/account/"]
    if roles.has_role(user, roles.TRAINER) or user.has_perm("wagtailadmin.access_admin"):
        paths += ["/teaching/"] + [f"/teaching/sessions/{door.pk}/{page}/" for page in ("desk", "poster", "register")]
    if roles.has_role(user, roles.OUTREACH_OFFICER):
        paths += ["/outreach/", "/outreach/new/"]
    if roles.has_role(user, roles.PAG_MEMBER):  # the PAG members' area (issue 13); the team previews it
        paths += ["/advisory-group/"]
    if roles.has_role(user, roles.FAITH_FORUM_MEMBER):  # the Faith Forum's members' area (issue 14); the team's too
        paths += ["/faith-forum/members/", "/faith-forum/members/directory/"]
    if user.has_perm("wagtailadmin.access_admin"):
        paths += ["/admin/"]
    if roles.has_role(user, roles.PREVENT_ADMIN):
        paths += ["/admin/reports/performance/"]  # Reports → Performance report: its menu item is drawn by script
        paths += ["/admin/reports/feedback-analytics/"]  # in the Reports menu, which the crawl cannot open
    return paths


def signed_in_phone(browser, origin, user):
    """A 360 px phone; signed in through the session cookie (the sign-in form has its own tests)."""
    context = browser.new_context(viewport=PHONE, base_url=origin)
    context.set_default_timeout(15_000)
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": origin}])
    return context


def test_every_page_of_the_seeded_demo_passes_axe_and_fits_a_phone(browser, live_server, demo):
    started = time.monotonic()
    people = [None] + [User.objects.get(email=row[0]) for row in DEMO_PEOPLE]
    crawls, admin_scanned = [], set()
    for user in people:
        context = signed_in_phone(browser, live_server.url, user)
        who = user.email if user else "signed out"
        # The admin's screens are the same for both roles that use it: each is scanned once.
        # The team's admin has one screen of each kind for every app (the Faith Forum's papers added documents).
        result = crawl(
            context.new_page(), live_server.url, start_paths(user), who=who, seen=admin_scanned, max_pages=220
        )
        admin_scanned |= {pattern for pattern in result.patterns if pattern.startswith("/admin/")}
        crawls.append(result)
        context.close()
    print(f"\nCrawled the demo in {time.monotonic() - started:.0f}s:")
    for result in crawls:
        print(f"  {result.who}: {len(result.pages)} pages in {result.seconds:.0f}s")

    # The crawl really saw each person's own pages (a failed sign-in would leave only public ones).
    for user, result in zip(people, crawls, strict=True):
        if user is not None:
            assert "/my-training/" in result.pages, result.who
        if user is not None and user.has_perm("wagtailadmin.access_admin"):
            assert "/admin/" in result.pages, result.who
    trainer = crawls[[row[0] for row in DEMO_PEOPLE].index("trainer@demo.example") + 1]
    assert any(path.endswith("/desk/") for path in trainer.pages), "the trainer's desk was not scanned"
    assert any(path.startswith("/my-training/certificates/") for result in crawls for path in result.pages)
    officer = crawls[[row[0] for row in DEMO_PEOPLE].index("outreach.officer@demo.example") + 1]
    assert {"/outreach/", "/outreach/new/"} <= set(officer.pages), "the officer's outreach pages were not scanned"

    # An allow-list entry nothing matched any more (a Wagtail upgrade fixed it) should go.
    violations = [violation for result in crawls for violation in result.violations]
    for rule, entries in WAGTAIL_ALLOWED.items():
        for url, selector in entries:
            if not any(
                v.rule == rule and re.search(url, v.url) and re.search(selector, v.selector) for v in violations
            ):
                print(f"  allow-list entry no longer needed: {rule} at {url} ({selector})")

    problems = crawl_report(crawls, allowed)
    assert not problems, "\n".join(problems)
