"""Every CSV/XLSX download in the Wagtail admin, and the registers, go through crm.exports.

The walk below covers every export of the product's admin viewsets; a new one that is not
added to ``CASES`` fails ``test_the_walk_covers_every_admin_export``. Files are read back with
the csv module and openpyxl.
"""

import csv
import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, reverse
from openpyxl import load_workbook
from wagtail.admin.views.mixins import SpreadsheetExportMixin as WagtailSpreadsheetExportMixin
from wagtail.admin.viewsets import viewsets
from wagtail.models import ModelLogEntry

from crm import roles
from crm.exports import EXPORT_ACTION, SpreadsheetExportMixin
from crm.models import Contact, OutreachTag, Recommendation, RecommendationAction, Risk
from crm.outreach.services import outreach_visit_log
from events.models import AttendanceMethod, CertificateStatus, ExternalCertificate, TrainingSession
from events.services import attendance_record, booking_create, colleagues_invite
from tests.crm.test_governance_meetings import governance_export_rows as governance_rows
from tests.factories import OrganisationFactory, WardFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
EVIL = '=HYPERLINK("http://evil.example","x")'
PROJECT_APPS = ("crm", "events", "faith_forum", "feedback", "portal")


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def read(response, fmt: str) -> tuple[list[str], list[list]]:
    """The heading row and the data rows, as the csv module or openpyxl reads them."""
    if fmt == "csv":
        heading, *rows = csv.reader(io.StringIO(content(response).decode("utf-8-sig")))
        return heading, rows
    sheet = load_workbook(io.BytesIO(content(response))).active
    heading, *rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return heading, rows


def audit_entries(user):
    return ModelLogEntry.objects.filter(action=EXPORT_ACTION, user=user)


# --- Every admin export --------------------------------------------------------------------------


@pytest.fixture
def one_of_each(make_session, make_user, requirement):
    """One row for every admin list: a session, a booking and its attendance, a certificate, an organisation."""
    session = make_session(days=7, venue="Fulham Library, Room 2")
    ada = make_user(roles.LEARNER, first_name="Ada", last_name="Lovelace", email="ada@example.gov.uk")
    booking = booking_create(session=session, user=ada)
    attendance_record(session=session, booking=booking, method=AttendanceMethod.TICKET)
    member = make_user(
        roles.ELECTED_MEMBER,
        first_name="Bea",
        last_name="Barnes",
        email="bea@example.gov.uk",
        member_side="administration",
    )
    ExternalCertificate.objects.create(
        user=member,
        requirement=requirement,
        title="Home Office Prevent e-learning",
        completed_on=dt.date(2026, 3, 2),
        file="certificates/bea.pdf",
        status=CertificateStatus.PENDING,
    )
    school = OrganisationFactory(name="Brook Green Primary School", ward=WardFactory(name="Brook Green"))
    Contact.objects.create(name="Helen Carter", role="Head teacher", organisation=school)
    colleagues_invite(session=session, lead=ada, addresses=["cy@school.example.sch.uk"])
    outreach_visit_log(
        officer=make_user(roles.OUTREACH_OFFICER),
        uuid="2f0e8c1a-7b3d-4e5f-9a6b-1c2d3e4f5a6b",
        visited_at=dt.datetime(2026, 5, 12, 10, tzinfo=UTC),
        ward=school.ward,
        organisation=school,
        contact_type="face_to_face",
        activity="assembly",
        people_engaged=210,
        tags=[OutreachTag.objects.create(name="Online safety")],
    )
    governance_rows(owner=member)
    # Governance registers (issue 13).
    risk = Risk.objects.create(
        title="Funding uncertainty", likelihood=4, impact=5, owner_name="Head of Community Safety"
    )
    recommendation = Recommendation.objects.create(
        source="Home Office peer review, November 2018", reference="R1", text="Strengthen Member engagement"
    )
    RecommendationAction.objects.create(
        recommendation=recommendation,
        description="Member briefings",
        owner="Prevent Coordinator",
        due_on=dt.date(2026, 3, 31),
    )
    assert risk.pk
    # Faith Forum (issue 14): a forum event Ada came to, and a member organisation.
    from faith_forum.models import ForumEvent, ForumMembership

    forum_event = ForumEvent.objects.create(
        session=make_session(days=-2, venue="Central Gurdwara"), title="Visit to the Central Gurdwara"
    )
    attendance_record(session=forum_event.session, user=ada, method=AttendanceMethod.REGISTER)
    ForumMembership.objects.create(organisation=OrganisationFactory(name="Central Gurdwara"), faith="sikh")
    return SimpleNamespace(session=session, requirement=requirement, forum_event=forum_event)


