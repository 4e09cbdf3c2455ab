"""Issue 10, item 1: booking colleagues is an invitation the colleague accepts, not a mail cannon or an account factory.

And item 3's remainder: emails are stored in the outbox inside the change's own transaction.
"""

import datetime as dt
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import transaction
from django.urls import reverse

from crm import roles
from crm.models import OutboxMessage, User
from events.errors import MESSAGES, BookingError
from events.models import Booking, BookingStatus, ColleagueInvitation, InvitationStatus, TrainingSession
from events.services import (
    INVITATIONS_PER_DAY,
    booking_create,
    colleagues_invite,
    invitation_accept,
    invitation_decline,
    invitation_token,
    invitation_withdraw,
    invitations_expire,
)

pytestmark = pytest.mark.django_db

HOSTILE_NAME = '=HYPERLINK("http://evil.example","Click")<img src=x>'


def book_url(course, session):
    return course.url + course.reverse_subpage("book", args=[session.pk])


def invitation_path(invitation) -> str:
    return reverse("events:invitation", args=[invitation_token(invitation)])


def places_taken(session) -> int:
    return TrainingSession.objects.get(pk=session.pk).places_taken


@pytest.fixture
def lead(make_user):
    return make_user(roles.LEARNER, first_name="Dana", last_name="Lead", email="dana.lead@school.example.sch.uk")


def test_one_post_by_a_learner_makes_no_accounts_no_bookings_and_quotes_nothing_they_typed(
    client, wrap, make_session, make_user, django_capture_on_commit_callbacks
):
    """The attack from the issue: made-up addresses and a real councillor's, sent by a learner with a hostile name."""
    attacker = make_user(roles.LEARNER, first_name=HOSTILE_NAME, last_name="")
    councillor = make_user(roles.ELECTED_MEMBER, email="councillor@demo.example")
    session = make_session(capacity=5)
    made_up = [f"victim{n}@made-up.example" for n in range(25)]
    users_before = User.objects.count()
    client.force_login(attacker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            book_url(wrap, session),
            {"action": "colleagues", "colleagues": "\n".join([*made_up, "Councillor <councillor@demo.example>"])},
        )
    assert response.status_code == 302
    assert User.objects.count() == users_before  # no account made for anyone
    assert not Booking.objects.exists()  # nobody booked, the councillor included
    assert not councillor.bookings.exists()
    assert ColleagueInvitation.objects.filter(invited_by=attacker).count() == 26
    assert places_taken(session) == 5  # five invitations hold the five places; the rest hold none
    assert len(mail.outbox) == 26
    message = next(m for m in mail.outbox if m.to == ["councillor@demo.example"])
    # The lead's name and verified address, as the account has them; nothing else they typed.
    assert f"{HOSTILE_NAME} ({attacker.email})" in message.body
    assert "Councillor" not in message.body.split("\n")[0]
    assert "Nothing is booked until you accept" in message.body
    assert "We have not made an account for you" in message.body
    assert re.search(r"/invitations/[^/\s]+/", message.body)


def test_a_colleague_accepts_signed_in_with_the_invited_address_and_the_held_place_becomes_theirs(
    client, wrap, make_session, make_user, lead, django_capture_on_commit_callbacks
):
    session = make_session(capacity=2)
    [invitation] = colleagues_invite(session=session, lead=lead, addresses=["Robin.Okafor@school.example.sch.uk"])
    assert invitation.holds_place and places_taken(session) == 1
    path = invitation_path(invitation)

    # Anyone with the link sees what it is and how to accept; accepting without signing in asks for sign-in.
    page = client.get(path)
    assert page.status_code == 200
    assert "Sign in to accept" in page.content.decode()
    assert client.post(path, {"action": "accept"})["Location"].startswith(reverse("account_login"))
    assert not Booking.objects.exists()

    # Someone signed in with another address cannot take it.
    other = make_user(roles.LEARNER)
    client.force_login(other)
    assert "different email address" in client.get(path).content.decode()
    response = client.post(path, {"action": "accept"})
    assert MESSAGES["invitation_other_person"].replace("'", "&#x27;") in response.content.decode()
    assert not Booking.objects.exists()

    robin = make_user(roles.LEARNER, email="robin.okafor@school.example.sch.uk")
    client.force_login(robin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, {"action": "accept"})
    assert response["Location"] == reverse("events:my_training")
    booking = Booking.objects.get(user=robin)
    assert (booking.status, booking.booked_by) == (BookingStatus.CONFIRMED, lead)
    assert places_taken(session) == 1  # the held place, not a second one
    invitation.refresh_from_db()
    assert (invitation.status, invitation.booking, invitation.holds_place) == (
        InvitationStatus.ACCEPTED,
        booking,
        False,
    )
    assert [m.subject.split(":")[0] for m in mail.outbox if m.to == [robin.email]][-1] == "Your place is booked"
    # The link is spent.
    with pytest.raises(BookingError) as refused:
        invitation_accept(invitation=invitation, user=robin)
    assert refused.value.code == "invitation_accepted"


