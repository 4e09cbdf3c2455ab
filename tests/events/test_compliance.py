"""Mandatory training: the status rules at their edges, certificates sent in and reviewed, publishing counts."""
import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from events.compliance import (
    FEWER_THAN,
    CountRow,
    count_rows,
    person_requirements,
    requirement_statuses,
    status_on,
    suppressed,
)
from events.models import (
    Attendance,
    CertificateStatus,
    ExternalCertificate,
    RequirementStatus,
    TrainingRequirement,
    TrainingSession,
)
from events.services import booking_create
from events.services.requirements import external_certificate_review, external_certificate_submit
from portal import roles

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def requirement(wrap, member_course):
    rule = TrainingRequirement.objects.create(
        name="Prevent training for elected Members", valid_for_months=24, renewal_window_days=60,
        external_certificate_name="Home Office Prevent e-learning",
    )
    rule.groups.add(Group.objects.get(name=roles.ELECTED_MEMBER))
    rule.courses.add(wrap, member_course)
    return rule


@pytest.fixture
def member(make_user):
    return make_user(roles.ELECTED_MEMBER, member_side="opposition")


def attended(person, course, on: dt.date):
    """Mark ``person`` present at a session of ``course`` held on ``on`` (10:00 London time)."""
    starts = timezone.make_aware(dt.datetime.combine(on, dt.time(10)))
    session = TrainingSession.objects.create(course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2),
                                             venue="Town Hall", capacity=20)
    return Attendance.objects.create(session=session, user=person, email=person.email)


def status_of(requirement, person, today):
    return requirement_statuses(requirement=requirement, today=today)[0] if person else None


TODAY = dt.date(2026, 11, 25)


# --- The rule at its edges ---------------------------------------------------------------------

def test_attended_exactly_24_months_ago_has_expired_and_a_day_later_it_had_not(requirement, member, member_course):
    attended(member, member_course, TODAY - relativedelta(months=24))
    on_the_day = status_of(requirement, member, TODAY)
    assert on_the_day.status == RequirementStatus.EXPIRED
    assert on_the_day.valid_until == TODAY - dt.timedelta(days=1)
    the_day_before = status_of(requirement, member, TODAY - dt.timedelta(days=1))
    assert the_day_before.status == RequirementStatus.DUE_RENEWAL


def test_the_renewal_window_opens_sixty_days_before_expiry(requirement, member, member_course):
    done = TODAY - relativedelta(months=24) + dt.timedelta(days=60)  # expires in exactly 60 days
    attended(member, member_course, done)
    assert status_of(requirement, member, TODAY).status == RequirementStatus.DUE_RENEWAL
    assert status_of(requirement, member, TODAY - dt.timedelta(days=1)).status == RequirementStatus.COMPLETE


def test_complete_until_the_day_before_the_anniversary(requirement, member, member_course):
    attended(member, member_course, dt.date(2026, 5, 14))
    result = status_of(requirement, member, TODAY)
    assert result.status == RequirementStatus.COMPLETE
    assert result.valid_until == dt.date(2028, 5, 13)


def test_a_pending_certificate_does_not_count_an_approved_one_does(requirement, member, team_admin):
    certificate = external_certificate_submit(
        user=member, requirement=requirement, title="Home Office Prevent e-learning", completed_on=TODAY - dt.timedelta(days=3),
        file=SimpleUploadedFile("cert.pdf", PDF, content_type="application/pdf"),
    )
    pending = status_of(requirement, member, TODAY)
    assert pending.status == RequirementStatus.NOT_STARTED and pending.pending_certificate
    external_certificate_review(certificate=certificate, by=team_admin, approve=True)
    approved = status_of(requirement, member, TODAY)
    assert approved.status == RequirementStatus.COMPLETE
    assert approved.last_completed == TODAY - dt.timedelta(days=3) and not approved.pending_certificate


