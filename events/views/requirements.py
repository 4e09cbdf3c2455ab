"""Mandatory training on the public side: sending in an external certificate, and reading one back."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from ..forms import ExternalCertificateForm
from ..models import ExternalCertificate, TrainingRequirement
from ..services import external_certificate_submit, is_team
from ..services.requirements import CERTIFICATE_TOO_BIG, MAX_CERTIFICATE_BYTES

__all__ = ["certificate_upload", "external_certificate_file"]


# Room for the form's other fields and the multipart boundaries around the file.
UPLOAD_OVERHEAD_BYTES = 64 * 1024


class CertificateSizeLimit(FileUploadHandler):
    """Stops keeping an uploaded file once it passes the limit, as it streams in; the view then refuses it."""

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.too_big = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_big = True
            raise SkipFile  # Django drops what it has and reads past the rest without keeping it
        return raw_data

    def file_complete(self, file_size):
        return None


def _certificate_requirement(request, requirement_id) -> TrainingRequirement:
    return get_object_or_404(
        TrainingRequirement.objects.filter(active=True, groups__in=request.user.groups.all())
        .exclude(external_certificate_name="")
        .distinct(),
        pk=requirement_id,
    )


def _certificate_too_big(request, requirement) -> HttpResponse:
    form = ExternalCertificateForm(initial={"title": requirement.external_certificate_name})
    form.full_clean()  # an unbound form: no errors yet, and nothing cleaned
    form.cleaned_data = {}
    form.add_error("file", CERTIFICATE_TOO_BIG)
    context = {"form": form, "requirement": requirement}
    return render(request, "events/certificate_upload.html", context, status=413)


@never_cache  # personal: never kept by a browser or proxy cache
@csrf_exempt  # CSRF is checked by _certificate_upload, once the size limit is in place
@login_required
def certificate_upload(request, requirement_id):
    """Send in a certificate of training done elsewhere (e.g. the Home Office e-learning) for the team to approve.

    The 5 MB limit holds while the upload streams: a request that says it is larger is
    refused before its body is read, and a file that grows past the limit is not kept.
    """
    if request.method == "POST":
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > MAX_CERTIFICATE_BYTES + UPLOAD_OVERHEAD_BYTES:
            return _certificate_too_big(request, _certificate_requirement(request, requirement_id))
        request.upload_handlers.insert(0, CertificateSizeLimit(request, MAX_CERTIFICATE_BYTES))
    return _certificate_upload(request, requirement_id)


@csrf_protect
def _certificate_upload(request, requirement_id):
    requirement = _certificate_requirement(request, requirement_id)
    limit = request.upload_handlers[0] if request.method == "POST" else None
    if request.method == "POST" and request.FILES is not None and getattr(limit, "too_big", False):
        return _certificate_too_big(request, requirement)
    form = ExternalCertificateForm(
        request.POST or None, request.FILES or None, initial={"title": requirement.external_certificate_name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            external_certificate_submit(user=request.user, requirement=requirement, **form.cleaned_data)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, "Thank you. The Prevent team will check your certificate and email you.")
            return redirect("events:my_training")
    return render(request, "events/certificate_upload.html", {"form": form, "requirement": requirement})


@never_cache  # personal: never kept by a browser or proxy cache
@login_required
def external_certificate_file(request, pk):
    """The certificate file, to its owner and the Prevent team only; it is never under a public URL."""
    certificate = get_object_or_404(ExternalCertificate, pk=pk)
    if certificate.user_id != request.user.pk and not is_team(request.user):
        raise PermissionDenied("Only the person who sent it and the Prevent team can see this certificate.")
    content_type = mimetypes.guess_type(certificate.file.name)[0] or "application/octet-stream"
    response = FileResponse(certificate.file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.pk}{certificate.file.name[-4:]}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