# URL name -> (URL arguments, a value a data row must hold, whether the list names people).
CASES = {
    "sessions:index": (lambda data: [], "Fulham Library, Room 2", False),
    "bookings:index": (lambda data: [], "ada@example.gov.uk", True),
    "attendance:index": (lambda data: [], "Ada Lovelace", True),
    "certificates:index": (lambda data: [], "bea@example.gov.uk", True),
    "compliance:requirement": (lambda data: [data.requirement.pk], "bea@example.gov.uk", True),
    "organisations:index": (lambda data: [], "Brook Green Primary School", False),
    "wards:index": (lambda data: [], "Brook Green", False),
    "contacts:index": (lambda data: [], "Helen Carter", True),
    "invitations:index": (lambda data: [], "cy@school.example.sch.uk", True),
    "outreach_visits:index": (lambda data: [], "210", True),
    "outreach_tags:index": (lambda data: [], "Online safety", False),
    # Governance (issue 13): crm/governance/admin.py.
    "meeting_series:index": (lambda data: [], "Prevent Advisory Group", False),
    "meetings:index": (lambda data: [], "Hammersmith Town Hall", False),
    "wagtailsnippets_crm_meetingminutes:list": (lambda data: [], "Prevent Advisory Group", False),
    "meeting_actions:index": (lambda data: [], "Book the room for the next meeting", True),
    "concern_themes:index": (lambda data: [], "Online radicalisation", False),
    "concerns:index": (lambda data: [], "Leaflets left outside the library after the football", False),
    "feedback_report:index": (lambda data: [], "Staff trained", False),
    "feedback_report:quarterly": (lambda data: [], "Staff trained", False),
    "feedback_report:publishable": (lambda data: [], "Staff trained", False),
    # One view for every table of the dashboard; each table is read back in tests/feedback/test_analytics.py.
    "feedback_analytics:export": (lambda data: ["quarters"], "Q1 Apr–Jun", False),
    "risks:index": (lambda data: [], "Funding uncertainty", True),
    "recommendations:index": (lambda data: [], "Strengthen Member engagement", False),
    "recommendation_actions:index": (lambda data: [], "Member briefings", True),
    # Faith Forum events (issue 14): faith_forum/admin_events.py. Who came names people; participation, organisations.
    "forum_events:index": (lambda data: [], "Visit to the Central Gurdwara", False),
    "forum_events:report": (lambda data: [data.forum_event.pk], "ada@example.gov.uk", True),
    "forum_participation:index": (lambda data: [], "Central Gurdwara", False),
}


