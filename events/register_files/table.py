"""The register as a table: everyone booked or waiting, each with their attendance, then the walk-ins."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from crm.models import OrganisationType

from ..models import TrainingSession
from ..selectors import RollLine, roll_counts, session_roll


class RegisterLine(RollLine):
    """One person on the register: booked (confirmed or waiting) or a walk-in, present or not.

    A line of the session's roll (``events.selectors.session_roll``), with what the
    register shows: name, email, organisation, present, walk_in and no_show come from there.
    """

    @property
    def organisation_type(self) -> str:
        if self.booking is not None:
            return self.booking.user.organisation_type
        return self.attendance.organisation_type or getattr(self.person, "organisation_type", "")

    @property
    def job_role(self) -> str:
        if self.booking is not None:
            return self.booking.user.job_role
        return self.attendance.job_role or getattr(self.person, "job_role", "")

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
        if not self.attendance:
            return ""
        method = self.attendance.get_method_display()
        return f"{method} (self-declared, not confirmed)" if self.attendance.self_declared else method


@dataclass
class Register:
    session: TrainingSession
    lines: list[RegisterLine] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """The roll's counts (``events.selectors.roll_counts``), the same the check-in desk shows."""
        return roll_counts(self.lines)

    @property
    def booked(self) -> int:
        return self.counts["booked"]

    @property
    def waiting(self) -> int:
        return self.counts["waiting"]

    @property
    def present(self) -> int:
        return self.counts["present"]

    @property
    def walk_ins(self) -> int:
        return self.counts["walk_ins"]

    @property
    def no_shows(self) -> int:
        return self.counts["no_shows"]


def session_register(*, session: TrainingSession) -> Register:
    """Everyone confirmed, then waiting, each with their attendance, then the walk-ins (present without a booking).

    The lines are the session's roll (``events.selectors.session_roll``), so the
    register pairs attendances with bookings exactly as the check-in desk does
    and nobody is listed twice.
    """
    roll = session_roll(session=session)
    return Register(session=session, lines=[RegisterLine(line.booking, line.attendance) for line in roll.lines])
