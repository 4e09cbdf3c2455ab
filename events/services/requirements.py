"""Mandatory training: external certificates sent in by people and approved or refused by the team."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import CertificateStatus, ExternalCertificate, TrainingRequirement
from .booking import is_team

MAX_CERTIFICATE_BYTES = 5 * 1024 * 1024


@transaction.atomic
def external_certificate_submit(
    *, user, requirement: TrainingRequirement, title: str, completed_on: dt.date, file
) -> ExternalCertificate:
    """Someone sends in a certificate of training done elsewhere; it counts once the team approves it.

    Refused (``ValidationError`` naming the field) when the requirement does not
    apply to them or accepts no external certificate, when the date is in the
    future, or the file is not a PDF/PNG/JPEG of up to 5 MB.
    """
    if not requirement.active or not requirement.groups.filter(pk__in=user.groups.values("pk")).exists():
        raise ValidationError({"requirement": "This training requirement does not apply to you."})
    if not requirement.external_certificate_name:
        raise ValidationError({"requirement": "This requirement can only be met by attending a session."})
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "The date on the certificate cannot be in the future."})
    if file.size > MAX_CERTIFICATE_BYTES:
        raise ValidationError({"file": "The file is larger than 5 MB. Send a smaller scan or photo."})
    certificate = ExternalCertificate(
        user=user, requirement=requirement, title=title.strip(), completed_on=completed_on, file=file
    )
    certificate.full_clean()
    certificate.save()
    from .. import emails

    transaction.on_commit(lambda: emails.certificate_submitted(certificate))
    return certificate


@transaction.atomic
def external_certificate_review(
    *, certificate: ExternalCertificate, by, approve: bool, note: str = ""
) -> ExternalCertificate:
    """The team approves a certificate (it counts from its date) or refuses it, saying why; the person is emailed.

    Only the Prevent team reviews (``PermissionDenied`` otherwise); a refusal
    needs a note (``ValidationError`` on review_note).
    """
    if not is_team(by):
        raise PermissionDenied("Only the Prevent team reviews certificates.")
    certificate = (
        ExternalCertificate.objects.select_for_update().select_related("user", "requirement").get(pk=certificate.pk)
    )
    note = note.strip()
    if not approve and not note:
        raise ValidationError({"review_note": "Say why the certificate was not accepted: the person will see it."})
    certificate.status = CertificateStatus.APPROVED if approve else CertificateStatus.REJECTED
    certificate.review_note = note
    certificate.reviewed_by = by
    certificate.reviewed_at = timezone.now()
    certificate.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
    from .. import emails

    transaction.on_commit(lambda: emails.certificate_reviewed(certificate))
    return certificate
