"""Emails about bookings and mandatory training. Called by the services inside their transaction: the outbox stores each message with the change.

Sending stores each message in the outbox (``crm.outbox.OutboxBackend``, the EMAIL_BACKEND);
``manage.py send_outbox`` delivers it with retries, so a mail server that is down never
raises here, into a booking or a reminder run.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from crm import roles
from crm.outbox import outbox_defer

from . import calendar
from .compliance import expiry_date, last_valid_day
from .links import absolute_url
from .models import Booking, BookingStatus, CertificateStatus
from .qr import qr_png
from .selectors import upcoming_open_sessions, waiting_positions
from .team import reply_to, sender, team_context


def cancel_link(booking: Booking) -> str:
    """A link that cancels this booking without signing in (for colleagues booked by a lead).

    It carries the booking's random ``cancel_token``, never its id, and stops working
    when the session starts (``events.views.booking.booking_cancel_link``).
    """
    return absolute_url(reverse("events:booking_cancel_link", args=[booking.cancel_token]))


def ticket_link(booking: Booking) -> str:
    """The address a ticket's QR code carries: its unguessable token, never the booking's id."""
    return absolute_url(reverse("events:ticket", args=[booking.ticket_token]))


def _subject(booking: Booking, subject: str) -> str:
    return f"{subject}: {booking.session.name}, {timezone.localtime(booking.session.starts_at):%-d %B %Y}"


def _message(
    booking: Booking,
    template: str,
    subject: str,
    *,
    ics: bytes | None = None,
    method: str = "REQUEST",
    ticket: bool = False,
    **extra,
) -> EmailMessage:
    session = booking.session
    # The online joining link is for people with a place: never the waiting list, never after a cancellation.
    has_place = booking.status == BookingStatus.CONFIRMED and not session.is_cancelled
    context = {
        "booking": booking,
        "session": session,
        "course": session.course,
        "person": booking.user,
        "starts": timezone.localtime(session.starts_at),
        "ends": timezone.localtime(session.ends_at),
        "my_training_url": absolute_url(reverse("events:my_training")),
        "course_url": absolute_url(session.course.url),
        "booked_by_someone_else": booking.booked_by_id and booking.booked_by_id != booking.user_id,
        "cancel_url": cancel_link(booking),
        "base_url": absolute_url(""),
        "ticket_url": ticket_link(booking),
        "joining_url": session.online_url if has_place else "",
        **team_context(),
        **extra,
    }
    body = render_to_string(f"events/email/{template}.txt", context)
    message = EmailMessage(
        subject=_subject(booking, subject),
        body=body,
        from_email=sender(context),
        to=[booking.user.email],
        reply_to=reply_to(context),
    )
    if ics is not None:
        message.attach("invite.ics", ics, f"text/calendar; method={method}; charset=utf-8")
    if ticket:
        # The ticket travels with the email so it works at the door without signing in or a signal.
        message.attach("ticket.png", qr_png(context["ticket_url"]), "image/png")
    return message


def _send(booking: Booking, template: str, subject: str, **options) -> None:
    _message(booking, template, subject, **options).send()


# --- Built by the outbox's sender, not in the request (issue 15) ------------------------------------
# A booking, a place come up and a session's change are told with a ticket (a QR code), a calendar file
# and templates: stored in the outbox as "to be built" (crm.outbox.outbox_defer), and built by
# send_outbox from the booking as it is then. Each answers None when its news no longer holds (the
# booking was cancelled, or is no longer on the waiting list), and nothing is sent.

SUBJECTS = {
    "booking_confirmed": "Your place is booked",
    "booking_waiting": "You are on the waiting list",
    "booking_promoted": "A place has come up for you",
    "session_changed": "Session details changed",
}
STILL_TRUE = {
    "booking_confirmed": {BookingStatus.CONFIRMED},
    "booking_promoted": {BookingStatus.CONFIRMED},
    "booking_waiting": {BookingStatus.WAITING},
    "session_changed": {BookingStatus.CONFIRMED, BookingStatus.WAITING},
}


def booking_email(*, kind: str, booking_id: int) -> EmailMessage | None:
    """The outbox's builder: the email of ``kind`` about booking ``booking_id``, or None if it no longer applies."""
    booking = Booking.objects.select_related("session", "session__course", "user").filter(pk=booking_id).first()
    if booking is None or booking.status not in STILL_TRUE[kind]:
        return None
    subject = SUBJECTS[kind]
    if kind == "booking_waiting":
        return _message(booking, kind, subject, position=waiting_positions([booking])[booking.pk])
    ticket = kind in ("booking_confirmed", "booking_promoted")
    return _message(booking, kind, subject, ics=calendar.invitation(booking), ticket=ticket)


