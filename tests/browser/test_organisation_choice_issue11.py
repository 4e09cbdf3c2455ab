"""Issue 11 §1 in Debian's chromium on a 360 x 800 phone: choosing an organisation at sign-up, and the
team's matching and merge screens, each scanned by axe-core."""

import pytest

from crm import roles
from crm.models import Organisation, OrganisationType, User
from tests.browser.helpers import sign_in
from tests.conftest import axe_violations, page_overflows
from tests.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LABEL = "Brook Green Primary School (URN 100321)"


@pytest.fixture
def schools(db):
    OrganisationFactory(name="Wormholt Park Primary School", organisation_type=OrganisationType.SCHOOL, urn="100334")
    return OrganisationFactory(
        name="Brook Green Primary School", organisation_type=OrganisationType.SCHOOL, urn="100321", postcode="W6 7BS"
    )


def fill_sign_up(page, organisation: str) -> None:
    page.get_by_label("Email").fill("priya.shah@brookgreen.example.org")
    page.get_by_label("First name").fill("Priya")
    page.get_by_label("Last name").fill("Shah")
    page.locator("#id_organisation_name").fill(organisation)
    page.get_by_label("Job role").fill("Designated Safeguarding Lead")
    page.locator("#id_password1").fill("Tulip-Kettle-Harbour-9")
    page.locator("#id_password2").fill("Tulip-Kettle-Harbour-9")


def test_sign_up_choosing_an_organisation_on_a_phone(phone_page, schools):
    page = phone_page
    page.goto("/accounts/signup/")
    box = page.locator("#id_organisation_name")
    assert box.get_attribute("list") == "organisation-options"
    options = page.locator("datalist#organisation-options option")
    assert LABEL in [options.nth(i).get_attribute("value") for i in range(options.count())]
    assert not axe_violations(page)
    assert not page_overflows(page)

    # A near miss is asked about, with the field's message, and no account is made.
    fill_sign_up(page, "Brook Green Primary")
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_text("Did you mean").first.wait_for()
    assert not User.objects.filter(email="priya.shah@brookgreen.example.org").exists()
    assert not axe_violations(page)
    assert not page_overflows(page)

    # Choosing the school from the list (what picking an option puts in the box): no type needed.
    page.locator("#id_organisation_name").fill(LABEL)
    page.locator("#id_password1").fill("Tulip-Kettle-Harbour-9")
    page.locator("#id_password2").fill("Tulip-Kettle-Harbour-9")
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_text("Verify Your Email Address").first.wait_for()
    person = User.objects.get(email="priya.shah@brookgreen.example.org")
    assert person.organisation == schools
    assert (person.organisation_name, person.organisation_type) == ("Brook Green Primary School", "school")


def test_team_matches_a_typed_name_and_previews_a_merge_on_a_phone(phone_page, schools, make_user):
    page = phone_page
    UserFactory(organisation_name="Brook Green Primary", organisation_type="school")
    duplicate = OrganisationFactory(name="Brook Green Primary Sch", organisation_type="school", urn="100999")
    sign_in(page, make_user(roles.PREVENT_ADMIN))

    page.goto("/admin/crm/matching/")
    page.get_by_role("heading", name="“Brook Green Primary”").wait_for()
    assert not axe_violations(page)
    assert not page_overflows(page)
    page.get_by_role("button", name="Link to Brook Green Primary School").first.click()
    page.get_by_text("Linked 1 to Brook Green Primary School").wait_for()
    assert User.objects.get(organisation_name="Brook Green Primary").organisation == schools

    page.goto(f"/admin/crm/matching/merge/?organisation={duplicate.pk}")
    page.get_by_label("Into (this one is kept)").fill(LABEL)
    page.get_by_role("button", name="Show what would move").click()
    page.get_by_role("heading", name="Merging Brook Green Primary Sch into Brook Green Primary School").wait_for()
    assert not axe_violations(page)
    assert not page_overflows(page)
    page.get_by_role("button", name="Merge and delete Brook Green Primary Sch").click()
    page.get_by_text("Merged Brook Green Primary Sch into Brook Green Primary School").wait_for()
    assert not Organisation.objects.filter(pk=duplicate.pk).exists()
