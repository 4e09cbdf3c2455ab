"""Colleague invitations: a lead asks colleagues, by work email, to take a place; each colleague decides.

An invitation is a *hold*, never a booking and never an account. While it is pending it keeps
one of the session's places if one was free when it was sent (``holds_place``, counted in
``places_taken`` like a booking, so the session is never overbooked). The colleague follows the
emailed link (signed, and only good until the invitation expires), signs in or creates an
account *with that address*, and accepts: only then is there a booking, theirs. Declining,
the lead withdrawing, or the invitation expiring gives the held place back to the waiting list.

Who may invite, and how much: a person whose email is verified and who has an organisation
(the colleagues are theirs), at most ``MAX_COLLEAGUES`` addresses at once and
``INVITATIONS_PER_DAY`` in any 24 hours. The email quotes nothing the lead typed except their
name beside their verified address: no message, no colleague names.
"""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.core import signing
from django.db import transaction
from django.utils import timezone

from crm.audit import audit_log

from .. import audit, emails
from ..errors import BookingError
from ..models import (
    Booking,
    BookingStatus,
    ColleagueInvitation,
    InvitationStatus,
    SessionStatus,
    SessionVisibility,
    TrainingSession,
)
from .booking import _free_place, _lock, _promote_waiting, _take_place, _when, booking_log, is_team

MAX_COLLEAGUES = 30  # addresses in one go
INVITATIONS_PER_DAY = 60  # per lead, in any 24 hours
INVITATION_DAYS = 7  # an invitation holds its place this long at most (and never past the booking deadline)
TOKEN_SALT = "events.colleague-invitation"


def invitation_token(invitation: ColleagueInvitation) -> str:
    """The signed token the invitation's link carries: it names the invitation and cannot be made up."""
    return signing.dumps(invitation.pk, salt=TOKEN_SALT, compress=True)


def invitation_from_token(token: str) -> ColleagueInvitation | None:
    """The invitation a link's token names, or None when the token was altered or is older than any invitation lives."""
    try:
        pk = signing.loads(token, salt=TOKEN_SALT, max_age=dt.timedelta(days=INVITATION_DAYS + 1))
    except signing.BadSignature:
        return None
    return ColleagueInvitation.objects.select_related("session", "session__course", "invited_by").filter(pk=pk).first()


def email_verified(user) -> bool:
    """The person proved they read their account's email address (allauth's verified address)."""
    return bool(user.email) and EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def may_invite_colleagues(user) -> str | None:
    """Why ``user`` may not invite colleagues (an error code), or None when they may."""
    if not email_verified(user):
        return "invite_unverified"
    if not (user.organisation_id or (user.organisation_name or "").strip()):
        return "invite_no_organisation"
    return None


def _invitation_log(invitation: ColleagueInvitation, action: str, *, by, before: str | None) -> None:
    """The invitation in the audit log: the address it went to, who sent it, its status before and after."""
    audit_log(
        action,
        instance=invitation,
        user=by,
        person=invitation.booking.user_id if invitation.booking_id else None,
        changes={"status": [before, invitation.status]},
        data={"session": invitation.session_id, "email": invitation.email, "invited_by": invitation.invited_by_id},
    )


def _release(invitation: ColleagueInvitation, session: TrainingSession, status: str, *, by=None) -> None:
    """End a pending invitation; its held place goes to the first person waiting. Caller holds the session lock."""
    invitation.status = status
    invitation.answered_at = timezone.now()
    held = invitation.holds_place
    invitation.holds_place = False
    invitation.save(update_fields=["status", "answered_at", "holds_place"])
    _invitation_log(invitation, audit.INVITATION_END, by=by, before=InvitationStatus.PENDING)
    if held:
        _free_place(session)
        _promote_waiting(session)


def _expire_due(session: TrainingSession, *, now: dt.datetime) -> int:
    """Expire the session's pending invitations whose time is up. Caller holds the session lock."""
    due = list(
        ColleagueInvitation.objects.select_for_update().filter(
            session=session, status=InvitationStatus.PENDING, expires_at__lte=now
        )
    )
    for invitation in due:
        _release(invitation, session, InvitationStatus.EXPIRED)
    return len(due)


def session_invitations_expire(session: TrainingSession, *, now: dt.datetime | None = None) -> int:
    """Expire ``session``'s due invitations in a transaction of their own, so a refusal that follows keeps them expired.

    One cheap query when nothing is due (the usual case); the session is locked only when something is.
    """
    now = now or timezone.now()
    due = ColleagueInvitation.objects.filter(session=session, status=InvitationStatus.PENDING, expires_at__lte=now)
    if not due.exists():
        return 0
    with transaction.atomic():
        return _expire_due(_lock(session), now=now)


