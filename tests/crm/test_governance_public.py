"""The PAG members' area, /advisory-group/ (issue 13): who sees what, the forms, .ics, papers, hot spots."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
import vobject
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from crm import roles
from crm.governance.forms import NEVER_A_PERSON
from crm.governance.hotspots import BOROUGH_WIDE_NOTE, PAG_CONCERNS
from crm.governance.models import AgendaItem, AgendaItemStatus, CommunityConcern, MeetingStatus
from crm.governance.papers import COLLECTION_NAME
from crm.governance.services import MESSAGES, GovernanceError, agenda_item_propose, concern_submit
from crm.hotspots import QUARTER, hotspot_grid, hotspot_measures
from crm.periods import FinancialYear, quarter_of
from tests.crm import governance_data
from tests.crm.governance_data import APPROVED_TEXT, DRAFT_TEXT, PAPER_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(db):
    return governance_data.build()


def urls(w, series=None):
    """Every /advisory-group/ URL, for ``series`` (the member's by default)."""
    series = series or w.series
    meeting = w.upcoming if series == w.series else series.meetings.first()
    paper = w.paper if series == w.series else w.other_paper
    s = series.slug
    return [
        reverse("advisory_group:index"),
        reverse("advisory_group:meeting", kwargs={"series": s, "pk": meeting.pk}),
        reverse("advisory_group:meeting_calendar", kwargs={"series": s, "pk": meeting.pk}),
        reverse("advisory_group:series_calendar", kwargs={"series": s}),
        reverse("advisory_group:paper", kwargs={"series": s, "pk": paper.pk}),
        reverse("advisory_group:actions", kwargs={"series": s}),
        reverse("advisory_group:concern_new", kwargs={"series": s}),
        reverse("advisory_group:agenda_item_new", kwargs={"series": s}),
    ]


def concern_data(w, **overrides):
    return {
        "organisation": w.org.pk,
        "theme": w.theme.pk,
        "ward": w.ward.pk,
        "level": "medium",
        "description": "Stickers from a far-right group near the station.",
    } | overrides


# --- Who gets in -------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in_on_every_url(client, w):
    for url in urls(w):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url


@pytest.mark.parametrize(
    "role",
    [roles.LEARNER, roles.TRAINER, roles.OUTREACH_OFFICER, roles.ELECTED_MEMBER, roles.FAITH_FORUM_MEMBER],
)
def test_every_other_role_is_refused_every_url(client, make_user, w, role):
    client.force_login(make_user(role))
    for url in urls(w):
        response = client.get(url)
        assert response.status_code == 403, (role, url)
        assert APPROVED_TEXT.encode() not in response.content
    response = client.post(urls(w)[6], concern_data(w))
    assert response.status_code == 403
    assert not CommunityConcern.objects.filter(submitted_by__isnull=False).exists()


def test_the_refusal_says_the_area_is_for_pag_members(client, make_user, w):
    client.force_login(make_user(roles.FAITH_FORUM_MEMBER))
    assert "This page is for Prevent Advisory Group members." in client.get("/advisory-group/").content.decode()


def test_a_representative_who_lost_the_role_is_refused(client, w):
    w.member.groups.clear()
    client.force_login(w.member)
    assert client.get(urls(w)[1]).status_code == 403


def test_a_member_of_one_series_finds_nothing_of_another(client, w):
    client.force_login(w.member)
    for url in urls(w, w.other_series)[1:]:
        assert client.get(url).status_code == 404, url
    # Nor a meeting of the other series under their own series' address.
    other = reverse("advisory_group:meeting", kwargs={"series": w.series.slug, "pk": w.other_meeting.pk})
    assert client.get(other).status_code == 404
    # A series with no members' role (the PSG) is the team's alone.
    psg = reverse("advisory_group:meeting", kwargs={"series": "psg", "pk": w.psg_meeting.pk})
    assert client.get(psg).status_code == 404
    index = client.get("/advisory-group/").content.decode()
    assert "North Fulham PAG" not in index and "Prevent Steering Group" not in index


def test_the_role_without_a_membership_shows_nothing(client, make_user, w):
    client.force_login(make_user(roles.PAG_MEMBER))
    response = client.get("/advisory-group/")
    assert response.status_code == 200
    assert "not linked to a member organisation" in response.content.decode()
    for url in urls(w)[1:]:
        assert client.get(url).status_code == 404, url


def test_the_team_previews_every_members_series(client, w):
    client.force_login(w.team)
    for url in urls(w) + urls(w, w.other_series)[1:]:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("advisory_group:index")).content.decode().count('<h2 id="series-') == 2


