"""Tickets (scanned by a trainer, or seen by anyone else) and the session QR code's self check-in and walk-ins."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache

from crm import roles

from .. import checkin_codes
from ..after_attendance import attendance_links
from ..emails import ticket_link
from ..errors import CheckInError
from ..forms import WalkInForm
from ..models import Booking, CheckInMode, TrainingSession
from ..qr import qr_png
from ..selectors import booking_attendance
from ..services import (
    can_run_checkin,
    checkin_link_attendance,
    checkin_link_claim,
    checkin_window_check,
    self_check_in,
    ticket_check,
    ticket_check_in,
)

__all__ = ["ticket", "ticket_qr", "self_checkin", "checkin_link"]


def _ticket(token: str) -> Booking | None:
    return Booking.objects.select_related("session", "session__course", "user").filter(ticket_token=token).first()


@never_cache
def ticket(request, token):
    """A ticket's QR code, opened by whoever scanned it.

    Opening it (GET or HEAD: a phone's camera app, a link preview, a prefetcher)
    marks nobody. The session's trainers (and the Prevent team) see the person,
    whether they can be checked in, and a "Check in" button: the tap is a POST
    with the CSRF token, which marks them present and shows a green or red
    screen. Everyone else, the holder included, just sees the ticket; a POST
    from them is refused (403). The desk's camera scanner posts to ``desk_scan``.
    """
    booking = _ticket(token)
    if booking is None:
        error = CheckInError("ticket_unknown")
        return render(request, "events/ticket_unknown.html", {"error": error}, status=404)
    context = {"booking": booking, "session": booking.session}
    user = request.user
    # The holder opening their own ticket (a trainer or team member booked as a learner) never marks it.
    runs_it = user != booking.user and can_run_checkin(user, booking.session)
    if runs_it and request.method == "POST":
        try:
            context["result"] = ticket_check_in(token=token, by=user)
        except CheckInError as error:
            context["error"] = error
            return render(request, "events/ticket_scan.html", context, status=409)
        return render(request, "events/ticket_scan.html", context)
    if runs_it:
        try:
            ticket_check(booking=booking, by=user)
        except CheckInError as error:
            context["error"] = error
        context["attendance"] = booking_attendance(booking=booking)
        return render(request, "events/ticket_check.html", context)
    if user.is_authenticated and user != booking.user and roles.has_role(user, roles.TRAINER):
        context["not_your_session"] = CheckInError("not_your_session", session=str(booking.session))
    # Only the session's trainers and the team check people in: a POST from anyone else marks nothing.
    return render(request, "events/ticket.html", context, status=403 if request.method == "POST" else 200)


@never_cache  # personal: never kept by a browser or proxy cache
def ticket_qr(request, token):
    """The ticket's QR code as a PNG. Public: whoever has the token already has the ticket."""
    booking = Booking.objects.only("ticket_token").filter(ticket_token=token).first()
    if booking is None:
        raise Http404("This ticket code is not recognised.")
    response = HttpResponse(qr_png(ticket_link(booking)), content_type="image/png")
    # The address is the secret: keep it out of shared caches.
    patch_cache_control(response, private=True, max_age=3600)
    return response


def _refused(request, context, error, *, status=200):
    return render(request, "events/self_checkin_result.html", {**context, "error": error}, status=status)


@never_cache
def self_checkin(request, token):
    """The session's QR code, scanned by someone in the room: they record their own attendance.

    Signed in, one button; otherwise a short form, recorded as a self-declared walk-in (``self_check_in``).
    When the session uses the room screen, the page first asks for the screen's code (the screen's QR code
    carries it in ``?code=``); a current code gives the phone a presence pass that the form posts back.
    Anonymous posts are limited per session (429).
    """
    session = TrainingSession.objects.select_related("course").filter(checkin_token=token).first()
    if session is None:
        return _refused(request, {}, CheckInError("checkin_code_unknown"), status=404)
    signed_in = request.user.is_authenticated
    data = request.POST if request.method == "POST" else None
    form = None if signed_in else WalkInForm(data)
    context = {"session": session, "form": form}
    if request.method == "POST" and not signed_in and checkin_codes.self_checkin_throttled(session):
        return _refused(request, context, CheckInError("self_checkin_busy"), status=429)
    try:
        checkin_window_check(session, timezone.now())
    except CheckInError as error:
        return _refused(request, context, error)
    screen = session.checkin_mode == CheckInMode.SCREEN
    presence = (data or request.GET).get("presence", "")
    code = (data or request.GET).get("code", "")
    if screen and not checkin_codes.presence_pass_valid(session, presence):
        presence = ""
        if code and checkin_codes.screen_code_valid(session, code):
            presence = checkin_codes.presence_pass(session)
        elif request.method != "POST" or not code:
            # Ask for the screen's code first: a photo of a poster or of the screen, sent out of the room, has none.
            code_error = (
                CheckInError("screen_code_wrong")
                if code
                else CheckInError("screen_code_needed")
                if request.method == "POST"
                else None
            )
            return render(
                request,
                "events/self_checkin_code.html",
                {**context, "code_error": code_error, "code": code},
                status=403 if code_error else 200,
            )
    context["presence"] = presence
    if request.method == "POST" and (signed_in or form.is_valid()):
        details = {} if signed_in else form.cleaned_data
        try:
            result = self_check_in(
                token=token, user=request.user if signed_in else None, code=code, presence=presence, **details
            )
        except CheckInError as error:
            if error.code in ("screen_code_needed", "screen_code_wrong"):
                return render(
                    request, "events/self_checkin_code.html", {**context, "code_error": error, "code": ""}, status=403
                )
            return _refused(request, context, error)
        # What the apps above offer next (feedback): the same person's browser, just marked present.
        attendance_links([result.attendance], viewer=request.user)
        return render(request, "events/self_checkin_result.html", {**context, "result": result})
    return render(request, "events/self_checkin.html", context)


@never_cache
def checkin_link(request, token):
    """The one-time link emailed to a typed address: its owner adds that check-in to their account (a POST)."""
    try:
        attendance, person = checkin_link_attendance(token)
    except CheckInError as error:
        return _refused(request, {}, error, status=404)
    context = {"attendance": attendance, "session": attendance.session, "person": person}
    if request.method == "POST":
        try:
            context["result"] = checkin_link_claim(token=token)
        except CheckInError as error:
            context["error"] = error
    return render(request, "events/checkin_link.html", context)