def _deferred(booking: Booking, kind: str) -> None:
    outbox_defer(
        builder="events.emails.booking_email",
        kwargs={"kind": kind, "booking_id": booking.pk},
        to=[booking.user.email],
        subject=_subject(booking, SUBJECTS[kind]),
    )


def booking_confirmed(booking: Booking) -> None:
    _deferred(booking, "booking_confirmed")


def booking_waiting(booking: Booking) -> None:
    _deferred(booking, "booking_waiting")


def booking_promoted(booking: Booking) -> None:
    _deferred(booking, "booking_promoted")


def booking_cancelled(booking: Booking, *, was_confirmed: bool) -> None:
    ics = calendar.invitation(booking, cancel=True) if was_confirmed else None
    _send(booking, "booking_cancelled", "Booking cancelled", ics=ics, method="CANCEL", was_confirmed=was_confirmed)


def session_changed(booking: Booking) -> None:
    _deferred(booking, "session_changed")


def session_cancelled(booking: Booking, was_confirmed: bool) -> None:
    ics = calendar.invitation(booking, cancel=True) if was_confirmed else None
    _send(booking, "session_cancelled", "Session cancelled", ics=ics, method="CANCEL", was_confirmed=was_confirmed)


def session_reminder(booking: Booking) -> None:
    _send(booking, "session_reminder", "Reminder", ics=calendar.invitation(booking))


def colleague_invitation(invitation, *, token: str) -> None:
    """Ask a colleague to take a place. Quotes nothing the lead typed but their name, beside their verified address."""
    session, lead = invitation.session, invitation.invited_by
    organisation = lead.organisation.name if lead.organisation_id else ""  # the team's register, not typed text
    context = {
        "invitation": invitation,
        "session": session,
        "course": session.course,
        "starts": timezone.localtime(session.starts_at),
        "ends": timezone.localtime(session.ends_at),
        "expires": timezone.localtime(invitation.expires_at),
        "lead_name": lead.get_full_name().strip(),
        "lead_email": lead.email,
        "lead_organisation": organisation,
        "invitation_url": absolute_url(reverse("events:invitation", args=[token])),
        "course_url": absolute_url(session.course.url),
        "joining_url": "",
    }
    _send_text(
        "colleague_invitation",
        f"Invitation to Prevent training: {session.name}, {context['starts']:%-d %B %Y}",
        context,
        [invitation.email],
    )


# --- Mandatory training: reminders, the team's monthly summary, certificates ------------------


