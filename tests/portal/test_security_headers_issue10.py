"""Issue 10 item 9: CSP without 'unsafe-inline' script on the public site, Permissions-Policy, HSTS preload opt-in."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from events.models import TrainingSession
from events.services import booking_create
from tests.factories import CoursePageFactory

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


@pytest.fixture
def wrap_course(db):
    return CoursePageFactory(title="Workshop to Raise Awareness of Prevent (WRAP)", slug="wrap")


@pytest.fixture
def wrap_session(wrap_course):
    import datetime as dt

    from django.utils import timezone

    starts = timezone.now() + dt.timedelta(days=7)
    return TrainingSession.objects.create(
        course=wrap_course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Fulham Library"
    )


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def check_script_policy(response) -> dict[str, list[str]]:
    """The page's script-src refuses inline script; every inline <script> on it carries the header's nonce."""
    policy = directives(response["Content-Security-Policy"])
    script_src = policy["script-src"]
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    nonces = {source[len("'nonce-") : -1] for source in script_src if source.startswith("'nonce-")}
    for attributes in INLINE_SCRIPT.findall(response.content.decode()):
        if 'type="application/json"' in attributes:
            continue  # data, never run
        found = re.search(r'nonce="([^"]+)"', attributes)
        assert found and found.group(1) in nonces, attributes
    assert not INLINE_HANDLER.search(response.content.decode())
    return policy


def test_no_template_has_inline_script_without_a_nonce_or_an_inline_event_handler():
    found = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for attributes in INLINE_SCRIPT.findall(text):
            if "request.csp_nonce" not in attributes and "application/json" not in attributes:
                found.append(f"{template.relative_to(ROOT)}: <script{attributes}>")
        for match in INLINE_HANDLER.finditer(text):
            found.append(f"{template.relative_to(ROOT)}: {match.group(0)[:80]}")
    assert found == []


@pytest.mark.django_db
def test_public_pages_refuse_inline_script(client, wrap_course, make_user):
    pages = ["/", "/accounts/login/", "/accounts/signup/", wrap_course.url]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        policy = check_script_policy(response)
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_signed_in_pages_and_the_ticket_refuse_inline_script(client, wrap_session, make_user):
    learner = make_user()
    booking = booking_create(session=wrap_session, user=learner)
    client.force_login(learner)
    for path in ["/my-training/", reverse("events:ticket", args=[booking.ticket_token])]:
        response = client.get(path)
        assert response.status_code == 200, path
        check_script_policy(response)


@pytest.mark.django_db
def test_an_inline_script_with_the_nonce_runs_under_the_policy(rf):
    """A template that needs inline script uses request.csp_nonce; the header names the same nonce."""
    from django.template import engines

    from portal.security import ContentSecurityPolicyMiddleware

    template = engines["django"].from_string('<script nonce="{{ request.csp_nonce }}">var ok = 1;</script>')

    def view(request):
        from django.http import HttpResponse

        return HttpResponse(template.render({}, request))

    request = rf.get("/somewhere/")
    response = ContentSecurityPolicyMiddleware(view)(request)
    check_script_policy(response)
    assert "'nonce-" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_admin_has_its_own_looser_policy(client, team_admin):
    client.force_login(team_admin)
    response = client.get("/admin/")
    assert response.status_code == 200
    admin_policy = directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" in admin_policy["script-src"]
    assert not any(source.startswith("'nonce-") for source in admin_policy["script-src"])
    public = directives(client.get("/").headers["Content-Security-Policy"])
    assert "'unsafe-inline'" not in public["script-src"]


@pytest.mark.django_db
def test_permissions_policy_allows_the_camera_here_and_nothing_else(client):
    header = client.get("/").headers["Permissions-Policy"]
    features = dict(part.strip().split("=", 1) for part in header.split(","))
    assert features["camera"] == "(self)"
    for feature in ("microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"


def _production(code: str, **extra: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECURE_HSTS_PRELOAD", "DJANGO_SETTINGS_MODULE", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="a-long-random-production-secret-key-0b8f7e6d5c4b3a29187f6e5d4c3b2a1",
        ALLOWED_HOSTS="prevent.example.gov.uk",
        DATABASE_URL="postgres://prevent@db.internal:5432/prevent",
        REDIS_URL="redis://cache.internal:6379/0",
        **extra,
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_hsts_preload_is_off_unless_the_council_opts_in():
    show = "import django; django.setup(); from django.conf import settings; print(settings.SECURE_HSTS_PRELOAD)"
    by_default = _production(show)
    assert by_default.returncode == 0, by_default.stderr
    assert by_default.stdout.strip() == "False"
    opted_in = _production(show, SECURE_HSTS_PRELOAD="true")
    assert opted_in.stdout.strip() == "True"


def test_production_responses_have_no_preload_by_default():
    code = (
        "import django; django.setup()\n"
        "from django.test import RequestFactory\n"
        "from django.http import HttpResponse\n"
        "from django.middleware.security import SecurityMiddleware\n"
        "request = RequestFactory().get('/', secure=True)\n"
        "print(SecurityMiddleware(lambda r: HttpResponse())(request)['Strict-Transport-Security'])\n"
    )
    result = _production(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "max-age=31536000; includeSubDomains"