# --- What a member sees -------------------------------------------------------------------------------


def test_index_lists_upcoming_meetings_and_past_approved_minutes(client, w):
    client.force_login(w.member)
    content = client.get("/advisory-group/").content.decode()
    assert "<h1>Prevent Advisory Group</h1>" in content
    assert "Response to the summer&#x27;s incidents" in content  # accepted agenda item
    assert "SECRET PROPOSAL" not in content  # proposed, not accepted
    assert "https://meet.example.org/pag" in content
    assert reverse("advisory_group:meeting", kwargs={"series": "pag", "pk": w.past.pk}) in content
    # A past meeting whose minutes are only a draft is not listed among minutes.
    assert reverse("advisory_group:meeting", kwargs={"series": "pag", "pk": w.draft_only.pk}) not in content
    assert "Women&#x27;s Voices West London" in content


def test_meeting_page_shows_the_approved_minutes_never_the_draft(client, w):
    client.force_login(w.member)
    url = reverse("advisory_group:meeting", kwargs={"series": "pag", "pk": w.past.pk})
    # The row itself carries the unapproved correction (as a careless save would leave it).
    w.minutes.save()
    content = client.get(url).content.decode()
    assert APPROVED_TEXT in content
    assert DRAFT_TEXT not in content
    assert "Grace Mensah" in content and "Apologies" in content  # attendance by organisation
    assert "Share the hate-incident reporting leaflet" in content
    # Approving the correction shows it.
    w.minutes.refresh_from_db()
    w.minutes.latest_revision.publish(user=w.team, skip_permission_checks=True)
    assert DRAFT_TEXT in client.get(url).content.decode()
    # Withdrawn (unpublished): no minutes shown at all.
    w.minutes.refresh_from_db()
    w.minutes.unpublish()
    content = client.get(url).content.decode()
    assert DRAFT_TEXT not in content and APPROVED_TEXT not in content
    assert "have not been approved yet" in content


def test_draft_only_minutes_are_never_shown(client, w):
    client.force_login(w.member)
    url = reverse("advisory_group:meeting", kwargs={"series": "pag", "pk": w.draft_only.pk})
    content = client.get(url).content.decode()
    assert "DRAFT ONLY MINUTES" not in content
    assert "have not been approved yet" in content


def test_open_actions_show_progress_and_overdue(client, w):
    client.force_login(w.member)
    content = client.get(reverse("advisory_group:actions", kwargs={"series": "pag"})).content.decode()
    assert "Share the hate-incident reporting leaflet" in content
    assert "Leaflet printed; distribution next week." in content
    assert "Overdue" in content
    assert "Book the venue" not in content  # done


# --- Papers -------------------------------------------------------------------------------------------


def test_papers_are_private_and_members_download_them(client, make_user, w):
    w.document.refresh_from_db()
    assert w.document.collection.name == COLLECTION_NAME
    wagtail_url = w.document.url
    url = reverse("advisory_group:paper", kwargs={"series": "pag", "pk": w.paper.pk})
    client.force_login(w.member)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PAPER_BYTES
    assert "attachment" in response["Content-Disposition"]
    # Not through Wagtail's own document address, and not by a member of another series.
    assert client.get(wagtail_url).status_code != 200
    client.force_login(w.other_member)
    assert client.get(url).status_code == 404
    assert client.get(wagtail_url).status_code != 200
    client.force_login(make_user(roles.LEARNER))
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(wagtail_url).status_code != 200


# --- .ics ---------------------------------------------------------------------------------------------


def test_meeting_ics_parses_back_with_two_readers(client, w):
    client.force_login(w.member)
    body = client.get(reverse("advisory_group:meeting_calendar", kwargs={"series": "pag", "pk": w.upcoming.pk}))
    assert body["Content-Type"].startswith("text/calendar")
    text = body.content.decode()
    [event] = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert event["summary"] == "Prevent Advisory Group"
    assert str(event["uid"]).startswith(f"meeting-{w.upcoming.uid}@")
    assert event["status"] == "CONFIRMED"
    vevent = vobject.readOne(text).vevent
    assert vevent.dtstart.value == w.upcoming.starts_at
    assert vevent.dtend.value == w.upcoming.ends_at
    assert vevent.location.value == "Town Hall, Committee Room 1"
    assert "https://meet.example.org/pag" in vevent.description.value


