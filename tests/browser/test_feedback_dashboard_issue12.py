"""Issue 12's analytics dashboard in a browser: the team opens it, switches year, reads a chart's table and
downloads a table's CSV; axe-core finds nothing serious or critical at 360 px or on a desktop, with the
tests' data and on the seeded demo; nothing scrolls sideways on a phone.
"""

import csv
import io
import os

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from crm import roles
from crm.models import User
from crm.periods import FinancialYear
from tests.browser.helpers import sign_in
from tests.conftest import axe_violations, page_overflows
from tests.factories import UserFactory
from tests.feedback.test_analytics import analytics_data
from tests.pagetree import restore_home_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URL = "/admin/reports/feedback-analytics/"
DESKTOP = {"width": 1280, "height": 900}


def check(page, width: int):
    if width <= 360:
        assert not page_overflows(page), page.url
    assert axe_violations(page) == [], page.url


def desktop_page(browser, base_url, cookies):
    context = browser.new_context(viewport=DESKTOP, base_url=base_url)
    context.set_default_timeout(10_000)
    context.add_cookies(cookies)
    return context, context.new_page()


def test_the_team_switches_year_reads_a_table_and_downloads_it(browser, phone_page, live_server):
    analytics_data()
    page = phone_page
    sign_in(page, UserFactory(roles=[roles.PREVENT_ADMIN]))

    page.goto(URL)
    current = FinancialYear.current()
    expect(page.get_by_role("heading", name=f"{current.label} at a glance")).to_be_visible()
    check(page, 360)

    page.get_by_label("Financial year", exact=True).select_option(label="2025/26")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="2025/26 at a glance")).to_be_visible()
    # The chart of the quarters, and its data table beside it: Q1 had 7 people trained in 2 sessions.
    expect(page.get_by_role("img", name="People trained each quarter, 2025/26")).to_be_visible()
    q1 = page.locator("#table-quarters tbody tr").first
    expect(q1.locator("th")).to_have_text("Q1 Apr–Jun")
    expect(q1.locator("td").first).to_have_text("7")
    # Comments are text: the script someone typed is shown, never run.
    expect(page.locator("#table-comments")).to_contain_text("<script>alert(1)</script>")
    check(page, 360)

    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV of trained and sessions held by quarter").click()
    download = info.value
    assert download.suggested_filename == "feedback-analytics-quarters-202526.csv"
    with open(download.path(), encoding="utf-8-sig") as file:
        heading, *rows = csv.reader(io.StringIO(file.read()))
    assert heading == ["Quarter", "Trained", "Sessions held"]
    assert rows[0] == ["Q1 Apr–Jun", "7", "2"]

    # The quarterly return for the Home Office, from the dashboard: a sheet a quarter, the same Q1 figure.
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the 2025/26 quarterly return (XLSX)").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True)
    assert workbook.sheetnames[:4] == ["Q1 Apr–Jun", "Q2 Jul–Sep", "Q3 Oct–Dec", "Q4 Jan–Mar"]
    q1_cells = [tuple(row) for row in workbook["Q1 Apr–Jun"].iter_rows(values_only=True)]
    trained = sum(
        row[-1] for row in q1_cells if row[1] in {"Staff trained", "Education staff trained", "People trained"}
    )
    assert trained == 7, q1_cells

    context, desktop = desktop_page(browser, live_server.url, page.context.cookies())
    desktop.goto(f"{URL}?year=2025")
    expect(desktop.locator("#table-trainers")).to_contain_text("Helen Price")
    check(desktop, DESKTOP["width"])
    desktop.goto(f"{URL}?year=2024")
    expect(desktop.locator("#table-quarters tbody tr").nth(3).locator("td").first).to_have_text("2")
    check(desktop, DESKTOP["width"])
    context.close()


def test_the_dashboard_on_the_seeded_demo(browser, phone_page, live_server):
    restore_home_page()
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)
    client = Client()
    client.force_login(User.objects.get(email="team.admin@demo.example"))
    cookies = [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    phone_page.context.add_cookies(cookies)
    context, desktop = desktop_page(browser, live_server.url, cookies)
    current = FinancialYear.current().start_year
    for year in (current, current - 1):
        for page, width in ((phone_page, 360), (desktop, DESKTOP["width"])):
            page.goto(f"{URL}?year={year}")
            expect(page.locator("#table-months")).to_be_visible()
            check(page, width)
    context.close()
