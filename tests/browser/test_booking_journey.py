"""The booking journey in Debian's chromium on a 360 x 800 phone viewport: find, book, cancel, wait, get promoted."""

import datetime as dt
import re

import pytest
import vobject
from django.core import mail
from django.utils import timezone

from crm import roles
from events.models import Booking, BookingStatus, TrainingSession
from events.services import attendance_record, booking_create
from tests.browser.helpers import sign_in
from tests.conftest import axe_violations, page_overflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WRAP_TITLE = "Workshop to Raise Awareness of Prevent (WRAP)"


def make_session(course, *, days, capacity=10, **fields):
    """A session ``days`` from now at 10:00 London time (whole minutes, as a calendar stores them)."""
    day = timezone.localtime() + dt.timedelta(days=days)
    starts = day.replace(hour=10, minute=0, second=0, microsecond=0)
    fields.setdefault("venue", "Hammersmith Town Hall, Committee Room 1")
    return TrainingSession.objects.create(
        course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), capacity=capacity, **fields
    )


def book_from_course_page(page, course, session):
    page.goto(course.url)
    page.locator(f'[data-session="{session.pk}"]').get_by_role("link", name=re.compile(r"^Book\b")).click()
    page.get_by_role("button", name="Book my place").click()
    page.get_by_role("heading", name="My training", exact=True).wait_for()
    assert page.url.endswith("/my-training/")


def emails_to(user, subject_start):
    return [m for m in mail.outbox if m.to == [user.email] and m.subject.startswith(subject_start)]


def invitation(message):
    """The invite.ics attached to an email, parsed back with vobject."""
    attached = [a for a in message.attachments if a[0] == "invite.ics"]
    assert len(attached) == 1, [a[0] for a in message.attachments]
    content = attached[0][1]
    return vobject.readOne(content.decode() if isinstance(content, bytes) else content)


def test_find_book_cancel_and_rebook_on_a_phone(phone_page, wrap, make_user):
    page = phone_page
    person = make_user(roles.LEARNER)
    session = make_session(wrap, days=14)
    sign_in(page, person)

    # The header menu is collapsed on a phone: open it, then follow Training to the course.
    page.goto("/")
    training = page.get_by_role("navigation", name="Main").get_by_role("link", name="Training", exact=True)
    assert not training.is_visible()
    page.get_by_role("button", name="Show menu").click()
    training.click()
    page.get_by_role("heading", name="Training", exact=True).wait_for()
    page.get_by_role("link", name=WRAP_TITLE).click()
    page.get_by_role("heading", name=WRAP_TITLE, level=1).wait_for()
    card = page.locator(f'[data-session="{session.pk}"]')
    assert "10 places left" in card.inner_text()

    card.get_by_role("link", name=re.compile(r"^Book\b")).click()
    page.get_by_role("heading", name=f"Book {WRAP_TITLE}").wait_for()
    page.get_by_role("button", name="Book my place").click()
    page.get_by_role("heading", name="My training", exact=True).wait_for()
    assert page.url.endswith("/my-training/")
    assert "Your place is booked" in page.locator(".messages").inner_text()
    booking = Booking.objects.get(user=person, session=session)
    assert booking.status == BookingStatus.CONFIRMED
    row = page.locator(f'[data-booking="{booking.pk}"]')
    assert WRAP_TITLE in row.inner_text() and "Booked" in row.locator(".booking-status").inner_text()
    assert timezone.localtime(session.starts_at).strftime("%-d %B %Y") in row.inner_text()
    assert not page_overflows(page)

    # The confirmation carries an invitation a calendar program can read.
    confirmations = emails_to(person, "Your place is booked")
    assert len(confirmations) == 1, [(m.to, m.subject) for m in mail.outbox]
    cal = invitation(confirmations[0])
    assert cal.method.value == "REQUEST"
    assert cal.vevent.dtstart.value == session.starts_at
    assert cal.vevent.dtend.value == session.ends_at
    assert cal.vevent.summary.value == WRAP_TITLE

    # Cancel from My training: a page asks first; then the place is freed and the booking leaves the list.
    row.get_by_role("link", name=re.compile(r"^Cancel booking")).click()
    page.get_by_role("heading", name="Cancel this booking?").wait_for()
    assert axe_violations(page) == [] and not page_overflows(page)
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED
    page.get_by_role("button", name="Yes, cancel my booking").click()
    page.get_by_text("Your booking has been cancelled").wait_for()
    assert page.locator(f'[data-booking="{booking.pk}"]').count() == 0
    assert "You have no upcoming sessions." in page.get_by_role("main").inner_text()
    booking.refresh_from_db()
    session.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and session.places_taken == 0
    cancelled = emails_to(person, "Booking cancelled")
    assert len(cancelled) == 1 and invitation(cancelled[0]).method.value == "CANCEL"

    # The same session can be booked again.
    book_from_course_page(page, wrap, session)
    again = Booking.objects.get(user=person, session=session, status=BookingStatus.CONFIRMED)
    assert again.pk != booking.pk
    assert "Booked" in page.locator(f'[data-booking="{again.pk}"] .booking-status').inner_text()
    session.refresh_from_db()
    assert session.places_taken == 1
    assert len(emails_to(person, "Your place is booked")) == 2


