"""CRM → Import organisations: upload a file, read the dry run's preview, confirm (the team only).

The screens only carry the file between the steps: each import's rule is its service in
``crm.imports`` (the same the ``manage.py`` commands call). The uploaded file waits in the
team member's session between the preview and the confirmation, and the confirmation applies
it only if it would still do exactly what the preview said (``expected_digest``).
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST
from wagtail.admin.menu import MenuItem

from .exports import CSV, XLSX, spreadsheet_response
from .imports import (
    IMPORT_PERMISSION,
    ORGANISATION_COLUMNS,
    TEMPLATE_FILENAME,
    ImportInvalid,
    organisations_import,
    organisations_template,
    schools_import_gias,
)

SESSION_KEY = "crm_import_pending"
PREVIEW_EXPIRED = "That preview has expired or was replaced by another. Upload the file again."
NOTHING_TO_DO = "The file matches the register: there is nothing to import."


@dataclass(frozen=True)
class ImportKind:
    slug: str
    title: str
    service: Any
    label: str
    help_text: str
    accept: str


KINDS = {
    "schools": ImportKind(
        slug="schools",
        title="Import schools from GIAS",
        service=schools_import_gias,
        label="GIAS download (CSV)",
        help_text="The CSV file that Get Information about Schools downloads, as it is: up to 10 MB. "
        "Search for the borough's establishments, then choose Download → CSV.",
        accept=".csv,text/csv",
    ),
    "organisations": ImportKind(
        slug="organisations",
        title="Import organisations from a spreadsheet",
        service=organisations_import,
        label="Organisations file (CSV or Excel)",
        help_text="A CSV file or an Excel workbook (.xlsx), up to 2 MB, with the template's columns: "
        + ", ".join(ORGANISATION_COLUMNS)
        + ". Name and type are required.",
        accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


class ImportUploadForm(forms.Form):
    file = forms.FileField()

    def __init__(self, *args, kind: ImportKind, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = kind.label
        self.fields["file"].help_text = kind.help_text
        self.fields["file"].widget.attrs["accept"] = kind.accept


def can_import(user) -> bool:
    return user.is_active and user.has_perm(IMPORT_PERMISSION)


def _kind(slug: str) -> ImportKind:
    if slug not in KINDS:
        raise Http404
    return KINDS[slug]


def _context(kind: ImportKind, **extra) -> dict:
    return {
        "kind": kind,
        "kinds": KINDS.values(),
        "columns": ORGANISATION_COLUMNS,
        "template_csv": reverse("crm_import_template", args=[CSV]),
        "template_xlsx": reverse("crm_import_template", args=[XLSX]),
        **extra,
    }


def import_view(request, kind: str):
    """Upload (GET shows the form); a valid file gives the dry run's preview and a button to confirm."""
    if not can_import(request.user):
        raise PermissionDenied
    kind = _kind(kind)
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES, kind=kind)
    else:
        form = ImportUploadForm(kind=kind)
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        upload.seek(0)
        try:
            plan = kind.service(upload=upload, by=request.user, dry_run=True)
        except ImportInvalid as invalid:
            form.add_error("file", forms.ValidationError(invalid.problems))
        else:
            token = secrets.token_urlsafe(16)
            request.session[SESSION_KEY] = {
                "kind": kind.slug,
                "token": token,
                "name": upload.name,
                "data": base64.b64encode(data).decode("ascii"),
                "digest": plan.digest,
            }
            template = "crm/import_preview.html"
            return TemplateResponse(request, template, _context(kind, plan=plan, token=token, file_name=upload.name))
    return TemplateResponse(request, "crm/import_upload.html", _context(kind, form=form))


@require_POST
def import_confirm_view(request, kind: str):
    """Apply the previewed file, if it would still do what the preview said; back to the upload otherwise."""
    if not can_import(request.user):
        raise PermissionDenied
    kind = _kind(kind)
    pending = request.session.get(SESSION_KEY) or {}
    if pending.get("kind") != kind.slug or not secrets.compare_digest(
        str(pending.get("token", "")), request.POST.get("token", "")
    ):
        messages.error(request, PREVIEW_EXPIRED)
        return redirect("crm_import", kind.slug)
    upload = ContentFile(base64.b64decode(pending["data"]), name=pending["name"])
    try:
        plan = kind.service(upload=upload, by=request.user, expected_digest=pending["digest"])
    except ImportInvalid as invalid:
        for problem in invalid.problems[:20]:
            messages.error(request, problem)
        return redirect("crm_import", kind.slug)
    finally:
        request.session.pop(SESSION_KEY, None)
    messages.success(request, plan.summary() if plan.changes else NOTHING_TO_DO)
    return redirect("organisations:index")


def import_template_view(request, fmt: str):
    """The organisations file's template, headings only (CSV or XLSX), through the one export helper."""
    if not can_import(request.user):
        raise PermissionDenied
    if fmt not in (CSV, XLSX):
        raise Http404
    return spreadsheet_response(organisations_template(fmt), fmt=fmt, filename=f"{TEMPLATE_FILENAME}.{fmt}")


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_import(request.user)
