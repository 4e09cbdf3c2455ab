"""The one gate for trainer pages: the session's own trainers and the Prevent team, checked on the server."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from ..models import TrainingSession
from ..services import can_run_checkin


class NotSignedIn(Exception):
    """Raised to send an anonymous visitor to sign in; ``runner_view`` turns it into the redirect."""


def runnable_session(request, pk: int, *, related: bool = True) -> TrainingSession:
    """The session ``pk`` if the signed-in user runs it; 404 if it does not exist, 403 if it is not theirs.

    ``related=False`` reads the session's own row only (the scanner's answer names neither course nor organisation).
    """
    if not request.user.is_authenticated:
        raise NotSignedIn
    sessions = TrainingSession.objects.select_related("course", "organisation") if related else TrainingSession.objects
    session = get_object_or_404(sessions, pk=pk)
    if not can_run_checkin(request.user, session):
        raise PermissionDenied("Only this session's trainers and the Prevent team can use this page.")
    return session


def runner_view(view):
    """Decorator for trainer pages: anonymous visitors are sent to sign in first."""
    from functools import wraps

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotSignedIn:
            return redirect_to_login(request.get_full_path())

    return wrapped
