"""The PAG members' area on the public site, /advisory-group/ (issue 13).

Who: signed in with the *PAG member* role (the team too, to preview) — anyone else signed in is
refused (403) on every URL, anonymous visitors are sent to sign in. What: only the series the
person represents an organisation on (``selectors.series_for``); any other series, its meetings
and papers are not found (404). Minutes only as approved (``selectors.approved_minutes``).
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from crm import roles

from .calendar import meetings_calendar
from .forms import AgendaItemForm, ConcernForm
from .models import AgendaItemStatus, MeetingPaper
from .selectors import (
    AREA_ROLE,
    accepted_agenda,
    approved_minutes,
    is_team,
    may_enter_area,
    next_meeting,
    organisations_represented,
    past_meetings_with_minutes,
    series_for,
    series_open_actions,
    upcoming_meetings,
)
from .services import GovernanceError, agenda_item_propose, concern_submit

CONCERN_SENT = "Thank you: your concern was sent to the Prevent team{meeting}."
ITEM_PROPOSED = "Thank you: “{title}” was proposed for the meeting on {date}. The chair decides the agenda."
TEAM_PREVIEW = "You are previewing as the Prevent team: only member organisations' representatives send this form."


def area_view(view):
    """Sign-in, then the PAG member role (or the team's); then the series named in the URL, if the person sees it."""

    @wraps(view)
    def wrapped(request, *args, series=None, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_enter_area(request.user):
            # The 403 page says who the area is for, as for a restricted page.
            request.view_restriction_groups = [AREA_ROLE, roles.PREVENT_ADMIN]
            raise PermissionDenied("Your account does not have the role this page needs.")
        if series is not None:
            series = get_object_or_404(series_for(user=request.user), slug=series)
            return view(request, series, *args, **kwargs)
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


def _meeting_or_404(series, pk):
    return get_object_or_404(series.meetings.select_related("series"), pk=pk)


@area_view
def index(request):
    """Each of the person's series: upcoming meetings, past meetings with approved minutes, links to the rest."""
    groups = []
    for series in series_for(user=request.user):
        upcoming = list(upcoming_meetings(series=series))
        for meeting in upcoming:
            meeting.agenda = list(accepted_agenda(meeting))
        groups.append(
            {
                "series": series,
                "upcoming": upcoming,
                "past": list(past_meetings_with_minutes(series=series)[:12]),
                "organisations": organisations_represented(user=request.user, series=series),
                "open_actions": series_open_actions(series=series).count(),
            }
        )
    return render(request, "crm/governance/index.html", {"groups": groups, "is_team": is_team(request.user)})


@area_view
def meeting_detail(request, series, pk):
    """A meeting: when and where, the accepted agenda, attendance by organisation, approved minutes, papers."""
    meeting = _meeting_or_404(series, pk)
    own = organisations_represented(user=request.user, series=series)
    return render(
        request,
        "crm/governance/meeting.html",
        {
            "series": series,
            "meeting": meeting,
            "agenda": accepted_agenda(meeting),
            "proposals": meeting.agenda_items.filter(proposed_by_organisation__in=own).exclude(
                status=AgendaItemStatus.ACCEPTED
            ),
            "attendance": meeting.attendance.select_related("organisation").order_by("organisation__name"),
            "minutes": approved_minutes(meeting),
            "papers": meeting.papers.select_related("document"),
            "actions": meeting.actions.select_related("owner", "owner_organisation").order_by("due_on", "pk"),
            "is_upcoming": meeting.ends_at >= timezone.now(),
        },
    )


def _calendar_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _url_of(request, series):
    return lambda meeting: request.build_absolute_uri(
        reverse("advisory_group:meeting", kwargs={"series": series.slug, "pk": meeting.pk})
    )


@area_view
def meeting_calendar(request, series, pk):
    meeting = _meeting_or_404(series, pk)
    body = meetings_calendar([meeting], name=str(meeting), url_of=_url_of(request, series))
    return _calendar_response(body, f"{series.slug}-{timezone.localtime(meeting.starts_at):%Y-%m-%d}.ics")


@area_view
def series_calendar(request, series):
    body = meetings_calendar(
        upcoming_meetings(series=series).select_related("series"), name=series.name, url_of=_url_of(request, series)
    )
    return _calendar_response(body, f"{series.slug}-meetings.ics")


@area_view
def paper_download(request, series, pk):
    """A meeting paper, to the series' members only (Wagtail's own document address is the team's)."""
    paper = get_object_or_404(MeetingPaper.objects.select_related("document", "meeting"), pk=pk, meeting__series=series)
    document = paper.document
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=document.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@area_view
def action_list(request, series):
    """Open actions from the series' meetings: who, by when, overdue marked, and the update log."""
    return render(
        request,
        "crm/governance/actions.html",
        {"series": series, "actions": series_open_actions(series=series), "today": timezone.localdate()},
    )


def _refused(form, error: GovernanceError) -> None:
    if not error.errors:
        form.add_error(None, error.message)
    for field, field_messages in error.errors.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)
    if error.errors and error.code == "personal_data":
        form.add_error(None, error.message)


def _member_form(request, series, form_class, template, submit):
    """The concern and agenda forms: for the person's own organisations; the team sees a preview."""
    own = organisations_represented(user=request.user, series=series)
    preview = not own
    if preview and not is_team(request.user):
        raise Http404  # not a representative on this series (cannot happen past series_for, but never assumed)
    organisations = own or [m.organisation for m in series.members.select_related("organisation")]
    if not organisations:
        raise Http404
    form = form_class(request.POST if request.method == "POST" else None, organisations=organisations)
    if request.method == "POST" and preview:
        form.is_valid()
        form.add_error(None, TEAM_PREVIEW)
    elif request.method == "POST" and form.is_valid():
        try:
            response = submit(form)
        except GovernanceError as error:
            _refused(form, error)
        else:
            return response
    return render(
        request,
        template,
        {"series": series, "form": form, "preview": preview, "next_meeting": next_meeting(series=series)},
    )


@area_view
def concern_new(request, series):
    """Submit a concern before the next meeting: theme, ward or borough-wide, level, description."""

    def submit(form):
        data = form.cleaned_data
        concern = concern_submit(
            user=request.user,
            series=series,
            organisation=data["organisation"],
            theme=data["theme"],
            ward=data["ward"],
            borough_wide=data["borough_wide"],
            level=data["level"],
            description=data["description"],
        )
        when = (
            f" for the meeting on {timezone.localtime(concern.meeting.starts_at):%-d %B %Y}" if concern.meeting else ""
        )
        messages.success(request, CONCERN_SENT.format(meeting=when))
        return redirect("advisory_group:index")

    return _member_form(request, series, ConcernForm, "crm/governance/concern_form.html", submit)


@area_view
def agenda_item_new(request, series):
    """Propose an agenda item for the next scheduled meeting (refused when there is none)."""

    def submit(form):
        data = form.cleaned_data
        item = agenda_item_propose(
            user=request.user,
            series=series,
            organisation=data["organisation"],
            title=data["title"],
            description=data["description"],
        )
        date = f"{timezone.localtime(item.meeting.starts_at):%-d %B %Y}"
        messages.success(request, ITEM_PROPOSED.format(title=item.title, date=date))
        return redirect("advisory_group:meeting", series=series.slug, pk=item.meeting_id)

    return _member_form(request, series, AgendaItemForm, "crm/governance/agenda_item_form.html", submit)