def prevent_team_addresses() -> list[str]:
    """Who hears about mandatory training for the team: every active account in the Prevent team admin group."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.PREVENT_ADMIN)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def _send_text(template: str, subject: str, context: dict, to: list[str]) -> None:
    """One plain-text email per recipient, so nobody sees who else it went to."""
    context = {"base_url": absolute_url(""), **team_context(), **context}
    body = render_to_string(f"events/email/{template}.txt", context)
    messages = [
        EmailMessage(subject=subject, body=body, from_email=sender(context), to=[address], reply_to=reply_to(context))
        for address in to
    ]
    get_connection().send_messages(messages)


def _my_training_url() -> str:
    return absolute_url(reverse("events:my_training"))


def _certificate_upload_url(requirement) -> str | None:
    if not requirement.external_certificate_name:
        return None
    return absolute_url(reverse("events:certificate_upload", args=[requirement.pk]))


NEXT_SESSIONS = 4


def next_sessions(requirement, person, *, limit: int = NEXT_SESSIONS) -> list[dict]:
    """The soonest sessions the person can still book that count towards the requirement, with booking links.

    Open, scheduled, not yet started, before their booking deadline, on a course
    the person may book; a full session is listed too, as they can join its waiting list.
    """
    courses = [course for course in requirement.courses.all() if course.is_open_to(person)]
    sessions = (
        upcoming_open_sessions()
        .filter(course__in=courses)
        .filter(Q(booking_deadline__isnull=True) | Q(booking_deadline__gt=timezone.now()))
        .order_by("starts_at")[:limit]
    )
    return [
        {
            "session": session,
            "course": session.course,
            "starts": timezone.localtime(session.starts_at),
            "ends": timezone.localtime(session.ends_at),
            "places_left": session.places_left,
            "booking_url": absolute_url(session.course.url + session.course.reverse_subpage("book", args=[session.pk])),
        }
        for session in sessions
    ]


REMINDER_SUBJECTS = {
    "not_started": "Training you need to do",
    "renewal": "Time to renew your training",
    "expired": "Your training has expired",
}


def requirement_reminder(*, requirement, person, occasion: str, expires_on=None) -> None:
    """Remind one person of mandatory training: not started, due for renewal, or expired."""
    context = {
        "person": person,
        "requirement": requirement,
        "occasion": occasion,
        "valid_until": last_valid_day(expires_on),
        "sessions": next_sessions(requirement, person),
        "has_courses": requirement.courses.exists(),
        "certificate_url": _certificate_upload_url(requirement),
        "my_training_url": _my_training_url(),
    }
    _send_text("requirement_reminder", f"{REMINDER_SUBJECTS[occasion]}: {requirement.name}", context, [person.email])


def requirement_team_summary(*, today, summaries: list, recipients: list[str]) -> None:
    """The team's monthly summary: counts and percentages by status for each active requirement, no names."""
    context = {
        "today": today,
        "summaries": summaries,
        "dashboard_url": absolute_url(reverse("compliance:index")),
    }
    _send_text("requirement_team_summary", f"Mandatory training summary: {today:%B %Y}", context, recipients)


def certificate_submitted(certificate) -> None:
    """Tell the Prevent team a certificate is waiting for review (who sent it is on the review page)."""
    context = {
        "certificate": certificate,
        "requirement": certificate.requirement,
        "review_url": absolute_url(reverse("certificates:edit", args=[certificate.pk])),
    }
    _send_text(
        "certificate_submitted",
        f"Certificate to review: {certificate.requirement.name}",
        context,
        prevent_team_addresses(),
    )


def certificate_reviewed(certificate) -> None:
    """Tell the person their certificate was approved (it counts from its date) or not accepted, and why."""
    approved = certificate.status == CertificateStatus.APPROVED
    expires_on = expiry_date(certificate.requirement, certificate.completed_on)
    context = {
        "person": certificate.user,
        "certificate": certificate,
        "requirement": certificate.requirement,
        "approved": approved,
        "valid_until": last_valid_day(expires_on),
        "certificate_url": _certificate_upload_url(certificate.requirement),
        "my_training_url": _my_training_url(),
    }
    subject = "Certificate approved" if approved else "Certificate not accepted"
    _send_text("certificate_reviewed", f"{subject}: {certificate.requirement.name}", context, [certificate.user.email])


# --- Self check-in -------------------------------------------------------------------------


def checkin_link(*, session, person, link: str) -> None:
    """Someone at the door typed this account's email: a one-time link adds that check-in to the account.

    Quotes nothing the person at the door typed (not even their name): it may not have been the account's owner.
    """
    _send_text(
        "checkin_link",
        f"Add your check-in to My training: {session.name}",
        {
            "person": person,
            "session": session,
            "course": session.course,
            "starts": timezone.localtime(session.starts_at),
            "link": link,
        },
        [person.email],
    )
