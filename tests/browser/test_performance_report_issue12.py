"""Reports → Performance report on the seeded demo: the team reads last year's sentences, switches year,
downloads the quarterly return; axe-core clean (no serious or critical) at desktop width and on a 360 px phone."""

import io
import os

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect

from crm import roles
from crm.periods import FinancialYear
from tests.browser.helpers import sign_in
from tests.conftest import axe_violations, page_overflows
from tests.factories import UserFactory
from tests.pagetree import restore_home_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    restore_home_page()
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)


def check(page):
    assert not page_overflows(page), page.url
    assert axe_violations(page) == [], page.url


@pytest.mark.parametrize("width", [1280, 360], ids=["desktop", "phone"])
def test_the_team_reads_switches_year_and_downloads_the_return(browser, live_server, demo, width):
    last = FinancialYear(FinancialYear.current().start_year - 1)
    context = browser.new_context(
        viewport={"width": width, "height": 900}, base_url=live_server.url, accept_downloads=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, UserFactory(roles=[roles.PREVENT_ADMIN]))

    page.goto("/admin/reports/performance/")
    expect(page.locator("h1")).to_contain_text(FinancialYear.current().label)
    check(page)

    page.select_option("#report-year", str(last.start_year))
    page.get_by_role("button", name="Show").click()
    expect(page.locator("h1")).to_contain_text(last.label)
    sentences = page.locator(".report-sentences")
    expect(sentences).to_contain_text("consisting of")
    expect(sentences).to_contain_text(
        "attended by one Member from the Opposition and eleven Members from the Administration "
        "(including two Cabinet Members)"
    )
    expect(sentences).to_contain_text("923 education staff were trained in 38 briefing/training sessions")
    check(page)
    page.emulate_media(media="print")  # printed for a committee paper: the report, not the admin around it
    expect(page.locator("#wagtail-sidebar")).to_be_hidden()
    expect(page.locator(".report-downloads")).to_be_hidden()
    expect(sentences).to_be_visible()
    page.emulate_media(media="screen")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Quarterly return (XLSX)").click()
    book = load_workbook(io.BytesIO(open(download_info.value.path(), "rb").read()))
    assert book.sheetnames[:4] == ["Q1 Apr–Jun", "Q2 Jul–Sep", "Q3 Oct–Dec", "Q4 Jan–Mar"]
    year_rows = {(row[0], row[1]): row[2] for row in book[book.sheetnames[4]].iter_rows(min_row=2, values_only=True)}
    assert year_rows[("Education", "Education staff trained")] == 923
    assert year_rows[("Elected Members", "Members from the Administration")] == 11

    for path in ("quarterly", "publishable"):
        page.goto(f"/admin/reports/performance/{path}/?year={last.start_year}")
        expect(page.locator("h1")).to_contain_text(last.label)
        check(page)
    expect(page.locator("#suppression-note")).to_be_visible()
    context.close()
