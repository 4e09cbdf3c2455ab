"""The feedback link: a person marked present answers the session's feedback form (thin: the rules are in services)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from events.models import Attendance

from .errors import MESSAGES, FeedbackError, FeedbackInvalid
from .forms import FeedbackAnswerForm
from .links import feedback_link_read
from .models import FeedbackRequest
from .services import feedback_open_check, feedback_person_check, feedback_submit, must_be_anonymous

# How each refusal is answered: not found, forbidden, or a page that just says why.
REFUSAL_STATUS = {"not_present": 404, "other_person": 403}


def _refused(request, error: FeedbackError, attendance=None):
    context = {"error": error, "session": attendance.session if attendance is not None else None}
    return render(request, "feedback/refused.html", context, status=REFUSAL_STATUS.get(error.code, 200))


@never_cache
def answer(request, token):
    """The form behind a feedback link, for the attendance the signed token names.

    A tampered or unknown token is a 404. An attendance of an account needs that account
    signed in (a forwarded email must not let someone else answer as them); a walk-in without
    an account answers with the link alone. A self-declared mark answers only anonymously.
    """
    try:
        link = feedback_link_read(token)
    except FeedbackError as error:
        raise Http404(error.message) from error
    attendance = Attendance.objects.select_related("session", "session__course").filter(pk=link.attendance_id).first()
    if attendance is not None and link.user_id is not None and attendance.user_id != link.user_id:
        raise Http404(MESSAGES["link_unknown"])  # made for an account the attendance no longer has
    if attendance is None:
        return _refused(request, FeedbackError("not_present"))
    if attendance.user_id is not None and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        feedback_person_check(attendance, by=request.user)
        if FeedbackRequest.objects.filter(attendance=attendance, answered=True).exists():
            raise FeedbackError("already_answered")
        feedback_form = feedback_open_check(attendance)
    except FeedbackError as error:
        return _refused(request, error, attendance)
    anonymous_only = must_be_anonymous(attendance)
    form = FeedbackAnswerForm(
        request.POST if request.method == "POST" else None, feedback_form=feedback_form, anonymous_only=anonymous_only
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            feedback_submit(
                attendance_id=attendance.pk,
                answers=form.answers(),
                anonymous=anonymous_only or form.cleaned_data["anonymous"],
                by=request.user,
            )
        except FeedbackInvalid as invalid:
            form.add_answer_errors(invalid.errors)
            status = 400
        except FeedbackError as error:
            return _refused(request, error, attendance)
        else:
            return redirect("feedback:thanks")
    context = {
        "form": form,
        "feedback_form": feedback_form,
        "session": attendance.session,
        "attendance": attendance,
        "anonymous_only": anonymous_only,
    }
    return render(request, "feedback/answer.html", context, status=status)


def thanks(request):
    return render(request, "feedback/thanks.html")
