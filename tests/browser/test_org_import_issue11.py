"""Issue 11 §1 in a browser at 360 px: the team imports the sample GIAS file (upload, preview, confirm); axe on each step."""

from pathlib import Path

import pytest

from crm import demo, roles
from crm.models import EstablishmentStatus, Organisation
from tests.browser.helpers import sign_in
from tests.conftest import axe_violations
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLE = Path(__file__).resolve().parents[2] / "crm" / "samples" / "gias-sample.csv"


def test_the_team_imports_the_sample_gias_file_on_a_phone(phone_page):
    demo.seed()
    team = UserFactory(roles=[roles.PREVENT_ADMIN])
    page = phone_page
    sign_in(page, team)

    page.goto("/admin/crm/import/schools/")
    page.get_by_role("heading", name="Import schools from GIAS").wait_for()
    assert axe_violations(page) == []

    page.get_by_label("GIAS download (CSV)").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Check the file and preview").click()
    page.get_by_role("heading", name="Renamed (1)").wait_for()
    assert page.get_by_text("St Étienne’s Catholic Primary School").count() == 1
    assert axe_violations(page) == []
    assert Organisation.objects.get(urn="100324").name == "Coningham Road Primary School"

    page.get_by_role("button", name="Import: save these changes").click()
    page.get_by_text("GIAS import: 1 new, 2 changed").wait_for()
    assert Organisation.objects.get(urn="100324").name == "Coningham Road Primary Academy"
    assert Organisation.objects.get(urn="100332").establishment_status == EstablishmentStatus.CLOSED

    page.goto("/admin/crm/import/organisations/")
    page.get_by_role("link", name="Excel (.xlsx)").wait_for()
    assert axe_violations(page) == []
    page.goto("/admin/crm/contacts/")
    page.get_by_role("link", name="Helen Carter").first.wait_for()
    assert axe_violations(page) == []
