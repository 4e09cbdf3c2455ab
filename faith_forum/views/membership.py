"""The application to join the forum (the forum page's ``apply`` route): parse, call one service, say what happens next."""

from __future__ import annotations

from django.shortcuts import redirect
from django.template.response import TemplateResponse

from ..forms import ApplicationForm
from ..services import MEMBERSHIP_MESSAGES as MESSAGES
from ..services import MembershipError, application_submit, application_throttled

SENT_SESSION_KEY = "faith_forum_application_sent"
FIELD_OF_ERROR = {"pending": "email", "declined_recently": "email", "already_representative": "email"}


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def application_form(request, page):
    """GET: the form (or, after sending, the thank-you page). POST: apply, then the thank-you page."""
    apply_url = page.url + page.reverse_subpage("apply")
    if request.method == "GET" and request.GET.get("sent") and request.session.get(SENT_SESSION_KEY):
        return TemplateResponse(
            request,
            "faith_forum/apply_done.html",
            {"page": page, "email": request.session.get(SENT_SESSION_KEY)},
        )
    locked_email = request.user.email if request.user.is_authenticated else ""
    form = ApplicationForm(request.POST or None, locked_email=locked_email)
    status = 200
    if request.method == "POST":
        if application_throttled(_client_address(request)):
            form.is_valid()
            form.add_error(None, MESSAGES["too_many_applications"])
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                application = application_submit(
                    email=data["email"],
                    full_name=data["full_name"],
                    job_role=data["job_role"],
                    faith=data["faith"],
                    organisation=data["organisation"],
                    new_organisation_name=data["new_organisation_name"],
                    new_organisation_address=data["new_organisation_address"],
                    new_organisation_postcode=data["new_organisation_postcode"],
                    consents=form.consents,
                    applicant=request.user,
                )
            except MembershipError as error:
                form.add_error(FIELD_OF_ERROR.get(error.code), error.message)
            else:
                request.session[SENT_SESSION_KEY] = application.email
                return redirect(f"{apply_url}?sent=1")
    return TemplateResponse(
        request, "faith_forum/apply.html", {"page": page, "form": form, "apply_url": apply_url}, status=status
    )