def invitations_expire(*, now: dt.datetime | None = None) -> int:
    """Expire every pending invitation whose time is up and give held places back; returns how many.

    Run with the session reminders (``send_session_reminders``); booking and accepting also
    expire a session's due invitations first, so a place is never held past its time.
    """
    now = now or timezone.now()
    sessions = (
        ColleagueInvitation.objects.filter(status=InvitationStatus.PENDING, expires_at__lte=now)
        .values_list("session_id", flat=True)
        .distinct()
    )
    expired = 0
    for session_id in list(sessions):
        with transaction.atomic():
            session = _lock(TrainingSession(pk=session_id))
            expired += _expire_due(session, now=now)
    return expired


def _normalise(addresses: list[str]) -> list[str]:
    cleaned, seen = [], set()
    for address in addresses:
        email = address.strip()
        key = email.casefold()
        if key in seen:
            raise BookingError("duplicate_colleague", email=email)
        seen.add(key)
        cleaned.append(email)
    return cleaned


def colleagues_invite(*, session: TrainingSession, lead, addresses: list[str]) -> list[ColleagueInvitation]:
    """``lead`` invites colleagues, by work email, to take a place on ``session``: one invitation and email each.

    Rules: the lead's email is verified and they have an organisation; 1 to ``MAX_COLLEAGUES``
    different addresses, not their own; at most ``INVITATIONS_PER_DAY`` in 24 hours; the session
    takes bookings (not cancelled, not started, before its deadline, open to the public - the
    team may also invite to closed sessions and after the deadline). Each invitation holds a free
    place while one is left; later ones hold none and, accepted, join the waiting list if the
    session is still full. A colleague the lead already invited (still pending) is refused.
    All or nothing. Errors: ``BookingError`` with codes invite_unverified,
    invite_no_organisation, no_colleagues, too_many_colleagues, duplicate_colleague,
    invite_yourself, invitation_limit, already_invited, session_cancelled, session_started,
    deadline_passed, closed_session.
    """
    session_invitations_expire(session)
    with transaction.atomic():
        return _invite(session, lead, addresses)


def _invite(session: TrainingSession, lead, addresses: list[str]) -> list[ColleagueInvitation]:
    problem = may_invite_colleagues(lead)
    if problem:
        raise BookingError(problem)
    addresses = _normalise(addresses)
    if not addresses:
        raise BookingError("no_colleagues")
    if len(addresses) > MAX_COLLEAGUES:
        raise BookingError("too_many_colleagues", limit=MAX_COLLEAGUES)
    if any(email.casefold() == lead.email.casefold() for email in addresses):
        raise BookingError("invite_yourself")
    now = timezone.now()
    session = _lock(session)
    # Counted under the session lock's transaction; two tabs of one lead are refused by the count's
    # second read only after the first commits, which is close enough for a daily allowance.
    sent_today = ColleagueInvitation.objects.filter(invited_by=lead, created_at__gt=now - dt.timedelta(days=1)).count()
    if sent_today + len(addresses) > INVITATIONS_PER_DAY:
        raise BookingError("invitation_limit", limit=INVITATIONS_PER_DAY, left=max(INVITATIONS_PER_DAY - sent_today, 0))
    if session.status == SessionStatus.CANCELLED:
        raise BookingError("session_cancelled")
    if session.starts_at <= now:
        raise BookingError("session_started")
    team = is_team(lead)
    if not team and now >= session.effective_deadline:
        raise BookingError("deadline_passed", deadline=_when(session.effective_deadline))
    if not team and session.visibility == SessionVisibility.CLOSED:
        raise BookingError("closed_session", organisation=session.organisation)
    already = set(
        ColleagueInvitation.objects.filter(
            session=session, invited_by=lead, status=InvitationStatus.PENDING
        ).values_list("email", flat=True)
    )
    for email in addresses:
        if email.casefold() in {address.casefold() for address in already}:
            raise BookingError("already_invited", email=email)
    expires_at = min(now + dt.timedelta(days=INVITATION_DAYS), session.effective_deadline)
    if team and expires_at <= now:  # the team inviting after the deadline: until the session starts
        expires_at = session.starts_at
    invitations = []
    for email in addresses:
        holds = session.has_room
        if holds:
            _take_place(session)
        invitation = ColleagueInvitation.objects.create(
            session=session, invited_by=lead, email=email, holds_place=holds, created_at=now, expires_at=expires_at
        )
        invitations.append(invitation)
        _invitation_log(invitation, audit.INVITATION_SEND, by=lead, before=None)
        emails.colleague_invitation(invitation, token=invitation_token(invitation))
    return invitations


def _check_pending(invitation: ColleagueInvitation, session: TrainingSession, now: dt.datetime) -> None:
    if invitation.status == InvitationStatus.PENDING and invitation.expires_at <= now:
        raise BookingError("invitation_expired")  # session_invitations_expire marks it, in its own transaction
    if invitation.status != InvitationStatus.PENDING:
        raise BookingError(f"invitation_{invitation.status}")


