"""The register as a table: everyone booked or waiting, each with their attendance, then the walk-ins."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from crm.models import OrganisationType

from ..models import Attendance, Booking, BookingStatus, TrainingSession


@dataclass
class RegisterLine:
    """One person on the register: booked (confirmed or waiting) or a walk-in, present or not."""

    name: str
    email: str
    organisation: str = ""
    organisation_type: str = ""
    job_role: str = ""
    booking: Booking | None = None
    attendance: Attendance | None = None

    @property
    def present(self) -> bool:
        return self.attendance is not None

    @property
    def walk_in(self) -> bool:
        return self.booking is None

    @property
    def booking_status(self) -> str:
        return self.booking.get_status_display() if self.booking else "Walk-in (no booking)"

    @property
    def organisation_type_label(self) -> str:
        return dict(OrganisationType.choices).get(self.organisation_type, self.organisation_type)

    @property
    def checked_in_at(self) -> dt.datetime | None:
        return timezone.localtime(self.attendance.checked_in_at) if self.attendance else None

    @property
    def method(self) -> str:
        return self.attendance.get_method_display() if self.attendance else ""

    @property
    def no_show(self) -> bool:
        return bool(self.booking and self.booking.no_show)


@dataclass
class Register:
    session: TrainingSession
    lines: list[RegisterLine] = field(default_factory=list)

    @property
    def booked(self) -> int:
        return sum(1 for line in self.lines if line.booking and line.booking.status == BookingStatus.CONFIRMED)

    @property
    def waiting(self) -> int:
        return sum(1 for line in self.lines if line.booking and line.booking.status == BookingStatus.WAITING)

    @property
    def present(self) -> int:
        return sum(1 for line in self.lines if line.present)

    @property
    def walk_ins(self) -> int:
        return sum(1 for line in self.lines if line.walk_in)

    @property
    def no_shows(self) -> int:
        return sum(1 for line in self.lines if line.no_show)


def session_register(*, session: TrainingSession) -> Register:
    """Everyone confirmed or waiting, each with their attendance, then the walk-ins (present without a booking).

    An attendance belongs to a booking by its link, else by the same account or
    email (a waiting-list person who checked in at the door as a walk-in), so
    nobody is listed twice.
    """
    bookings = list(
        Booking.objects.filter(session=session, status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITING])
        .select_related("user")
    )
    attendances = list(Attendance.objects.filter(session=session).select_related("user"))
    by_booking = {a.booking_id: a for a in attendances if a.booking_id}
    by_user = {a.user_id: a for a in attendances if a.user_id}
    by_email = {a.email.lower(): a for a in attendances if a.email}
    used = set()
    booked, walk_ins = [], []
    for booking in bookings:
        user = booking.user
        attendance = (
            by_booking.get(booking.pk) or by_user.get(user.pk) or by_email.get(user.email.lower())
        )
        if attendance is not None and attendance.pk in used:
            attendance = None
        if attendance is not None:
            used.add(attendance.pk)
        booked.append(RegisterLine(
            name=user.get_full_name() or user.email, email=user.email, organisation=user.organisation_name,
            organisation_type=user.organisation_type, job_role=user.job_role, booking=booking, attendance=attendance,
        ))
    for attendance in attendances:
        if attendance.pk in used:
            continue
        person = attendance.user
        walk_ins.append(RegisterLine(
            name=attendance.display_name, email=person.email if person else attendance.email,
            organisation=attendance.organisation_name or getattr(person, "organisation_name", ""),
            organisation_type=attendance.organisation_type or getattr(person, "organisation_type", ""),
            job_role=attendance.job_role or getattr(person, "job_role", ""), attendance=attendance,
        ))

    def order(line: RegisterLine):
        return (line.booking is not None and line.booking.status == BookingStatus.WAITING, line.name.casefold())

    return Register(session=session, lines=sorted(booked, key=order) + sorted(walk_ins, key=order))
