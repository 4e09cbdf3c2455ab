"""Governance data for the PAG members' area tests (unit and browser): built with the ORM, as the team would."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model

from crm import roles
from crm.governance.models import (
    ActionStatus,
    ActionUpdate,
    AgendaItem,
    AgendaItemStatus,
    AttendanceStatus,
    CommunityConcern,
    ConcernTheme,
    Meeting,
    MeetingAction,
    MeetingAttendance,
    MeetingMinutes,
    MeetingPaper,
    MeetingSeries,
    SeriesMember,
)
from tests.factories import OrganisationFactory, UserFactory, WardFactory

APPROVED_TEXT = "Members discussed community tensions after the incident near the market."
DRAFT_TEXT = "UNAPPROVED CORRECTION"
PAPER_BYTES = b"Quarterly Prevent delivery update.\n"


def meeting(series, *, days, status="scheduled", venue="Town Hall, Committee Room 1", online_url=""):
    starts = (timezone.now() + dt.timedelta(days=days)).replace(second=0, microsecond=0)
    return Meeting.objects.create(
        series=series,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        venue=venue,
        online_url=online_url,
        status=status,
    )


def approve_minutes(meeting_, *, body: str, by) -> MeetingMinutes:
    """Minutes written and approved as the admin does it: a revision, published."""
    minutes = MeetingMinutes(meeting=meeting_, body=body, live=False)
    minutes.save()
    minutes.save_revision(user=by).publish(user=by, skip_permission_checks=True)
    minutes.refresh_from_db()
    return minutes


def build(*, team=None, member_email=None) -> SimpleNamespace:
    w = SimpleNamespace()
    w.team = team or UserFactory(roles=[roles.PREVENT_ADMIN])
    w.ward = WardFactory(name="Addison")
    w.other_ward = WardFactory(name="Grove")
    w.org = OrganisationFactory(name="Women's Voices West London", ward=w.ward)
    w.other_org = OrganisationFactory(name="Brook Green Residents", ward=w.other_ward)
    fields = {"email": member_email} if member_email else {}
    w.member = UserFactory(roles=[roles.PAG_MEMBER], first_name="Grace", last_name="Mensah", **fields)
    w.other_member = UserFactory(roles=[roles.PAG_MEMBER])
    w.series = MeetingSeries.objects.create(
        name="Prevent Advisory Group",
        slug="pag",
        kind="pag",
        members_role=roles.PAG_MEMBER,
        chair="Head of Community Safety",
    )
    w.other_series = MeetingSeries.objects.create(
        name="North Fulham PAG", slug="north-pag", kind="pag", members_role=roles.PAG_MEMBER
    )
    w.psg = MeetingSeries.objects.create(name="Prevent Steering Group", slug="psg", kind="psg")
    SeriesMember.objects.create(series=w.series, organisation=w.org, representative=w.member)
    SeriesMember.objects.create(series=w.other_series, organisation=w.other_org, representative=w.other_member)
    w.theme, _ = ConcernTheme.objects.get_or_create(name="Community tensions")
    w.online_theme, _ = ConcernTheme.objects.get_or_create(name="Online radicalisation")

    w.past = meeting(w.series, days=-20)
    MeetingAttendance.objects.create(meeting=w.past, organisation=w.org, representative="Grace Mensah")
    MeetingAttendance.objects.create(
        meeting=w.past, organisation=w.other_org, representative="A. Okoro", status=AttendanceStatus.APOLOGIES
    )
    for theme, ward in ((w.theme, w.ward), (w.online_theme, None)):
        CommunityConcern.objects.create(
            series=w.series,
            meeting=w.past,
            raised_on=timezone.localdate() - dt.timedelta(days=20),
            theme=theme,
            ward=ward,
            borough_wide=ward is None,
            level="high",
            raised_by=w.org,
            description="Leaflets from a far-right group around the estate.",
        )
    w.minutes = approve_minutes(w.past, body=f"<p>{APPROVED_TEXT}</p>", by=w.team)
    # A correction in progress: saved as a draft, not approved.
    w.minutes.body = f"<p>{DRAFT_TEXT}</p>"
    w.minutes.save_revision(user=w.team)
    w.action = MeetingAction.objects.create(
        meeting=w.past,
        description="Share the hate-incident reporting leaflet with mosques",
        owner_organisation=w.org,
        due_on=timezone.localdate() - dt.timedelta(days=3),
    )
    ActionUpdate.objects.create(
        action=w.action, note="Leaflet printed; distribution next week.", status="open", by=w.team
    )
    w.done_action = MeetingAction.objects.create(
        meeting=w.past,
        description="Book the venue",
        owner=w.team,
        due_on=timezone.localdate(),
        status=ActionStatus.DONE,
    )

    w.draft_only = meeting(w.series, days=-5)
    MeetingMinutes.objects.create(meeting=w.draft_only, body="<p>DRAFT ONLY MINUTES</p>", live=False)

    w.upcoming = meeting(w.series, days=10, online_url="https://meet.example.org/pag")
    AgendaItem.objects.create(meeting=w.upcoming, title="Response to the summer's incidents", sort_order=1)
    AgendaItem.objects.create(
        meeting=w.upcoming, title="SECRET PROPOSAL", status=AgendaItemStatus.PROPOSED, sort_order=2
    )
    document = get_document_model().objects.create(
        title="Delivery update", file=ContentFile(PAPER_BYTES, name="delivery-update.txt")
    )
    w.paper = MeetingPaper.objects.create(meeting=w.upcoming, document=document)
    w.document = document

    w.other_meeting = meeting(w.other_series, days=12)
    other_doc = get_document_model().objects.create(title="North paper", file=ContentFile(b"x", name="north.txt"))
    w.other_paper = MeetingPaper.objects.create(meeting=w.other_meeting, document=other_doc)
    w.psg_meeting = meeting(w.psg, days=14)
    return w
