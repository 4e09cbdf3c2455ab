"""Mandatory training on screen: My training's status and next steps, sending in a certificate, the team reviewing it."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from crm import roles
from events.models import CertificateStatus, ExternalCertificate
from events.services.requirements import external_certificate_submit
from tests.factories import CERTIFICATE_PDF as PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(make_user):
    return make_user(roles.ELECTED_MEMBER, member_side="administration")


def upload(client, requirement, **fields):
    data = {
        "title": "Home Office Prevent e-learning",
        "completed_on": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        "file": SimpleUploadedFile("certificate.pdf", PDF, content_type="application/pdf"),
        **fields,
    }
    return client.post(reverse("events:certificate_upload", args=[requirement.pk]), data)


def test_my_training_shows_the_status_and_what_to_do_next(client, requirement, member, member_course):
    client.force_login(member)
    page = client.get(reverse("events:my_training")).content.decode()
    assert "Prevent training for elected Members" in page and "Not started" in page
    assert member_course.url in page
    assert reverse("events:certificate_upload", args=[requirement.pk]) in page


def test_people_outside_the_requirement_do_not_see_it_or_upload(client, requirement, make_user):
    learner = make_user(roles.LEARNER)
    client.force_login(learner)
    assert "Prevent training for elected Members" not in client.get(reverse("events:my_training")).content.decode()
    assert upload(client, requirement).status_code == 404
    assert not ExternalCertificate.objects.exists()


def test_a_member_sends_in_a_certificate_and_sees_it_waiting(client, requirement, member):
    client.force_login(member)
    response = upload(client, requirement)
    assert response.status_code == 302 and response["Location"] == reverse("events:my_training")
    certificate = ExternalCertificate.objects.get(user=member)
    assert certificate.status == CertificateStatus.PENDING
    page = client.get(reverse("events:my_training")).content.decode()
    assert "waiting for the Prevent team to check it" in page and "Not started" in page


def test_a_bad_certificate_upload_says_what_to_fix_and_saves_nothing(client, requirement, member):
    client.force_login(member)
    future = upload(client, requirement, completed_on=(timezone.localdate() + dt.timedelta(days=5)).isoformat())
    assert future.status_code == 200
    assert "cannot be in the future" in future.content.decode()
    wrong_type = upload(client, requirement, file=SimpleUploadedFile("virus.exe", b"MZ..."))
    assert wrong_type.status_code == 200 and "error-summary" in wrong_type.content.decode()
    missing = upload(client, requirement, title="")
    assert "Name of the training" in missing.content.decode() and "This field is required" in missing.content.decode()
    assert not ExternalCertificate.objects.exists()


def test_the_certificate_file_is_for_its_owner_and_the_team_only(client, requirement, member, team_admin, make_user):
    certificate = external_certificate_submit(
        user=member,
        requirement=requirement,
        title="E-learning",
        completed_on=timezone.localdate(),
        file=SimpleUploadedFile("c.pdf", PDF),
    )
    url = reverse("events:external_certificate_file", args=[certificate.pk])
    assert "/media/" not in url
    client.logout()
    assert client.get(url).status_code == 302
    for outsider in (make_user(roles.ELECTED_MEMBER), make_user(roles.TRAINER), make_user(roles.OUTREACH_OFFICER)):
        client.force_login(outsider)
        assert client.get(url).status_code == 403
    for allowed in (member, team_admin):
        client.force_login(allowed)
        response = client.get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"


def test_the_team_approves_in_the_admin_and_the_person_counts_as_complete(
    client, requirement, member, team_admin, django_capture_on_commit_callbacks
):
    from events.compliance import requirement_statuses

    certificate = external_certificate_submit(
        user=member,
        requirement=requirement,
        title="E-learning",
        completed_on=timezone.localdate(),
        file=SimpleUploadedFile("c.pdf", PDF),
    )
    client.force_login(team_admin)
    listing = client.get("/admin/training/certificates/?status=pending")
    assert listing.status_code == 200 and member.get_full_name() in listing.content.decode()
    inspect = client.get(f"/admin/training/certificates/inspect/{certificate.pk}/")
    assert inspect.status_code == 200
    assert reverse("events:external_certificate_file", args=[certificate.pk]) in inspect.content.decode()
    edit = f"/admin/training/certificates/edit/{certificate.pk}/"
    review_page = client.get(edit)
    assert review_page.status_code == 200
    assert reverse("events:external_certificate_file", args=[certificate.pk]) in review_page.content.decode()
    refused = client.post(edit, {"decision": "rejected", "review_note": ""})
    assert refused.status_code == 200
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        approved = client.post(edit, {"decision": "approved", "review_note": ""})
    assert approved.status_code == 302
    certificate.refresh_from_db()
    assert (certificate.status, certificate.reviewed_by) == (CertificateStatus.APPROVED, team_admin)
    assert requirement_statuses(requirement=requirement)[0].status == "complete"
    assert client.get("/admin/training/certificates/add/").status_code == 404, "certificates come from the person"


def test_outreach_officers_cannot_review_certificates(client, requirement, member, make_user):
    certificate = external_certificate_submit(
        user=member,
        requirement=requirement,
        title="E-learning",
        completed_on=timezone.localdate(),
        file=SimpleUploadedFile("c.pdf", PDF),
    )
    client.force_login(make_user(roles.OUTREACH_OFFICER))
    response = client.post(f"/admin/training/certificates/edit/{certificate.pk}/", {"decision": "approved"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.PENDING