def test_last_place_waiting_list_and_promotion(phone_page, new_phone, wrap, make_user):
    first, second, third = (make_user(roles.LEARNER) for _ in range(3))
    session = make_session(wrap, days=21, capacity=2)
    first_booking = booking_create(session=session, user=first)

    # The second person takes the last place in the browser.
    page_b = phone_page
    sign_in(page_b, second)
    page_b.goto(wrap.url)
    assert "1 place left" in page_b.locator(f'[data-session="{session.pk}"]').inner_text()
    book_from_course_page(page_b, wrap, session)
    assert Booking.objects.get(user=second).status == BookingStatus.CONFIRMED

    # The third finds the session full and joins the waiting list.
    page_c = new_phone()
    sign_in(page_c, third)
    page_c.goto(wrap.url)
    card = page_c.locator(f'[data-session="{session.pk}"]')
    assert "Full: waiting list open" in card.inner_text()
    assert card.get_by_role("link", name=re.compile(r"^Book\b")).count() == 0
    card.get_by_role("link", name=re.compile(r"^Join waiting list")).click()
    assert "This session is full" in page_c.locator(".places-left").inner_text()
    assert page_c.get_by_role("button", name="Book my place").count() == 0
    page_c.get_by_role("button", name="Join the waiting list").click()
    page_c.get_by_role("heading", name="My training", exact=True).wait_for()
    waiting = Booking.objects.get(user=third)
    assert waiting.status == BookingStatus.WAITING
    assert "Waiting list: number 1" in page_c.locator(f'[data-booking="{waiting.pk}"] .booking-status').inner_text()
    assert len(emails_to(third, "You are on the waiting list")) == 1
    session.refresh_from_db()
    assert session.places_taken == 2

    # The first person cancels in their own browser; the waiting place becomes a booking.
    page_a = new_phone()
    sign_in(page_a, first)
    page_a.goto("/my-training/")
    page_a.locator(f'[data-booking="{first_booking.pk}"]').get_by_role(
        "link", name=re.compile(r"^Cancel booking")
    ).click()
    page_a.get_by_role("button", name="Yes, cancel my booking").click()
    page_a.get_by_text("Your booking has been cancelled").wait_for()

    page_c.reload()
    status = page_c.locator(f'[data-booking="{waiting.pk}"] .booking-status').inner_text()
    assert "Booked" in status and "Waiting list" not in status
    waiting.refresh_from_db()
    session.refresh_from_db()
    assert waiting.status == BookingStatus.CONFIRMED and session.places_taken == 2
    promoted = emails_to(third, "A place has come up for you")
    assert len(promoted) == 1, [(m.to, m.subject) for m in mail.outbox]
    assert invitation(promoted[0]).vevent.dtstart.value == session.starts_at
    assert [m.to for m in mail.outbox if m.subject.startswith("A place has come up")] == [[third.email]]


def test_booking_pages_fit_a_phone_and_pass_axe(phone_page, wrap, make_user):
    page = phone_page
    assert wrap.url == "/training/wrap/"
    person = make_user(roles.LEARNER)
    upcoming = make_session(wrap, days=10, capacity=5)
    booking_create(session=upcoming, user=person)
    other = make_session(wrap, days=40, capacity=1)
    booking_create(session=other, user=make_user())  # full: the course page shows "Join waiting list"
    past = make_session(wrap, days=-30)
    attendance, _ = attendance_record(session=past, user=person)
    lesson = wrap.lessons.first()
    assert lesson is not None
    lesson_url = wrap.url + wrap.reverse_subpage("lesson", args=[lesson.pk])
    book_url = wrap.url + wrap.reverse_subpage("book", args=[make_session(wrap, days=20).pk])

    sign_in(page, person)
    pages = {
        "/training/": WRAP_TITLE,
        wrap.url: "You are booked",
        book_url: "Book this session as well",  # already booked on `upcoming`: the page warns first
        f"/my-training/bookings/{person.bookings.get(session=upcoming).pk}/cancel/": "Cancel this booking?",
        lesson_url: lesson.title,
        "/my-training/": timezone.localtime(past.starts_at).strftime("%-d %b %Y"),  # the attended row
        f"/my-training/certificates/{attendance.pk}/": attendance.certificate_code,
        f"/certificates/verify/?code={attendance.certificate_code}": "This certificate is genuine",
    }
    problems = {}
    for path, expected in pages.items():
        response = page.goto(path)
        assert response.ok, f"{path} answered {response.status}"
        text = page.get_by_role("main").inner_text()
        assert expected in text, f"{path} does not show {expected!r}"
        found = axe_violations(page)
        if page_overflows(page):
            found.append("scrolls sideways at 360px")
        if found:
            problems[path] = found
    assert problems == {}