def test_an_unverified_account_with_the_invited_address_cannot_accept(make_session, make_user, lead):
    session = make_session()
    [invitation] = colleagues_invite(session=session, lead=lead, addresses=["new.person@school.example.sch.uk"])
    squatter = make_user(roles.LEARNER, email="new.person@school.example.sch.uk", verified=False)
    with pytest.raises(BookingError) as refused:
        invitation_accept(invitation=invitation, user=squatter)
    assert refused.value.code == "invitation_unverified"
    assert not Booking.objects.exists()


def test_an_altered_or_made_up_link_is_not_found(client, make_session, lead):
    [invitation] = colleagues_invite(session=make_session(), lead=lead, addresses=["sam@school.example.sch.uk"])
    token = invitation_token(invitation)
    assert client.get(reverse("events:invitation", args=[token[:-2] + "xx"])).status_code == 404
    assert client.get(reverse("events:invitation", args=[str(invitation.pk)])).status_code == 404


def test_declining_needs_no_account_and_gives_the_held_place_to_the_first_person_waiting(
    client, make_session, make_user, lead
):
    session = make_session(capacity=1)
    [invitation] = colleagues_invite(session=session, lead=lead, addresses=["sam@school.example.sch.uk"])
    waiting = booking_create(session=session, user=make_user(roles.LEARNER), join_waiting_list=True)
    assert waiting.status == BookingStatus.WAITING  # the held place counts: the session is full
    response = client.post(invitation_path(invitation), {"action": "decline"})
    assert "You have declined the invitation" in response.content.decode()
    assert ColleagueInvitation.objects.get(pk=invitation.pk).status == InvitationStatus.DECLINED
    assert Booking.objects.get(pk=waiting.pk).status == BookingStatus.CONFIRMED
    assert places_taken(session) == 1


def test_an_unanswered_invitation_expires_and_its_place_goes_back(make_session, make_user, lead):
    session = make_session(days=20, capacity=1)
    [invitation] = colleagues_invite(session=session, lead=lead, addresses=["sam@school.example.sch.uk"])
    assert invitation.expires_at == invitation.created_at + dt.timedelta(days=7)
    sam = make_user(roles.LEARNER, email="sam@school.example.sch.uk")
    with time_machine.travel(invitation.expires_at + dt.timedelta(minutes=1), tick=False):
        assert invitations_expire() == 1
        with pytest.raises(BookingError) as refused:
            invitation_accept(invitation=invitation, user=sam)
        assert refused.value.code == "invitation_expired"
    assert places_taken(session) == 0
    assert ColleagueInvitation.objects.get(pk=invitation.pk).status == InvitationStatus.EXPIRED


def test_a_booking_after_the_hold_ran_out_gets_the_place_even_before_the_expiry_run(make_session, make_user, lead):
    session = make_session(days=20, capacity=1)
    [invitation] = colleagues_invite(session=session, lead=lead, addresses=["sam@school.example.sch.uk"])
    with time_machine.travel(invitation.expires_at + dt.timedelta(minutes=1), tick=False):
        booking = booking_create(session=session, user=make_user(roles.LEARNER))
    assert booking.status == BookingStatus.CONFIRMED
    assert ColleagueInvitation.objects.get(pk=invitation.pk).status == InvitationStatus.EXPIRED


def test_an_invitation_never_holds_a_place_past_the_booking_deadline(make_session, lead):
    session = make_session(days=3)
    session.booking_deadline = session.starts_at - dt.timedelta(days=1)
    session.save()
    [invitation] = colleagues_invite(session=session, lead=lead, addresses=["sam@school.example.sch.uk"])
    assert invitation.expires_at == session.booking_deadline


