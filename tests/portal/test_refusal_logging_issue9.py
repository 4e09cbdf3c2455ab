"""Issue 9, item 17: every refused request (403) is logged once, as a warning, without a traceback.

A refusal is the site working as meant; a traceback per refusal buries the real errors
in the log. Each way the site refuses is tried: a view's role check, a trainer's page,
the admin's middleware, a restricted Wagtail page, and a CSRF failure.
"""

import datetime as dt
import io
import logging
from contextlib import contextmanager

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from crm import roles
from events.models import TrainingSession
from tests.factories import CoursePageFactory, StandardPageFactory, TrainingIndexPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum(db):
    return StandardPageFactory(title="Faith Forum", slug="faith-forum", restricted_to=[roles.FAITH_FORUM_MEMBER])


@pytest.fixture
def session(db):
    course = CoursePageFactory(parent=TrainingIndexPageFactory(slug="training"), title="WRAP", slug="wrap")
    starts = timezone.now() + dt.timedelta(days=3)
    return TrainingSession.objects.create(course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2))


def refusal_records(caplog):
    return [record for record in caplog.records if getattr(record, "status_code", None) == 403]


@pytest.mark.parametrize(
    "path",
    [
        "/teaching/",  # crm.roles.role_required
        "/teaching/sessions/{pk}/desk/",  # a session's own trainers only
        "/admin/",  # portal.middleware.AdminAccessMiddleware
        "/faith-forum/",  # the before_serve_page hook on a restricted page
    ],
)
def test_a_refusal_is_logged_once_as_a_warning_without_a_traceback(client, make_user, forum, session, caplog, path):
    path = path.format(pk=session.pk)
    client.force_login(make_user(roles.LEARNER))
    with caplog.at_level(logging.INFO):
        response = client.get(path)
    assert response.status_code == 403
    records = refusal_records(caplog)
    assert len(records) == 1, [record.getMessage() for record in records]
    (record,) = records
    assert record.levelno == logging.WARNING
    assert record.exc_info is None and not record.exc_text
    assert path in record.getMessage()
    # The reason stays in the one line, so the log still says why.
    assert "role" in record.getMessage() or "trainers" in record.getMessage() or "team admin" in record.getMessage()


def test_the_logged_refusal_has_no_traceback_when_formatted(client, make_user, forum, caplog):
    client.force_login(make_user(roles.LEARNER))
    with caplog.at_level(logging.INFO):
        client.get("/teaching/")
    assert "Traceback" not in caplog.text
    assert "PermissionDenied" not in caplog.text


@contextmanager
def console():
    """What the site's configured console handlers print (pytest's own capture handlers left out)."""
    buffer = io.StringIO()
    handlers = {
        handler
        for name in ("django.request", "django", "")
        for handler in logging.getLogger(name).handlers
        if isinstance(handler, logging.StreamHandler) and not type(handler).__module__.startswith("_pytest")
    }
    assert handlers, "no console handler is configured"
    streams = {handler: handler.stream for handler in handlers}
    for handler in handlers:
        handler.setStream(buffer)
    try:
        yield buffer
    finally:
        for handler, stream in streams.items():
            handler.setStream(stream)


@pytest.mark.parametrize("debug", [False, True])
def test_the_console_prints_a_refusal_once_without_a_traceback(client, make_user, debug):
    """In development (DEBUG) Django's own console handler printed each refusal a second time."""
    client.force_login(make_user(roles.LEARNER))
    with override_settings(DEBUG=debug), console() as output:
        assert client.get("/teaching/").status_code == 403
    lines = [line for line in output.getvalue().splitlines() if "Forbidden" in line]
    assert lines == ["Forbidden (Permission denied): /teaching/ (Your account does not have the role this page needs.)"]
    assert "Traceback" not in output.getvalue()


def test_a_csrf_refusal_is_logged_once(make_user, caplog):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(roles.LEARNER))
    with caplog.at_level(logging.INFO):
        response = client.post("/account/", {"first_name": "Jo"})
    assert response.status_code == 403
    records = refusal_records(caplog)
    assert len(records) == 1, [record.getMessage() for record in records]
    assert records[0].exc_info is None


def test_errors_keep_their_traceback(client, caplog):
    """Only refusals lose the traceback: a real error (here a 500 logged by hand) keeps it."""
    logger = logging.getLogger("django.request")
    try:
        raise ValueError("boom")
    except ValueError as error:
        with caplog.at_level(logging.INFO):
            logger.error("Internal Server Error: /x/", exc_info=error, extra={"status_code": 500})
    assert caplog.records[-1].exc_info is not None


def test_runserver_still_prints_each_request():
    """Configuring the "django" logger resets its children: the development server's request lines must survive."""
    server = logging.getLogger("django.server")
    assert server.isEnabledFor(logging.INFO)
    assert server.handlers and not server.propagate
