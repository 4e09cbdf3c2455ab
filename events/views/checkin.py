"""The trainer's side of the door: their sessions, the check-in desk, the session QR poster."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from crm import roles

from .. import checkin_codes
from ..errors import CheckInError
from ..links import absolute_url
from ..models import Attendance, Booking, CheckInMode
from ..qr import qr_png, qr_svg
from ..selectors import desk_counts, desk_rows, session_roll, sessions_run_by
from ..services import (
    attendance_confirm,
    attendance_undo,
    checkin_mode_set,
    checkin_token_regenerate,
    desk_mark,
    is_team,
    ticket_check_in,
)
from .runner import runnable_session, runner_view

__all__ = [
    "my_sessions",
    "checkin_desk",
    "desk_state",
    "desk_mark_view",
    "desk_scan",
    "session_poster",
    "session_qr",
    "checkin_code_reset",
    "session_screen",
    "session_screen_code",
    "checkin_mode_view",
]


def _checkin_link(session) -> str:
    """What the session's poster QR code carries: its current check-in token, replaced if a photo leaks."""
    return absolute_url(reverse("events:self_checkin", args=[session.checkin_token]))


def _is_fetch(request) -> bool:
    """The desk's script asks for just the list; without JavaScript the forms post and redirect."""
    return request.headers.get("X-Requested-With") == "fetch"


@roles.role_required(roles.TRAINER)
def my_sessions(request):
    """A trainer's sessions: today's first, then upcoming, then the last two months' registers."""
    now = timezone.now()
    today = timezone.localdate()
    start_of_today = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    end_of_today = start_of_today + dt.timedelta(days=1)
    sessions = sessions_run_by(user=request.user, is_team=is_team(request.user))
    return render(
        request,
        "events/my_sessions.html",
        {
            "today": sessions.filter(starts_at__gte=start_of_today, starts_at__lt=end_of_today).order_by("starts_at"),
            "upcoming": sessions.filter(starts_at__gte=end_of_today).order_by("starts_at")[:20],
            "recent": sessions.filter(
                starts_at__lt=start_of_today, starts_at__gte=now - dt.timedelta(days=60)
            ).order_by("-starts_at"),
        },
    )


def _desk_context(request, session, *, notice=None, notice_ok=True):
    query = request.GET.get("q", "").strip()
    roll = session_roll(session=session)  # read once: the list and the counts are the same people
    return {
        "session": session,
        "rows": desk_rows(session=session, query=query, roll=roll),
        "counts": desk_counts(session=session, roll=roll),
        "query": query,
        "notice": notice,
        "notice_ok": notice_ok,
    }


@runner_view
def checkin_desk(request, pk):
    """The check-in desk: search by name, tap to mark present or undo, live counts. One-handed on a phone."""
    session = runnable_session(request, pk)
    return render(request, "events/desk.html", _desk_context(request, session))


@runner_view
def desk_state(request, pk):
    """The list and counts alone, fetched every few seconds so walk-ins and other devices' marks appear."""
    session = runnable_session(request, pk)
    return render(request, "events/includes/desk_list.html", _desk_context(request, session))


@runner_view
@require_POST
def desk_mark_view(request, pk):
    """Mark a booking present, or undo a mark. Answers with the refreshed list when asked by the desk's script."""
    session = runnable_session(request, pk)
    notice, ok = None, True
    try:
        if request.POST.get("action") == "undo":
            attendance = get_object_or_404(
                Attendance.objects.select_related("booking"), pk=request.POST.get("attendance"), session=session
            )
            name = attendance.display_name
            attendance_undo(attendance=attendance, by=request.user)
            notice = f"{name}: mark taken back."
        elif request.POST.get("action") == "confirm":
            attendance = get_object_or_404(Attendance, pk=request.POST.get("attendance"), session=session)
            attendance_confirm(attendance=attendance, by=request.user)
            notice = f"{attendance.display_name}: confirmed present."
        else:
            booking = get_object_or_404(
                Booking.objects.select_related("session", "user"), pk=request.POST.get("booking"), session=session
            )
            result = desk_mark(booking=booking, by=request.user)
            when = timezone.localtime(result.attendance.checked_in_at).strftime("%H:%M")
            notice = (
                f"{result.name} is checked in."
                if result.created
                else f"{result.name} was already checked in at {when}."
            )
    except CheckInError as error:
        notice, ok = error.message, False
    if _is_fetch(request):
        return render(
            request,
            "events/includes/desk_list.html",
            _desk_context(request, session, notice=notice, notice_ok=ok),
            status=200 if ok else 409,
        )
    (messages.success if ok else messages.error)(request, notice)
    return redirect(
        reverse("events:desk", args=[session.pk]) + (f"?q={request.GET['q']}" if request.GET.get("q") else "")
    )


