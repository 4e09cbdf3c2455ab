"""Outreach officers' pages on the public site: *Log a visit*, *My visits*, the phone's sync and service worker."""

from __future__ import annotations

import hashlib
import json
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from crm import roles

from .forms import OutreachVisitForm, initial_for_new, initial_from_visit
from .models import OutreachVisit
from .selectors import follow_ups_due, visits_logged_by
from .services import MESSAGES, OutreachError, outreach_visit_can_edit, outreach_visit_log, outreach_visit_update

SIGN_IN_AGAIN = "Sign in again to send the visits saved on this phone. They stay on the phone until then."
NOT_AN_OFFICER = "Only outreach officers and the Prevent team log outreach visits."
NOT_JSON = "The phone sent something that is not a visit."
VISIT_LOGGED = "Visit logged: {visit}."
VISIT_ALREADY_LOGGED = "This visit was already logged: {visit}."
VISIT_UPDATED = "Visit updated: {visit}."
# The files a phone keeps for *Log a visit* to open without signal (the service worker caches them).
OFFLINE_ASSETS = (
    "vendor/bootstrap/css/bootstrap.min.css",
    "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "css/portal.css",
    "js/outreach.js",
    "favicon.svg",
)


def _refused(form: OutreachVisitForm, error: OutreachError) -> None:
    """An ``OutreachError`` shown on the form, beside the fields it names."""
    if not error.errors:
        form.add_error(None, error.message)
    for field, field_messages in error.errors.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


def _visit_form_page(request, form, *, visit=None, last_visit=None):
    return render(
        request,
        "crm/outreach_visit_form.html",
        {"form": form, "visit": visit, "last_visit": last_visit},
    )


@never_cache
@roles.role_required(roles.OUTREACH_OFFICER)
def visit_new(request):
    """*Log a visit*: the form, now by default; "like" pre-fills the officer's last (or a given) visit."""
    last_visit = visits_logged_by(officer=request.user).first()
    if request.method == "POST":
        form = OutreachVisitForm(request.POST)
        if form.is_valid():
            try:
                visit, created = outreach_visit_log(
                    officer=request.user, uuid=form.cleaned_data["uuid"], **form.visit_values()
                )
            except OutreachError as error:
                _refused(form, error)
            else:
                messages.success(request, (VISIT_LOGGED if created else VISIT_ALREADY_LOGGED).format(visit=visit))
                return redirect(f"{reverse('outreach:visits')}?logged={visit.pk}")
        return _visit_form_page(request, form, last_visit=last_visit)
    like = None
    if request.GET.get("like") == "last":
        like = last_visit
    elif request.GET.get("like", "").isdigit():
        like = visits_logged_by(officer=request.user).filter(pk=request.GET["like"]).first()
    return _visit_form_page(request, OutreachVisitForm(initial=initial_for_new(like=like)), last_visit=last_visit)


@never_cache
@roles.role_required(roles.OUTREACH_OFFICER)
def visit_list(request):
    """*My visits*: the officer's own, newest first, with follow-ups coming due; edit links for 30 days."""
    visits = list(visits_logged_by(officer=request.user)[:100])
    for visit in visits:
        visit.can_edit = outreach_visit_can_edit(user=request.user, visit=visit)
    logged = request.GET.get("logged", "")
    return render(
        request,
        "crm/outreach_visit_list.html",
        {
            "visits": visits,
            "follow_ups": follow_ups_due(officer=request.user),
            "logged": next((v for v in visits if str(v.pk) == logged), None),
            "is_team": roles.has_role(request.user),
        },
    )


@never_cache
@roles.role_required(roles.OUTREACH_OFFICER)
def visit_edit(request, pk: int):
    """Correct a visit: its officer for 30 days after logging it, the team always. Others' visits are not found."""
    visit = get_object_or_404(OutreachVisit, pk=pk)
    if visit.officer_id != request.user.pk and not roles.has_role(request.user):
        raise Http404
    if not outreach_visit_can_edit(user=request.user, visit=visit):
        raise PermissionDenied(MESSAGES["too_old"])
    if request.method == "POST":
        form = OutreachVisitForm(request.POST)
        if form.is_valid():
            values = form.visit_values()
            try:
                visit = outreach_visit_update(user=request.user, visit=visit, **values)
            except OutreachError as error:
                _refused(form, error)
            else:
                messages.success(request, VISIT_UPDATED.format(visit=visit))
                return redirect("outreach:visits")
    else:
        form = OutreachVisitForm(initial=initial_from_visit(visit))
    return _visit_form_page(request, form, visit=visit)


def _uuid_or_none(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _form_data(payload: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in payload.items():
        if isinstance(value, list):
            data.setlist(name, [str(item) for item in value])
        elif value is not None:
            data[name] = str(value)
    return data


@never_cache
@require_POST
def visit_sync(request):
    """A visit saved on a phone without signal, sent as JSON (CSRF token in ``X-CSRFToken``).

    201: logged; 200: already logged (the same UUID: a retry); 400: refused, with the messages by
    field, for the officer to correct (the phone keeps it); 401: signed out (the phone keeps it).
    """
    if not request.user.is_authenticated:
        return JsonResponse({"status": "signed_out", "message": SIGN_IN_AGAIN}, status=401)
    if not roles.has_role(request.user, roles.OUTREACH_OFFICER):
        return JsonResponse({"status": "forbidden", "message": NOT_AN_OFFICER}, status=403)
    try:
        payload = json.loads(request.body)
        if not isinstance(payload, dict):
            raise ValueError
    except ValueError:
        return JsonResponse({"status": "refused", "message": NOT_JSON, "errors": {}}, status=400)
    # A retry of a visit that did arrive (its answer was lost) is answered as such, whatever has changed since.
    known = OutreachVisit.objects.filter(uuid=_uuid_or_none(payload.get("uuid")), officer=request.user).first()
    if known is not None:
        return JsonResponse({"status": "already", "uuid": str(known.uuid), "visit": str(known)}, status=200)
    form = OutreachVisitForm(_form_data(payload))
    if form.is_valid():
        try:
            visit, created = outreach_visit_log(
                officer=request.user, uuid=form.cleaned_data["uuid"], **form.visit_values()
            )
        except OutreachError as error:
            _refused(form, error)
        else:
            return JsonResponse(
                {"status": "created" if created else "already", "uuid": str(visit.uuid), "visit": str(visit)},
                status=201 if created else 200,
            )
    errors = {
        (form.fields[name].label or name) if name in form.fields else "Visit": [str(m) for m in field_messages]
        for name, field_messages in form.errors.items()
    }
    return JsonResponse(
        {"status": "refused", "message": "This visit was not sent: correct it and send it again.", "errors": errors},
        status=400,
    )


def service_worker(request):
    """The service worker, from /outreach/ so that it may control *Log a visit* and *My visits*.

    Its cache name changes with the static files it keeps, so a new release replaces the old copies.
    """
    assets = [static(path) for path in OFFLINE_ASSETS]
    pages = [reverse("outreach:new"), reverse("outreach:visits")]
    version = hashlib.sha256(json.dumps([assets, pages]).encode()).hexdigest()[:12]
    script = render_to_string(
        "crm/outreach_sw.js",
        {"assets_json": json.dumps(assets), "pages_json": json.dumps(pages), "version": version},
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("outreach:visits")
    return response
