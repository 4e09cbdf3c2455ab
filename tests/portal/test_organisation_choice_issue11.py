"""Issue 11 §1: sign-up and My account offer a searchable choice of organisations, or "not in the list".

Choosing one links the account and takes the organisation's name and type; "not in the list" keeps what
was typed, unlinked, for the team to match. An attendance keeps the organisation it had on the day.
"""

import datetime as dt

import pytest
from django.utils import timezone

from crm import roles
from crm.models import OrganisationType, User
from crm.services import profile_update
from events.models import Attendance, TrainingSession
from events.services import attendance_record, booking_create
from portal.forms import DID_YOU_MEAN, NOT_LISTED_LABEL, ORGANISATION_TYPE_NEEDED
from tests.factories import SIGN_UP, CoursePageFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

SCHOOL_LABEL = "Brook Green Primary School (URN 100321)"


@pytest.fixture
def brook_green(db):
    return OrganisationFactory(
        name="Brook Green Primary School", organisation_type=OrganisationType.SCHOOL, urn="100321", postcode="W6 7BS"
    )


@pytest.fixture
def mosque(db):
    return OrganisationFactory(name="Shepherd's Bush Mosque", organisation_type=OrganisationType.FAITH)


def sign_up(client, **changes):
    data = {**SIGN_UP, **changes}
    return client.post("/accounts/signup/", {key: value for key, value in data.items() if value is not None})


def test_sign_up_page_offers_the_organisations_as_a_searchable_list(client, brook_green, mosque):
    html = client.get("/accounts/signup/").content.decode()
    assert 'list="organisation-options"' in html
    assert f'<option value="{SCHOOL_LABEL}"></option>' in html
    assert '<option value="Shepherd&#x27;s Bush Mosque"></option>' in html
    assert NOT_LISTED_LABEL in html


@pytest.mark.parametrize("typed", [SCHOOL_LABEL, "100321", "brook green primary school"])
def test_sign_up_choosing_an_organisation_links_it_and_takes_its_name_and_type(client, brook_green, typed):
    response = sign_up(client, organisation_name=typed, organisation_type="")
    assert response.status_code == 302
    user = User.objects.get(email=SIGN_UP["email"])
    assert user.organisation == brook_green
    assert (user.organisation_name, user.organisation_type) == ("Brook Green Primary School", "school")


def test_sign_up_not_in_the_list_keeps_the_name_as_typed(client, brook_green):
    response = sign_up(
        client, organisation_name="Brook Green Primary", organisation_type="school", organisation_not_listed="on"
    )
    assert response.status_code == 302
    user = User.objects.get(email=SIGN_UP["email"])
    assert user.organisation is None
    assert (user.organisation_name, user.organisation_type) == ("Brook Green Primary", "school")


def test_sign_up_a_name_close_to_one_in_the_list_asks_did_you_mean(client, brook_green):
    response = sign_up(client, organisation_name="Brook Green Primary", organisation_type="school")
    assert response.status_code == 200
    assert response.context["form"].errors["organisation_name"] == [DID_YOU_MEAN.format(label=SCHOOL_LABEL)]
    assert not User.objects.filter(email=SIGN_UP["email"]).exists()


def test_sign_up_a_name_like_none_in_the_list_is_kept_as_typed(client, brook_green):
    response = sign_up(client)  # "Hammersmith & Fulham Council", council
    assert response.status_code == 302
    user = User.objects.get(email=SIGN_UP["email"])
    assert (user.organisation, user.organisation_name) == (None, "Hammersmith & Fulham Council")


def test_sign_up_not_in_the_list_needs_the_type(client, brook_green):
    response = sign_up(client, organisation_name="Grove Food Bank", organisation_type="", organisation_not_listed="on")
    assert response.status_code == 200
    assert response.context["form"].errors["organisation_type"] == [ORGANISATION_TYPE_NEEDED]
    assert not User.objects.filter(email=SIGN_UP["email"]).exists()


def test_closed_organisations_are_not_offered(client, brook_green):
    brook_green.is_active = False
    brook_green.save()
    assert SCHOOL_LABEL not in client.get("/accounts/signup/").content.decode()


# --- My account ------------------------------------------------------------------------------------------

PROFILE = {"first_name": "Priya", "last_name": "Shah", "job_role": "Designated Safeguarding Lead"}


