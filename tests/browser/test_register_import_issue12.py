"""Issue 12 in a browser at 360 px: the team imports a legacy register (upload, preview, confirm); axe on each step."""

import pytest

from crm import roles
from events.models import Attendance, CoursePage
from feedback.models import ImportedNoShow
from tests.browser.helpers import sign_in
from tests.conftest import axe_violations
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REGISTER = """session_date,course,category,first_name,last_name,email,organisation,organisation_type,political_group,cabinet,attended
12/03/2019,Elected Member briefing (2019),member,Sana,Akhtar,sana.akhtar@lbhf.gov.uk,Hammersmith & Fulham Council,member,administration,yes,yes
12/03/2019,Elected Member briefing (2019),member,Ann,Cole,,Hammersmith & Fulham Council,member,opposition,,yes
2019-02-28,{wrap},wrap,Kim,Ford,,Housing,council,,,no
"""


def test_the_team_imports_a_legacy_register_on_a_phone(phone_page, wrap, tmp_path):
    team = UserFactory(roles=[roles.PREVENT_ADMIN])
    register = tmp_path / "register-2019.csv"
    register.write_text(REGISTER.format(wrap=wrap.title))
    page = phone_page
    sign_in(page, team)

    page.goto("/admin/imports/registers/")
    page.get_by_role("heading", name="Import legacy registers").wait_for()
    assert axe_violations(page) == []

    bad = tmp_path / "bad.csv"
    bad.write_text(REGISTER.format(wrap=wrap.title).replace("12/03/2019", "31/02/2019", 1))
    page.get_by_label("Legacy register (CSV or Excel)").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file and preview").click()
    page.get_by_text("Row 2, column 'session_date': 31/02/2019 is not a day of the calendar.").wait_for()
    assert axe_violations(page) == []

    page.get_by_label("Legacy register (CSV or Excel)").set_input_files(str(register))
    page.get_by_role("button", name="Check the file and preview").click()
    page.get_by_role("heading", name="New courses (unpublished) (1)").wait_for()
    assert axe_violations(page) == []
    page.wait_for_load_state("networkidle")  # the admin's own fetches done before the test reads the database
    assert not Attendance.objects.exists()

    page.get_by_role("button", name="Import: save these").click()
    page.get_by_text("2 attendances created (0 already there)").wait_for()
    assert axe_violations(page) == []
    page.wait_for_load_state("networkidle")
    assert Attendance.objects.count() == 2 and ImportedNoShow.objects.count() == 1
    assert not CoursePage.objects.get(title="Elected Member briefing (2019)").live