def test_series_feed_lists_upcoming_meetings_only_and_marks_cancelled(client, w):
    from tests.crm.governance_data import meeting

    cancelled = meeting(w.series, days=40, status=MeetingStatus.CANCELLED)
    client.force_login(w.member)
    text = client.get(reverse("advisory_group:series_calendar", kwargs={"series": "pag"})).content.decode()
    events = {e.uid.value: e for e in vobject.readOne(text).vevent_list}
    uids = {uid.split("@")[0] for uid in events}
    assert uids == {f"meeting-{w.upcoming.uid}", f"meeting-{cancelled.uid}"}
    assert [e for e in events.values() if e.status.value == "CANCELLED"][0].dtstart.value == cancelled.starts_at
    assert len(icalendar.Calendar.from_ical(text).walk("VEVENT")) == 2


# --- The concern form and its service -------------------------------------------------------------------


def test_member_submits_a_concern_for_their_own_organisation(client, w):
    client.force_login(w.member)
    url = reverse("advisory_group:concern_new", kwargs={"series": "pag"})
    page = client.get(url).content.decode()
    assert "Never about a named person." in page
    assert NEVER_A_PERSON in page
    # Another organisation's id in the POST is refused: the member's own only.
    response = client.post(url, concern_data(w, organisation=w.other_org.pk))
    assert response.status_code == 200
    assert not CommunityConcern.objects.filter(submitted_by=w.member).exists()
    response = client.post(url, concern_data(w))
    assert response.status_code == 302
    concern = CommunityConcern.objects.get(submitted_by=w.member)
    assert (concern.raised_by, concern.series, concern.meeting, concern.ward) == (w.org, w.series, w.upcoming, w.ward)
    assert ModelLogEntry.objects.filter(action="crm.concern_submit", object_id=str(concern.pk)).exists()


