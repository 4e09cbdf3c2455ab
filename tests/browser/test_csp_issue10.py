"""Issue 10 item 9: the desk (camera and polling), booking and self check-in work under the strict CSP.

Chromium is given a fake camera so the desk's scanner really opens a stream (the
Permissions-Policy must allow the camera for this site); every Content-Security-Policy
violation the pages raise is collected from ``securitypolicyviolation`` events and the console.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from crm import roles
from events.models import Attendance, Booking, TrainingSession
from events.services import booking_create
from tests.browser.helpers import sign_in
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, axe_violations
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def camera_phone(browser, live_server):
    """A phone with a (fake) camera it may use, that records every CSP violation it meets."""
    # Another chromium from the same Playwright, launched with a fake camera.
    chromium = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"],
    )
    context = chromium.new_context(viewport=PHONE, base_url=live_server.url, permissions=["camera"])
    context.set_default_timeout(10_000)
    context.add_init_script(LISTEN_FOR_VIOLATIONS)
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console",
        lambda message: page.console_errors.append(message.text) if message.type == "error" else None,
    )
    yield page
    context.close()
    chromium.close()


def strict_script_src(response) -> bool:
    """The response's CSP refuses inline script (no 'unsafe-inline' in script-src)."""
    policy = response.headers.get("content-security-policy", "")
    return "script-src" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]


def violations(page) -> list[str]:
    found = page.evaluate("() => window.__cspViolations")
    found += [text for text in page.console_errors if "Content Security Policy" in text]
    return found


def starting_soon(course):
    starts = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=10)
    return TrainingSession.objects.create(
        course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Fulham Library", capacity=10
    )


def test_the_desk_scans_with_the_camera_and_polls_under_the_csp(camera_phone, wrap):
    session = starting_soon(wrap)
    trainer = UserFactory(roles=[roles.TRAINER], first_name="Helen", last_name="Price")
    session.trainers.add(trainer)
    booking_create(session=session, user=UserFactory(first_name="Ada", last_name="Tester"))
    page = camera_phone

    sign_in(page, trainer)
    response = page.goto(reverse("events:desk", args=[session.pk]))
    assert strict_script_src(response)
    assert "camera=(self)" in response.headers["permissions-policy"]
    page.get_by_role("heading", name="Check-in desk").wait_for()

    # Polling: the desk fetches its state every few seconds.
    with page.expect_response(re.compile(r"/desk/\d+/state/|/state/")) as polled:
        pass
    assert polled.value.ok

    # The camera opens: getUserMedia is allowed and the video plays frames for jsQR.
    page.get_by_text("Scan tickets with this phone's camera").click()
    page.wait_for_function("() => document.getElementById('scanner-video').readyState >= 2")
    assert page.locator("#scanner-result").inner_text() == ""

    # Marking a person present posts through fetch and the list updates.
    page.get_by_role("button", name=re.compile("Mark present")).first.click()
    page.wait_for_function("() => document.querySelector('[data-count=\"present\"]').textContent.trim() === '1'")
    assert Attendance.objects.filter(session=session).count() == 1

    # axe reads colours as they are, not mid-way through the buttons' hover transition.
    page.mouse.move(0, 0)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.wait_for_timeout(500)
    assert axe_violations(page) == []
    assert violations(page) == []


def test_booking_under_the_csp(camera_phone, wrap, make_user):
    session = TrainingSession.objects.create(
        course=wrap,
        starts_at=timezone.now() + dt.timedelta(days=5),
        ends_at=timezone.now() + dt.timedelta(days=5, hours=2),
        venue="Hammersmith Town Hall",
        capacity=10,
    )
    learner = make_user(first_name="Robin", last_name="Okafor")
    page = camera_phone
    sign_in(page, learner)
    assert strict_script_src(page.goto(wrap.url))
    page.locator(f'[data-session="{session.pk}"]').get_by_role("link", name=re.compile(r"^Book\b")).click()
    page.get_by_role("button", name="Book my place").click()
    page.get_by_role("heading", name="My training", exact=True).wait_for()
    assert Booking.objects.filter(session=session, user=learner).exists()

    # The ticket's Print button is script from a static file now, not an onclick attribute.
    booking = Booking.objects.get(session=session, user=learner)
    assert strict_script_src(page.goto(reverse("events:ticket", args=[booking.ticket_token])))
    assert page.get_by_role("button", name="Print this ticket").is_visible()
    assert axe_violations(page) == []
    assert violations(page) == []


def test_self_check_in_under_the_csp(camera_phone, wrap):
    session = starting_soon(wrap)
    page = camera_phone
    assert strict_script_src(page.goto(reverse("events:self_checkin", args=[session.checkin_token])))
    page.get_by_role("heading", name=f"Check in to {wrap.title}").wait_for()
    page.get_by_label("Full name").fill("Robin Okafor")
    page.get_by_label("Work email").fill("robin.okafor@youthclub.example.org")
    page.locator("#id_organisation_name").fill("Shepherd's Bush Youth Club")
    page.get_by_label("Organisation type").select_option("community")
    page.get_by_label("Job role").fill("Youth worker")
    page.get_by_role("button", name="Check me in").click()
    page.get_by_role("heading", name=re.compile("checked in", re.IGNORECASE)).first.wait_for()
    assert Attendance.objects.filter(session=session).count() == 1
    assert axe_violations(page) == []
    assert violations(page) == []
