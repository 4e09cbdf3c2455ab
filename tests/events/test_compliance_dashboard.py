"""The compliance dashboard in the Wagtail admin: counts that match the data, names for the team only,
a public summary without them.

Expected numbers are worked out here from how each person's data was made, never by ``events.compliance``.
"""

import csv
import datetime as dt
import io
import random
from collections import Counter
from html.parser import HTMLParser

import openpyxl
import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import timezone
from django.utils.html import escape

from crm import roles
from events.admin_reports import RequirementPeopleView
from events.compliance import FEWER_THAN, HIDDEN
from events.models import (
    Attendance,
    CertificateStatus,
    ExternalCertificate,
    RequirementStatus,
    TrainingRequirement,
    TrainingSession,
)
from events.services import booking_cancel, booking_create
from tests.factories import CERTIFICATE_PDF as PDF

pytestmark = pytest.mark.django_db

OVERVIEW = "/admin/training/compliance/"
LABEL = dict(RequirementStatus.choices)
GROUPS = ("Everyone", "Administration", "Opposition", "Cabinet Members")

# How each generated person's data is made, and the status that data must give (valid 24 months, due 60 days before).
ROUTES = {
    "attended_recently": RequirementStatus.COMPLETE,
    "approved_certificate": RequirementStatus.COMPLETE,
    "attended_long_ago_and_approved_certificate_recently": RequirementStatus.COMPLETE,
    "attended_nearly_two_years_ago": RequirementStatus.DUE_RENEWAL,
    "attended_over_two_years_ago": RequirementStatus.EXPIRED,
    "booked_only": RequirementStatus.BOOKED,
    "attended_over_two_years_ago_and_booked": RequirementStatus.BOOKED,
    "attended_nearly_two_years_ago_and_booked": RequirementStatus.BOOKED,
    "nothing": RequirementStatus.NOT_STARTED,
    "pending_certificate_only": RequirementStatus.NOT_STARTED,
    "attended_another_course": RequirementStatus.NOT_STARTED,
    "booking_cancelled": RequirementStatus.NOT_STARTED,
}


# --- Making data --------------------------------------------------------------------------------


class Maker:
    """Real sessions, attendance, bookings and certificates for generated people."""

    def __init__(self, requirement, team_admin):
        self.requirement = requirement
        self.team_admin = team_admin
        self.sessions = {}
        self.today = timezone.localdate()
        self._upcoming = None

    def session(self, course, on: dt.date):
        if (course.pk, on) not in self.sessions:
            starts = timezone.make_aware(dt.datetime.combine(on, dt.time(10)))
            self.sessions[course.pk, on] = TrainingSession.objects.create(
                course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Town Hall", capacity=200
            )
        return self.sessions[course.pk, on]

    def attended(self, person, course, on: dt.date):
        Attendance.objects.create(session=self.session(course, on), user=person, email=person.email)

    def upcoming(self, course):
        if self._upcoming is None:
            self._upcoming = self.session(course, self.today + dt.timedelta(days=14))
        return self._upcoming

    def book(self, person, course):
        return booking_create(session=self.upcoming(course), user=person, booked_by=self.team_admin)

    def certificate(self, person, on: dt.date, status):
        ExternalCertificate.objects.create(
            user=person,
            requirement=self.requirement,
            title="Home Office Prevent e-learning",
            completed_on=on,
            file=SimpleUploadedFile("certificate.pdf", PDF, content_type="application/pdf"),
            status=status,
        )

    def follow(self, route: str, person, rng: random.Random, *, course, other_course):
        """Make ``person``'s data for ``route`` (see ROUTES), at random dates well inside each status's band."""
        today = self.today
        recently = today - dt.timedelta(days=rng.randint(20, 400))
        nearly_two_years = today - relativedelta(months=24) + dt.timedelta(days=rng.randint(5, 55))
        over_two_years = today - relativedelta(months=rng.randint(25, 40))
        if route == "attended_recently":
            self.attended(person, course, recently)
        elif route == "approved_certificate":
            self.certificate(person, recently, CertificateStatus.APPROVED)
        elif route == "attended_long_ago_and_approved_certificate_recently":
            self.attended(person, course, over_two_years)
            self.certificate(person, recently, CertificateStatus.APPROVED)
        elif route == "attended_nearly_two_years_ago":
            self.attended(person, course, nearly_two_years)
        elif route == "attended_over_two_years_ago":
            self.attended(person, course, over_two_years)
        elif route == "booked_only":
            self.book(person, course)
        elif route == "attended_over_two_years_ago_and_booked":
            self.attended(person, course, over_two_years)
            self.book(person, course)
        elif route == "attended_nearly_two_years_ago_and_booked":
            self.attended(person, course, nearly_two_years)
            self.book(person, course)
        elif route == "pending_certificate_only":
            self.certificate(person, recently, CertificateStatus.PENDING)
        elif route == "attended_another_course":
            self.attended(person, other_course, recently)
        elif route == "booking_cancelled":
            booking_cancel(booking=self.book(person, course), by=self.team_admin)
        else:
            assert route == "nothing", route


