"""Ward hot spots (crm.hotspots, CRM → Ward hot spots): exact for the team, suppressed when published."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine

from crm import roles
from crm.hotspots import (
    QUARTER,
    YEAR,
    HotspotFilters,
    HotspotMeasure,
    _measures,
    hotspot_grid,
    hotspot_measures,
    register_hotspot_measure,
)
from crm.models import OutreachTag, OutreachVisit, Ward
from crm.periods import FinancialYear
from crm.suppression import FEWER_THAN, HIDDEN, suppress_grid
from tests.factories import UserFactory

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 5, 15, 12, 0, tzinfo=LONDON)
FY = FinancialYear(2025)
URL = "/admin/crm/hot-spots/"
PUBLISHABLE = "/admin/crm/hot-spots/publishable/"


def at(year, month, day, hour=10, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def wards(db):
    return {name: Ward.objects.get_or_create(name=name)[0] for name in ("Addison", "Grove", "White City")}


@pytest.fixture
def officer(db):
    return UserFactory(roles=[roles.OUTREACH_OFFICER])


def log(ward, when, *, people=10, contact_type="face_to_face", tags=(), officer):
    visit = OutreachVisit.objects.create(
        uuid=uuid.uuid4(),
        visited_at=when,
        ward=ward,
        contact_type=contact_type,
        activity="community_stall",
        people_engaged=people,
        officer=officer,
    )
    visit.tags.set(tags)
    return visit


@pytest.fixture
def outreach(frozen, wards, officer):
    """Addison is busy every quarter of 2025/26; Grove has a few; White City none (and still listed)."""
    online = OutreachTag.objects.create(name="Online harms")
    addison, grove = wards["Addison"], wards["Grove"]
    for quarter_start in (at(2025, 4, 2), at(2025, 7, 2), at(2025, 10, 2), at(2026, 1, 5)):
        for n in range(6):
            log(
                addison,
                quarter_start + dt.timedelta(days=n),
                people=20,
                tags=[online] if n < 2 else [],
                officer=officer,
            )
    log(grove, at(2025, 6, 30, 23, 30), people=7, contact_type="phone", officer=officer)  # Q1's last half hour
    log(grove, at(2025, 7, 1, 0, 30), people=3, officer=officer)  # 23:30 UTC on 30 June: Q2 in London
    log(grove, at(2026, 3, 31, 23, 30), people=40, contact_type="event", officer=officer)  # the year's last day: Q4
    log(grove, at(2026, 4, 1, 0, 30), people=99, officer=officer)  # the next year
    log(grove, at(2025, 3, 31, 12, 0), people=99, officer=officer)  # the year before
    return {"online": online}


def visits():
    return hotspot_measures()["visits"]


def test_visits_and_people_per_ward_and_quarter_of_the_financial_year(outreach, wards):
    grid = hotspot_grid(measure=visits(), period=QUARTER, year=FY)
    assert grid.columns == ["Q1 Apr–Jun", "Q2 Jul–Sep", "Q3 Oct–Dec", "Q4 Jan–Mar"]
    assert grid.ward_names == ["Addison", "Grove", "White City"]
    assert grid.counts == [[6, 6, 6, 6], [1, 1, 0, 1], [0, 0, 0, 0]]
    assert (grid.row_totals, grid.column_totals, grid.total) == ([24, 3, 0], [7, 7, 6, 7], 27)
    people = hotspot_grid(measure=hotspot_measures()["people"], period=QUARTER, year=FY)
    assert people.counts == [[120, 120, 120, 120], [7, 3, 0, 40], [0, 0, 0, 0]]


def test_ward_by_financial_year(outreach):
    grid = hotspot_grid(measure=visits(), period=YEAR, year=FinancialYear(2026))
    assert grid.columns == ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"]
    assert grid.counts == [[0, 0, 0, 24, 0], [0, 0, 1, 3, 1], [0, 0, 0, 0, 0]]


def test_filters_by_type_and_tag(outreach):
    by_type = hotspot_grid(measure=visits(), period=QUARTER, year=FY, filters=HotspotFilters(contact_type="phone"))
    assert by_type.counts == [[0, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]]
    by_tag = hotspot_grid(
        measure=visits(), period=QUARTER, year=FY, filters=HotspotFilters(tag_id=outreach["online"].pk)
    )
    assert by_tag.counts == [[2, 2, 2, 2], [0, 0, 0, 0], [0, 0, 0, 0]]


def test_the_publishable_grid_is_the_one_suppression_rule(outreach):
    grid = hotspot_grid(measure=visits(), period=QUARTER, year=FY)
    published = grid.published()
    assert published == suppress_grid(grid.counts, row_labels=grid.ward_names, column_labels=grid.columns)
    # Grove's and White City's quarters are small; two small counts in each column keep each other safe.
    assert published.cells == [["6"] * 4, [FEWER_THAN] * 4, [FEWER_THAN] * 4]
    assert (published.row_totals, published.column_totals, published.total) == (
        ["24", FEWER_THAN, FEWER_THAN],
        ["7", "7", "6", "7"],
        "27",
    )
    # People engaged: Grove's 7 and 40 are "not shown", or Q1's and Q4's totals would give White City's 0 away.
    people = hotspot_grid(measure=hotspot_measures()["people"], period=QUARTER, year=FY).published()
    assert people.cells[1] == [HIDDEN, FEWER_THAN, FEWER_THAN, HIDDEN]
    assert people.row_totals == ["480", HIDDEN, FEWER_THAN]


def test_a_measure_from_another_app_joins_the_grid(outreach, wards):
    """The hook PAG concerns will use: a measure that knows no types or tags says so on the page."""

    def concerns(*, start, end, filters):
        return [(wards["White City"].pk, at(2025, 11, 11), 3)]

    register_hotspot_measure(HotspotMeasure("concerns", "Concerns raised", concerns, filters=frozenset()))
    try:
        grid = hotspot_grid(measure=hotspot_measures()["concerns"], period=QUARTER, year=FY)
        assert grid.counts[2] == [0, 0, 3, 0]
    finally:
        del _measures["concerns"]


# --- The pages and their downloads ---------------------------------------------------------------------


@pytest.fixture
def team_client(client, outreach):
    client.force_login(UserFactory(roles=[roles.PREVENT_ADMIN]))
    return client


def test_the_team_sees_exact_counts_shaded_with_bands_and_a_chart(team_client):
    response = team_client.get(URL, {"year": "2025"})
    assert response.status_code == 200
    html = response.content.decode()
    grid = html.split('id="hotspots-grid"')[1].split("</table>")[0]
    assert 'class="level-4">6<span class="band">' in grid, "the number and its band, not shading alone"
    assert '<th scope="row">Grove</th>' in grid and ">1<span" in grid
    assert "<svg" in html and 'role="img"' in html and 'id="chart-data"' in html
    assert "Addison: 24" in html and "Grove: 3" in html


def test_the_publishable_page_and_its_downloads_are_suppressed(team_client):
    response = team_client.get(PUBLISHABLE, {"year": "2025"})
    assert response.status_code == 200
    html = response.content.decode()
    assert FEWER_THAN in html and "Grove: 3" not in html and f"Grove: {FEWER_THAN}" in html
    assert "Counts under 5 are shown as" in html

    text = team_client.get(PUBLISHABLE, {"year": "2025", "export": "csv"}).content.decode("utf-8-sig")
    rows = {row[0]: row[1:] for row in csv.reader(io.StringIO(text))}
    assert rows["Grove"] == [FEWER_THAN] * 5
    assert rows["Ward"] == ["Q1 Apr–Jun", "Q2 Jul–Sep", "Q3 Oct–Dec", "Q4 Jan–Mar", "Total"]
    response = team_client.get(PUBLISHABLE, {"year": "2025", "export": "xlsx", "measure": "people"})
    assert "ward-hot-spots-publishable-people-quarter-2025" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = {row[0].value: [cell.value for cell in row[1:]] for row in sheet.iter_rows()}
    assert values["Grove"][1] == FEWER_THAN  # 3 people in Q2
    assert values["Grove"][3] in ("40", HIDDEN)


def test_the_exact_download_reads_back(team_client):
    response = team_client.get(URL, {"year": "2025", "export": "csv", "contact_type": "event"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[2] == ["Grove", "0", "0", "0", "1", "1"]
    assert rows[-1] == ["Total", "0", "0", "0", "1", "1"]


def test_unknown_filters_say_so_and_fall_back(team_client):
    response = team_client.get(URL, {"year": "1999", "measure": "nonsense"}, follow=True)
    assert response.status_code == 200
    assert "Some filters were not recognised" in response.content.decode()


def test_who_sees_which_version(client, outreach):
    assert client.get(URL).status_code == 302 and client.get(PUBLISHABLE).status_code == 302  # to sign in
    client.force_login(UserFactory(roles=[roles.OUTREACH_OFFICER]))
    response = client.get(URL, {"year": "2025", "export": "csv"})
    assert response.status_code == 302 and response["Location"].startswith(PUBLISHABLE)
    assert "export=csv" in response["Location"], "the officer gets the publishable download instead"
    assert client.get(PUBLISHABLE).status_code == 200
    client.force_login(UserFactory(roles=[roles.LEARNER]))
    assert client.get(URL).status_code == 403 and client.get(PUBLISHABLE).status_code == 403
