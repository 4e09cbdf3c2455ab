"""Membership of the Faith Forum: applications, the team's decision, representatives, leaving and lapsing.

One function per rule; each locks what it changes, writes, logs (``crm.audit.audit_log``) and emails
(``faith_forum.emails``, stored by the outbox with the change). Refusals are ``MembershipError`` with a
code from ``MESSAGES`` (the tests reuse them).

Abuse, and what guards it:

- Anyone may apply giving any email address. Whoever owns that mailbox is the only one who hears about
  it (acknowledgement, decision), and the emails quote nothing the applicant typed but the organisation
  the team chose. Approval gives the role to the account *of that address*: a new account has no
  password, and the only way to set one is the link emailed to that address.
- One pending application per address (a constraint backs it), none for 90 days after a decline (the
  decision email says how to ask again), none from someone who already represents that organisation.
- The page itself limits how many applications come from one network address an hour
  (``application_throttled``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log

from crm import roles
from crm.audit import audit_log
from crm.models import Organisation, OrganisationType
from crm.services import role_assign, role_remove
from events.links import absolute_url
from events.selectors import certified_attendances

from .. import emails
from ..models import (
    ApplicationStatus,
    DirectoryConsents,
    ForumApplication,
    ForumMembership,
    ForumRepresentative,
    MembershipStatus,
)

if TYPE_CHECKING:
    from crm.models import User

DECLINED_WAIT_DAYS = 90  # after a decline, the same address may apply again once this has passed
LAPSE_MONTHS = 12
APPLICATIONS_PER_HOUR = 10  # from one network address (a council's proxy puts an office behind one)

MESSAGES = {
    "pending": "An application from {email} is already with the Prevent team. We will email that address "
    "as soon as they have decided: there is no need to apply again.",
    "declined_recently": "An application from {email} was declined on {date}. If something has changed, "
    "reply to the email about that decision or contact the Prevent team.",
    "already_representative": "{email} already represents {organisation} in the Faith Forum. "
    "Sign in to see the forum's pages.",
    "choose_organisation": "Choose your organisation from the list, or give its name if it is not in the list.",
    "not_faith_organisation": "Choose an organisation from the list of faith organisations.",
    "email_not_yours": "You are signed in, so the application uses your account's email address.",
    "not_pending": "This application has already been decided ({status}).",
    "team_only": "Only the Prevent team decides applications and changes memberships.",
    "decide_organisation": "This application names an organisation that is not in the register yet: "
    "choose the organisation it is, or add it to the register.",
    "reason_needed": "Say why the application is declined: the applicant is emailed the reason.",
    "membership_left": "{organisation} has left the Faith Forum: it cannot have new representatives. "
    "Approve a new application to bring it back.",
    "already_left": "{organisation} has already left the Faith Forum.",
    "already_represents": "{person} already represents {organisation}.",
    "too_many_applications": "Too many applications have come from your network in the last hour. "
    "Please try again later, or email the Prevent team.",
}

# The audit-log actions (Reports → Site history), registered in faith_forum.admin_membership.
APPLICATION_SUBMIT = "faith_forum.application_submit"
APPLICATION_APPROVE = "faith_forum.application_approve"
APPLICATION_DECLINE = "faith_forum.application_decline"
MEMBERSHIP_JOIN = "faith_forum.membership_join"
MEMBERSHIP_LEAVE = "faith_forum.membership_leave"
MEMBERSHIP_LAPSE = "faith_forum.membership_lapse"
MEMBERSHIP_REACTIVATE = "faith_forum.membership_reactivate"
REPRESENTATIVE_ADD = "faith_forum.representative_add"
REPRESENTATIVE_REMOVE = "faith_forum.representative_remove"
ACCOUNT_INVITE = "faith_forum.account_invite"

MEMBERSHIP_ACTIONS = {
    APPLICATION_SUBMIT: ("Forum application received", "Applied to join the Faith Forum"),
    APPLICATION_APPROVE: ("Forum application approved", "Approved an application to the Faith Forum"),
    APPLICATION_DECLINE: ("Forum application declined", "Declined an application to the Faith Forum"),
    MEMBERSHIP_JOIN: ("Joined the Faith Forum", "The organisation became a member of the Faith Forum"),
    MEMBERSHIP_LEAVE: ("Left the Faith Forum", "The organisation left the Faith Forum"),
    MEMBERSHIP_LAPSE: ("Forum membership lapsed", "No forum attendance for 12 months: flagged as lapsed"),
    MEMBERSHIP_REACTIVATE: ("Forum membership active again", "Someone from it attended a forum event"),
    REPRESENTATIVE_ADD: ("Forum representative added", "Added a representative of a member organisation"),
    REPRESENTATIVE_REMOVE: ("Forum representative removed", "Removed a representative of a member organisation"),
    ACCOUNT_INVITE: ("Forum account made", "Made an account for an approved applicant, to set a password"),
}


class MembershipError(Exception):
    """A membership rule refused the request; ``code`` says which, ``message`` says why in plain words."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        self.message = MESSAGES[code].format(**params)
        super().__init__(self.message)