def test_a_full_session_invites_without_holding_and_acceptance_joins_the_waiting_list(make_session, make_user, lead):
    session = make_session(capacity=1)
    booking_create(session=session, user=make_user(roles.LEARNER))
    [invitation] = colleagues_invite(session=session, lead=lead, addresses=["sam@school.example.sch.uk"])
    assert not invitation.holds_place
    sam = make_user(roles.LEARNER, email="sam@school.example.sch.uk")
    assert invitation_accept(invitation=invitation, user=sam).status == BookingStatus.WAITING
    assert places_taken(session) == 1


def test_only_verified_people_with_an_organisation_invite_and_the_page_says_why(client, wrap, make_session, make_user):
    session = make_session()
    unverified = make_user(roles.LEARNER, verified=False)
    no_organisation = make_user(roles.LEARNER, organisation_name="")
    for person, code in ((unverified, "invite_unverified"), (no_organisation, "invite_no_organisation")):
        with pytest.raises(BookingError) as refused:
            colleagues_invite(session=session, lead=person, addresses=["sam@school.example.sch.uk"])
        assert refused.value.code == code
        client.force_login(person)
        page = client.get(book_url(wrap, session)).content.decode()
        assert "Email these invitations" not in page
        response = client.post(book_url(wrap, session), {"action": "colleagues", "colleagues": "sam@school.example"})
        assert MESSAGES[code].replace("'", "&#x27;") in response.content.decode()
    assert not ColleagueInvitation.objects.exists() and not mail.outbox


def test_a_daily_limit_on_invitations_with_a_clear_message_and_nothing_half_sent(
    make_session, lead, django_capture_on_commit_callbacks
):
    first, second, third = make_session(capacity=100), make_session(capacity=100), make_session(capacity=100)
    colleagues_invite(session=first, lead=lead, addresses=[f"a{n}@school.example" for n in range(30)])
    colleagues_invite(session=second, lead=lead, addresses=[f"b{n}@school.example" for n in range(25)])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(BookingError) as refused:
        colleagues_invite(session=third, lead=lead, addresses=[f"c{n}@school.example" for n in range(6)])
    assert refused.value.code == "invitation_limit"
    assert refused.value.message == MESSAGES["invitation_limit"].format(limit=INVITATIONS_PER_DAY, left=5)
    assert not ColleagueInvitation.objects.filter(session=third).exists()
    assert places_taken(third) == 0 and not mail.outbox
    # A day later the allowance is back.
    with time_machine.travel(dt.timedelta(days=1, minutes=1)):
        assert len(colleagues_invite(session=third, lead=lead, addresses=["c0@school.example"])) == 1


def test_inviting_refuses_your_own_address_duplicates_and_a_second_invitation_to_the_same_person(make_session, lead):
    session = make_session()
    for addresses, code in (
        ([lead.email.upper()], "invite_yourself"),
        (["sam@school.example", "SAM@school.example"], "duplicate_colleague"),
    ):
        with pytest.raises(BookingError) as refused:
            colleagues_invite(session=session, lead=lead, addresses=addresses)
        assert refused.value.code == code
    colleagues_invite(session=session, lead=lead, addresses=["sam@school.example"])
    with pytest.raises(BookingError) as refused:
        colleagues_invite(session=session, lead=lead, addresses=["Sam@School.example"])
    assert refused.value.code == "already_invited"


def test_a_lead_follows_and_withdraws_their_invitations_in_my_training_and_nobody_else_can(
    client, make_session, make_user, lead
):
    session = make_session(capacity=3)
    [invitation] = colleagues_invite(session=session, lead=lead, addresses=["sam@school.example.sch.uk"])
    withdraw = reverse("events:invitation_withdraw", args=[invitation.pk])

    other = make_user(roles.LEARNER)
    client.force_login(other)
    assert "sam@school.example.sch.uk" not in client.get(reverse("events:my_training")).content.decode()
    assert client.post(withdraw).status_code == 404
    with pytest.raises(BookingError) as refused:
        invitation_withdraw(invitation=invitation, by=other)
    assert refused.value.code == "not_yours"

    client.force_login(lead)
    page = client.get(reverse("events:my_training")).content.decode()
    assert f'data-invitation="{invitation.pk}"' in page and "Waiting for an answer" in page
    assert client.get(withdraw).status_code == 405  # a button that posts, never a link
    response = client.post(withdraw, follow=True)
    assert "withdrawn and its place given back" in response.content.decode()
    assert ColleagueInvitation.objects.get(pk=invitation.pk).status == InvitationStatus.WITHDRAWN
    assert places_taken(session) == 0
    with pytest.raises(BookingError) as refused:
        invitation_decline(invitation=invitation)
    assert refused.value.code == "invitation_withdrawn"


