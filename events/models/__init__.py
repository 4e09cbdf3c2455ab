"""Training data: course pages (pages.py), sessions, bookings, attendance (training.py) and mandatory training rules (requirements.py)."""

from .pages import CourseLesson, CoursePage, LessonProgress, ReportingCategory, TrainingIndexPage
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
    CheckInMode,
    ColleagueInvitation,
    InvitationStatus,
    SessionStatus,
    SessionVisibility,
    TrainingSession,
    new_certificate_code,
    new_token,
)

__all__ = [
    "CourseLesson",
    "CoursePage",
    "LessonProgress",
    "ReportingCategory",
    "TrainingIndexPage",
    "Attendance",
    "CheckInMode",
    "AttendanceMethod",
    "Booking",
    "BookingStatus",
    "CalendarSubscription",
    "ColleagueInvitation",
    "InvitationStatus",
    "SessionStatus",
    "SessionVisibility",
    "TrainingSession",
    "new_certificate_code",
    "new_token",
    "CertificateStatus",
    "ExternalCertificate",
    "RequirementStatus",
    "TrainingReminder",
    "TrainingRequirement",
]
