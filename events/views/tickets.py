"""Tickets (scanned by a trainer, or seen by anyone else) and the session QR code's self check-in and walk-ins."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache

from crm import roles

from ..emails import ticket_link
from ..errors import CheckInError
from ..forms import WalkInForm
from ..models import Booking, TrainingSession
from ..qr import qr_png
from ..selectors import booking_attendance
from ..services import can_run_checkin, checkin_window_check, self_check_in, ticket_check, ticket_check_in

__all__ = ["ticket", "ticket_qr", "self_checkin"]


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


@never_cache
def self_checkin(request, token):
    """The session's QR code, scanned by someone in the room: they record their own attendance.

    Signed in, one button; otherwise a short form, and a booking under the email
    given is used, or they are recorded as a walk-in if the session allows it.
    """
    session = TrainingSession.objects.select_related("course").filter(checkin_token=token).first()
    if session is None:
        error = CheckInError("checkin_code_unknown")
        return render(request, "events/self_checkin_result.html", {"error": error}, status=404)
    signed_in = request.user.is_authenticated
    form = None if signed_in else WalkInForm(request.POST if request.method == "POST" else None)
    context = {"session": session, "form": form}
    try:
        if request.method != "POST":
            # Say straight away when check-in is not open, before anyone fills in the form.
            checkin_window_check(session, timezone.now())
        elif signed_in or form.is_valid():
            details = {} if signed_in else form.cleaned_data
            result = self_check_in(token=token, user=request.user if signed_in else None, **details)
            return render(request, "events/self_checkin_result.html", {**context, "result": result})
    except CheckInError as error:
        return render(request, "events/self_checkin_result.html", {**context, "error": error})
    return render(request, "events/self_checkin.html", context)
