"""Mandatory training: the status rules at their edges, certificates sent in and reviewed, publishing counts."""

import datetime as dt
import io

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from crm import roles
from events.compliance import (
    FEWER_THAN,
    HIDDEN,
    CountRow,
    count_rows,
    person_requirements,
    published_table,
    requirement_statuses,
    status_on,
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
from events.services.requirements import (
    external_certificate_review,
    external_certificate_submit,
)
from tests.factories import CERTIFICATE_PDF as PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(make_user):
    return make_user(roles.ELECTED_MEMBER, member_side="opposition")


def attended(person, course, on: dt.date):
    """Mark ``person`` present at a session of ``course`` held on ``on`` (10:00 London time)."""
    starts = timezone.make_aware(dt.datetime.combine(on, dt.time(10)))
    session = TrainingSession.objects.create(
        course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Town Hall", capacity=20
    )
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
        user=member,
        requirement=requirement,
        title="Home Office Prevent e-learning",
        completed_on=TODAY - dt.timedelta(days=3),
        file=SimpleUploadedFile("cert.pdf", PDF, content_type="application/pdf"),
    )
    pending = status_of(requirement, member, TODAY)
    assert pending.status == RequirementStatus.NOT_STARTED and pending.pending_certificate
    external_certificate_review(certificate=certificate, by=team_admin, approve=True)
    approved = status_of(requirement, member, TODAY)
    assert approved.status == RequirementStatus.COMPLETE
    assert approved.last_completed == TODAY - dt.timedelta(days=3) and not approved.pending_certificate


def a_png() -> bytes:
    """A real photo of a certificate, as far as the upload's content check can tell (issue 10 item 5)."""
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, format="PNG")
    return out.getvalue()


def test_two_routes_both_done_the_latest_counts(requirement, member, wrap, team_admin):
    attended(member, wrap, TODAY - relativedelta(months=30))  # WRAP long ago: expired on its own
    assert status_of(requirement, member, TODAY).status == RequirementStatus.EXPIRED
    certificate = external_certificate_submit(
        user=member,
        requirement=requirement,
        title="Prevent e-learning",
        completed_on=TODAY - relativedelta(months=3),
        file=SimpleUploadedFile("cert.png", a_png(), content_type="image/png"),
    )
    external_certificate_review(certificate=certificate, by=team_admin, approve=True)
    result = status_of(requirement, member, TODAY)
    assert result.status == RequirementStatus.COMPLETE
    assert result.last_completed == TODAY - relativedelta(months=3)


def test_a_booking_counts_as_booked_but_never_as_complete(requirement, member, member_course):
    starts = timezone.now() + dt.timedelta(days=10)
    session = TrainingSession.objects.create(
        course=member_course,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        venue="Council Chamber",
        capacity=46,
    )
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
    certificate = external_certificate_submit(
        user=member,
        requirement=requirement,
        title="E-learning",
        completed_on=TODAY,
        file=SimpleUploadedFile("cert.pdf", PDF),
    )
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


def published(rows):
    return {label: dict(cells) | {"Total": total} for label, cells, total in published_table(rows)}


def counts(complete, due, expired, booked, not_started):
    return {"complete": complete, "due_renewal": due, "expired": expired, "booked": booked, "not_started": not_started}


def test_a_single_small_number_in_a_row_hides_the_next_smallest_too():
    [row] = published([CountRow("Everyone", counts(7, 0, 6, 9, 12))]).values()
    assert row["Due for renewal"] == FEWER_THAN
    assert row["Expired"] == HIDDEN, "or 34 minus the rest gives the hidden 0 away"
    assert (row["Complete"], row["Booked"], row["Not started"], row["Total"]) == ("7", "9", "12", "34")
    [clear] = published([CountRow("Everyone", counts(7, 5, 6, 9, 12))]).values()
    assert FEWER_THAN not in clear.values() and HIDDEN not in clear.values()


def test_a_small_number_for_one_side_is_hidden_for_everyone_and_the_other_side_too():
    """Everyone = Administration + Opposition: showing two of the three would give the third away."""
    table = published(
        [
            CountRow("Everyone", counts(20, 6, 7, 8, 9)),
            CountRow("Administration", counts(17, 6, 7, 8, 5)),
            CountRow("Opposition", counts(3, 0, 0, 0, 4)),
            CountRow("Cabinet Members", counts(5, 1, 0, 0, 0), adds_up=False),
        ]
    )
    for label in ("Everyone", "Administration", "Opposition"):
        for status in ("Complete", "Due for renewal", "Expired", "Booked", "Not started"):
            assert table[label][status] in (FEWER_THAN, HIDDEN), (label, status)
    assert table["Everyone"]["Complete"] == HIDDEN and table["Opposition"]["Complete"] == FEWER_THAN
    assert table["Everyone"]["Total"] == "50" and table["Opposition"]["Total"] == "7"
    # The Cabinet is a part of the Administration, not a term of the sum: its own rule applies.
    assert table["Cabinet Members"]["Complete"] == "5" and table["Cabinet Members"]["Due for renewal"] == FEWER_THAN
    for row in table.values():
        shown = [value for key, value in row.items() if key != "Total"]
        assert sum(value in (FEWER_THAN, HIDDEN) for value in shown) != 1, row


def test_count_rows_break_members_down_by_side_and_cabinet(requirement, make_user, member_course):
    cabinet = make_user(roles.ELECTED_MEMBER, member_side="administration", is_cabinet_member=True)
    backbench = make_user(roles.ELECTED_MEMBER, member_side="administration")
    opposition = make_user(roles.ELECTED_MEMBER, member_side="opposition")
    attended(cabinet, member_course, TODAY - dt.timedelta(days=30))
    attended(opposition, member_course, TODAY - dt.timedelta(days=30))
    rows = {
        row.label: row
        for row in count_rows(requirement_statuses(requirement=requirement, today=TODAY), by_member_group=True)
    }
    assert rows["Everyone"].counts["complete"] == 2 and rows["Everyone"].counts["not_started"] == 1
    assert rows["Administration"].counts == {
        "complete": 1,
        "due_renewal": 0,
        "expired": 0,
        "booked": 0,
        "not_started": 1,
    }
    assert rows["Opposition"].counts["complete"] == 1 and rows["Opposition"].total == 1
    assert rows["Cabinet Members"].counts["complete"] == 1 and rows["Cabinet Members"].total == 1
    assert rows["Administration"].percent("complete") == 50.0
    assert backbench in [s.user for s in requirement_statuses(requirement=requirement, today=TODAY)]


def test_a_councillor_in_a_staff_group_does_not_make_it_member_training(requirement, make_user, wrap):
    from events.compliance import is_member_requirement

    leads = Group.objects.create(name="Designated Safeguarding Leads")
    staff_rule = TrainingRequirement.objects.create(name="Prevent training for DSLs")
    staff_rule.groups.add(leads)
    staff_rule.courses.add(wrap)
    make_user(roles.ELECTED_MEMBER, member_side="administration").groups.add(leads)
    assert not is_member_requirement(staff_rule)
    assert is_member_requirement(requirement)