@runner_view
@require_POST
def desk_scan(request, pk):
    """The desk's camera scanner sends each ticket it reads; the answer is what the trainer sees, green or red."""
    session = runnable_session(request, pk, related=False)
    token = request.POST.get("token", "").strip().rstrip("/").rsplit("/", 1)[-1]
    try:
        result = ticket_check_in(token=token, by=request.user, session=session)
    except CheckInError as error:
        return JsonResponse({"ok": False, "message": error.message}, status=409)
    when = timezone.localtime(result.attendance.checked_in_at).strftime("%H:%M")
    message = f"Checked in: {result.name}" if result.created else f"{result.name}: already checked in at {when}"
    return JsonResponse({"ok": True, "created": result.created, "name": result.name, "message": message})


@runner_view
def session_poster(request, pk):
    """A poster or slide for the room: scan to check yourself in. Printable; the code can be replaced if it leaks."""
    session = runnable_session(request, pk)
    url = _checkin_link(session)
    return render(request, "events/session_poster.html", {"session": session, "checkin_url": url, "qr": qr_svg(url)})


@runner_view
def session_qr(request, pk):
    """The poster's QR code as a PNG, to drop into a slide."""
    session = runnable_session(request, pk)
    response = HttpResponse(qr_png(_checkin_link(session)), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="check-in-{session.pk}.png"'
    return response


@runner_view
@require_POST
def checkin_code_reset(request, pk):
    """A photo of the poster leaked: a new code; the old one stops working at once."""
    session = runnable_session(request, pk)
    checkin_token_regenerate(session=session, by=request.user)
    messages.success(
        request, "The check-in code has been replaced. Print or show the new poster: the old one no longer works."
    )
    return redirect("events:session_poster", pk=session.pk)


def _screen_link(session) -> tuple[str, checkin_codes.ScreenCode]:
    """The link the screen's QR code carries now: the check-in address with the current code."""
    current = checkin_codes.screen_code(session)
    return f"{_checkin_link(session)}?code={current.code}", current


@runner_view
def session_screen(request, pk):
    """The room's screen (a projector): a QR code and a typed code that change every 25 seconds.

    Trainers and the team only: the page shows the live code. static/js/checkin-screen.js fetches the next code.
    """
    session = runnable_session(request, pk)
    url, current = _screen_link(session)
    response = render(
        request,
        "events/session_screen.html",
        {
            "session": session,
            "qr": qr_svg(url),
            "code": current,
            "short_link": _checkin_link(session),
            "window": checkin_codes.WINDOW_SECONDS,
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@runner_view
def session_screen_code(request, pk):
    """The screen's current QR code (SVG) and typed code, for the screen's script; never cached."""
    session = runnable_session(request, pk)
    url, current = _screen_link(session)
    response = JsonResponse({"code": current.code, "url": url, "qr": qr_svg(url), "seconds_left": current.seconds_left})
    response["Cache-Control"] = "private, no-store"
    return response


@runner_view
@require_POST
def checkin_mode_view(request, pk):
    """The trainer switches the session between the printed poster and the room screen's changing code."""
    session = runnable_session(request, pk)
    mode = request.POST.get("mode", "")
    if mode not in CheckInMode.values:
        messages.error(request, "Choose the printed poster or the room screen.")
    else:
        checkin_mode_set(session=session, mode=mode, by=request.user)
        messages.success(
            request,
            "Self check-in now asks for the code on this screen: the poster's link alone checks nobody in."
            if mode == CheckInMode.SCREEN
            else "Self check-in now uses the printed poster: its link works without a code.",
        )
    return redirect("events:session_screen", pk=session.pk)
