"""CRM → Import legacy registers: upload a file, read the dry run's preview, confirm (the Prevent team only).

The screens only carry the file between the steps, as CRM → Import organisations does
(``crm.import_admin``): the rule is ``feedback.imports.registers_import``, the same the
``manage.py import_registers`` command calls. The file waits in the team member's session
between the preview and the confirmation, which applies it only if it would still do exactly
what the preview said (``expected_digest``).
"""

from __future__ import annotations

import base64
import secrets

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

from crm import roles
from crm.exports import CSV, XLSX, spreadsheet_response
from crm.imports import ImportInvalid

from .imports import COLUMNS, TEMPLATE_FILENAME, registers_import, registers_template

SESSION_KEY = "feedback_register_import_pending"
PREVIEW_EXPIRED = "That preview has expired or was replaced by another. Upload the file again."
NOTHING_TO_DO = "Everything in the file is already recorded: there was nothing to import."
TITLE = "Import legacy registers"
ERRORS_SHOWN = 100


class RegisterImportForm(forms.Form):
    file = forms.FileField(
        label="Legacy register (CSV or Excel)",
        help_text="A CSV file or an Excel workbook (.xlsx), up to 2 MB, with the template's columns: "
        + ", ".join(COLUMNS)
        + ". One row per person per session.",
        widget=forms.FileInput(
            attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


def can_import_registers(user) -> bool:
    return bool(user and user.is_active and roles.has_role(user, roles.PREVENT_ADMIN))


def _require_team(request) -> None:
    if not can_import_registers(request.user):
        raise PermissionDenied


def _context(**extra) -> dict:
    return {
        "title": TITLE,
        "columns": COLUMNS,
        "template_csv": reverse("feedback_register_import_template", args=[CSV]),
        "template_xlsx": reverse("feedback_register_import_template", args=[XLSX]),
        **extra,
    }


def register_import_view(request):
    """Upload (GET shows the form); a valid file gives the dry run's preview and a button to confirm."""
    _require_team(request)
    form = RegisterImportForm(request.POST, request.FILES) if request.method == "POST" else RegisterImportForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        upload.seek(0)
        try:
            plan = registers_import(upload=upload, by=request.user, dry_run=True)
        except ImportInvalid as invalid:
            shown = invalid.problems[:ERRORS_SHOWN]
            if len(invalid.problems) > ERRORS_SHOWN:
                shown.append(f"...and {len(invalid.problems) - ERRORS_SHOWN} more problems like these.")
            form.add_error("file", forms.ValidationError(shown))
        else:
            token = secrets.token_urlsafe(16)
            request.session[SESSION_KEY] = {
                "token": token,
                "name": upload.name,
                "data": base64.b64encode(data).decode("ascii"),
                "digest": plan.digest,
            }
            return TemplateResponse(
                request,
                "feedback/register_import_preview.html",
                _context(plan=plan, token=token, file_name=upload.name),
            )
    return TemplateResponse(request, "feedback/register_import_upload.html", _context(form=form))


@require_POST
def register_import_confirm_view(request):
    """Apply the previewed file, if it would still do what the preview said; back to the upload otherwise."""
    _require_team(request)
    pending = request.session.get(SESSION_KEY) or {}
    if not secrets.compare_digest(str(pending.get("token", "")), request.POST.get("token", "")) or not pending:
        messages.error(request, PREVIEW_EXPIRED)
        return redirect("feedback_register_import")
    upload = ContentFile(base64.b64decode(pending["data"]), name=pending["name"])
    try:
        plan = registers_import(upload=upload, by=request.user, expected_digest=pending["digest"])
    except ImportInvalid as invalid:
        for problem in invalid.problems[:20]:
            messages.error(request, problem)
        return redirect("feedback_register_import")
    finally:
        request.session.pop(SESSION_KEY, None)
    return TemplateResponse(
        request, "feedback/register_import_done.html", _context(plan=plan, file_name=plan.file_name)
    )


def register_import_template_view(request, fmt: str):
    """The legacy register's template, headings only (CSV or XLSX), through the one export helper."""
    _require_team(request)
    if fmt not in (CSV, XLSX):
        raise Http404
    return spreadsheet_response(registers_template(fmt), fmt=fmt, filename=f"{TEMPLATE_FILENAME}.{fmt}")


class RegisterImportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_import_registers(request.user)