def test_a_colleague_who_already_has_a_place_keeps_it_and_the_hold_goes_back(make_session, make_user, lead):
    session = make_session(capacity=3)
    sam = make_user(roles.LEARNER, email="sam@school.example.sch.uk")
    own = booking_create(session=session, user=sam)
    [invitation] = colleagues_invite(session=session, lead=lead, addresses=[sam.email])
    assert places_taken(session) == 2
    assert invitation_accept(invitation=invitation, user=sam) == own
    assert places_taken(session) == 1
    assert Booking.objects.get(pk=own.pk).booked_by == sam  # their booking, untouched


# --- The outbox stores email inside the change's transaction ----------------------------------------


@pytest.fixture
def outbox(settings):
    """Email through the outbox, as in production (the test run otherwise swaps in Django's locmem backend)."""
    settings.EMAIL_BACKEND = "crm.outbox.OutboxBackend"


def test_a_bookings_email_is_stored_inside_its_transaction_and_a_rolled_back_booking_sends_nothing(
    outbox, make_session, make_user
):
    session = make_session()
    person = make_user(roles.LEARNER)

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        booking_create(session=session, user=person)
        # Queued with the booking, before anything commits: the two stand or fall together.
        assert OutboxMessage.objects.filter(subject__startswith="Your place is booked").count() == 1
        raise Undo
    assert not OutboxMessage.objects.exists() and not Booking.objects.exists() and not mail.outbox


def test_accepting_emails_through_the_outbox(outbox, make_session, make_user, lead, django_capture_on_commit_callbacks):
    session = make_session()
    [invitation] = colleagues_invite(session=session, lead=lead, addresses=["sam@school.example.sch.uk"])
    sam = make_user(roles.LEARNER, email="sam@school.example.sch.uk")
    EmailAddress.objects.filter(user=sam).update(verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_accept(invitation=invitation, user=sam)
    assert [row.to for row in OutboxMessage.objects.filter(status="sent")] == [[sam.email]] or any(
        row.to == [sam.email] for row in OutboxMessage.objects.filter(status="sent")
    )


def test_the_team_sees_invitations_in_the_admin_and_nobody_changes_them_there(
    client, make_session, make_user, lead, team_admin
):
    [invitation] = colleagues_invite(session=make_session(), lead=lead, addresses=["sam@school.example.sch.uk"])
    index = reverse("invitations:index")
    client.force_login(team_admin)
    page = client.get(index)
    assert page.status_code == 200 and "sam@school.example.sch.uk" in page.content.decode()
    assert client.get(reverse("invitations:inspect", args=[invitation.pk])).status_code == 200
    assert client.get(reverse("invitations:edit", args=[invitation.pk])).status_code in (302, 403)
    assert client.post(reverse("invitations:delete", args=[invitation.pk])).status_code in (302, 403)
    assert ColleagueInvitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING
    client.force_login(make_user(roles.TRAINER))
    assert client.get(index).status_code in (302, 403)


def test_deleting_a_person_deletes_invitations_to_their_address_and_gives_held_places_back(
    make_session, make_user, lead, team_admin
):
    from crm.services import person_delete

    session = make_session(capacity=1)
    sam = make_user(roles.LEARNER, email="sam@school.example.sch.uk")
    colleagues_invite(session=session, lead=lead, addresses=[sam.email])
    waiting = booking_create(session=session, user=make_user(roles.LEARNER), join_waiting_list=True)
    person_delete(actor=team_admin, user=sam)
    assert not ColleagueInvitation.objects.filter(email__iexact="sam@school.example.sch.uk").exists()
    assert Booking.objects.get(pk=waiting.pk).status == BookingStatus.CONFIRMED  # the held place went on
    assert places_taken(session) == 1
