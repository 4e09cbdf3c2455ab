"""The membership rules, each called directly: applications, decisions, representatives, leaving, lapsing."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from crm import roles
from crm.models import Organisation, OrganisationType, User
from faith_forum.models import (
    ApplicationStatus,
    ForumApplication,
    ForumMembership,
    ForumRepresentative,
    MembershipStatus,
)
from faith_forum.services import (
    DECLINED_WAIT_DAYS,
    MEMBERSHIP_MESSAGES,
    MembershipError,
    application_approve,
    application_decline,
    application_submit,
    membership_leave,
    memberships_lapse,
    representative_add,
    representative_remove,
)
from tests.factories import UserFactory
from tests.faith_forum.membership_helpers import attended, faith_organisation, set_password_link

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return UserFactory(roles=[roles.PREVENT_ADMIN], email="team@lbhf.gov.uk")


def submit(**overrides):
    fields = {
        "email": "harjit.kaur@gurdwara.example.org",
        "full_name": "Harjit Kaur",
        "job_role": "Secretary",
        "faith": "sikh",
        "consents": {"in_directory": True, "share_address": True, "share_website": True},
    }
    fields.update(overrides)
    if "organisation" not in fields and "new_organisation_name" not in fields:
        fields["organisation"] = faith_organisation()
    return application_submit(**fields)


def holds_forum_role(user) -> bool:
    return User.objects.get(pk=user.pk).groups.filter(name=roles.FAITH_FORUM_MEMBER).exists()


# --- Applying ---------------------------------------------------------------------------------------


def test_an_application_is_acknowledged_and_the_team_told(team):
    application = submit(email="Harjit.Kaur@Gurdwara.example.org")
    assert application.is_pending and application.email == "harjit.kaur@gurdwara.example.org"
    to = {tuple(message.to): message for message in mail.outbox}
    acknowledgement = to[("harjit.kaur@gurdwara.example.org",)]
    assert "Central Gurdwara" in acknowledgement.body and "If you did not apply" in acknowledgement.body
    notice = to[("team@lbhf.gov.uk",)]
    assert f"/admin/faith-forum/applications/edit/{application.pk}/" in notice.body


def test_the_acknowledgement_quotes_nothing_a_stranger_typed(team):
    submit(new_organisation_name="Click www.example.com now", new_organisation_address="1 High St", full_name="Spam")
    [acknowledgement] = [m for m in mail.outbox if m.to == ["harjit.kaur@gurdwara.example.org"]]
    assert "Click" not in acknowledgement.body and "Spam" not in acknowledgement.body
    assert "not in our list yet" in acknowledgement.body


def test_one_pending_application_per_address(team):
    submit()
    with pytest.raises(MembershipError) as refused:
        submit(email="HARJIT.KAUR@gurdwara.example.org", organisation=faith_organisation("Another Gurdwara"))
    assert refused.value.code == "pending"
    assert refused.value.message == MEMBERSHIP_MESSAGES["pending"].format(email="harjit.kaur@gurdwara.example.org")
    assert ForumApplication.objects.count() == 1


def test_a_declined_address_waits_before_applying_again(team):
    application = application_decline(application=submit(), by=team, reason="Not in the borough")
    with pytest.raises(MembershipError) as refused:
        submit()
    assert refused.value.code == "declined_recently"
    ForumApplication.objects.filter(pk=application.pk).update(
        decided_at=timezone.now() - dt.timedelta(days=DECLINED_WAIT_DAYS + 1)
    )
    assert submit().is_pending


def test_an_organisation_must_be_a_faith_organisation_or_typed():
    with pytest.raises(MembershipError) as refused:
        submit(organisation=None)
    assert refused.value.code == "choose_organisation"
    school = Organisation.objects.create(name="Brook Green Primary", organisation_type=OrganisationType.SCHOOL)
    with pytest.raises(MembershipError) as refused:
        submit(organisation=school)
    assert refused.value.code == "not_faith_organisation"


def test_signed_in_applicants_apply_with_their_own_address():
    person = UserFactory(email="ann@church.example.org")
    with pytest.raises(MembershipError) as refused:
        submit(email="someone.else@church.example.org", applicant=person)
    assert refused.value.code == "email_not_yours"
    assert submit(email="ann@church.example.org", applicant=person).applicant == person


def test_a_current_representative_need_not_apply(team):
    application_approve(application=submit(), by=team)
    organisation = Organisation.objects.get(name="Central Gurdwara")
    with pytest.raises(MembershipError) as refused:
        submit(organisation=organisation)
    assert refused.value.code == "already_representative"


# --- Approving ------------------------------------------------------------------------------------


def test_approving_a_new_address_makes_an_account_with_a_working_set_password_link(team):
    application = submit()
    mail.outbox.clear()
    application_approve(application=application, by=team, note="Welcome aboard")

    application.refresh_from_db()
    account = User.objects.get(email="harjit.kaur@gurdwara.example.org")
    assert application.status == ApplicationStatus.APPROVED and application.applicant == account
    assert (account.first_name, account.last_name, account.job_role) == ("Harjit", "Kaur", "Secretary")
    assert not account.has_usable_password()
    assert EmailAddress.objects.get(user=account).verified
    membership = ForumMembership.objects.get(organisation__name="Central Gurdwara")
    assert membership.is_active and membership.faith == "sikh"
    assert (membership.in_directory, membership.share_address, membership.share_website, membership.share_phone) == (
        True,
        True,
        True,
        False,
    )
    assert ForumRepresentative.objects.get(membership=membership).user == account
    assert holds_forum_role(account)

    [welcome] = mail.outbox
    assert welcome.to == ["harjit.kaur@gurdwara.example.org"] and "Welcome aboard" in welcome.body
    link = set_password_link(welcome.body)
    client = Client()
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and b"password1" in form_page.content
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": "Langar-Kettle-Harbour-9", "password2": "Langar-Kettle-Harbour-9"},
    )
    assert done.status_code == 302
    account.refresh_from_db()
    assert account.check_password("Langar-Kettle-Harbour-9")
    # Used once: the same link no longer works.
    assert b"password1" not in Client().get(link, follow=True).content


def test_approving_an_existing_account_gives_it_the_role_without_a_new_password(team):
    person = UserFactory(email="harjit.kaur@gurdwara.example.org", first_name="Harjit", last_name="Singh-Kaur")
    application = submit()
    mail.outbox.clear()
    application_approve(application=application, by=team)
    assert User.objects.filter(email__iexact="harjit.kaur@gurdwara.example.org").count() == 1
    person.refresh_from_db()
    assert person.has_usable_password() and person.last_name == "Singh-Kaur"
    assert holds_forum_role(person)
    [welcome] = mail.outbox
    assert "/accounts/password/reset/key/" not in welcome.body and "Sign in with this address" in welcome.body


def test_a_typed_organisation_is_added_to_the_register_or_matched(team):
    typed = submit(
        new_organisation_name="Shree Ram Mandir",
        new_organisation_address="2 Temple Rd",
        new_organisation_postcode="w6 0aa",
    )
    with pytest.raises(MembershipError) as refused:
        application_approve(application=typed, by=team)
    assert refused.value.code == "decide_organisation"
    application_approve(application=typed, by=team, create_organisation=True)
    made = Organisation.objects.get(name="Shree Ram Mandir")
    assert (made.organisation_type, made.postcode, made.address) == (OrganisationType.FAITH, "W6 0AA", "2 Temple Rd")
    assert ForumMembership.objects.get(organisation=made).is_active

    existing = faith_organisation("St Paul's Church")
    other = submit(email="vicar@stpauls.example.org", new_organisation_name="St Pauls", faith="christian")
    application_approve(application=other, by=team, organisation=existing)
    other.refresh_from_db()
    assert other.membership.organisation == existing and not Organisation.objects.filter(name="St Pauls").exists()


def test_only_the_team_decides_and_only_once(team):
    application = submit()
    with pytest.raises(MembershipError) as refused:
        application_approve(application=application, by=UserFactory(roles=[roles.TRAINER]))
    assert refused.value.code == "team_only"
    application_approve(application=application, by=team)
    with pytest.raises(MembershipError) as refused:
        application_decline(application=application, by=team, reason="Changed our mind")
    assert refused.value.code == "not_pending"


def test_declining_needs_a_reason_and_emails_it(team):
    application = submit()
    with pytest.raises(MembershipError) as refused:
        application_decline(application=application, by=team, reason="  ")
    assert refused.value.code == "reason_needed"
    mail.outbox.clear()
    application_decline(application=application, by=team, reason="Your place of worship is outside the borough.")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED and application.decided_by == team
    [decision] = mail.outbox
    assert decision.to == ["harjit.kaur@gurdwara.example.org"]
    assert "Your place of worship is outside the borough." in decision.body
    assert not User.objects.filter(email="harjit.kaur@gurdwara.example.org").exists()


# --- Representatives and leaving ----------------------------------------------------------------


def membership_of(name, *reps):
    membership = ForumMembership.objects.create(organisation=faith_organisation(name), faith="christian")
    for rep in reps:
        representative_add(membership=membership, user=rep, role="Trustee", by=None)
    return membership


def test_leaving_removes_the_role_but_keeps_the_representatives_as_history(team):
    ann, bob = UserFactory(), UserFactory()
    church = membership_of("St Mary's", ann, bob)
    assert holds_forum_role(ann) and holds_forum_role(bob)
    membership_leave(membership=church, by=team, on=dt.date(2026, 3, 1))
    church.refresh_from_db()
    assert church.status == MembershipStatus.LEFT and church.left_on == dt.date(2026, 3, 1)
    assert not holds_forum_role(ann) and not holds_forum_role(bob)
    assert church.representatives.count() == 2
    with pytest.raises(MembershipError) as refused:
        membership_leave(membership=church, by=team)
    assert refused.value.code == "already_left"
    with pytest.raises(MembershipError) as refused:
        representative_add(membership=church, user=UserFactory(), by=team)
    assert refused.value.code == "membership_left"


def test_leaving_keeps_the_role_of_someone_representing_another_member(team):
    ann = UserFactory()
    church = membership_of("St Mary's", ann)
    lapsed = membership_of("Interfaith Network", ann)
    ForumMembership.objects.filter(pk=lapsed.pk).update(status=MembershipStatus.LAPSED)
    membership_leave(membership=church, by=team)
    assert holds_forum_role(ann)  # lapsed members keep access
    membership_leave(membership=lapsed, by=team)
    assert not holds_forum_role(ann)


def test_removing_a_representative(team):
    ann = UserFactory()
    church = membership_of("St Mary's", ann)
    mosque = membership_of("Central Mosque", ann)
    representative_remove(representative=church.representatives.get(), by=team)
    assert holds_forum_role(ann)  # still represents the mosque
    representative_remove(representative=mosque.representatives.get(), by=team)
    assert not holds_forum_role(ann)


def test_a_member_who_left_can_be_brought_back_by_a_new_application(team):
    church = membership_of("St Mary's", UserFactory())
    membership_leave(membership=church, by=team)
    application = submit(organisation=church.organisation, faith="christian", email="new.rep@stmarys.example.org")
    application_approve(application=application, by=team)
    church.refresh_from_db()
    assert church.status == MembershipStatus.ACTIVE and church.left_on is None
    assert church.joined_on == timezone.localdate()


# --- Lapsing ---------------------------------------------------------------------------------------

TODAY = dt.date(2026, 6, 15)
CUTOFF = dt.date(2025, 6, 15)  # twelve months before TODAY


def test_lapse_boundaries(team):
    old_quiet = membership_of("Quiet Temple")
    ForumMembership.objects.filter(pk=old_quiet.pk).update(joined_on=CUTOFF - dt.timedelta(days=1))
    joined_on_cutoff = membership_of("New Mosque")
    ForumMembership.objects.filter(pk=joined_on_cutoff.pk).update(joined_on=CUTOFF)
    rep = UserFactory()
    attended_on_cutoff = membership_of("Busy Church", rep)
    ForumMembership.objects.filter(pk=attended_on_cutoff.pk).update(joined_on=dt.date(2020, 1, 1))
    attended(on=CUTOFF, user=rep)
    by_organisation = membership_of("Synagogue")
    ForumMembership.objects.filter(pk=by_organisation.pk).update(joined_on=dt.date(2020, 1, 1))
    attended(on=TODAY - dt.timedelta(days=30), organisation=by_organisation.organisation)  # a walk-in recorded with it
    too_early = membership_of("Buddhist Centre", rep2 := UserFactory())
    ForumMembership.objects.filter(pk=too_early.pk).update(joined_on=dt.date(2020, 1, 1))
    attended(on=CUTOFF - dt.timedelta(days=1), user=rep2)  # the day before the window
    not_forum = membership_of("Hindu Temple", rep3 := UserFactory())
    ForumMembership.objects.filter(pk=not_forum.pk).update(joined_on=dt.date(2020, 1, 1))
    attended(on=TODAY - dt.timedelta(days=10), user=rep3, forum=False)  # WRAP training is not a forum event

    mail.outbox.clear()
    run = memberships_lapse(today=TODAY)

    assert {m.organisation.name for m in run.lapsed} == {"Quiet Temple", "Buddhist Centre", "Hindu Temple"}
    statuses = dict(ForumMembership.objects.values_list("organisation__name", "status"))
    assert statuses["New Mosque"] == statuses["Busy Church"] == statuses["Synagogue"] == MembershipStatus.ACTIVE
    assert ForumMembership.objects.get(pk=old_quiet.pk).lapsed_on == TODAY
    assert holds_forum_role(rep2)  # lapsed members keep access
    [summary] = mail.outbox
    assert summary.to == ["team@lbhf.gov.uk"]
    assert "Quiet Temple" in summary.body and "Busy Church" not in summary.body
    # A second run the same day changes nothing and emails nobody.
    mail.outbox.clear()
    again = memberships_lapse(today=TODAY)
    assert not again.lapsed and not again.reactivated and not mail.outbox


def test_a_lapsed_membership_is_active_again_when_someone_from_it_attends(team):
    rep = UserFactory()
    church = membership_of("St Mary's", rep)
    ForumMembership.objects.filter(pk=church.pk).update(
        status=MembershipStatus.LAPSED, lapsed_on=dt.date(2026, 1, 1), joined_on=dt.date(2020, 1, 1)
    )
    attended(on=TODAY - dt.timedelta(days=3), user=rep)
    call_command("lapse_forum_memberships", today=TODAY)
    church.refresh_from_db()
    assert church.status == MembershipStatus.ACTIVE and church.lapsed_on is None
    [summary] = mail.outbox
    assert "Active again" in summary.body and "St Mary's" in summary.body


def test_a_left_membership_never_lapses_or_comes_back(team):
    rep = UserFactory()
    church = membership_of("St Mary's", rep)
    ForumMembership.objects.filter(pk=church.pk).update(joined_on=dt.date(2020, 1, 1))
    membership_leave(membership=church, by=team)
    attended(on=TODAY - dt.timedelta(days=3), user=rep)
    run = memberships_lapse(today=TODAY)
    church.refresh_from_db()
    assert church.status == MembershipStatus.LEFT and not run.lapsed and not run.reactivated
