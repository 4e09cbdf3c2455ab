"""Training data: sessions, bookings, attendance (training.py) and mandatory training rules (requirements.py)."""
from .requirements import (
    CertificateStatus,
    ExternalCertificate,
    RequirementStatus,
    TrainingReminder,
    TrainingRequirement,
)
from .training import (
    Attendance,
    AttendanceMethod,
    Booking,
    BookingStatus,
    CalendarSubscription,
    SessionStatus,
    SessionVisibility,
    TrainingSession,
    new_certificate_code,
    new_token,
)

__all__ = [
    "Attendance", "AttendanceMethod", "Booking", "BookingStatus", "CalendarSubscription", "SessionStatus",
    "SessionVisibility", "TrainingSession", "new_certificate_code", "new_token",
    "CertificateStatus", "ExternalCertificate", "RequirementStatus", "TrainingReminder", "TrainingRequirement",
]
