"""Health check, production settings and demo data."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from crm import roles
from crm.models import Organisation, User, Ward

ROOT = Path(__file__).resolve().parents[2]
# The test run's own variables that a real server would not have.
NOT_IN_DEPLOYMENT = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}


def clean_environment(**env: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k not in NOT_IN_DEPLOYMENT}
    environment.update(env)
    return environment


def run_django(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run Python in a fresh process with this project's settings, as a server would."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "outbox": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    # A real, unreachable database: an SQLite file in a folder that does not exist.
    missing = tmp_path / "no-such-folder" / "db.sqlite3"
    result = run_django(
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code, r.content.decode())",
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"sqlite:///{missing}",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "503"
    assert '"database": "unreachable"' in result.stdout


def test_production_settings_pass_the_deploy_check():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean_environment(
            DJANGO_SETTINGS_MODULE="config.settings.production",
            SECRET_KEY="a-long-random-production-secret-key-0b8f7e6d5c4b3a29187f6e5d4c3b2a1",
            ALLOWED_HOSTS="prevent.example.gov.uk",
            DATABASE_URL="postgres://prevent@db.internal:5432/prevent",
            REDIS_URL="redis://cache.internal:6379/0",
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_django(
        "import django; django.setup()",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        ALLOWED_HOSTS="prevent.example.gov.uk",
        DATABASE_URL="sqlite:////tmp/x.sqlite3",
        SECRET_KEY="",
    )
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


@pytest.mark.django_db
def test_every_role_is_a_group_and_admin_roles_can_use_the_admin():
    for name in roles.ALL_ROLES:
        group = Group.objects.get(name=name)
        can_use_admin = group.permissions.filter(codename="access_admin").exists()
        assert can_use_admin == (name in roles.ADMIN_ROLES), name


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_covers_every_role():
    from django.core.management import call_command

    call_command("seed_demo", stdout=open(os.devnull, "w"))
    first = (User.objects.count(), Organisation.objects.count(), Ward.objects.count())
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    assert (User.objects.count(), Organisation.objects.count(), Ward.objects.count()) == first
    assert Ward.objects.count() == 21
    for name in roles.ALL_ROLES:
        assert User.objects.filter(groups__name=name).exists(), name
    councillor = User.objects.get(email="councillor@demo.example")
    assert (councillor.member_side, councillor.is_cabinet_member) == ("administration", True)
    assert councillor.check_password("prevent-demo-2026")
    # The demo's member-only pages are restricted as the team would restrict them.
    restricted = {
        restriction.page.slug: set(restriction.groups.values_list("name", flat=True))
        for restriction in PageViewRestriction.objects.select_related("page")
    }
    forum = {roles.FAITH_FORUM_MEMBER, roles.PREVENT_ADMIN}
    assert restricted == {
        # The Faith Forum's members' area (/faith-forum/members/) and its three courses (issue 14).
        "members": forum,
        "faith-forum-meeting": forum,
        "faith-forum-site-visit": forum,
        "interfaith-event": forum,
        "advisory-group": {roles.PAG_MEMBER, roles.PREVENT_ADMIN},
        "member-training": {roles.ELECTED_MEMBER, roles.PREVENT_ADMIN},
    }


DATABASE_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings; "
    "print(json.dumps({k: settings.DATABASES['default'].get(k) for k in "
    "('CONN_MAX_AGE', 'CONN_HEALTH_CHECKS', 'DISABLE_SERVER_SIDE_CURSORS')}))"
)
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "a-long-random-production-secret-key-0b8f7e6d5c4b3a29187f6e5d4c3b2a1",
    "ALLOWED_HOSTS": "prevent.example.gov.uk",
    "DATABASE_URL": "postgres://prevent@db.internal:5432/prevent",
    "REDIS_URL": "redis://cache.internal:6379/0",
}


def test_production_keeps_database_connections_by_default_and_checks_them():
    """Issue 15: a new PostgreSQL connection per request was ~15 % of a worker's time."""
    import json

    result = run_django(DATABASE_SETTINGS, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "DISABLE_SERVER_SIDE_CURSORS": False,
    }


def test_production_behind_pgbouncer_in_transaction_pooling():
    import json

    result = run_django(DATABASE_SETTINGS, **PRODUCTION, CONN_MAX_AGE="0", PGBOUNCER_TRANSACTION_POOLING="true")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": True,
        "DISABLE_SERVER_SIDE_CURSORS": True,
    }
