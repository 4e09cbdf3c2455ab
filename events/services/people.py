"""A person is deleted (``crm.services.person_delete``): what training holds about them goes or loses their name.

Attendance stays for the figures (session, organisation, organisation type, method and time) with
the name, email and job role blanked, and no longer linked to the account; bookings, lesson progress,
reminders and the calendar feed go with the account; external certificates go, and their files are
removed from storage once the deletion has committed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q

from crm.audit import audit_log
from crm.services import PersonDataLine

from .. import audit
from ..models import (
    Attendance,
    Booking,
    CalendarSubscription,
    ColleagueInvitation,
    ExternalCertificate,
    LessonProgress,
    TrainingReminder,
    TrainingSession,
)
from .booking import _free_place, _lock, _promote_waiting

if TYPE_CHECKING:
    from crm.models import User


def person_attendances(user: User):
    """Every mark of theirs, taken back ones included: under their account, or a walk-in under their email.

    Public for the apps above that hold data hanging off a person's attendance (feedback), so they
    find the same marks this module anonymises.
    """
    same = Q(user=user)
    if user.email:
        same |= Q(email__iexact=user.email)
    return Attendance.history.filter(same)


def _their_invitations(user: User):
    """Invitations they sent, and invitations to their address (which name them by email)."""
    same = Q(invited_by=user)
    if user.email:
        same |= Q(email__iexact=user.email)
    return ColleagueInvitation.objects.filter(same)


def person_training_data(*, user: User) -> list[PersonDataLine]:
    """What training holds about ``user`` and what deleting them does to it (for the preview)."""
    certificates = ExternalCertificate.objects.filter(user=user)
    return [
        PersonDataLine("Bookings and waiting-list places", Booking.objects.filter(user=user).count(), "deleted"),
        PersonDataLine(
            "Attendance at sessions",
            person_attendances(user).count(),
            "kept for the figures, with name, email and job role taken out",
        ),
        PersonDataLine(
            "External certificates (and their files)",
            certificates.count(),
            "deleted, files removed from storage",
        ),
        PersonDataLine(
            "Colleague invitations they sent or were sent",
            _their_invitations(user).count(),
            "deleted (a place one still held goes back)",
        ),
        PersonDataLine("Lesson progress", LessonProgress.objects.filter(user=user).count(), "deleted"),
        PersonDataLine("Training reminders sent", TrainingReminder.objects.filter(user=user).count(), "deleted"),
        PersonDataLine("Private calendar feed", CalendarSubscription.objects.filter(user=user).count(), "deleted"),
    ]


def person_training_data_erase(*, user: User, by) -> dict[str, int]:
    """Erase training's data about ``user`` inside the caller's transaction; certificate files go on commit."""
    attendances = person_attendances(user)
    anonymised = attendances.update(full_name="", email="", job_role="", user=None)
    # Held places come back with the places count: each pending invitation that held one frees it.
    invitations = _their_invitations(user)
    held = list(invitations.filter(status="pending", holds_place=True).values_list("session_id", flat=True))
    invitations_deleted = invitations.delete()[1].get("events.ColleagueInvitation", 0)
    for session_id in held:
        session = _lock(TrainingSession(pk=session_id))
        _free_place(session)
        _promote_waiting(session)
    certificates = list(ExternalCertificate.objects.filter(user=user))
    files = [(certificate.file.storage, certificate.file.name) for certificate in certificates if certificate.file]
    ExternalCertificate.objects.filter(pk__in=[certificate.pk for certificate in certificates]).delete()

    def remove_files():
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)
    counts = {
        "attendances_anonymised": anonymised,
        "certificates_deleted": len(certificates),
        "invitations_deleted": invitations_deleted,
    }
    audit_log(audit.PERSON_DATA_ERASE, instance=user, user=by, person=user.pk, data=counts)
    return counts


def on_person_data_preview(sender, user, **kwargs) -> list[PersonDataLine]:
    return person_training_data(user=user)


def on_person_deleting(sender, user, by, **kwargs) -> None:
    person_training_data_erase(user=user, by=by)
