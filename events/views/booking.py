"""Public views for booking, My training, calendar feeds and certificates. Thin: parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .. import calendar, certificates
from ..after_attendance import attendance_links
from ..compliance import person_requirements
from ..errors import MESSAGES, BookingError
from ..forms import ColleaguesForm
from ..models import (
    Attendance,
    Booking,
    BookingStatus,
    CalendarSubscription,
    ColleagueInvitation,
    CourseLesson,
    LessonProgress,
    ReportingCategory,
    SessionVisibility,
)
from ..selectors import (
    certified_attendances,
    lesson_progress_for,
    other_places_on_course,
    personal_feed_bookings,
)
from ..selectors import (
    my_training as my_training_data,
)
from ..services import (
    booking_cancel,
    booking_create,
    calendar_subscription_reset,
    colleagues_invite,
    invitation_accept,
    invitation_decline,
    invitation_from_token,
    invitation_withdraw,
    may_invite_colleagues,
)

__all__ = [
    "book_session",
    "booking_cancel_view",
    "booking_cancel_link",
    "booking_ics",
    "invitation",
    "invitation_withdraw_view",
    "my_training",
    "calendar_subscription_reset_view",
    "course_calendar_feed",
    "all_sessions_feed",
    "personal_feed",
    "lesson_detail",
    "certificate",
    "certificate_pdf",
    "certificate_verify",
]

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CALENDAR_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- Booking -------------------------------------------------------------------


def book_session(request, *, course, session_id):
    """The Book button: confirm and book (or join the waiting list), or book colleagues."""
    session = get_object_or_404(
        course.sessions.select_related("course"), pk=session_id, visibility=SessionVisibility.OPEN
    )
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    colleagues_form = ColleaguesForm(request.POST if request.POST.get("action") == "colleagues" else None)
    others = other_places_on_course(user=request.user, session=session)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "colleagues":
                if colleagues_form.is_valid():
                    invitations = colleagues_invite(
                        session=session, lead=request.user, addresses=colleagues_form.cleaned_data["colleagues"]
                    )
                    held = sum(invitation.holds_place for invitation in invitations)
                    count = len(invitations)
                    messages.success(
                        request,
                        f"We have emailed {count} invitation{'s' if count != 1 else ''}"
                        + (f", holding {held} place{'s' if held != 1 else ''}" if held else "")
                        + ". Nothing is booked until each colleague accepts with their own account; "
                        "you can follow the answers, and withdraw an invitation, in My training.",
                    )
                    return redirect(reverse("events:my_training") + "#invitations")
            elif action in ("book", "wait") and (not others or request.POST.get("also")):
                # With a place on another session of the course, the page (other_places) asks first.
                booking = booking_create(session=session, user=request.user, join_waiting_list=action == "wait")
                if booking.status == BookingStatus.CONFIRMED:
                    messages.success(
                        request, "Your place is booked. We have emailed you the details and a calendar invitation."
                    )
                else:
                    messages.success(request, "You are on the waiting list. We will email you if a place frees up.")
                return redirect("events:my_training")
        except BookingError as error:
            messages.error(request, error.message)
            session.refresh_from_db()
    mine = Booking.objects.filter(session=session, user=request.user).exclude(status=BookingStatus.CANCELLED).first()
    return render(
        request,
        "events/book_session.html",
        {
            "page": course,
            "course": course,
            "session": session,
            "my_booking": mine,
            "other_places": others,
            "colleagues_form": colleagues_form,
            "cannot_invite": MESSAGES.get(may_invite_colleagues(request.user) or "", ""),
        },
    )


@never_cache  # personal: never kept by a browser or proxy cache
@login_required
def booking_cancel_view(request, pk):
    """Cancel a booking, or withdraw a colleague the person booked: a page asks first; only its POST cancels."""
    # Anyone else's booking is simply not found: ids reveal nothing.
    booking = get_object_or_404(
        Booking.objects.select_related("session", "session__course", "user").filter(
            Q(user=request.user) | Q(booked_by=request.user)
        ),
        pk=pk,
    )
    own = booking.user_id == request.user.pk
    if request.method == "POST":
        try:
            booking_cancel(booking=booking, by=request.user)
        except BookingError as error:
            messages.error(request, error.message)
        else:
            name = booking.user.get_full_name() or booking.user.email
            messages.success(
                request,
                "Your booking has been cancelled. We have emailed you to confirm."
                if own
                else f"{name}'s place has been withdrawn. We have emailed them.",
            )
        return redirect("events:my_training")
    return render(request, "events/booking_cancel_confirm.html", {"booking": booking, "own": own})


CANCEL_LINK_STARTED = (
    "This session has started, so this link can no longer cancel the booking. Contact the Prevent team."
)


@never_cache  # personal: never kept by a browser or proxy cache
def booking_cancel_link(request, token):
    """Cancel from the link in a booking email (for colleagues booked by a lead), no sign-in needed.

    The link carries the booking's random ``cancel_token``. Once the session has
    started it cancels nothing and says to contact the team (410).
    """
    booking = get_object_or_404(
        Booking.objects.select_related("session", "session__course", "user"), cancel_token=token
    )
    if timezone.now() >= booking.session.starts_at:
        context = {"booking": booking, "started": CANCEL_LINK_STARTED}
        return render(request, "events/booking_cancel_link.html", context, status=410)
    if request.method == "POST":
        try:
            booking_cancel(booking=booking, by=booking.user)
        except BookingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "The booking has been cancelled.")
        booking.refresh_from_db()
    return render(request, "events/booking_cancel_link.html", {"booking": booking})


@never_cache  # personal: never kept by a browser or proxy cache
def invitation(request, token):
    """A colleague's invitation, from the emailed link: accept (signed in with the invited address) or decline.

    The signed token names the invitation; an altered or very old one is simply not found.
    Declining needs no account; accepting needs the account with the invited address, so the
    link alone books nobody.
    """
    invitation = invitation_from_token(token)
    if invitation is None:
        raise Http404("This invitation link is not valid.")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                booking = invitation_accept(invitation=invitation, user=request.user)
                messages.success(
                    request,
                    "You have a place on this session. We have emailed you the details and your ticket."
                    if booking.status == BookingStatus.CONFIRMED
                    else "The session is full, so you are on the waiting list. We will email you if a place comes up.",
                )
                return redirect("events:my_training")
            if action == "decline":
                invitation_decline(invitation=invitation)
                messages.success(request, "You have declined the invitation. Thank you for letting us know.")
        except BookingError as error:
            messages.error(request, error.message)
        invitation.refresh_from_db()
    user = request.user
    context = {
        "invitation": invitation,
        "session": invitation.session,
        "course": invitation.session.course,
        "signed_in_as_invited": user.is_authenticated and user.email.casefold() == invitation.email.casefold(),
        "signed_in_as_other": user.is_authenticated and user.email.casefold() != invitation.email.casefold(),
        "login_url": f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}",
        "signup_url": f"{reverse('account_signup')}?{urlencode({'next': request.get_full_path()})}",
    }
    return render(request, "events/invitation.html", context)


@login_required
@require_POST
def invitation_withdraw_view(request, pk):
    """The lead takes back an invitation still waiting for an answer (their own only: others are not found)."""
    invitation = get_object_or_404(ColleagueInvitation, pk=pk, invited_by=request.user)
    try:
        invitation_withdraw(invitation=invitation, by=request.user)
    except BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The invitation to {invitation.email} is withdrawn and its place given back.")
    return redirect(reverse("events:my_training") + "#invitations")


@never_cache  # personal: never kept by a browser or proxy cache
@login_required
def booking_ics(request, pk):
    booking = get_object_or_404(
        Booking.objects.select_related("session", "session__course", "user"), pk=pk, user=request.user
    )
    return _ics(calendar.invitation(booking, cancel=booking.status == BookingStatus.CANCELLED), "booking.ics")


# --- My training ------------------------------------------------------------------


@never_cache  # personal: never kept by a browser or proxy cache
@login_required
def my_training(request):
    data = my_training_data(user=request.user)
    attendance_links(data.attended, viewer=request.user)
    requirements = person_requirements(user=request.user)
    subscription = CalendarSubscription.objects.filter(user=request.user).first()
    feed_url = (
        request.build_absolute_uri(reverse("events:personal_feed", args=[subscription.token])) if subscription else None
    )
    return render(
        request, "events/my_training.html", {"data": data, "feed_url": feed_url, "requirements": requirements}
    )


@login_required
@require_POST
def calendar_subscription_reset_view(request):
    calendar_subscription_reset(user=request.user)
    messages.success(request, "Your calendar feed has a new address. Any old address has stopped working.")
    return redirect(reverse("events:my_training") + "#calendar")


# --- Calendar feeds -----------------------------------------------------------------


def _published_feed(request, sessions, *, name: str, filename: str) -> HttpResponse:
    """A published feed with conditional GET: a calendar app polling an unchanged feed gets a 304,
    answered from one aggregate query without building the calendar."""
    version = calendar.feed_version(sessions)
    last_modified = int(version.last_modified.timestamp()) if version.last_modified else None
    not_modified = get_conditional_response(request, etag=version.etag, last_modified=last_modified)
    if not_modified is not None:
        return not_modified
    response = _ics(calendar.sessions_feed(sessions, name=name), filename)
    response["ETag"] = version.etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    # Calendar apps and proxies may keep it a few minutes, then must ask again (a 304 when unchanged).
    response["Cache-Control"] = "public, max-age=300"
    return response


def course_calendar_feed(request, *, course):
    sessions = course.sessions.filter(visibility=SessionVisibility.OPEN)
    return _published_feed(request, sessions, name=course.title, filename=f"{course.slug}.ics")


def all_sessions_feed(request):
    from ..models import TrainingSession

    sessions = TrainingSession.objects.filter(visibility=SessionVisibility.OPEN, course__live=True)
    return _published_feed(request, sessions, name="Prevent training sessions", filename="prevent-training.ics")


@never_cache  # personal: never kept by a browser or proxy cache
def personal_feed(request, token):
    subscription = get_object_or_404(CalendarSubscription.objects.select_related("user"), token=token)
    bookings = personal_feed_bookings(user=subscription.user)
    return _ics(calendar.bookings_feed(bookings, name="My Prevent training"), "my-training.ics")


# --- Lessons ------------------------------------------------------------------------


def lesson_detail(request, *, course, lesson_id):
    lesson = get_object_or_404(CourseLesson, pk=lesson_id, page=course)
    if request.method == "POST":
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        from ..services import lesson_mark

        lesson_mark(user=request.user, lesson=lesson, complete=request.POST.get("complete") == "1")
        return redirect(course.url + course.reverse_subpage("lesson", args=[lesson.pk]))
    lessons = list(course.lessons.all())
    index = lessons.index(lesson)
    return render(
        request,
        "events/lesson.html",
        {
            "page": course,
            "course": course,
            "lesson": lesson,
            "previous": lessons[index - 1] if index else None,
            "next": lessons[index + 1] if index + 1 < len(lessons) else None,
            "progress": lesson_progress_for(user=request.user, course=course),
            "is_complete": request.user.is_authenticated
            and LessonProgress.objects.filter(user=request.user, lesson=lesson).exists(),
        },
    )


# --- Certificates ------------------------------------------------------------------------


def _own_attendance(request, pk) -> Attendance:
    """The person's own certificate: only once the session has ended (``certified_attendances``).

    Never for a Faith Forum event: a meeting or a site visit is not training.
    """
    return get_object_or_404(
        certified_attendances()
        .exclude(session__course__reporting_category=ReportingCategory.FORUM)
        .select_related("session", "session__course", "user"),
        pk=pk,
        user=request.user,
    )


@never_cache  # personal: never kept by a browser or proxy cache
@login_required
def certificate(request, pk):
    attendance = _own_attendance(request, pk)
    return render(request, "events/certificate.html", certificates.context(attendance, request))


@never_cache  # personal: never kept by a browser or proxy cache
@login_required
def certificate_pdf(request, pk):
    attendance = _own_attendance(request, pk)
    response = HttpResponse(certificates.pdf(attendance, request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{attendance.certificate_code}.pdf"'
    return response


def certificate_verify(request):
    """Public: anyone can check a certificate's code."""
    code = request.GET.get("code", "").strip().upper().replace(" ", "").replace("-", "")
    attendance = None
    if code:
        attendance = (
            certified_attendances()
            .exclude(session__course__reporting_category=ReportingCategory.FORUM)
            .select_related("session", "session__course", "user")
            .filter(certificate_code=code)
            .first()
        )
    return render(request, "events/certificate_verify.html", {"code": code, "attendance": attendance})
