"""The forum's public pages about events, the feeds, and a member's own choices. Thin: parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from crm import roles
from events import calendar as events_calendar
from events.emails import ticket_link
from events.models import BookingStatus

from .. import calendar
from ..event_forms import RSVPForm
from ..models import FaithForumPage, ForumCalendarSubscription, RSVPAnswer
from ..selectors import (
    forum_listing,
    member_feed_events,
    my_place,
    public_feed_events,
    sees_members_events,
    visible_event,
)
from ..services import ForumEventError, forum_calendar_reset, forum_preferences_set, may_rsvp, rsvp_set

__all__ = ["forum_index", "event_detail", "event_ics", "public_feed", "personal_feed", "calendar_reset", "preferences"]

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"


def _ics(body: bytes, filename: str, *, download: bool = False) -> HttpResponse:
    response = HttpResponse(body, content_type=CALENDAR_CONTENT_TYPE)
    response["Content-Disposition"] = f'{"attachment" if download else "inline"}; filename="{filename}"'
    return response


def _event_url(page, event) -> str:
    return page.url + page.reverse_subpage("event", args=[event.pk])


def _member_feed_url(request) -> str | None:
    if not sees_members_events(request.user):
        return None
    subscription = ForumCalendarSubscription.objects.filter(user=request.user).first()
    if subscription is None:
        return None
    return request.build_absolute_uri(reverse("faith_forum:personal_feed", args=[subscription.token]))


def forum_index(request, *, page):
    """The forum page: what it is, how to join, and the events this visitor may see."""
    listing = forum_listing(user=request.user)
    context = page.get_context(request)
    context.update(
        listing=listing,
        is_member=sees_members_events(request.user),
        may_rsvp=may_rsvp(request.user),
        member_feed_url=_member_feed_url(request),
        public_feed_url=request.build_absolute_uri(page.url + page.reverse_subpage("public_feed")),
    )
    return render(request, "faith_forum/forum_page.html", context)


@never_cache  # personal: the reply form shows the viewer's own answer
def event_detail(request, *, page, event_id):
    """An event's page: details and notes; for members, the reply form (POST saves, a GET never does)."""
    event = visible_event(user=request.user, event_id=event_id)
    allowed = may_rsvp(request.user)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        form = RSVPForm(request.POST)
        if form.is_valid():
            try:
                rsvp = rsvp_set(
                    event=event,
                    user=request.user,
                    answer=form.cleaned_data["answer"],
                    guests=form.cleaned_data["guests"],
                )
            except ForumEventError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _saved_message(rsvp))
                return redirect(_event_url(page, event))
    else:
        place = my_place(event=event, user=request.user)
        initial = {"answer": place.rsvp.answer, "guests": place.rsvp.guests} if place.rsvp else {}
        # A link from the announcement email chooses an answer; it is saved only when the member presses Save.
        if request.GET.get("answer") in RSVPAnswer.values:
            initial["answer"] = request.GET["answer"]
        form = RSVPForm(initial=initial)
    place = my_place(event=event, user=request.user)
    context = page.get_context(request)
    context.update(
        event=event,
        session=event.session,
        held=event.session.ends_at <= timezone.now(),  # over: no ticket or invitation to offer
        form=form,
        may_rsvp=allowed,
        place=place,
        ticket_url=ticket_link(place.booking) if place.confirmed else "",
        ics_url=page.url + page.reverse_subpage("event_ics", args=[event.pk]) if place.confirmed else "",
        member_feed_url=_member_feed_url(request),
        is_member=sees_members_events(request.user),
        public_feed_url=request.build_absolute_uri(page.url + page.reverse_subpage("public_feed")),
    )
    return render(request, "faith_forum/event.html", context)


def _saved_message(rsvp) -> str:
    booking = rsvp.booking
    if rsvp.answer == RSVPAnswer.GOING and booking is not None and booking.status == BookingStatus.WAITING:
        return (
            "Your reply is saved: going. The event is full, so you are on its waiting list; "
            "we will email you if a place comes up."
        )
    if rsvp.answer == RSVPAnswer.GOING:
        return "Your reply is saved: going. We have emailed you the details, your ticket and a calendar invitation."
    return f"Your reply is saved: {rsvp.get_answer_display().lower()}."


@never_cache  # personal: never kept by a browser or proxy cache
def event_ics(request, *, page, event_id):
    """The member's own invitation for an event they are going to (the events app's, for their booking)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    event = visible_event(user=request.user, event_id=event_id)
    place = my_place(event=event, user=request.user)
    if not place.confirmed:
        raise Http404("You have no place at this event.")
    return _ics(events_calendar.invitation(place.booking), f"forum-event-{event.pk}.ics", download=True)


def public_feed(request, *, page):
    """The public feed: published, public forum events only, with no joining links. Anyone may read it."""
    body = calendar.public_feed(
        public_feed_events(),
        name=f"{page.title}: public events",
        url_for=lambda event: request.build_absolute_uri(_event_url(page, event)),
    )
    return _ics(body, "faith-forum.ics")


@never_cache  # personal: never kept by a browser or proxy cache
def personal_feed(request, token):
    """A member's private feed, by its secret address; not found once revoked or once they are no longer a member."""
    subscription = get_object_or_404(ForumCalendarSubscription.objects.select_related("user"), token=token)
    user = subscription.user
    if not (user.is_active and sees_members_events(user)):
        raise Http404("This feed is no longer available.")
    page = FaithForumPage.objects.live().first()

    def url_for(event):
        return request.build_absolute_uri(_event_url(page, event)) if page else ""

    body = calendar.member_feed(member_feed_events(user=user), name="Faith Forum events", url_for=url_for)
    return _ics(body, "faith-forum-member.ics")


def _account_url() -> str:
    return reverse("portal:account") + "#faith-forum"


@require_POST
@roles.role_required(roles.FAITH_FORUM_MEMBER)
def calendar_reset(request):
    """A new secret address for the member's forum feed; the old one stops working at once."""
    forum_calendar_reset(user=request.user)
    messages.success(request, "Your Faith Forum calendar feed has a new address. Any old address has stopped working.")
    return redirect(_account_url())


@require_POST
@roles.role_required(roles.FAITH_FORUM_MEMBER)
def preferences(request):
    """Turn the emails about new forum events on or off (from My account)."""
    on = request.POST.get("announcements") in ("on", "1", "true")
    forum_preferences_set(user=request.user, announcements=on)
    messages.success(
        request,
        "We will email you when a new forum event is published."
        if on
        else "We will no longer email you about new forum events. Reminders of events you are going to still come.",
    )
    return redirect(_account_url())