def invitation_accept(*, invitation: ColleagueInvitation, user) -> Booking:
    """The invited colleague takes the place: their booking, made now, from the held place if there is one.

    Rules: the invitation is pending and not expired; ``user`` is signed in with the invited
    address, verified; the course is open to them; the session still takes bookings. With a
    held place the booking is confirmed; without one it is confirmed if a place is free, or
    goes on the waiting list. A colleague who already has a place keeps it and the hold goes
    back. Other leads' pending invitations for the same address end (they are answered).
    Errors: ``BookingError`` with codes invitation_accepted, invitation_declined,
    invitation_withdrawn, invitation_expired, invitation_other_person, invitation_unverified,
    not_eligible, session_cancelled, session_started.
    """
    session_invitations_expire(invitation.session)
    with transaction.atomic():
        return _accept(invitation, user)


def _accept(invitation: ColleagueInvitation, user) -> Booking:
    now = timezone.now()
    session = _lock(invitation.session)
    invitation = ColleagueInvitation.objects.select_for_update().get(pk=invitation.pk)
    _check_pending(invitation, session, now)
    if user.email.casefold() != invitation.email.casefold():
        raise BookingError("invitation_other_person")
    if not email_verified(user):
        raise BookingError("invitation_unverified")
    if session.status == SessionStatus.CANCELLED:
        raise BookingError("session_cancelled")
    if session.starts_at <= now:
        raise BookingError("session_started")
    course = session.course.specific
    if not course.is_open_to(user) and not is_team(invitation.invited_by):
        raise BookingError("not_eligible", groups=", ".join(sorted(course.eligible_group_names())))
    others = ColleagueInvitation.objects.select_for_update().filter(
        session=session, email__iexact=invitation.email, status=InvitationStatus.PENDING
    )
    for other in others.exclude(pk=invitation.pk):
        _release(other, session, InvitationStatus.WITHDRAWN, by=user)
    existing = Booking.objects.filter(session=session, user=user).exclude(status=BookingStatus.CANCELLED).first()
    if existing is not None:
        _release(invitation, session, InvitationStatus.ACCEPTED, by=user)
        invitation.booking = existing
        invitation.save(update_fields=["booking"])
        return existing
    if invitation.holds_place:
        status = BookingStatus.CONFIRMED  # the held place becomes the booking: places_taken already counts it
    elif session.has_room:
        _take_place(session)
        status = BookingStatus.CONFIRMED
    else:
        status = BookingStatus.WAITING
    lead_pk = invitation.invited_by_id
    booking = Booking.objects.create(
        session=session,
        user=user,
        booked_by=invitation.invited_by,
        status=status,
        confirmed_at=now if status == BookingStatus.CONFIRMED else None,
    )
    invitation.status = InvitationStatus.ACCEPTED
    invitation.answered_at = now
    invitation.holds_place = False
    invitation.booking = booking
    invitation.save(update_fields=["status", "answered_at", "holds_place", "booking"])
    _invitation_log(invitation, audit.INVITATION_END, by=user, before=InvitationStatus.PENDING)
    booking_log(booking, audit.BOOKING_CREATE, by=user, before=None, invitation=invitation.pk, invited_by=lead_pk)
    if status == BookingStatus.CONFIRMED:
        emails.booking_confirmed(booking)
    else:
        emails.booking_waiting(booking)
    return booking


def invitation_decline(*, invitation: ColleagueInvitation) -> ColleagueInvitation:
    """The colleague says no, from the link, without signing in: the held place goes back.

    Errors: ``BookingError`` with codes invitation_accepted, invitation_declined,
    invitation_withdrawn, invitation_expired.
    """
    session_invitations_expire(invitation.session)
    with transaction.atomic():
        session = _lock(invitation.session)
        invitation = ColleagueInvitation.objects.select_for_update().get(pk=invitation.pk)
        _check_pending(invitation, session, timezone.now())
        _release(invitation, session, InvitationStatus.DECLINED)
    return invitation


def invitation_withdraw(*, invitation: ColleagueInvitation, by) -> ColleagueInvitation:
    """The lead (or the team) takes back an invitation still waiting for an answer; the held place goes back.

    Errors: ``BookingError`` with codes not_yours, invitation_accepted, invitation_declined,
    invitation_withdrawn, invitation_expired.
    """
    if invitation.invited_by_id != by.pk and not is_team(by):
        raise BookingError("not_yours")
    session_invitations_expire(invitation.session)
    with transaction.atomic():
        session = _lock(invitation.session)
        invitation = ColleagueInvitation.objects.select_for_update().get(pk=invitation.pk)
        _check_pending(invitation, session, timezone.now())
        _release(invitation, session, InvitationStatus.WITHDRAWN, by=by)
    return invitation