def _require_team(by: User | None) -> None:
    if by is not None and not roles.is_team(by):
        raise MembershipError("team_only")


def normalise_email(email: str) -> str:
    """Addresses are compared and kept in lower case, so "Ann@X" and "ann@x" are one applicant."""
    return (email or "").strip().lower()


def faith_organisations():
    """The organisations an applicant may choose: the register's active faith organisations."""
    return Organisation.objects.filter(is_active=True, organisation_type=OrganisationType.FAITH).order_by("name")


def application_throttled(address: str, *, now: float | None = None) -> bool:
    """Count one application from network ``address`` (shared cache); True once over the hour's limit."""
    import time

    bucket = int((time.time() if now is None else now) // 3600)
    key = f"faith_forum:applications:{address}:{bucket}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count > APPLICATIONS_PER_HOUR


# --- Applications ----------------------------------------------------------------------------------


@transaction.atomic
def application_submit(
    *,
    email: str,
    full_name: str,
    job_role: str,
    faith: str,
    organisation: Organisation | None = None,
    new_organisation_name: str = "",
    new_organisation_address: str = "",
    new_organisation_postcode: str = "",
    consents: Mapping[str, bool] | None = None,
    applicant: User | None = None,
) -> ForumApplication:
    """Someone applies for their organisation to join the forum (or to represent a member).

    Rules: a signed-in applicant applies with their account's address (``email_not_yours``); the
    organisation is one of ``faith_organisations`` or a typed name (``choose_organisation``,
    ``not_faith_organisation``); one pending application per address (``pending``, backed by a
    constraint), none within ``DECLINED_WAIT_DAYS`` of a decline (``declined_recently``), none from
    someone who already represents that organisation (``already_representative``). The applicant's
    address gets an acknowledgement and the team a notice.
    """
    email = normalise_email(email)
    if applicant is not None and applicant.is_authenticated:
        if normalise_email(applicant.email) != email:
            raise MembershipError("email_not_yours")
    else:
        applicant = None
    new_organisation_name = (new_organisation_name or "").strip()
    if organisation is None and not new_organisation_name:
        raise MembershipError("choose_organisation")
    if organisation is not None:
        if not faith_organisations().filter(pk=organisation.pk).exists():
            raise MembershipError("not_faith_organisation")
        new_organisation_name = new_organisation_address = new_organisation_postcode = ""
    if ForumApplication.objects.filter(email__iexact=email, status=ApplicationStatus.PENDING).exists():
        raise MembershipError("pending", email=email)
    since = timezone.now() - dt.timedelta(days=DECLINED_WAIT_DAYS)
    declined = (
        ForumApplication.objects.filter(email__iexact=email, status=ApplicationStatus.DECLINED, decided_at__gte=since)
        .order_by("-decided_at")
        .first()
    )
    if declined is not None:
        raise MembershipError(
            "declined_recently", email=email, date=f"{timezone.localtime(declined.decided_at):%-d %B %Y}"
        )
    if (
        organisation is not None
        and ForumRepresentative.objects.filter(
            membership__organisation=organisation,
            membership__status__in=[MembershipStatus.ACTIVE, MembershipStatus.LAPSED],
            user__email__iexact=email,
        ).exists()
    ):
        raise MembershipError("already_representative", email=email, organisation=organisation.name)
    application = ForumApplication(
        organisation=organisation,
        new_organisation_name=new_organisation_name,
        new_organisation_address=(new_organisation_address or "").strip(),
        new_organisation_postcode=(new_organisation_postcode or "").strip().upper(),
        faith=faith,
        full_name=full_name.strip(),
        job_role=job_role.strip(),
        email=email,
        applicant=applicant,
        **{name: bool((consents or {}).get(name, False)) for name in DirectoryConsents.CONSENT_FIELDS},
    )
    application.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        # Two submissions at once: the constraint let one through.
        raise MembershipError("pending", email=email) from None
    audit_log(
        APPLICATION_SUBMIT,
        instance=application,
        user=applicant,
        person=applicant,
        data={"organisation": application.organisation_name, "email": email},
    )
    emails.application_received(application)
    emails.application_team_notice(application)
    return application


def _locked_pending(application: ForumApplication) -> ForumApplication:
    locked = ForumApplication.objects.select_for_update().get(pk=application.pk)
    if not locked.is_pending:
        raise MembershipError("not_pending", status=locked.get_status_display().lower())
    return locked


def set_password_url(user: User) -> str:
    """allauth's own password-reset link for ``user``: it sets a first password as well as a new one.

    Good for ``PASSWORD_RESET_TIMEOUT`` (3 days), and only until a password is set; after that,
    "Forgot your password?" at sign-in sends a fresh one to the same address.
    """
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"}).replace("UID-KEY", key)
    return absolute_url(path)


def _split_name(full_name: str) -> tuple[str, str]:
    parts = full_name.split()
    if len(parts) < 2:
        return full_name.strip(), ""
    return " ".join(parts[:-1]), parts[-1]


def _account_for(application: ForumApplication, *, organisation: Organisation, by: User | None) -> tuple[User, bool]:
    """The account of the application's address, made (with no password) when there is none: (account, made)."""
    User = get_user_model()
    account = User.objects.filter(email__iexact=application.email).first()
    if account is not None:
        return account, False
    first_name, last_name = _split_name(application.full_name)
    account = User(
        email=application.email,
        username=get_adapter().generate_unique_username([first_name, last_name, application.email, "member"]),
        first_name=first_name[:150],
        last_name=last_name[:150],
        organisation=organisation,
        organisation_name=organisation.name,
        organisation_type=organisation.organisation_type,
        job_role=application.job_role,
    )
    account.set_unusable_password()
    account.save()
    # Verified: nobody can sign in to it without first setting a password, and only the owner of the
    # mailbox can, through the link (or a reset) sent there.
    EmailAddress.objects.create(user=account, email=application.email, verified=True, primary=True)
    audit_log(ACCOUNT_INVITE, instance=account, user=by, person=account, data={"application": application.pk})
    return account, True


def _organisation_from_application(application: ForumApplication, *, by: User | None) -> Organisation:
    organisation = Organisation(
        name=application.new_organisation_name,
        organisation_type=OrganisationType.FAITH,
        address=application.new_organisation_address,
        postcode=application.new_organisation_postcode,
    )
    organisation.full_clean()
    organisation.save()
    log(organisation, "wagtail.create", user=by)
    return organisation


def _membership_join(*, organisation: Organisation, source: DirectoryConsents, faith: str, by: User | None):
    """The organisation's membership: made, or brought back when it had left (with the applicant's consents)."""
    membership = ForumMembership.objects.select_for_update().filter(organisation=organisation).first()
    consents = {name: getattr(source, name) for name in DirectoryConsents.CONSENT_FIELDS}
    if membership is not None and membership.status != MembershipStatus.LEFT:
        return membership
    if membership is None:
        membership = ForumMembership(organisation=organisation)
    before = membership.status if membership.pk else None
    membership.faith = faith
    membership.status = MembershipStatus.ACTIVE
    membership.joined_on = timezone.localdate()
    membership.left_on = membership.lapsed_on = None
    for name, value in consents.items():
        setattr(membership, name, value)
    membership.save()
    audit_log(MEMBERSHIP_JOIN, instance=membership, user=by, changes={"status": [before, membership.status]})
    return membership


@transaction.atomic
def application_approve(
    *,
    application: ForumApplication,
    by: User | None,
    organisation: Organisation | None = None,
    create_organisation: bool = False,
    note: str = "",
) -> ForumApplication:
    """The team approves: the organisation is (or stays) a member and the applicant's address represents it.

    ``organisation`` is the register's organisation the team chose (for a typed new one);
    ``create_organisation`` adds the typed one to the register instead (``decide_organisation`` when
    neither is given for a typed one). The membership is made (faith and directory consents from the
    application) or brought back if it had left; an existing membership keeps its own consents. The
    account of the application's address is found, or made with no password and a set-password link
    emailed; it becomes a representative and gets the *Faith Forum member* role. Refusals:
    ``team_only``, ``not_pending``.
    """
    _require_team(by)
    application = _locked_pending(application)
    if create_organisation and not application.organisation_id:
        organisation = _organisation_from_application(application, by=by)
    organisation = organisation or application.organisation
    if organisation is None:
        raise MembershipError("decide_organisation")
    membership = _membership_join(organisation=organisation, source=application, faith=application.faith, by=by)
    account, made = _account_for(application, organisation=organisation, by=by)
    representative, added = ForumRepresentative.objects.get_or_create(
        membership=membership, user=account, defaults={"role": application.job_role}
    )
    if added:
        audit_log(REPRESENTATIVE_ADD, instance=membership, user=by, person=account, data={"role": representative.role})
    role_assign(user=account, role=roles.FAITH_FORUM_MEMBER, by=by)
    application.status = ApplicationStatus.APPROVED
    application.decided_at = timezone.now()
    application.decided_by = by
    application.reason = (note or "").strip()
    application.membership = membership
    application.organisation = application.organisation or organisation
    application.applicant = account
    application.save()
    audit_log(
        APPLICATION_APPROVE,
        instance=application,
        user=by,
        person=account,
        changes={"status": [ApplicationStatus.PENDING, ApplicationStatus.APPROVED]},
        data={"organisation": organisation.name, "account_made": made},
    )
    emails.application_approved(
        application, account=account, set_password_url=set_password_url(account) if made else ""
    )
    return application


@transaction.atomic
def application_decline(*, application: ForumApplication, by: User | None, reason: str) -> ForumApplication:
    """The team declines, saying why (``reason_needed``); the reason is emailed to the application's address."""
    _require_team(by)
    reason = (reason or "").strip()
    if not reason:
        raise MembershipError("reason_needed")
    application = _locked_pending(application)
    application.status = ApplicationStatus.DECLINED
    application.decided_at = timezone.now()
    application.decided_by = by
    application.reason = reason
    application.save()
    audit_log(
        APPLICATION_DECLINE,
        instance=application,
        user=by,
        person=application.applicant,
        changes={"status": [ApplicationStatus.PENDING, ApplicationStatus.DECLINED]},
        data={"reason": reason},
    )
    emails.application_declined(application)
    return application


# --- Representatives and leaving --------------------------------------------------------------------


def _still_represents(user: User, *, other_than: ForumMembership | None = None, other_rep: int | None = None) -> bool:
    """Whether ``user`` represents a member that has not left (lapsed members keep access)."""
    reps = ForumRepresentative.objects.filter(
        user=user, membership__status__in=[MembershipStatus.ACTIVE, MembershipStatus.LAPSED]
    )
    if other_than is not None:
        reps = reps.exclude(membership=other_than)
    if other_rep is not None:
        reps = reps.exclude(pk=other_rep)
    return reps.exists()


@transaction.atomic
def representative_add(
    *, membership: ForumMembership, user: User, role: str = "", by: User | None
) -> ForumRepresentative:
    """``user`` represents ``membership``'s organisation and gets the role; refused for a member that left."""
    _require_team(by)
    membership = ForumMembership.objects.select_for_update().select_related("organisation").get(pk=membership.pk)
    if membership.status == MembershipStatus.LEFT:
        raise MembershipError("membership_left", organisation=membership.organisation.name)
    if ForumRepresentative.objects.filter(membership=membership, user=user).exists():
        raise MembershipError("already_represents", person=user, organisation=membership.organisation.name)
    representative = ForumRepresentative.objects.create(membership=membership, user=user, role=(role or "").strip())
    role_assign(user=user, role=roles.FAITH_FORUM_MEMBER, by=by)
    audit_log(REPRESENTATIVE_ADD, instance=membership, user=by, person=user, data={"role": representative.role})
    return representative


@transaction.atomic
def representative_remove(*, representative: ForumRepresentative, by: User | None) -> None:
    """``representative`` no longer represents the organisation; the role goes unless they represent another member."""
    _require_team(by)
    representative = ForumRepresentative.objects.select_related("membership__organisation", "user").get(
        pk=representative.pk
    )
    user, membership = representative.user, representative.membership
    if not _still_represents(user, other_rep=representative.pk):
        role_remove(user=user, role=roles.FAITH_FORUM_MEMBER, by=by)
    representative.delete()
    audit_log(REPRESENTATIVE_REMOVE, instance=membership, user=by, person=user, data={"role": representative.role})


@transaction.atomic
def membership_leave(*, membership: ForumMembership, by: User | None, on: dt.date | None = None) -> ForumMembership:
    """The organisation leaves: status left, ``left_on``; its representatives lose the role unless they
    represent another member that has not left. The representatives stay listed, as history."""
    _require_team(by)
    membership = ForumMembership.objects.select_for_update().select_related("organisation").get(pk=membership.pk)
    if membership.status == MembershipStatus.LEFT:
        raise MembershipError("already_left", organisation=membership.organisation.name)
    before = membership.status
    membership.status = MembershipStatus.LEFT
    membership.left_on = on or timezone.localdate()
    membership.save(update_fields=["status", "left_on", "updated_at"])
    audit_log(
        MEMBERSHIP_LEAVE,
        instance=membership,
        user=by,
        changes={"status": [before, membership.status]},
        data={"left_on": membership.left_on},
    )
    for representative in membership.representatives.select_related("user"):
        if not _still_represents(representative.user, other_than=membership):
            role_remove(user=representative.user, role=roles.FAITH_FORUM_MEMBER, by=by)
    return membership


# --- Lapsing ------------------------------------------------------------------------------------------


@dataclass
class LapseRun:
    lapsed: list[ForumMembership] = field(default_factory=list)
    reactivated: list[ForumMembership] = field(default_factory=list)


def _attended_since(since: dt.datetime, *, now: dt.datetime):
    """The organisations (ids) and people (ids) with a certified attendance at a forum event since ``since``."""
    attendances = certified_attendances(now=now).filter(
        session__forum_event__isnull=False, session__starts_at__gte=since
    )
    organisation_ids = set(attendances.exclude(organisation=None).values_list("organisation_id", flat=True))
    user_ids = set(attendances.exclude(user=None).values_list("user_id", flat=True))
    return organisation_ids, user_ids


def _has_attended(membership: ForumMembership, organisation_ids: set[int], user_ids: set[int]) -> bool:
    if membership.organisation_id in organisation_ids:
        return True
    return any(rep.user_id in user_ids for rep in membership.representatives.all())


@transaction.atomic
def memberships_lapse(*, today: dt.date | None = None) -> LapseRun:
    """The daily run (``manage.py lapse_forum_memberships``): flag and un-flag lapsed memberships.

    Rule: an active membership that joined more than 12 months ago and has no certified attendance
    (``events.selectors.certified_attendances``) at a forum event in the last 12 months, by any of
    its representatives or anyone recorded with its organisation, becomes lapsed (``lapsed_on``
    today). A lapsed one with such an attendance is active again. Lapsed members keep their access:
    it is a flag for the team, who get one email listing both lists when either has anyone.
    """
    today = today or timezone.localdate()
    cutoff = today - relativedelta(months=LAPSE_MONTHS)
    now = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min))
    since = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
    organisation_ids, user_ids = _attended_since(since, now=now)
    run = LapseRun()
    memberships = (
        ForumMembership.objects.select_for_update()
        .filter(status__in=[MembershipStatus.ACTIVE, MembershipStatus.LAPSED])
        .select_related("organisation")
        .prefetch_related("representatives")
    )
    for membership in memberships:
        attended = _has_attended(membership, organisation_ids, user_ids)
        if membership.status == MembershipStatus.ACTIVE and not attended and membership.joined_on < cutoff:
            membership.status, membership.lapsed_on = MembershipStatus.LAPSED, today
            membership.save(update_fields=["status", "lapsed_on", "updated_at"])
            audit_log(MEMBERSHIP_LAPSE, instance=membership, changes={"status": ["active", "lapsed"]})
            run.lapsed.append(membership)
        elif membership.status == MembershipStatus.LAPSED and attended:
            membership.status, membership.lapsed_on = MembershipStatus.ACTIVE, None
            membership.save(update_fields=["status", "lapsed_on", "updated_at"])
            audit_log(MEMBERSHIP_REACTIVATE, instance=membership, changes={"status": ["lapsed", "active"]})
            run.reactivated.append(membership)
    if run.lapsed or run.reactivated:
        emails.lapse_summary(run=run, today=today)
    return run
