"""Governance (issue 13), the team's side: minutes locking and versions, actions and their update log,
the weekly email of open actions, and the Governance admin screens (team only)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from time_machine import travel

from crm import roles
from crm.governance.admin import APPROVE_LABEL
from crm.governance.models import (
    ActionDigest,
    ActionStatus,
    CommunityConcern,
    ConcernTheme,
    Meeting,
    MeetingAction,
    MeetingMinutes,
    MeetingSeries,
    SeriesKind,
    SeriesMember,
)
from crm.governance.services import (
    MESSAGES,
    GovernanceError,
    action_update,
    actions_weekly_send,
    minutes_approve,
    minutes_correct,
    minutes_draft,
)
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

LONDON_WEDNESDAY = dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.UTC)  # a Wednesday, 9am in London


@pytest.fixture
def pag():
    return MeetingSeries.objects.create(name="Prevent Advisory Group", slug="pag", kind=SeriesKind.PAG)


@pytest.fixture
def meeting(pag):
    starts = timezone.now() - dt.timedelta(days=14)
    return Meeting.objects.create(
        series=pag, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Town Hall"
    )


def draftail(text: str) -> str:
    """Rich text as the admin's editor posts it (Draftail's content state)."""
    block = {"key": "a1b2c", "type": "unstyled", "depth": 0, "text": text, "inlineStyleRanges": [], "entityRanges": []}
    return json.dumps({"blocks": [block], "entityMap": {}})


def action(meeting, *, due_in_days=7, **owners):
    return MeetingAction.objects.create(
        meeting=meeting,
        description=owners.pop("description", "Share the online safety leaflet with member organisations"),
        due_on=timezone.localdate() + dt.timedelta(days=due_in_days),
        **owners,
    )


def governance_export_rows(*, owner) -> None:
    """One of each governance row, for the admin exports' walk (tests/events/test_admin_exports.py)."""
    series = MeetingSeries.objects.create(name="Prevent Advisory Group", slug="pag", kind=SeriesKind.PAG)
    starts = dt.datetime(2026, 5, 12, 17, tzinfo=dt.UTC)
    meeting = Meeting.objects.create(
        series=series, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Hammersmith Town Hall"
    )
    minutes_approve(minutes=minutes_draft(meeting=meeting, body="<p>Agreed</p>", by=None), by=None)
    MeetingAction.objects.create(
        meeting=meeting, description="Book the room for the next meeting", owner=owner, due_on=dt.date(2026, 6, 1)
    )
    CommunityConcern.objects.create(
        series=series,
        meeting=meeting,
        theme=ConcernTheme.objects.get_or_create(name="Community tensions")[0],
        borough_wide=True,
        raised_by=OrganisationFactory(name="Askew Road Residents"),
        description="Leaflets left outside the library after the football",
    )


# --- Minutes: approved versions are locked; every version is kept --------------------------------


def test_approving_then_correcting_keeps_the_approved_version_live_until_the_correction_is_approved(
    meeting, team_admin
):
    minutes = minutes_draft(meeting=meeting, body="<p>Version one</p>", by=team_admin)
    assert not minutes.live
    minutes = minutes_approve(minutes=minutes, by=team_admin)
    assert minutes.live and "Version one" in minutes.body

    minutes_correct(minutes=minutes, body="<p>Version two</p>", by=team_admin)
    stored = MeetingMinutes.objects.get(pk=minutes.pk)
    assert stored.live and stored.has_unpublished_changes
    assert "Version one" in stored.body, "the approved version stays what members see"
    assert "Version two" in stored.latest_revision.as_object().body

    minutes_approve(minutes=stored, by=team_admin)
    stored.refresh_from_db()
    assert "Version two" in stored.body and not stored.has_unpublished_changes
    bodies = [revision.as_object().body for revision in stored.revisions.order_by("created_at", "pk")]
    assert any("Version one" in body for body in bodies) and any("Version two" in body for body in bodies)


def test_empty_minutes_are_not_approved(meeting, team_admin):
    minutes = minutes_draft(meeting=meeting, body="<p> &nbsp; </p>", by=team_admin)
    with pytest.raises(GovernanceError) as refused:
        minutes_approve(minutes=minutes, by=team_admin)
    assert refused.value.code == "empty_minutes"
    assert not MeetingMinutes.objects.get(pk=minutes.pk).live