@pytest.fixture
def councillors(requirement, team_admin, make_user, wrap, member_course):
    """44 Members on random (seeded) routes, plus people who must not be counted.

    Returns ``[(user, groups, expected status)]`` where groups are the dashboard rows the person counts in.
    """
    from events.demo import courses

    school = courses()["school"]
    maker = Maker(requirement, team_admin)
    rng = random.Random(20261125)
    routes = list(ROUTES) * 3 + [rng.choice(list(ROUTES)) for _ in range(8)]  # every route at least 3 times
    rng.shuffle(routes)
    people = []
    for number, route in enumerate(routes):
        if number < 2:
            side = ""  # a Member whose side is not recorded yet: counted in Everyone only
        else:
            side = rng.choice(["administration", "administration", "opposition"])
        cabinet = side == "administration" and rng.random() < 0.3
        person = make_user(
            roles.ELECTED_MEMBER,
            member_side=side,
            is_cabinet_member=cabinet,
            organisation_type="member",
            organisation_name="Hammersmith & Fulham Council",
            political_group={"administration": "Labour", "opposition": "Conservative"}.get(side, ""),
        )
        maker.follow(route, person, rng, course=rng.choice([wrap, member_course]), other_course=school)
        groups = {"Everyone"} | {"administration": {"Administration"}, "opposition": {"Opposition"}}.get(side, set())
        if cabinet:
            groups.add("Cabinet Members")
        people.append((person, groups, ROUTES[route]))

    # Not counted: a learner who did WRAP, and a Member whose account is closed.
    learner = make_user(roles.LEARNER)
    maker.attended(learner, wrap, maker.today - dt.timedelta(days=10))
    closed = make_user(roles.ELECTED_MEMBER, member_side="opposition", is_active=False)
    maker.attended(closed, wrap, maker.today - dt.timedelta(days=10))
    return people


def expected_counts(people) -> dict[str, Counter]:
    counts = {group: Counter() for group in GROUPS}
    for _, groups, status in people:
        for group in groups:
            counts[group][status] += 1
    return counts


@pytest.fixture
def team_client(client, team_admin):
    client.force_login(team_admin)
    return client


def requirement_url(requirement, tail=""):
    return f"{OVERVIEW}{requirement.pk}/{tail}"


# --- Reading what the dashboard shows ------------------------------------------------------------