def test_my_account_changes_to_a_chosen_organisation(client, make_user, brook_green, mosque):
    person = make_user(roles.LEARNER, organisation_name="Brook Green Primary School", organisation=brook_green)
    client.force_login(person)
    html = client.get("/account/").content.decode()
    assert f'value="{SCHOOL_LABEL}"' in html  # the box shows the organisation chosen
    response = client.post("/account/", {**PROFILE, "organisation_name": "Shepherd's Bush Mosque"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.organisation, person.organisation_name, person.organisation_type) == (
        mosque,
        "Shepherd's Bush Mosque",
        "faith",
    )


def test_my_account_saved_unchanged_keeps_the_link_even_once_closed(client, make_user, brook_green):
    person = make_user(roles.LEARNER, organisation_name="Brook Green Primary", organisation=brook_green)
    brook_green.is_active = False
    brook_green.save()
    client.force_login(person)
    response = client.post("/account/", {**PROFILE, "organisation_name": SCHOOL_LABEL})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.organisation == brook_green


def test_my_account_not_in_the_list_drops_the_link(client, make_user, brook_green):
    person = make_user(roles.LEARNER, organisation_name="Brook Green Primary School", organisation=brook_green)
    client.force_login(person)
    data = {**PROFILE, "organisation_name": "Grove Food Bank", "organisation_type": "community"}
    response = client.post("/account/", {**data, "organisation_not_listed": "on"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.organisation, person.organisation_name, person.organisation_type) == (
        None,
        "Grove Food Bank",
        "community",
    )


def test_a_name_kept_as_typed_stays_so_when_saved_again(client, make_user, brook_green):
    """The box is ticked already, so a near miss kept on purpose is not asked about again."""
    person = make_user(roles.LEARNER, organisation_name="Brook Green Primary", organisation_type="school")
    client.force_login(person)
    form = client.get("/account/").context["form"]
    assert form.initial["organisation_not_listed"] is True
    data = {**PROFILE, "organisation_name": "Brook Green Primary", "organisation_type": "school"}
    assert client.post("/account/", {**data, "organisation_not_listed": "on"}).status_code == 302


def test_profile_change_is_audited_with_the_organisation(make_user, brook_green):
    from wagtail.models import ModelLogEntry

    person = make_user(roles.LEARNER)
    profile_update(user=person, organisation_name="x", organisation_type="", organisation=brook_green)
    entry = ModelLogEntry.objects.get(action="crm.profile_change", data__person=person.pk)
    assert entry.data["changes"]["organisation"] == [None, "Brook Green Primary School"]
    assert entry.data["changes"]["organisation_name"] == ["Hammersmith & Fulham Council", "Brook Green Primary School"]


def test_typing_a_new_name_without_choosing_drops_the_old_link(make_user, brook_green):
    person = make_user(roles.LEARNER, organisation_name="Brook Green Primary School", organisation=brook_green)
    profile_update(user=person, organisation_name="Brook Green Primary School ")  # same name: link stays
    assert person.organisation == brook_green
    profile_update(user=person, organisation_name="Wormholt Park Primary")
    person.refresh_from_db()
    assert person.organisation is None


# --- Attendance keeps the organisation it had on the day -------------------------------------------------


def test_a_check_in_copies_the_link_and_history_stays_when_the_person_moves(make_user, brook_green, mosque):
    course = CoursePageFactory(title="WRAP", slug="wrap")
    starts = timezone.now() + dt.timedelta(days=5)
    session = TrainingSession.objects.create(
        course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), capacity=10, venue="Town Hall"
    )
    person = make_user(roles.LEARNER)
    profile_update(user=person, organisation_name="", organisation_type="", organisation=brook_green)
    booking = booking_create(session=session, user=person)
    attendance, _ = attendance_record(session=session, booking=booking)
    assert (attendance.organisation, attendance.organisation_name, attendance.organisation_type) == (
        brook_green,
        "Brook Green Primary School",
        "school",
    )

    profile_update(user=person, organisation_name="", organisation_type="", organisation=mosque)
    attendance = Attendance.objects.get(pk=attendance.pk)
    assert (attendance.organisation, attendance.organisation_name, attendance.organisation_type) == (
        brook_green,
        "Brook Green Primary School",
        "school",
    )
    # Marking the same person again changes nothing either (the first mark stands).
    again, created = attendance_record(session=session, user=person)
    assert not created and again.organisation == brook_green