def test_approved_minutes_without_changes_are_not_approved_twice(meeting, team_admin):
    minutes = minutes_approve(
        minutes=minutes_draft(meeting=meeting, body="<p>Agreed</p>", by=team_admin), by=team_admin
    )
    with pytest.raises(GovernanceError) as refused:
        minutes_approve(minutes=minutes, by=team_admin)
    assert refused.value.code == "nothing_to_approve"


def test_in_the_admin_saving_approved_minutes_makes_a_draft_and_approve_publishes_it(client, meeting, team_admin):
    client.force_login(team_admin)
    add_url = reverse("wagtailsnippets_crm_meetingminutes:add")
    page = client.get(add_url)
    assert page.status_code == 200
    # The publish button itself reads "Approve minutes" (not only the help text above the form).
    button = re.search(r'<button[^>]*name="action-publish".*?</button>', page.content.decode(), re.S)
    assert button and APPROVE_LABEL in button.group(0) and "Publish<" not in button.group(0)
    response = client.post(add_url, {"meeting": meeting.pk, "body": draftail("Version one"), "action-publish": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    minutes = MeetingMinutes.objects.get(meeting=meeting)
    assert minutes.live and "Version one" in minutes.body, [str(m) for m in response.wsgi_request._messages]

    edit_url = reverse("wagtailsnippets_crm_meetingminutes:edit", args=[minutes.pk])
    client.post(edit_url, {"meeting": meeting.pk, "body": draftail("Version two")})
    minutes.refresh_from_db()
    assert "Version one" in minutes.body and minutes.has_unpublished_changes

    client.post(edit_url, {"meeting": meeting.pk, "body": draftail("Version two"), "action-publish": "1"})
    minutes.refresh_from_db()
    assert "Version two" in minutes.body and not minutes.has_unpublished_changes
    assert minutes.revisions.count() == 3
    history = client.get(reverse("wagtailsnippets_crm_meetingminutes:history", args=[minutes.pk]))
    assert history.status_code == 200


# --- Actions: overdue, the update log ----------------------------------------------------------


def test_an_open_action_past_its_due_date_is_overdue_and_a_done_one_is_not(meeting, team_admin):
    late = action(meeting, due_in_days=-1, owner=team_admin)
    assert late.is_overdue
    assert not action(meeting, due_in_days=0, owner=team_admin).is_overdue
    action_update(action=late, note="Leaflet sent to all members", status=ActionStatus.DONE, by=team_admin)
    late.refresh_from_db()
    assert not late.is_overdue


def test_the_admin_list_highlights_overdue_actions_and_filters_them(client, meeting, team_admin):
    action(meeting, due_in_days=-3, owner=team_admin, description="Late action about the youth club")
    action(meeting, due_in_days=10, owner=team_admin, description="Action due next week at the library")
    client.force_login(team_admin)
    html = client.get(reverse("meeting_actions:index")).content.decode()
    assert "Late action about the youth club" in html and "w-status--primary" in html and "Overdue" in html
    filtered = client.get(reverse("meeting_actions:index") + "?overdue=true").content.decode()
    assert "Late action about the youth club" in filtered
    assert "Action due next week at the library" not in filtered


def test_an_update_is_logged_and_moves_the_status(meeting, team_admin):
    open_action = action(meeting, owner=team_admin)
    action_update(action=open_action, note="Draft leaflet shared", status=ActionStatus.OPEN, by=team_admin)
    action_update(action=open_action, note="Leaflet sent", status=ActionStatus.DONE, by=team_admin)
    open_action.refresh_from_db()
    assert open_action.status == ActionStatus.DONE
    assert [(u.note, u.status, u.by) for u in open_action.updates.all()] == [
        ("Draft leaflet shared", ActionStatus.OPEN, team_admin),
        ("Leaflet sent", ActionStatus.DONE, team_admin),
    ]


@pytest.mark.parametrize("status", [ActionStatus.DONE, ActionStatus.DROPPED])
def test_a_done_or_dropped_action_needs_a_note(meeting, team_admin, status):
    open_action = action(meeting, owner=team_admin)
    with pytest.raises(GovernanceError) as refused:
        action_update(action=open_action, note="  ", status=status, by=team_admin)
    assert refused.value.code == "note_needed"
    open_action.refresh_from_db()
    assert open_action.status == ActionStatus.OPEN and not open_action.updates.exists()


def test_an_update_note_with_contact_details_is_refused(meeting, team_admin):
    open_action = action(meeting, owner=team_admin)
    with pytest.raises(GovernanceError) as refused:
        action_update(action=open_action, note="Call 07700 900123", status=ActionStatus.DONE, by=team_admin)
    assert refused.value.code == "personal_data" and not open_action.updates.exists()


def test_the_admin_update_view_adds_to_the_log_and_shows_it_on_the_edit_page(client, meeting, team_admin):
    open_action = action(meeting, owner=team_admin)
    client.force_login(team_admin)
    url = reverse("meeting_actions:add_update", args=[open_action.pk])
    refused = client.post(url, {"status": ActionStatus.DONE, "note": ""})
    assert refused.status_code == 200 and MESSAGES["note_needed"] in refused.content.decode()
    response = client.post(url, {"status": ActionStatus.DONE, "note": "Leaflet sent to every member"})
    assert response.status_code == 302
    open_action.refresh_from_db()
    assert open_action.status == ActionStatus.DONE
    edit = client.get(reverse("meeting_actions:edit", args=[open_action.pk])).content.decode()
    assert "Leaflet sent to every member" in edit and "Add an update" in edit


# --- The weekly email ----------------------------------------------------------------------------


def test_the_weekly_email_goes_once_a_week_to_each_owner_with_overdue_actions_first(meeting):
    owner = UserFactory(roles=[roles.PREVENT_ADMIN], email="owner@example.gov.uk")
    nobody = UserFactory(email="no.actions@example.gov.uk")  # noqa: F841 - has no open actions
    with travel(LONDON_WEDNESDAY, tick=False):
        action(meeting, due_in_days=5, owner=owner, description="Book the room for the next meeting")
        action(meeting, due_in_days=-4, owner=owner, description="Send the draft minutes to members")
        done = action(meeting, due_in_days=-9, owner=owner, description="Finished action")
        action_update(action=done, note="Done", status=ActionStatus.DONE, by=owner)
        mail.outbox.clear()

        assert actions_weekly_send() == 1
        assert actions_weekly_send() == 0, "once a week"
        call_command("send_action_reminders")
    assert len(mail.outbox) == 1
    [email] = mail.outbox
    assert email.to == ["owner@example.gov.uk"]
    assert "1 overdue" in email.subject
    body = email.body
    assert body.index("[OVERDUE] Send the draft minutes") < body.index("Book the room")
    assert "Finished action" not in body
    assert ActionDigest.objects.filter(user=owner).count() == 1

    with travel(LONDON_WEDNESDAY + dt.timedelta(days=5), tick=False):  # the next Monday
        assert actions_weekly_send() == 1
    assert len(mail.outbox) == 2
    assert ActionDigest.objects.filter(user=owner).count() == 2


def test_an_organisations_action_reaches_its_representatives_on_that_group_only(pag, meeting):
    organisation = OrganisationFactory(name="White City Community Centre")
    representative = UserFactory(roles=[roles.PAG_MEMBER], email="rep@example.org")
    elsewhere = UserFactory(roles=[roles.PAG_MEMBER], email="rep.elsewhere@example.org")
    SeriesMember.objects.create(series=pag, organisation=organisation, representative=representative)
    board = MeetingSeries.objects.create(name="Community Safety Partnership", slug="csp")
    SeriesMember.objects.create(series=board, organisation=organisation, representative=elsewhere)
    with travel(LONDON_WEDNESDAY, tick=False):
        action(meeting, owner_organisation=organisation, description="Report back on the summer youth programme")
        mail.outbox.clear()
        assert actions_weekly_send() == 1
    [email] = mail.outbox
    assert email.to == ["rep@example.org"]
    assert "Report back on the summer youth programme" in email.body


def test_the_weekly_email_goes_through_the_outbox_with_its_digest_row(meeting, team_admin):
    from django.test import override_settings

    from crm.models import OutboxMessage

    action(meeting, owner=team_admin, description="Book the room for the next meeting")
    with override_settings(EMAIL_BACKEND="crm.outbox.OutboxBackend"):
        assert actions_weekly_send() == 1
    [stored] = OutboxMessage.objects.all()
    assert stored.to == [team_admin.email] and "Book the room for the next meeting" in stored.body
    assert ActionDigest.objects.filter(user=team_admin).exists()


def test_no_email_for_nobody_with_open_actions(meeting, team_admin):
    done = action(meeting, owner=team_admin)
    action_update(action=done, note="Done", status=ActionStatus.DONE, by=team_admin)
    mail.outbox.clear()
    assert actions_weekly_send() == 0
    assert mail.outbox == [] and not ActionDigest.objects.exists()


# --- Concern themes -------------------------------------------------------------------------------


def test_a_fresh_site_has_the_issues_concern_themes():
    assert {
        "Online radicalisation",
        "Far-right activity",
        "Community tensions",
        "Hate incidents",
        "Reaction to an international event",
    } <= set(ConcernTheme.objects.values_list("name", flat=True))


# --- The admin screens: the team only ---------------------------------------------------------------


def admin_urls(meeting, minutes, open_action, theme):
    return [
        reverse("meeting_series:index"),
        reverse("meeting_series:add"),
        reverse("meeting_series:edit", args=[meeting.series.pk]),
        reverse("meetings:index"),
        reverse("meetings:add"),
        reverse("meetings:edit", args=[meeting.pk]),
        reverse("wagtailsnippets_crm_meetingminutes:list"),
        reverse("wagtailsnippets_crm_meetingminutes:edit", args=[minutes.pk]),
        reverse("wagtailsnippets_crm_meetingminutes:history", args=[minutes.pk]),
        reverse("meeting_actions:index"),
        reverse("meeting_actions:edit", args=[open_action.pk]),
        reverse("meeting_actions:add_update", args=[open_action.pk]),
        reverse("concern_themes:index"),
        reverse("concern_themes:edit", args=[theme.pk]),
        reverse("concerns:index"),
        reverse("concerns:add"),
    ]


@pytest.fixture
def governance_rows(meeting, team_admin):
    minutes = minutes_approve(
        minutes=minutes_draft(meeting=meeting, body="<p>Agreed</p>", by=team_admin), by=team_admin
    )
    return meeting, minutes, action(meeting, owner=team_admin), ConcernTheme.objects.first()


def test_the_team_opens_every_governance_screen(client, team_admin, governance_rows):
    client.force_login(team_admin)
    for url in admin_urls(*governance_rows):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "role",
    [
        roles.OUTREACH_OFFICER,
        roles.TRAINER,
        roles.LEARNER,
        roles.ELECTED_MEMBER,
        roles.FAITH_FORUM_MEMBER,
        roles.PAG_MEMBER,
    ],
)
def test_every_other_role_is_refused_every_governance_screen(client, governance_rows, role):
    client.force_login(UserFactory(roles=[role]))
    for url in admin_urls(*governance_rows):
        response = client.get(url)
        if role == roles.OUTREACH_OFFICER:  # in the admin, but without the permission: sent back to the dashboard
            assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home"), url
        else:
            assert response.status_code == 403, url


def test_the_governance_menu_is_the_teams_alone(client, team_admin, governance_rows):
    client.force_login(team_admin)
    assert "Governance" in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(UserFactory(roles=[roles.OUTREACH_OFFICER]))
    assert "Governance" not in client.get(reverse("wagtailadmin_home")).content.decode()


# --- Demo ---------------------------------------------------------------------------------------------


def test_the_demo_makes_a_year_of_pag_meetings_the_psg_quarters_and_runs_twice_without_change():
    from crm import demo as crm_demo
    from crm.governance import demo as governance_demo

    crm_demo.seed()
    UserFactory(roles=[roles.PREVENT_ADMIN], email=governance_demo.TEAM_EMAIL)
    pag_member = UserFactory(roles=[roles.PAG_MEMBER], email=governance_demo.PAG_MEMBER_EMAIL)
    governance_demo.seed()
    counts = governance_demo.seed()

    pag = MeetingSeries.objects.get(slug="pag")
    meetings = list(pag.meetings.order_by("starts_at"))
    now = timezone.now()
    assert len([m for m in meetings if m.starts_at < now]) == 12 and len(meetings) == 13
    held = [m for m in meetings if m.starts_at < now]
    assert all(m.minutes.live for m in held[:-1]) and not held[-1].minutes.live, "the latest minutes are a draft"
    assert all(m.attendance.exists() and m.agenda_items.exists() for m in held)
    assert {m.concerns.count() for m in held} == {3}
    assert MeetingSeries.objects.get(slug="psg").meetings.count() == 4
    assert MeetingSeries.objects.filter(kind=SeriesKind.BOARD).exists()
    assert pag.members.filter(representative=pag_member).count() == 1
    actions = MeetingAction.objects.filter(meeting__series=pag)
    assert any(a.is_overdue for a in actions)
    assert actions.filter(status=ActionStatus.DONE, updates__isnull=False).exists()
    assert actions.filter(status=ActionStatus.OPEN, due_on__gte=timezone.localdate()).exists()
    assert counts["meetings"] == 18


# --- Community concerns in the admin ----------------------------------------------------------------


def test_the_team_records_a_concern_and_the_guard_refuses_contact_details(client, meeting, team_admin):
    from tests.factories import WardFactory

    client.force_login(team_admin)
    ward = WardFactory(name="Shepherd's Bush Green")
    theme = ConcernTheme.objects.get_or_create(name="Hate incidents")[0]
    organisation = OrganisationFactory(name="Bush Mosque")
    data = {
        "series": meeting.series.pk,
        "meeting": meeting.pk,
        "raised_on": "2026-05-12",
        "theme": theme.pk,
        "level": "high",
        "ward": ward.pk,
        "raised_by": organisation.pk,
        "description": "Graffiti by the station; call 07700 900123 for photos",
        "response": "",
    }
    refused = client.post(reverse("concerns:add"), data)
    assert refused.status_code == 200 and not CommunityConcern.objects.exists(), "nothing saved"
    assert "07700 900123" in refused.content.decode() and "never about a named person" in refused.content.decode()

    data["description"] = "Graffiti by the station, reported at two mosques"
    both = client.post(reverse("concerns:add"), {**data, "borough_wide": "on"})
    assert both.status_code == 200 and not CommunityConcern.objects.exists(), "a ward and borough-wide refused"

    saved = client.post(reverse("concerns:add"), data)
    assert saved.status_code == 302
    concern = CommunityConcern.objects.get()
    assert (concern.ward, concern.level, concern.raised_by) == (ward, "high", organisation)
    listing = client.get(reverse("concerns:index")).content.decode()
    assert "Hate incidents" in listing and "Bush Mosque" in listing


def test_a_concern_is_refused_with_a_meeting_of_another_series(client, meeting, team_admin):
    """The admin's meeting list holds every series' meetings: a PSG meeting on a PAG concern is refused."""
    from tests.factories import WardFactory

    client.force_login(team_admin)
    psg = MeetingSeries.objects.create(name="Prevent Steering Group", slug="psg", kind=SeriesKind.PSG)
    psg_meeting = Meeting.objects.create(
        series=psg, starts_at=meeting.starts_at, ends_at=meeting.ends_at, venue="Town Hall"
    )
    data = {
        "series": meeting.series.pk,
        "meeting": psg_meeting.pk,
        "raised_on": "2026-05-12",
        "theme": ConcernTheme.objects.get_or_create(name="Hate incidents")[0].pk,
        "level": "high",
        "ward": WardFactory().pk,
        "raised_by": OrganisationFactory().pk,
        "description": "Graffiti by the station",
        "response": "",
    }
    refused = client.post(reverse("concerns:add"), data)
    assert refused.status_code == 200 and not CommunityConcern.objects.exists(), "nothing saved"
    assert "not one of Prevent Advisory Group&#x27;s" in refused.content.decode()

    assert client.post(reverse("concerns:add"), {**data, "meeting": meeting.pk}).status_code == 302
    assert CommunityConcern.objects.get().meeting == meeting


def test_an_actions_owner_is_chosen_from_staff_and_representatives_never_every_learner(client, meeting, team_admin):
    UserFactory(roles=[roles.LEARNER], first_name="Lena", last_name="Learner")
    representative = UserFactory(roles=[roles.PAG_MEMBER], first_name="Rafi", last_name="Representative")
    SeriesMember.objects.create(
        series=meeting.series, organisation=OrganisationFactory(name="Bush Mosque"), representative=representative
    )
    client.force_login(team_admin)
    form = client.get(reverse("meeting_actions:add")).content.decode()
    assert "Rafi Representative" in form and "Lena Learner" not in form