def test_two_routes_both_done_the_latest_counts(requirement, member, wrap, team_admin):
    attended(member, wrap, TODAY - relativedelta(months=30))  # WRAP long ago: expired on its own
    assert status_of(requirement, member, TODAY).status == RequirementStatus.EXPIRED
    certificate = external_certificate_submit(
        user=member, requirement=requirement, title="Prevent e-learning", completed_on=TODAY - relativedelta(months=3),
        file=SimpleUploadedFile("cert.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, content_type="image/png"),
    )
    external_certificate_review(certificate=certificate, by=team_admin, approve=True)
    result = status_of(requirement, member, TODAY)
    assert result.status == RequirementStatus.COMPLETE
    assert result.last_completed == TODAY - relativedelta(months=3)


def test_a_booking_counts_as_booked_but_never_as_complete(requirement, member, member_course):
    starts = timezone.now() + dt.timedelta(days=10)
    session = TrainingSession.objects.create(course=member_course, starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
                                             venue="Council Chamber", capacity=46)
    booking_create(session=session, user=member)
    result = status_of(requirement, member, timezone.localdate())
    assert result.status == RequirementStatus.BOOKED and result.booked_session == session
    attended(member, member_course, timezone.localdate() - relativedelta(months=26))
    assert status_of(requirement, member, timezone.localdate()).status == RequirementStatus.BOOKED, "expired, rebooked"


def test_a_course_that_does_not_satisfy_the_requirement_does_not_count(requirement, member, wrap, member_course):
    requirement.courses.remove(wrap)
    attended(member, wrap, TODAY - dt.timedelta(days=10))
    assert status_of(requirement, member, TODAY).status == RequirementStatus.NOT_STARTED


def test_no_expiry_when_months_are_blank():
    rule = TrainingRequirement(name="x", valid_for_months=None, renewal_window_days=60)
    status, expires = status_on(rule, last_completed=dt.date(2001, 1, 1), booked=False, today=TODAY)
    assert (status, expires) == (RequirementStatus.COMPLETE, None)


def test_only_people_in_the_groups_are_counted_and_my_requirements_are_mine(requirement, member, make_user):
    learner = make_user(roles.LEARNER)
    assert [s.user for s in requirement_statuses(requirement=requirement, today=TODAY)] == [member]
    assert person_requirements(user=learner) == []
    [(rule, status)] = person_requirements(user=member)
    assert rule == requirement and status.status == RequirementStatus.NOT_STARTED


# --- Certificates sent in and reviewed ----------------------------------------------------------

def test_certificate_refusals_say_what_to_fix_and_save_nothing(requirement, member, make_user):
    good = dict(user=member, requirement=requirement, title="E-learning", completed_on=TODAY - dt.timedelta(days=1))
    cases = [
        ({"completed_on": timezone.localdate() + dt.timedelta(days=1)}, "completed_on"),
        ({"file": SimpleUploadedFile("cert.exe", b"MZ" * 10)}, "file"),
        ({"file": SimpleUploadedFile("big.pdf", b"0" * (5 * 1024 * 1024 + 1))}, "file"),
        ({"user": make_user(roles.LEARNER)}, "requirement"),
    ]
    for change, field in cases:
        arguments = {**good, "file": SimpleUploadedFile("cert.pdf", PDF), **change}
        with pytest.raises(ValidationError) as refused:
            external_certificate_submit(**arguments)
        assert field in refused.value.message_dict, change
    assert not ExternalCertificate.objects.exists()


def test_only_the_team_reviews_and_a_refusal_says_why(requirement, member, team_admin, make_user):
    certificate = external_certificate_submit(user=member, requirement=requirement, title="E-learning",
                                              completed_on=TODAY, file=SimpleUploadedFile("cert.pdf", PDF))
    with pytest.raises(PermissionDenied):
        external_certificate_review(certificate=certificate, by=make_user(roles.TRAINER), approve=True)
    with pytest.raises(ValidationError) as no_reason:
        external_certificate_review(certificate=certificate, by=team_admin, approve=False)
    assert "review_note" in no_reason.value.message_dict
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.PENDING
    external_certificate_review(certificate=certificate, by=team_admin, approve=False, note="The name does not match.")
    certificate.refresh_from_db()
    assert (certificate.status, certificate.review_note) == (CertificateStatus.REJECTED, "The name does not match.")


# --- Publishing counts ------------------------------------------------------------------------

def test_small_numbers_are_hidden_with_one_more_when_the_total_would_give_them_away():
    row = CountRow("Opposition", {"complete": 7, "due_renewal": 0, "expired": 6, "booked": 9, "not_started": 12})
    shown = dict(suppressed(row))
    assert shown["Due for renewal"] == FEWER_THAN
    assert shown["Expired"] == FEWER_THAN, "the next smallest is hidden too, or 34 minus the rest gives it away"
    assert (shown["Complete"], shown["Booked"], shown["Not started"]) == ("7", "9", "12")
    none_small = CountRow("All", {"complete": 7, "due_renewal": 5, "expired": 6, "booked": 9, "not_started": 12})
    assert FEWER_THAN not in dict(suppressed(none_small)).values()


def test_count_rows_break_members_down_by_side_and_cabinet(requirement, make_user, member_course):
    cabinet = make_user(roles.ELECTED_MEMBER, member_side="administration", is_cabinet_member=True)
    backbench = make_user(roles.ELECTED_MEMBER, member_side="administration")
    opposition = make_user(roles.ELECTED_MEMBER, member_side="opposition")
    attended(cabinet, member_course, TODAY - dt.timedelta(days=30))
    attended(opposition, member_course, TODAY - dt.timedelta(days=30))
    rows = {row.label: row for row in count_rows(requirement_statuses(requirement=requirement, today=TODAY),
                                                  by_member_group=True)}
    assert rows["Everyone"].counts["complete"] == 2 and rows["Everyone"].counts["not_started"] == 1
    assert rows["Administration"].counts == {"complete": 1, "due_renewal": 0, "expired": 0, "booked": 0, "not_started": 1}
    assert rows["Opposition"].counts["complete"] == 1 and rows["Opposition"].total == 1
    assert rows["Cabinet Members"].counts["complete"] == 1 and rows["Cabinet Members"].total == 1
    assert rows["Administration"].percent("complete") == 50.0
    assert backbench in [s.user for s in requirement_statuses(requirement=requirement, today=TODAY)]
