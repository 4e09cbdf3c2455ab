"""Registers after the session: print (HTML/PDF), export (CSV/XLSX), upload a paper register, close (no-shows).

Every view goes through ``runnable_session``: only the session's trainers and the Prevent team.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from crm.exports import CONTENT_TYPES, export_audit

from .. import register_files
from ..errors import CheckInError
from ..register_files import RegisterUploadForm, session_register
from ..services import register_close, register_upload_apply
from .runner import runnable_session, runner_view

__all__ = ["register", "register_pdf", "register_export", "register_upload", "register_close_view"]

EXPORTS = {
    "csv": (register_files.register_csv, CONTENT_TYPES["csv"]),
    "xlsx": (register_files.register_xlsx, CONTENT_TYPES["xlsx"]),
}


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _file(body: bytes, content_type: str, filename: str, *, disposition: str = "attachment") -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"  # names and emails: never kept by a shared cache
    return response


@runner_view
def register(request, pk):
    session = runnable_session(request, pk)
    table = session_register(session=session)
    return render(request, register_files.REGISTER_TEMPLATE, register_files.register_context(table))


def _log_download(request, session, table, fmt: str) -> None:
    """A register names people: every download is recorded in the audit log (Reports → Site history)."""
    export_audit(request.user, what="register", fmt=fmt, rows=len(table.lines), about=session)


@runner_view
def register_pdf(request, pk):
    session = runnable_session(request, pk)
    table = session_register(session=session)
    _log_download(request, session, table, "pdf")
    body = register_files.register_pdf(table, request=request)
    return _file(body, "application/pdf", register_files.register_filename(session, "pdf"), disposition="inline")


@runner_view
def register_export(request, pk, fmt):
    if fmt not in EXPORTS:
        raise Http404("Registers can be exported as CSV or XLSX.")
    session = runnable_session(request, pk)
    table = session_register(session=session)
    _log_download(request, session, table, fmt)
    write, content_type = EXPORTS[fmt]
    return _file(write(table), content_type, register_files.register_filename(session, fmt))


@runner_view
def register_upload(request, pk):
    session = runnable_session(request, pk)
    form = RegisterUploadForm(request.POST, request.FILES) if request.method == "POST" else RegisterUploadForm()
    if form.is_bound and form.is_valid():
        try:
            counts = register_upload_apply(session=session, rows=form.cleaned_data["rows"], by=request.user)
        except CheckInError as error:
            form.add_error(None, error.message)
        else:
            message = (
                f"Paper register uploaded: {counts['marked']} marked present, {counts['already']} already present, "
                f"{counts['not_present']} not present."
            )
            if counts["no_shows"]:
                message += f" {_plural(counts['no_shows'], 'booking')} marked as no-show."
            if counts["kept_present"]:
                message += (
                    f" {_plural(counts['kept_present'], 'person', 'people')} marked absent in the file "
                    "already had their attendance recorded, so stayed present."
                )
            messages.success(request, message)
            return redirect("events:register", pk=session.pk)
    return render(
        request,
        "events/register_upload.html",
        {
            "session": session,
            "form": form,
            "has_started": timezone.now() >= session.starts_at,
        },
    )


@require_POST
@runner_view
def register_close_view(request, pk):
    session = runnable_session(request, pk)
    try:
        counts = register_close(session=session, by=request.user)
    except CheckInError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Register closed: {counts['present']} present ({_plural(counts['walk_ins'], 'walk-in')}), "
            f"{_plural(counts['no_shows'], 'no-show')}. You can still correct the register and close it again.",
        )
    return redirect("events:register", pk=session.pk)
