"""The room's check-in screen and the typed-code page in Debian's chromium on a 360 x 800 phone: axe, no sideways
scrolling, and the screen's script fetching the next code (issue 10 item 2)."""

import re

import pytest
from django.urls import reverse

from crm import roles
from events import checkin_codes
from events.models import Attendance, CheckInMode, TrainingSession
from tests.browser.helpers import session_starting, sign_in
from tests.conftest import axe_violations, page_overflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def problems_on(page) -> list[str]:
    found = axe_violations(page)
    if page_overflows(page):
        found.append("scrolls sideways at 360px")
    return found


def test_the_screen_and_the_typed_code_on_a_phone(phone_page, wrap, make_user):
    page = phone_page
    trainer = make_user(roles.TRAINER)
    session = session_starting(wrap, minutes=10)
    session.trainers.add(trainer)
    TrainingSession.objects.filter(pk=session.pk).update(checkin_mode=CheckInMode.SCREEN)
    session.refresh_from_db()
    problems = {}

    sign_in(page, trainer)
    page.goto(reverse("events:session_screen", args=[session.pk]))
    page.get_by_role("heading", name="Scan to check in").wait_for()
    problems["screen"] = problems_on(page)
    first = page.locator("#screen-code").inner_text()
    assert checkin_codes.screen_code_valid(session, first)
    # The script fetches the next code when this one runs out (at most 25 seconds).
    page.wait_for_function(
        "first => document.getElementById('screen-code').textContent.trim() !== first",
        arg=first,
        timeout=(checkin_codes.WINDOW_SECONDS + 5) * 1000,
    )
    assert checkin_codes.screen_code_valid(session, page.locator("#screen-code").inner_text())
    assert page.locator("#screen-qr svg").count() == 1

    page.context.clear_cookies()  # someone in the room, not signed in, whose camera cannot read the QR code
    page.goto(reverse("events:self_checkin", args=[session.checkin_token]))
    page.get_by_label("Code on the screen").wait_for()
    problems["code"] = problems_on(page)
    page.get_by_label("Code on the screen").fill("zzzzzz")
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("That is not the code on the screen now").wait_for()
    problems["wrong code"] = problems_on(page)

    page.get_by_label("Code on the screen").fill(checkin_codes.screen_code(session).code.lower())
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Full name").fill("Robin Okafor")
    page.get_by_label("Work email").fill("robin.okafor@youthclub.example.org")
    page.locator("#id_organisation_name").fill("Shepherd's Bush Youth Club")
    page.get_by_label("Organisation type").select_option("community")
    page.get_by_label("Job role").fill("Youth worker")
    page.get_by_role("button", name="Check me in").click()
    page.get_by_role("heading", name=re.compile("You're checked in, Robin Okafor")).wait_for()
    problems["checked in"] = problems_on(page)
    assert Attendance.objects.get().self_declared

    sign_in(page, trainer)  # the desk shows the mark as self-declared, with Confirm beside Undo
    page.goto(reverse("events:desk", args=[session.pk]))
    page.get_by_text("self-declared", exact=True).wait_for()
    problems["desk"] = problems_on(page)
    page.get_by_role("button", name="Confirm present: Robin Okafor").click()
    page.get_by_text("Robin Okafor: confirmed present.").wait_for()
    assert not Attendance.objects.get().self_declared
    assert problems == {"screen": [], "code": [], "wrong code": [], "checked in": [], "desk": []}