def _patterns(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            yield pattern
        else:
            yield from _patterns(pattern.url_patterns)


def admin_exports() -> dict[str, tuple[object, type, dict]]:
    """Every view of the product's admin viewsets that offers a CSV/XLSX export, by URL name."""
    reverse("wagtailadmin_home")  # loads the admin URLs, which registers the viewsets
    found = {}
    for viewset in viewsets.viewsets:
        if type(viewset).__module__.split(".")[0] not in PROJECT_APPS:
            continue
        for pattern in _patterns(viewset.get_urlpatterns()):
            view_class = getattr(pattern.callback, "view_class", None)
            initkwargs = getattr(pattern.callback, "view_initkwargs", {})
            if not (view_class and issubclass(view_class, WagtailSpreadsheetExportMixin)):
                continue
            if initkwargs.get("results_only"):
                continue  # the same listing, refreshed by the filters
            if initkwargs.get("list_export", getattr(view_class, "list_export", None)):
                found[f"{viewset.url_namespace}:{pattern.name}"] = (viewset, view_class, initkwargs)
    return found


def test_the_walk_covers_every_admin_export():
    found = admin_exports()
    assert set(found) == set(CASES), "add the new export to CASES"
    for name, (viewset, view_class, initkwargs) in found.items():
        assert issubclass(view_class, SpreadsheetExportMixin), f"{name} does not export through crm.exports"
        declared = "export_names_people" in vars(type(viewset)) or "export_names_people" in vars(view_class)
        assert declared, f"{name} must say whether its list names people (export_names_people)"
        names_people = initkwargs.get("export_names_people", view_class.export_names_people)
        assert names_people is CASES[name][2], name


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_admin_export_reads_back_with_a_heading_per_column_and_the_data(
    client, team_admin, one_of_each, name, fmt
):
    args, expected, names_people = CASES[name]
    client.force_login(team_admin)
    response = client.get(reverse(name, args=args(one_of_each)) + f"?export={fmt}")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    heading, rows = read(response, fmt)
    assert heading and all(heading), heading
    assert len(set(heading)) == len(heading), f"one heading per column: {heading}"
    assert not any("__" in title or "." in title for title in heading), f"headings are field names: {heading}"
    assert rows, "the file stops after its heading row"
    assert all(len(row) == len(heading) for row in rows)
    assert any(expected in (str(value) for value in row) for row in rows), rows
    assert audit_entries(team_admin).count() == (1 if names_people else 0)


def test_the_bookings_export_has_a_column_for_each_detail(client, team_admin, one_of_each):
    client.force_login(team_admin)
    heading, [row] = read(client.get(reverse("bookings:index") + "?export=csv"), "csv")
    assert heading == [
        "First name",
        "Last name",
        "Email address",
        "Organisation",
        "Session",
        "Status",
        "Created at",
        "Cancelled at",
    ]
    assert row[:3] == ["Ada", "Lovelace", "ada@example.gov.uk"]
    assert row[4] == str(one_of_each.session) and row[5] == "Confirmed" and row[7] == ""


@pytest.mark.parametrize("name", ["attendance:index", "bookings:index"])
def test_a_longer_list_takes_no_more_queries(client, team_admin, make_session, make_user, name):
    def add_people(count: int) -> None:
        session = make_session(days=7 + TrainingSession.objects.count())
        for _ in range(count):
            booking = booking_create(session=session, user=make_user())
            attendance_record(session=session, booking=booking, method=AttendanceMethod.TICKET)

    def export_queries(rows: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert len(read(client.get(reverse(name) + "?export=csv"), "csv")[1]) == rows
        return len(captured)

    client.force_login(team_admin)
    add_people(1)
    export_queries(1)  # the first request fills what a running site keeps in its cache (the header's page lookups)
    few = export_queries(1)
    add_people(9)
    assert export_queries(10) == few, "a query per row: select_related what the columns read"


# --- Walk-ins' typed names ---------------------------------------------------------------------


def test_a_formula_typed_by_a_walk_in_is_text_in_the_admin_and_register_exports(client, team_admin, make_session):
    session = make_session(days=-1)
    attendance_record(session=session, full_name=EVIL, email="mal@example.org", method=AttendanceMethod.WALK_IN)
    client.force_login(team_admin)
    downloads = {
        "admin attendance": (reverse("attendance:index") + "?export={fmt}", "Name"),
        "register": (reverse("events:register_export", args=[session.pk, "FMT"]).replace("FMT", "{fmt}"), "Name"),
    }
    for what, (url, column) in downloads.items():
        response = client.get(url.format(fmt="csv"))
        assert response.status_code == 200, what
        heading, rows = read(response, "csv")
        [row] = [row for row in rows if "mal@example.org" in row]
        assert row[heading.index(column)] == "'" + EVIL, what

        response = client.get(url.format(fmt="xlsx"))
        assert response.status_code == 200, what
        sheet = load_workbook(io.BytesIO(content(response))).active
        [name] = [row[0] for row in sheet.iter_rows(min_row=2) if any(c.value == "mal@example.org" for c in row)]
        assert name.data_type == "s" and name.value == "'" + EVIL, what


# --- Audit ---------------------------------------------------------------------------------------


def test_admin_downloads_that_name_people_are_audited_with_who_what_and_filters(client, team_admin, one_of_each):
    attendance_record(
        session=one_of_each.session, full_name="Walt Inman", email="walt@example.org", method=AttendanceMethod.WALK_IN
    )
    client.force_login(team_admin)
    assert client.get(reverse("attendance:index") + "?method=walk_in&export=csv").status_code == 200
    assert client.get(reverse("bookings:index") + "?export=xlsx").status_code == 200
    attendance, bookings = audit_entries(team_admin).order_by("id")
    assert attendance.data == {"what": "Attendance", "format": "csv", "filters": "method=walk_in", "rows": 1}
    assert attendance.label == "Attendance: 1 row (CSV)"
    assert bookings.data == {"what": "Bookings", "format": "xlsx", "filters": "", "rows": 1}

    assert client.get(reverse("attendance:index") + "?method=walk_in").status_code == 200
    assert audit_entries(team_admin).count() == 2, "looking at the list is not a download"
    history = client.get("/admin/reports/site-history/").content.decode()
    assert "Downloaded a list with names" in history and "Attendance: 1 row (CSV)" in history


# --- Times and labels ----------------------------------------------------------------------------


def test_admin_exports_write_london_times_to_the_minute_and_choice_labels(client, team_admin, make_session, make_user):
    session = make_session(days=7)
    summer = dt.datetime(2026, 7, 1, 9, 30, 15, 123456, tzinfo=UTC)
    winter = dt.datetime(2026, 1, 15, 9, 30, 15, 123456, tzinfo=UTC)
    attendance_record(
        session=session, user=make_user(email="ada@example.gov.uk"), method=AttendanceMethod.TICKET, when=summer
    )
    attendance_record(
        session=session, full_name="Walt Inman", email="walt@example.org", method=AttendanceMethod.WALK_IN, when=winter
    )
    client.force_login(team_admin)
    url = reverse("attendance:index") + "?export={fmt}"

    heading, rows = read(client.get(url.format(fmt="csv")), "csv")
    by_email = {row[heading.index("Email")]: dict(zip(heading, row, strict=True)) for row in rows}
    assert by_email["ada@example.gov.uk"]["Checked in at"] == "2026-07-01 10:30"
    assert by_email["ada@example.gov.uk"]["Method"] == "Ticket scanned"
    assert by_email["walt@example.org"]["Checked in at"] == "2026-01-15 09:30"
    assert by_email["walt@example.org"]["Method"] == "Walk-in"

    heading, rows = read(client.get(url.format(fmt="xlsx")), "xlsx")
    by_email = {row[heading.index("Email")]: dict(zip(heading, row, strict=True)) for row in rows}
    assert by_email["ada@example.gov.uk"]["Checked in at"] == dt.datetime(2026, 7, 1, 10, 30)
    assert by_email["ada@example.gov.uk"]["Method"] == "Ticket scanned"
    assert by_email["walt@example.org"]["Checked in at"] == dt.datetime(2026, 1, 15, 9, 30)

    heading, [row] = read(client.get(reverse("sessions:index") + "?export=csv"), "csv")
    assert dict(zip(heading, row, strict=True))["Visibility"] == "Open: listed on the course page"