@pytest.mark.parametrize(
    "text",
    [
        "The man at grace.m@example.org keeps posting",
        "Call him on 07700 900123 about it",
        "Trouble at W6 9JU every night",
    ],
)
def test_the_guard_refuses_personal_data_in_a_concern_and_saves_nothing(client, w, text):
    client.force_login(w.member)
    response = client.post(
        reverse("advisory_group:concern_new", kwargs={"series": "pag"}), concern_data(w, description=text)
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "never about a named person" in content
    assert MESSAGES["personal_data"] in content
    assert not CommunityConcern.objects.filter(submitted_by=w.member).exists()


def test_a_concern_needs_a_ward_or_borough_wide_not_both(client, w):
    client.force_login(w.member)
    url = reverse("advisory_group:concern_new", kwargs={"series": "pag"})
    for data in (concern_data(w, ward=""), concern_data(w, borough_wide="on")):
        response = client.post(url, data)
        assert MESSAGES["where"] in response.content.decode()
    assert not CommunityConcern.objects.filter(submitted_by=w.member).exists()
    assert client.post(url, concern_data(w, ward="", borough_wide="on")).status_code == 302
    assert CommunityConcern.objects.get(submitted_by=w.member).borough_wide


def test_concern_submit_refuses_someone_not_representing_the_organisation(w):
    with pytest.raises(GovernanceError) as refused:
        concern_submit(
            user=w.member,
            series=w.series,
            organisation=w.other_org,
            theme=w.theme,
            ward=w.ward,
            borough_wide=False,
            level="low",
            description="Graffiti",
        )
    assert refused.value.code == "not_a_member"
    with pytest.raises(GovernanceError) as refused:
        concern_submit(
            user=w.team,
            series=w.series,
            organisation=w.org,
            theme=w.theme,
            ward=w.ward,
            borough_wide=False,
            level="low",
            description="Graffiti",
        )
    assert refused.value.code == "not_a_member"


def test_the_team_preview_of_the_form_sends_nothing(client, w):
    client.force_login(w.team)
    response = client.post(reverse("advisory_group:concern_new", kwargs={"series": "pag"}), concern_data(w))
    assert response.status_code == 200
    assert "previewing as the Prevent team" in response.content.decode()
    assert not CommunityConcern.objects.filter(submitted_by__isnull=False).exists()


# --- Agenda items ----------------------------------------------------------------------------------------


def test_member_proposes_an_agenda_item_for_the_next_meeting(client, w):
    client.force_login(w.member)
    url = reverse("advisory_group:agenda_item_new", kwargs={"series": "pag"})
    response = client.post(url, {"organisation": w.org.pk, "title": "Youth provision in White City"})
    assert response.status_code == 302
    item = AgendaItem.objects.get(title="Youth provision in White City")
    assert (item.meeting, item.status, item.proposed_by, item.proposed_by_organisation) == (
        w.upcoming,
        AgendaItemStatus.PROPOSED,
        w.member,
        w.org,
    )
    # Members see their proposal's status on the meeting page; it is not on the agenda.
    page = client.get(response["Location"]).content.decode()
    assert "Youth provision in White City: Proposed by a member" in page


def test_no_next_meeting_refuses_a_proposal_clearly(client, w):
    w.upcoming.status = MeetingStatus.CANCELLED
    w.upcoming.save()
    with pytest.raises(GovernanceError) as refused:
        agenda_item_propose(user=w.member, series=w.series, organisation=w.org, title="Anything")
    assert refused.value.code == "no_next_meeting"
    client.force_login(w.member)
    url = reverse("advisory_group:agenda_item_new", kwargs={"series": "pag"})
    response = client.post(url, {"organisation": w.org.pk, "title": "Anything"})
    assert "no meeting of the group scheduled yet" in response.content.decode()
    assert not AgendaItem.objects.filter(title="Anything").exists()


# --- Hot spots -----------------------------------------------------------------------------------------


def test_concerns_feed_the_hot_spot_grid_by_ward_and_quarter(w):
    assert hotspot_measures()["pag_concerns"] is PAG_CONCERNS
    year = FinancialYear.current()
    day = timezone.localdate() - dt.timedelta(days=20)
    grid = hotspot_grid(measure=PAG_CONCERNS, period=QUARTER, year=FinancialYear.of(day))
    row = grid.ward_names.index("Addison")
    assert grid.counts[row][quarter_of(day) - 1] == 1
    assert grid.total == 1  # the borough-wide one has no ward: left out, and the page says so
    for n in range(5):
        CommunityConcern.objects.create(
            series=w.series, raised_on=day, theme=w.theme, ward=w.other_ward, raised_by=w.org, description=f"n{n}"
        )
    grid = hotspot_grid(measure=PAG_CONCERNS, period=QUARTER, year=FinancialYear.of(day))
    assert grid.counts[grid.ward_names.index("Grove")][quarter_of(day) - 1] == 5
    published = grid.published()
    # The same suppression as everything published: the 1 in Addison is not shown.
    assert ("cell", row, quarter_of(day) - 1) in published.hidden
    assert published.cells[row][quarter_of(day) - 1] != "1"
    assert year  # the current year is a valid choice on the page


def test_the_hot_spot_page_offers_pag_concerns_with_its_note(client, w):
    client.force_login(w.team)
    day = timezone.localdate() - dt.timedelta(days=20)
    response = client.get(
        "/admin/crm/hot-spots/", {"measure": "pag_concerns", "year": FinancialYear.of(day).start_year}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "PAG concerns by ward" in content
    assert BOROUGH_WIDE_NOTE in content


def test_a_concern_is_all_or_nothing(w, monkeypatch):
    """If anything after the row fails (here the audit log), no concern is left behind."""
    import crm.governance.services as services

    def broken(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(services, "audit_log", broken)
    with pytest.raises(RuntimeError):
        concern_submit(
            user=w.member,
            series=w.series,
            organisation=w.org,
            theme=w.theme,
            ward=w.ward,
            borough_wide=False,
            level="low",
            description="Graffiti by the station",
        )
    assert not CommunityConcern.objects.filter(submitted_by=w.member).exists()


def test_an_agenda_item_with_personal_data_is_refused(w):
    with pytest.raises(GovernanceError) as refused:
        agenda_item_propose(
            user=w.member, series=w.series, organisation=w.org, title="Talk to j.smith@example.org about it"
        )
    assert refused.value.code == "personal_data"
    assert "title" in refused.value.errors
    assert not AgendaItem.objects.filter(status=AgendaItemStatus.PROPOSED, proposed_by=w.member).exists()
