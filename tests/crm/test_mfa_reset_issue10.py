"""Issue 10, item 8: a lost phone and lost recovery codes are reset by the team, audited, never by oneself."""

import io

import pytest
from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from wagtail.models import ModelLogEntry

from crm import roles
from crm.services import mfa_reset

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer(make_user):
    return make_user(roles.TRAINER, email="helen.price@example.gov.uk")


def test_the_team_resets_a_lost_phone_the_persons_sessions_end_and_the_log_says_why(client, trainer, team_admin):
    assert Authenticator.objects.filter(user=trainer, type=Authenticator.Type.TOTP).exists()
    client.force_login(trainer)
    assert client.get("/teaching/").status_code == 200

    assert mfa_reset(user=trainer, by=team_admin, reason="Lost phone; confirmed with her manager") >= 1

    assert not Authenticator.objects.filter(user=trainer).exists()
    assert client.get("/teaching/")["Location"].startswith("/accounts/login/")  # signed out everywhere
    client.force_login(trainer)  # signing in again: set up a new app before anything else
    assert client.get("/teaching/")["Location"].startswith("/accounts/2fa/totp/activate/")
    [entry] = ModelLogEntry.objects.filter(action="crm.mfa_reset")
    assert entry.user == team_admin and entry.data["person"] == trainer.pk
    assert entry.data["reason"] == "Lost phone; confirmed with her manager"
    assert entry.data["changes"]["authenticators"][1] == []


def test_nobody_resets_their_own_and_only_the_team_resets_with_a_reason(trainer, team_admin, make_user):
    for by, reason in ((team_admin, "mine"), (make_user(roles.TRAINER), "a colleague asked")):
        person = team_admin if by == team_admin else trainer
        with pytest.raises(PermissionDenied):
            mfa_reset(user=person, by=by, reason=reason)
    with pytest.raises(ValueError):
        mfa_reset(user=trainer, by=team_admin, reason="  ")
    assert Authenticator.objects.filter(user=trainer).exists()
    assert not ModelLogEntry.objects.filter(action="crm.mfa_reset").exists()


def test_the_command_resets_by_email_and_says_what_went(trainer):
    out = io.StringIO()
    call_command("mfa_reset", "Helen.Price@example.gov.uk", reason="Lost phone", stdout=out)
    assert "helen.price@example.gov.uk" in out.getvalue()
    assert not Authenticator.objects.filter(user=trainer).exists()
    with pytest.raises(CommandError, match="No account has the email"):
        call_command("mfa_reset", "nobody@example.gov.uk", reason="Lost phone")