class Tables(HTMLParser):
    """Every table in a page, by its id: rows as lists of cell texts."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.rows = self.row = self.cell = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.rows = self.tables.setdefault(dict(attrs).get("id") or f"table-{len(self.tables)}", [])
        elif tag == "tr" and self.rows is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None
        elif tag == "table":
            self.rows = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content(response).decode("utf-8-sig"))))


def xlsx_rows(response) -> list[dict[str, object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content(response)), read_only=True).active
    headings, *rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(headings, row, strict=True)) for row in rows]


# --- Counts -------------------------------------------------------------------------------------


def test_overview_counts_equal_an_independent_count_of_the_generated_data(team_client, requirement, councillors):
    expected = expected_counts(councillors)
    assert all(expected["Everyone"][status] >= 3 for status in RequirementStatus.values), "every status is exercised"
    assert expected["Everyone"].total() == 44

    response = team_client.get(OVERVIEW)
    assert response.status_code == 200

    [shown] = [item for item in response.context["requirements"] if item.requirement == requirement]
    assert [row.label for row in shown.rows] == list(GROUPS)
    for row in shown.rows:
        assert row.counts == {status: expected[row.label][status] for status in RequirementStatus.values}, row.label
        assert row.total == expected[row.label].total(), row.label

    # The same numbers, as the page shows them: "count (percent%)" under each status, then the total.
    heading, *rows = Tables(response.content.decode()).tables[f"requirement-{requirement.pk}"]
    assert heading == ["Group", *LABEL.values(), "Total"]
    for label, *cells, total in rows:
        group = expected[label]
        assert int(total) == group.total(), label
        for status, cell in zip(RequirementStatus.values, cells, strict=True):
            count, percent = cell.split()
            assert int(count) == group[status], (label, status)
            assert abs(float(percent.strip("(%)")) - 100 * group[status] / group.total()) <= 0.05, (label, status)

    html = response.content.decode()
    for url in (
        requirement_url(requirement),
        requirement_url(requirement, "?export=xlsx"),
        requirement_url(requirement, "?export=csv"),
        requirement_url(requirement, "summary/"),
    ):
        assert f'href="{url}"' in html, url


def test_exports_list_everyone_with_the_status_their_data_gives(team_client, requirement, councillors):
    expected = {person.email: LABEL[status] for person, _, status in councillors}
    expected_by_status = Counter(LABEL[status] for _, _, status in councillors)

    exported_csv = team_client.get(requirement_url(requirement, "?export=csv"))
    assert exported_csv.status_code == 200 and exported_csv["Content-Type"].startswith("text/csv")
    rows = csv_rows(exported_csv)
    assert {row["Email"]: row["Status"] for row in rows} == expected
    assert Counter(row["Status"] for row in rows) == expected_by_status
    sides = Counter(row["Side"] for row in rows)
    assert sides["Opposition"] == sum(1 for person, _, _ in councillors if person.member_side == "opposition")
    cabinet = {row["Email"] for row in rows if row["Cabinet"] == "Yes"}
    assert cabinet == {person.email for person, _, _ in councillors if person.is_cabinet_member}

    exported_xlsx = team_client.get(requirement_url(requirement, "?export=xlsx"))
    assert exported_xlsx.status_code == 200
    rows = xlsx_rows(exported_xlsx)
    assert {row["Email"]: row["Status"] for row in rows} == expected
    booked = {person.email for person, _, status in councillors if status == RequirementStatus.BOOKED}
    assert {row["Email"] for row in rows if row["Booked session"]} >= booked


def test_a_long_list_pages_but_the_export_has_everyone(requirement, councillors, team_admin):
    request = RequestFactory().get(requirement_url(requirement))
    request.user = team_admin
    view = RequirementPeopleView.as_view(paginate_by=10)
    page = view(request, requirement_id=requirement.pk)
    assert page.context_data["paginator"].num_pages == 5
    assert len(page.context_data["object_list"]) == 10

    request = RequestFactory().get(requirement_url(requirement, "?export=csv"))
    request.user = team_admin
    assert len(csv_rows(view(request, requirement_id=requirement.pk))) == 44


# --- Names for the team only --------------------------------------------------------------------


def test_the_team_sees_names_and_details_in_the_drill_down(team_client, requirement, councillors):
    response = team_client.get(requirement_url(requirement))
    assert response.status_code == 200
    html = response.content.decode()
    for person, _, _ in councillors:
        assert person.email in html
        assert escape(person.get_full_name()) in html
    [listing] = [rows for rows in Tables(html).tables.values() if rows and rows[0][:2] == ["Name", "Email"]]
    assert listing[0] == [
        "Name",
        "Email",
        "Organisation",
        "Political group",
        "Side",
        "Cabinet",
        "Status",
        "Last completed",
        "Valid until",
        "Booked session",
        "Certificate pending",
    ]
    assert len(listing) == 1 + 44


DASHBOARD_TAILS = ("", "results/", "?export=csv", "?export=xlsx", "summary/", "summary/?format=csv", "summary.csv")


def dashboard_urls(requirement):
    return [OVERVIEW] + [requirement_url(requirement, tail) for tail in DASHBOARD_TAILS]


@pytest.fixture
def named_member(make_user):
    return make_user(
        roles.ELECTED_MEMBER, member_side="opposition", first_name="Philippa", last_name="Featherstonehaugh"
    )


@pytest.mark.parametrize("role", [roles.LEARNER, roles.TRAINER, roles.ELECTED_MEMBER])
def test_people_without_the_admin_are_refused_every_dashboard_url(client, make_user, requirement, named_member, role):
    client.force_login(make_user(role))
    for url in dashboard_urls(requirement):
        response = client.get(url)
        assert response.status_code == 403, (role, url)
        assert b"Featherstonehaugh" not in content(response) and b"Not started" not in content(response), url


def test_outreach_officers_use_the_admin_but_are_refused_every_dashboard_url(
    client, make_user, requirement, named_member
):
    client.force_login(make_user(roles.OUTREACH_OFFICER))
    assert client.get("/admin/").status_code == 200
    for url in dashboard_urls(requirement):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/admin/", url
        followed = client.get(url, follow=True)
        assert any("do not have permission" in str(m) for m in followed.context["messages"]), url
        assert b"Featherstonehaugh" not in followed.content


def test_anonymous_is_sent_to_sign_in(client, requirement):
    for url in dashboard_urls(requirement):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/") and "next=" in response["Location"], url


def test_the_menu_item_shows_only_to_the_team(client, make_user, team_admin):
    client.force_login(team_admin)
    assert f'"{OVERVIEW}"'.encode() in client.get("/admin/").content
    client.force_login(make_user(roles.OUTREACH_OFFICER))
    assert OVERVIEW.encode() not in client.get("/admin/").content


def test_an_unknown_requirement_is_not_found(team_client):
    assert team_client.get(f"{OVERVIEW}999999/").status_code == 404


# --- Filters ------------------------------------------------------------------------------------


def test_filters_narrow_the_drill_down_and_the_export_follows(team_client, requirement, councillors):
    wanted = {
        person.email
        for person, _, status in councillors
        if status == RequirementStatus.NOT_STARTED and person.member_side == "opposition"
    }
    others = {person.email for person, _, _ in councillors} - wanted
    assert wanted and others

    query = "?status=not_started&side=opposition"
    page = team_client.get(requirement_url(requirement, query)).content.decode()
    assert all(email in page for email in wanted)
    assert not any(email in page for email in others)

    fragment = team_client.get(requirement_url(requirement, "results/" + query)).content.decode()
    assert all(email in fragment for email in wanted) and not any(email in fragment for email in others)

    exported = csv_rows(team_client.get(requirement_url(requirement, query + "&export=csv")))
    assert {row["Email"] for row in exported} == wanted
    exported = xlsx_rows(team_client.get(requirement_url(requirement, query + "&export=xlsx")))
    assert {row["Email"] for row in exported} == wanted

    cabinet = csv_rows(team_client.get(requirement_url(requirement, "?cabinet=yes&export=csv")))
    in_cabinet = {person.email for person, _, _ in councillors if person.is_cabinet_member}
    assert in_cabinet and {row["Email"] for row in cabinet} == in_cabinet


def test_staff_requirements_count_everyone_only_and_hide_member_columns(team_client, make_user, wrap):
    leads = Group.objects.create(name="Designated Safeguarding Leads")
    rule = TrainingRequirement.objects.create(name="Prevent training for DSLs", valid_for_months=36)
    rule.groups.add(leads)
    rule.courses.add(wrap)
    TrainingRequirement.objects.create(name="An old rule nobody follows", active=False).groups.add(leads)
    maker = Maker(rule, None)
    trained = []
    for number in range(6):
        person = make_user(roles.LEARNER, organisation_type="school", organisation_name="Brook Green Primary School")
        person.groups.add(leads)
        if number < 4:
            maker.attended(person, wrap, maker.today - dt.timedelta(days=100))
            trained.append(person.email)

    response = team_client.get(OVERVIEW)
    [shown] = [item for item in response.context["requirements"] if item.requirement == rule]
    assert [row.label for row in shown.rows] == ["Everyone"]
    assert shown.rows[0].counts["complete"] == 4 and shown.rows[0].counts["not_started"] == 2
    assert "An old rule nobody follows" not in response.content.decode(), "inactive requirements are left out"

    drill = team_client.get(requirement_url(rule, "?status=complete"))
    [listing] = [rows for rows in Tables(drill.content.decode()).tables.values() if rows and rows[0][0] == "Name"]
    assert listing[0] == [
        "Name",
        "Email",
        "Organisation",
        "Status",
        "Last completed",
        "Valid until",
        "Booked session",
        "Certificate pending",
    ]
    assert len(listing) == 1 + 4
    rows = csv_rows(team_client.get(requirement_url(rule, "?status=complete&export=csv")))
    assert sorted(row["Email"] for row in rows) == sorted(trained)
    assert "Political group" not in rows[0]


# --- The anonymised summary ---------------------------------------------------------------------

NAMES = [
    ("Aurelia", "Quennell"),
    ("Bartholomew", "Ashdown"),
    ("Cressida", "Pemberton"),
    ("Desmond", "Okonjo"),
    ("Evangeline", "Thistlewood"),
    ("Fitzgerald", "Marchbanks"),
    ("Gwendolyn", "Ravenscroft"),
    ("Horatio", "Blandford"),
    ("Imogen", "Villiers"),
    ("Jolyon", "Cattermole"),
    ("Kesia", "Mountjoy"),
    ("Lysander", "Wetherby"),
    ("Marigold", "Ffoulkes"),
    ("Nathaniel", "Oyelaran"),
]


@pytest.fixture
def small_council(requirement, team_admin, make_user, member_course):
    """14 Members: 8 Administration (3 of them Cabinet), 6 Opposition; 7 complete, 7 not started."""
    maker = Maker(requirement, team_admin)
    people = []
    for number, (first, last) in enumerate(NAMES):
        side = "administration" if number < 8 else "opposition"
        person = make_user(
            roles.ELECTED_MEMBER,
            first_name=first,
            last_name=last,
            member_side=side,
            is_cabinet_member=number < 3,
            political_group="Independent",
        )
        if number % 2 == 0:
            maker.attended(person, member_course, maker.today - dt.timedelta(days=30))
        people.append(person)
    return people


def assert_anonymous(text: str, people):
    for person in people:
        for word in (person.first_name, person.last_name, person.email, person.email.split("@")[0]):
            assert word not in text, word
    assert "example.gov.uk" not in text


def test_the_summary_shows_counts_only_with_small_numbers_hidden(team_client, requirement, small_council):
    response = team_client.get(requirement_url(requirement, "summary/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert_anonymous(html, small_council)
    assert "%" not in html, "no percentages: they would give small numbers away"
    assert f"{requirement.name} — position at {timezone.localdate():%-d %B %Y}" in html
    assert "Counts under 5 are shown as “fewer than 5”" in html

    [table] = Tables(html).tables.values()
    heading, *rows = table
    assert heading == ["Group", *LABEL.values(), "Total"]
    rows = {row[0]: dict(zip(heading[1:], row[1:], strict=True)) for row in rows}
    assert list(rows) == list(GROUPS)
    # Everyone: 7 complete and 7 not started; the three empty statuses are hidden, not shown as 0. The 7s are
    # "not shown" as well: Everyone minus the Administration's counts would otherwise give the Opposition's 3s.
    assert rows["Everyone"] == {
        "Complete": HIDDEN,
        "Due for renewal": FEWER_THAN,
        "Expired": FEWER_THAN,
        "Booked": FEWER_THAN,
        "Not started": HIDDEN,
        "Total": "14",
    }
    # The Cabinet has 3 Members: every count, and the total, is "fewer than 5".
    assert set(rows["Cabinet Members"].values()) == {FEWER_THAN}
    # The Opposition: 3 complete, 3 not started, out of 6.
    assert rows["Opposition"]["Complete"] == FEWER_THAN and rows["Opposition"]["Not started"] == FEWER_THAN
    assert rows["Opposition"]["Total"] == "6"
    for row in rows.values():
        assert all(value in (FEWER_THAN, HIDDEN) or int(value) >= 5 for value in row.values()), row


@pytest.mark.parametrize("tail", ["summary.csv", "summary/?format=csv"])
def test_the_summary_csv_is_the_same_table_without_names(team_client, requirement, small_council, tail):
    response = team_client.get(requirement_url(requirement, tail))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")  # a byte-order mark first, for Excel
    assert_anonymous(text, small_council)
    rows = {row["Group"]: row for row in csv.DictReader(io.StringIO(text))}
    assert list(rows) == list(GROUPS)
    assert rows["Everyone"]["Complete"] == HIDDEN and rows["Everyone"]["Total"] == "14"
    assert {value for key, value in rows["Cabinet Members"].items() if key != "Group"} == {FEWER_THAN}
    assert rows["Administration"]["Total"] == "8"
