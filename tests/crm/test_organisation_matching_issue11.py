"""Issue 11 §1: typed organisation names matched to the register, linked or added in one step; merging.

Services and selectors called directly (crm.organisations, crm.selectors), then the team's screens
(CRM → Match names, Merge) for what they show, what they change and who may use them.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from crm import roles
from crm.models import Organisation, OrganisationType, User
from crm.organisations import (
    MESSAGES,
    OrganisationError,
    exact_matches_link,
    organisation_create_from_typed_name,
    organisation_merge,
    typed_name_link,
)
from crm.selectors import (
    organisation_for_choice,
    organisation_merge_preview,
    organisation_name_key,
    organisation_suggestions,
    unmatched_typed_names,
)
from events.models import Attendance, SessionVisibility, TrainingSession
from tests.factories import CoursePageFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

MATCHING = "/admin/crm/matching/"
MERGE = "/admin/crm/matching/merge/"


@pytest.fixture
def session(db):
    course = CoursePageFactory(title="WRAP", slug="wrap")
    starts = timezone.now() - dt.timedelta(days=3)
    return TrainingSession.objects.create(
        course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), capacity=20, venue="Town Hall"
    )


@pytest.fixture
def brook_green(db):
    return OrganisationFactory(
        name="Brook Green Primary School", organisation_type=OrganisationType.SCHOOL, urn="100321", postcode="W6 7BS"
    )


@pytest.fixture
def wormholt(db):
    return OrganisationFactory(
        name="Wormholt Park Primary School", organisation_type=OrganisationType.SCHOOL, urn="100334", postcode="W12 0SR"
    )


def walk_in(session, typed, *, email, kind="school", **fields):
    return Attendance.objects.create(
        session=session, full_name="A Walk-in", email=email, organisation_name=typed, organisation_type=kind, **fields
    )


# --- Normalising and suggesting ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, name",
    [
        ("St Mary's C of E Primary", "st marys c of e primary"),
        ("  Brook  Green Primary School ", "brook green primary school"),
        ("St. Paul’s Church, Hammersmith", "St Pauls Church Hammersmith"),
        ("Hammersmith & Fulham Council", "Hammersmith and Fulham Council"),
        ("Ecole Française", "école francaise"),
    ],
)
def test_typed_names_match_ignoring_case_spaces_punctuation_and_accents(typed, name):
    assert organisation_name_key(typed) == organisation_name_key(name)


@pytest.mark.parametrize(
    "typed, name",
    [("Brook Green Primary", "Brook Green Primary School"), ("St Mary's Primary", "St Mark's Primary")],
)
def test_different_names_do_not_match(typed, name):
    assert organisation_name_key(typed) != organisation_name_key(name)


def test_suggestions_rank_the_right_organisation_first(brook_green, wormholt):
    OrganisationFactory(name="Brook Green Community Centre")
    OrganisationFactory(name="Green Lanes Primary School", organisation_type="school", urn="100999")
    [first, *rest] = organisation_suggestions("Brook Green Primary")
    assert first.organisation == brook_green
    assert all(s.score < first.score for s in rest)
    assert organisation_suggestions("Sands End Community Colege") == []  # nothing like it
    # A URN typed in the name finds its school first, whatever the words.
    assert organisation_suggestions("Wormholt 100334")[0].organisation == wormholt


def test_a_choice_is_found_by_its_label_its_urn_or_its_exact_name(brook_green):
    assert organisation_for_choice("Brook Green Primary School (URN 100321)") == brook_green
    assert organisation_for_choice("100321") == brook_green
    assert organisation_for_choice("brook green primary school") == brook_green
    assert organisation_for_choice("Brook Green Primary") is None
    brook_green.is_active = False
    brook_green.save()
    assert organisation_for_choice("100321") is None  # people choose only from the active ones


def test_unlinked_typed_names_are_grouped_with_counts_of_people_and_attendances(session, brook_green):
    UserFactory(organisation_name="Brook Green Primary", organisation_type="school")
    UserFactory(organisation_name="brook green primary.", organisation_type="school")
    UserFactory(organisation_name="Brook Green Primary", organisation=brook_green)  # linked: not listed
    walk_in(session, "Brook  Green Primary", email="a@example.org")
    UserFactory(organisation_name="")  # nothing typed: not listed
    UserFactory()  # the factory's "Hammersmith & Fulham Council"
    groups = {group.key: group for group in unmatched_typed_names()}
    group = groups[organisation_name_key("Brook Green Primary")]
    assert group.counts == {"people": 2, "attendances": 1}
    assert group.name == "Brook Green Primary"
    assert group.other_spellings == ["brook green primary."]  # spaces are tidied, "Brook  Green" is the same
    assert group.organisation_type == "school"
    assert sorted(groups) == sorted([group.key, "hammersmithandfulhamcouncil"])
    assert groups[organisation_name_key("Hammersmith & Fulham Council")].counts == {"people": 1}


# --- Linking ---------------------------------------------------------------------------------------------


def test_linking_a_typed_name_links_every_spelling_and_keeps_what_was_typed(session, brook_green, team_admin):
    jo = UserFactory(organisation_name="Brook Green Primary", organisation_type="other")
    sam = UserFactory(organisation_name="BROOK GREEN PRIMARY")
    other = UserFactory(organisation_name="Wormholt Park Primary")
    mark = walk_in(session, "Brook Green Primary", email="b@example.org")
    result = typed_name_link(key=organisation_name_key("Brook Green Primary"), organisation=brook_green, by=team_admin)
    assert result.counts == {"people": 2, "attendances": 1}
    for row in (jo, sam, mark):
        row.refresh_from_db()
        assert row.organisation == brook_green
    # Typed names, types and the attendance's snapshot are as they were; other names are untouched.
    assert (jo.organisation_name, jo.organisation_type) == ("Brook Green Primary", "other")
    assert (mark.organisation_name, mark.organisation_type) == ("Brook Green Primary", "school")
    other.refresh_from_db()
    assert other.organisation is None
    entry = ModelLogEntry.objects.get(action="crm.organisation_link", data__person=jo.pk)
    assert entry.user == team_admin and entry.data["changes"] == {"organisation": [None, str(brook_green)]}
    assert ModelLogEntry.objects.filter(action="crm.organisation_names_link", object_id=str(brook_green.pk)).exists()


def test_linking_again_says_nothing_is_waiting(brook_green, team_admin):
    key = organisation_name_key("Brook Green Primary")
    UserFactory(organisation_name="Brook Green Primary")
    typed_name_link(key=key, organisation=brook_green, by=team_admin)
    with pytest.raises(OrganisationError) as refused:
        typed_name_link(key=key, organisation=brook_green, by=team_admin)
    assert refused.value.code == "nothing_to_link"


def test_only_the_team_links_and_merges(make_user, brook_green, wormholt):
    UserFactory(organisation_name="Brook Green Primary")
    for role in (roles.OUTREACH_OFFICER, roles.TRAINER, roles.LEARNER):
        actor = make_user(role)
        with pytest.raises(PermissionDenied):
            typed_name_link(key=organisation_name_key("Brook Green Primary"), organisation=brook_green, by=actor)
        with pytest.raises(PermissionDenied):
            organisation_merge(winner=brook_green, loser=wormholt, by=actor)
    assert User.objects.filter(organisation=brook_green).count() == 0
    assert Organisation.objects.filter(pk=wormholt.pk).exists()


def test_create_and_link_in_one_step(session, team_admin):
    person = UserFactory(organisation_name="Grove Food Bank", organisation_type="community")
    mark = walk_in(session, "grove food-bank", email="c@example.org", kind="community")
    result = organisation_create_from_typed_name(
        key=organisation_name_key("Grove Food Bank"),
        name="Grove Food Bank",
        organisation_type="community",
        by=team_admin,
    )
    created = Organisation.objects.get(name="Grove Food Bank")
    assert (result.organisation, created.organisation_type) == (created, "community")
    assert result.counts == {"people": 1, "attendances": 1}
    person.refresh_from_db()
    mark.refresh_from_db()
    assert person.organisation == created and mark.organisation == created


def test_a_school_added_without_its_urn_is_refused_and_nothing_is_saved(team_admin):
    person = UserFactory(organisation_name="Addison Primary")
    with pytest.raises(ValidationError) as refused:
        organisation_create_from_typed_name(
            key=organisation_name_key("Addison Primary"),
            name="Addison Primary",
            organisation_type="school",
            by=team_admin,
        )
    assert "URN" in " ".join(refused.value.messages)
    assert not Organisation.objects.filter(name="Addison Primary").exists()
    person.refresh_from_db()
    assert person.organisation is None


def test_exact_matches_are_linked_and_a_dry_run_changes_nothing(session, brook_green, team_admin):
    exact = UserFactory(organisation_name="brook green primary school")
    mark = walk_in(session, "Brook Green Primary School.", email="d@example.org")
    near = UserFactory(organisation_name="Brook Green Primary")
    # Two organisations share a name: which one is meant is for the team to say.
    OrganisationFactory(name="St Paul's Church", postcode="W6 9PJ")
    OrganisationFactory(name="St Paul's Church", postcode="SW6 1AA")
    shared = UserFactory(organisation_name="St Pauls Church")

    [planned] = exact_matches_link(by=team_admin, dry_run=True)
    assert (planned.organisation, planned.counts) == (brook_green, {"people": 1, "attendances": 1})
    assert User.objects.filter(organisation__isnull=False).count() == 0

    exact_matches_link(by=team_admin)
    for row, expected in ((exact, brook_green), (mark, brook_green), (near, None), (shared, None)):
        row.refresh_from_db()
        assert row.organisation == expected


def test_link_organisations_command(session, brook_green):
    person = UserFactory(organisation_name="Brook Green Primary School")
    walk_in(session, "brook green primary school", email="e@example.org")
    from io import StringIO

    out = StringIO()
    call_command("link_organisations", "--dry-run", stdout=out)
    assert (
        "Would link “Brook Green Primary School” → Brook Green Primary School: 1 person, 1 attendance" in out.getvalue()
    )
    person.refresh_from_db()
    assert person.organisation is None
    out = StringIO()
    call_command("link_organisations", stdout=out)
    assert "Linked 1 typed name: 1 person, 1 attendance." in out.getvalue()
    person.refresh_from_db()
    assert person.organisation == brook_green


# --- Merging ---------------------------------------------------------------------------------------------


def test_merge_moves_everything_that_pointed_at_the_loser_then_deletes_it(session, brook_green, team_admin):
    duplicate = OrganisationFactory(name="Brook Green Primary", organisation_type="school", urn="", postcode="W6 7BX")
    person = UserFactory(organisation_name="Brook Green Primary", organisation=duplicate)
    mark = walk_in(session, "Brook Green Primary", email="f@example.org", organisation=duplicate)
    undone = walk_in(session, "Brook Green Primary", email="g@example.org", organisation=duplicate)
    undone.undone_at = timezone.now()
    undone.save()
    closed = TrainingSession.objects.create(
        course=session.course,
        starts_at=session.starts_at + dt.timedelta(days=30),
        ends_at=session.ends_at + dt.timedelta(days=30),
        capacity=30,
        venue="School hall",
        visibility=SessionVisibility.CLOSED,
        organisation=duplicate,
    )
    untouched = UserFactory(organisation=brook_green, organisation_name="Brook Green Primary School")

    preview = {line.what: line.count for line in organisation_merge_preview(winner=brook_green, loser=duplicate)}
    assert preview == {"People": 1, "Attendances": 2, "Closed sessions (training sessions)": 1}

    moved = organisation_merge(winner=brook_green, loser=duplicate, by=team_admin)
    assert {line.what: line.count for line in moved} == preview
    assert not Organisation.objects.filter(pk=duplicate.pk).exists()
    for row in (person, mark, undone, closed, untouched):
        row.refresh_from_db()
        assert row.organisation == brook_green
    assert mark.organisation_name == "Brook Green Primary"  # the snapshot stays as it was on the day
    # Every relation to Organisation, whichever app added it, now points nowhere but the winner.
    from crm.selectors import organisation_references

    assert all(rows.count() == 0 for _relation, rows in organisation_references(duplicate))
    entry = ModelLogEntry.objects.get(action="crm.organisation_merge", object_id=str(brook_green.pk))
    assert entry.user == team_admin
    assert entry.data["moved"] == preview and "Brook Green Primary" in entry.data["merged"]
    assert ModelLogEntry.objects.filter(action="crm.organisation_link", data__person=person.pk).exists()


def test_an_organisation_is_not_merged_into_itself(brook_green, team_admin):
    with pytest.raises(OrganisationError) as refused:
        organisation_merge(winner=brook_green, loser=brook_green, by=team_admin)
    assert refused.value.code == "merge_same"
    assert Organisation.objects.filter(pk=brook_green.pk).exists()


# --- The team's screens ----------------------------------------------------------------------------------


def test_matching_screen_lists_names_with_counts_and_the_closest_organisation(client, team_admin, session, brook_green):
    UserFactory(organisation_name="Brook Green Primary", organisation_type="school")
    walk_in(session, "brook green primary", email="h@example.org")
    client.force_login(team_admin)
    response = client.get(MATCHING)
    assert response.status_code == 200
    html = response.content.decode()
    assert "“Brook Green Primary”" in html
    assert "1 person, 1 attendance" in html
    assert "Link to Brook Green Primary School" in html
    assert f'name="organisation" value="{brook_green.pk}"' in html


def test_matching_screen_links_a_suggestion_in_one_step(client, team_admin, session, brook_green):
    person = UserFactory(organisation_name="Brook Green Primary")
    mark = walk_in(session, "brook green primary", email="i@example.org")
    client.force_login(team_admin)
    key = organisation_name_key("Brook Green Primary")
    response = client.post(MATCHING, {"key": key, "organisation": brook_green.pk}, follow=True)
    assert "Linked 2 to Brook Green Primary School: 1 person, 1 attendance." in response.content.decode()
    person.refresh_from_db()
    mark.refresh_from_db()
    assert person.organisation == brook_green and mark.organisation == brook_green


def test_matching_screen_links_to_an_organisation_typed_from_the_list(client, team_admin, brook_green):
    person = UserFactory(organisation_name="BGPS")
    client.force_login(team_admin)
    key = organisation_name_key("BGPS")
    response = client.post(MATCHING, {"key": key, "organisation_label": "Nowhere School"}, follow=True)
    assert "Choose an organisation from the list" in response.content.decode()
    client.post(MATCHING, {"key": key, "organisation_label": "Brook Green Primary School (URN 100321)"})
    person.refresh_from_db()
    assert person.organisation == brook_green


def test_matching_screen_adds_and_links_and_says_what_to_fix(client, team_admin):
    person = UserFactory(organisation_name="Addison Primary")
    client.force_login(team_admin)
    key = organisation_name_key("Addison Primary")
    data = {"action": "create", "key": key, "name": "Addison Primary School", "organisation_type": "school", "urn": ""}
    response = client.post(MATCHING, data, follow=True)
    assert "Addison Primary School was not added: Enter the school&#x27;s 6-digit URN." in response.content.decode()
    assert not Organisation.objects.filter(name="Addison Primary School").exists()
    client.post(MATCHING, {**data, "urn": "100300"})
    person.refresh_from_db()
    assert person.organisation.name == "Addison Primary School" and person.organisation.urn == "100300"


def test_link_exact_matches_button(client, team_admin, brook_green):
    person = UserFactory(organisation_name="brook green primary school")
    client.force_login(team_admin)
    assert "Link exact matches (1 name)" in client.get(MATCHING).content.decode()
    response = client.post(MATCHING, {"action": "exact"}, follow=True)
    assert (
        "Linked the typed names that are exactly an organisation&#x27;s name (1): 1 person."
        in response.content.decode()
    )
    person.refresh_from_db()
    assert person.organisation == brook_green


def test_merge_screen_previews_then_merges(client, team_admin, session, brook_green):
    duplicate = OrganisationFactory(name="Brook Green Primary", postcode="W6 7BX")
    UserFactory(organisation=duplicate)
    walk_in(session, "Brook Green Primary", email="j@example.org", organisation=duplicate)
    client.force_login(team_admin)
    choice = {"loser": "Brook Green Primary", "winner": "Brook Green Primary School (URN 100321)"}
    response = client.get(MERGE, choice)
    html = response.content.decode()
    assert "People: 1" in html and "Attendances: 1" in html
    assert Organisation.objects.filter(pk=duplicate.pk).exists()  # a preview changes nothing
    response = client.post(MERGE, choice, follow=True)
    assert (
        "Merged Brook Green Primary into Brook Green Primary School: People: 1; Attendances: 1."
        in response.content.decode()
    )
    assert not Organisation.objects.filter(pk=duplicate.pk).exists()


def test_merge_screen_refuses_the_same_organisation_twice(client, team_admin, brook_green):
    client.force_login(team_admin)
    label = "Brook Green Primary School (URN 100321)"
    response = client.post(MERGE, {"loser": label, "winner": label})
    assert MESSAGES["merge_same"] in response.content.decode()
    assert Organisation.objects.filter(pk=brook_green.pk).exists()


def test_organisation_list_offers_merge_to_the_team_only(client, team_admin, make_user, brook_green):
    client.force_login(team_admin)
    merge_link = f"{MERGE}?organisation={brook_green.pk}"
    assert merge_link in client.get("/admin/crm/organisations/").content.decode()
    client.force_login(make_user(roles.OUTREACH_OFFICER))
    assert merge_link not in client.get("/admin/crm/organisations/").content.decode()


@pytest.mark.parametrize(
    "method, url, data",
    [
        ("get", MATCHING, {}),
        ("post", MATCHING, {"action": "exact"}),
        ("get", MERGE, {}),
        ("post", MERGE, {"loser": "A", "winner": "B"}),
    ],
)
def test_matching_and_merging_are_the_teams_only(client, make_user, brook_green, method, url, data):
    person = UserFactory(organisation_name="Brook Green Primary School")
    client.force_login(make_user(roles.OUTREACH_OFFICER))
    response = getattr(client, method)(url, data)
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    for role in (roles.TRAINER, roles.LEARNER, roles.ELECTED_MEMBER):
        client.force_login(make_user(role))
        assert getattr(client, method)(url, data).status_code == 403
    client.logout()
    assert getattr(client, method)(url, data).status_code == 302
    person.refresh_from_db()
    assert person.organisation is None
