"""Emails about bookings. Called from ``transaction.on_commit`` by the services, never before."""
from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import calendar
from .models import Booking, BookingStatus
from .qr import qr_png

CANCEL_LINK_SALT = "events.booking-cancel-link"


def cancel_link(booking: Booking) -> str:
    """A signed link that cancels this booking without signing in (for colleagues booked by a lead)."""
    token = signing.dumps(booking.pk, salt=CANCEL_LINK_SALT)
    return settings.PORTAL_BASE_URL + reverse("events:booking_cancel_link", args=[token])


def ticket_link(booking: Booking) -> str:
    """The address a ticket's QR code carries: its unguessable token, never the booking's id."""
    return settings.PORTAL_BASE_URL + reverse("events:ticket", args=[booking.ticket_token])


def waiting_position(booking: Booking) -> int:
    return (
        Booking.objects.filter(session=booking.session, status=BookingStatus.WAITING, created_at__lte=booking.created_at)
        .exclude(created_at=booking.created_at, pk__gt=booking.pk)
        .count()
    )


def _send(
    booking: Booking, template: str, subject: str, *, ics: bytes | None = None, method: str = "REQUEST",
    ticket: bool = False, **extra,
):
    session = booking.session
    context = {
        "booking": booking,
        "session": session,
        "course": session.course,
        "person": booking.user,
        "starts": timezone.localtime(session.starts_at),
        "ends": timezone.localtime(session.ends_at),
        "my_training_url": settings.PORTAL_BASE_URL + reverse("events:my_training"),
        "course_url": settings.PORTAL_BASE_URL + session.course.url,
        "booked_by_someone_else": booking.booked_by_id and booking.booked_by_id != booking.user_id,
        "cancel_url": cancel_link(booking),
        "claim_url": settings.PORTAL_BASE_URL + reverse("account_reset_password"),
        "base_url": settings.PORTAL_BASE_URL,
        "ticket_url": ticket_link(booking),
        **extra,
    }
    body = render_to_string(f"events/email/{template}.txt", context)
    message = EmailMessage(
        subject=f"{subject}: {session.course.title}, {context['starts']:%-d %B %Y}",
        body=body,
        to=[booking.user.email],
    )
    if ics is not None:
        message.attach("invite.ics", ics, f"text/calendar; method={method}; charset=utf-8")
    if ticket:
        # The ticket travels with the email so it works at the door without signing in or a signal.
        message.attach("ticket.png", qr_png(context["ticket_url"]), "image/png")
    message.send()


def booking_confirmed(booking: Booking) -> None:
    _send(booking, "booking_confirmed", "Your place is booked", ics=calendar.invitation(booking), ticket=True)


def booking_waiting(booking: Booking) -> None:
    _send(booking, "booking_waiting", "You are on the waiting list", position=waiting_position(booking))


def booking_promoted(booking: Booking) -> None:
    _send(booking, "booking_promoted", "A place has come up for you", ics=calendar.invitation(booking), ticket=True)


def booking_cancelled(booking: Booking, *, was_confirmed: bool) -> None:
    ics = calendar.invitation(booking, cancel=True) if was_confirmed else None
    _send(booking, "booking_cancelled", "Booking cancelled", ics=ics, method="CANCEL", was_confirmed=was_confirmed)


def session_changed(booking: Booking) -> None:
    _send(booking, "session_changed", "Session details changed", ics=calendar.invitation(booking))


def session_cancelled(booking: Booking, was_confirmed: bool) -> None:
    ics = calendar.invitation(booking, cancel=True) if was_confirmed else None
    _send(booking, "session_cancelled", "Session cancelled", ics=ics, method="CANCEL", was_confirmed=was_confirmed)


def session_reminder(booking: Booking) -> None:
    _send(booking, "session_reminder", "Reminder", ics=calendar.invitation(booking))
