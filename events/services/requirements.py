"""Mandatory training: external certificates sent in by people and approved or refused by the team."""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import CertificateStatus, ExternalCertificate, TrainingRequirement
from .booking import is_team

MAX_CERTIFICATE_BYTES = 5 * 1024 * 1024
CERTIFICATE_KIND_REFUSED = (
    "The certificate must be a PDF, PNG or JPEG file. This file is none of those (whatever its name says): "
    "save or scan it as a PDF, or take a photo."
)
CERTIFICATE_TOO_BIG = "The file is larger than 5 MB. Send a smaller scan or photo."
# What a PDF must have: its header, at least one object, a cross-reference (table or stream) and an end.
_PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
_PDF_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")
# Actions a certificate never needs and a hostile file uses: run script, launch a program, carry a file.
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia)\b")


def certificate_file_kind(file) -> str:
    """The file's extension from its content: ``pdf``, ``png`` or ``jpg``; ``ValidationError`` for anything else.

    Rule: only PDF, PNG and JPEG, judged by content, never by the name. A PDF needs its
    header, an object, a cross-reference and an end marker, and no script, launch
    action or embedded file; an image must be PNG or JPEG and decode in full (Pillow).
    SVG, HTML, programs and everything else are refused.
    """
    refused = ValidationError({"file": CERTIFICATE_KIND_REFUSED})
    file.seek(0)
    data = file.read(MAX_CERTIFICATE_BYTES + 1)
    file.seek(0)
    if len(data) > MAX_CERTIFICATE_BYTES:
        raise ValidationError({"file": CERTIFICATE_TOO_BIG})
    if data.startswith(b"%PDF-"):
        well_formed = (
            _PDF_HEADER.match(data)
            and _PDF_OBJECT.search(data)
            and (b"startxref" in data or b"trailer" in data)
            and b"%%EOF" in data[-2048:]
        )
        # A name may spell its letters as #xx (/J#61vaScript is /JavaScript): read them as letters.
        names = _PDF_NAME_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), data)
        if not well_formed or _PDF_ACTIVE.search(names):
            raise refused
        return "pdf"
    if not data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        raise refused
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except Exception:  # Pillow raises many kinds of error for a damaged or disguised image
        raise refused from None
    if kind not in ("PNG", "JPEG"):
        raise refused
    return "png" if kind == "PNG" else "jpg"


@transaction.atomic
def external_certificate_submit(
    *, user, requirement: TrainingRequirement, title: str, completed_on: dt.date, file
) -> ExternalCertificate:
    """Someone sends in a certificate of training done elsewhere; it counts once the team approves it.

    Refused (``ValidationError`` naming the field) when the requirement does not
    apply to them or accepts no external certificate, when the date is in the
    future, or the file is not a PDF/PNG/JPEG of up to 5 MB (``certificate_file_kind``
    judges it by its content; it is stored under the extension its content has).
    """
    if not requirement.active or not requirement.groups.filter(pk__in=user.groups.values("pk")).exists():
        raise ValidationError({"requirement": "This training requirement does not apply to you."})
    if not requirement.external_certificate_name:
        raise ValidationError({"requirement": "This requirement can only be met by attending a session."})
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "The date on the certificate cannot be in the future."})
    if file.size > MAX_CERTIFICATE_BYTES:
        raise ValidationError({"file": CERTIFICATE_TOO_BIG})
    file.name = f"certificate.{certificate_file_kind(file)}"
    certificate = ExternalCertificate(
        user=user, requirement=requirement, title=title.strip(), completed_on=completed_on, file=file
    )
    certificate.full_clean()
    certificate.save()
    from .. import emails

    emails.certificate_submitted(certificate)
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

    emails.certificate_reviewed(certificate)
    return certificate
