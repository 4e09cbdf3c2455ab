from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from crm import roles
from crm.outbox import outbox_is_late
from faith_forum.selectors import forum_account_card

from .forms import ProfileForm
from .selectors import database_is_reachable


@require_GET
@never_cache
def healthz(request):
    """For load balancers and monitoring: 200 when the database answers, 503 when it does not.

    ``outbox`` is "late" when an email is more than OUTBOX_LATE_MINUTES past due (the sender,
    ``manage.py send_outbox``, is not running): for monitoring to alert on. It leaves the status
    200, since every web server is as healthy as the others and taking them out would not send a
    message; only the words say so, never how many or to whom.
    """
    if database_is_reachable():
        return JsonResponse({"status": "ok", "database": "ok", "outbox": "late" if outbox_is_late() else "ok"})
    return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)


def permission_denied(request, exception=None):
    """The site's 403 page: why, and for a page restricted to some roles, who it is for and how to get access.

    The restriction's groups come from ``refuse_signed_in_people_outside_a_pages_groups``
    (portal/wagtail_hooks.py), which leaves them on the request.
    """
    groups = getattr(request, "view_restriction_groups", None)
    context = {
        "reason": str(exception) if exception and str(exception) else "",
        "audience": roles.audience(groups) if groups else "",
    }
    return HttpResponseForbidden(loader.get_template("403.html").render(context, request))


@never_cache  # personal: never kept by a browser or proxy cache
@login_required
def account(request):
    """My account: the person's own details, editable except for the Member fields."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your details have been saved.")
        return redirect("portal:account")
    return render(
        request,
        "portal/account.html",
        {
            "form": form,
            "role_names": sorted(roles.role_names(request.user)),
            "forum": forum_account_card(user=request.user),
        },
    )
