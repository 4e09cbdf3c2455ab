"""Mandatory training on the public side: sending in an external certificate, and reading one back."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render

from ..forms import ExternalCertificateForm
from ..models import ExternalCertificate, TrainingRequirement
from ..services import external_certificate_submit, is_team

__all__ = ["certificate_upload", "external_certificate_file"]


@login_required
def certificate_upload(request, requirement_id):
    """Send in a certificate of training done elsewhere (e.g. the Home Office e-learning) for the team to approve."""
    requirement = get_object_or_404(
        TrainingRequirement.objects.filter(active=True, groups__in=request.user.groups.all())
        .exclude(external_certificate_name="")
        .distinct(),
        pk=requirement_id,
    )
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
