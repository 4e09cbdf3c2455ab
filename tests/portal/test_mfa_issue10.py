"""Issue 10, item 8: two-factor authentication (TOTP and recovery codes) for every role that reaches people's records.

Enforced by the server (portal.middleware.MFARequiredMiddleware): until such a person has an
authenticator app, every page but the account pages sends them to set one up and every POST is
refused; once it is on, signing in asks for its code (or a recovery code, once each).
"""

import datetime as dt
import io
import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from crm import roles
from crm.models import User
from events.models import TrainingSession
from portal.demo import DEMO_PEOPLE, DEMO_TOTP_SECRET
from portal.middleware import MFA_SETUP_NEEDED
from tests.factories import PASSWORD, CoursePageFactory, totp_code

pytestmark = pytest.mark.django_db

ACTIVATE = reverse("mfa_activate_totp")


@pytest.fixture
def session(db):
    starts = timezone.now() + dt.timedelta(days=3)
    return TrainingSession.objects.create(
        course=CoursePageFactory(), starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Town Hall"
    )


def _sign_in(client: Client, user, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": user.email, "password": password})


def _has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def _trainer_of(session, make_user, **fields):
    trainer = make_user(roles.TRAINER, **fields)
    session.trainers.add(trainer)
    return trainer


# --- Who is made to set it up, and where ------------------------------------------------


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (roles.PREVENT_ADMIN, "/admin/"),
        (roles.PREVENT_ADMIN, "/admin/snippets/"),
        (roles.OUTREACH_OFFICER, "/admin/"),
        (roles.TRAINER, "/teaching/"),
        (roles.TRAINER, "/my-training/"),
        (roles.TRAINER, "/account/"),
    ],
)
def test_staff_without_an_authenticator_app_are_sent_to_set_one_up(client, make_user, role, path):
    client.force_login(make_user(role, totp=False))
    response = client.get(path, follow=True)
    # To set it up (after confirming the password, as a session this old must).
    assert response.redirect_chain[0] == (ACTIVATE, 302)
    assert response.status_code == 200
    assert MFA_SETUP_NEEDED in response.text.replace("&#x27;", "'")


def test_a_trainer_without_it_reaches_no_register_or_desk_of_their_session(client, session, make_user):
    trainer = _trainer_of(session, make_user, totp=False)
    client.force_login(trainer)
    for name in ("events:register", "events:desk", "events:session_poster"):
        response = client.get(reverse(name, args=[session.pk]))
        assert (response.status_code, response["Location"]) == (302, ACTIVATE), name
    export = client.get(reverse("events:register_export", args=[session.pk, "csv"]))
    assert (export.status_code, export["Location"]) == (302, ACTIVATE)
    # A POST is refused outright, with what to do.
    response = client.post(reverse("events:register_close", args=[session.pk]))
    assert response.status_code == 403
    assert "two-factor authentication" in response.text
    assert reverse("mfa_activate_totp") in response.text
    session.refresh_from_db()


def test_superusers_and_django_staff_need_it_too(client, make_user):
    for person in (make_user(is_superuser=True, totp=False), make_user(is_staff=True, totp=False)):
        client.force_login(person)
        for path in ("/admin/", "/my-training/"):
            response = client.get(path)
            assert (response.status_code, response["Location"]) == (302, ACTIVATE)


@pytest.mark.parametrize("role", [roles.LEARNER, roles.ELECTED_MEMBER, roles.FAITH_FORUM_MEMBER, roles.PAG_MEMBER])
def test_other_roles_are_not_made_to_set_it_up(client, make_user, role):
    person = make_user(role)
    assert not _has_totp(person)
    client.force_login(person)
    assert client.get(reverse("events:my_training")).status_code == 200
    assert client.get(reverse("portal:account")).status_code == 200


def test_the_account_pages_stay_open_so_it_can_be_set_up(client, make_user):
    client.force_login(make_user(roles.TRAINER, totp=False))
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302
    assert client.get(reverse("events:my_training")).status_code == 302  # signed out


# --- Setting it up ------------------------------------------------------------------------


def test_a_trainer_sets_up_the_app_with_a_real_code_then_gets_in(client, session, make_user):
    trainer = _trainer_of(session, make_user, totp=False)
    assert _sign_in(client, trainer).status_code == 302
    register = reverse("events:register", args=[session.pk])
    assert client.get(register)["Location"] == ACTIVATE
    # Changing two-factor authentication asks for the password again (allauth's reauthentication).
    assert client.get(ACTIVATE)["Location"].startswith(reverse("account_reauthenticate"))
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD, "next": ACTIVATE}).status_code == 302

    page = client.get(ACTIVATE)
    assert page.status_code == 200
    secret = re.search(r'id="authenticator-secret">([A-Z2-7]+)<', page.text).group(1)
    assert 'src="data:image/svg+xml;base64,' in page.text  # the QR code, an image the CSP allows
    assert "no-store" in page["Cache-Control"]

    # A wrong code: refused, said so, nothing turned on.
    wrong = client.post(ACTIVATE, {"code": "000000" if totp_code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.text
    assert not _has_totp(trainer)

    response = client.post(ACTIVATE, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert _has_totp(trainer)
    # Next: the recovery codes, and a way on to where they were going.
    codes_page = client.get(response["Location"])
    assert codes_page.status_code == 200
    assert "no-store" in codes_page["Cache-Control"]
    codes = RecoveryCodes(Authenticator.objects.get(user=trainer, type="recovery_codes")).get_unused_codes()
    assert len(codes) == 10 and all(code in codes_page.text for code in codes)
    assert f'href="{register}"' in codes_page.text

    assert client.get(register).status_code == 200


# --- Signing in with it ---------------------------------------------------------------------


def test_signing_in_asks_for_the_code_and_only_a_right_one_lets_them_in(client, session, make_user):
    trainer = _trainer_of(session, make_user)
    assert _has_totp(trainer)  # staff made by the factory have it on
    response = _sign_in(client, trainer)
    assert response["Location"] == reverse("mfa_authenticate")
    # The password alone signs nobody in.
    register = reverse("events:register", args=[session.pk])
    assert client.get(register)["Location"].startswith(reverse("account_login"))

    page = client.get(reverse("mfa_authenticate"))
    assert "Enter your code" in page.text
    wrong = client.post(reverse("mfa_authenticate"), {"code": "12345678"})
    assert "That code is not right" in wrong.text
    assert client.get(register).status_code == 302

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    assert client.get(register).status_code == 200


def test_a_recovery_code_signs_in_once(make_user):
    person = make_user(roles.PREVENT_ADMIN)
    codes = RecoveryCodes.activate(person).get_unused_codes()

    first = Client()
    _sign_in(first, person)
    assert first.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    assert first.get("/admin/").status_code == 200

    again = Client()
    _sign_in(again, person)
    refused = again.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert refused.status_code == 200 and "That code is not right" in refused.text
    assert again.get("/admin/").status_code == 302
    assert again.post(reverse("mfa_authenticate"), {"code": codes[1]}).status_code == 302
    assert again.get("/admin/").status_code == 200


def test_switching_the_app_off_sends_staff_straight_back_to_set_it_up(client, make_user):
    trainer = make_user(roles.TRAINER)
    _sign_in(client, trainer)
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert client.get(reverse("events:my_sessions")).status_code == 200

    client.post(reverse("mfa_reauthenticate"), {"code": totp_code(steps=1)})
    assert client.post(reverse("mfa_deactivate_totp")).status_code == 302
    assert not _has_totp(trainer)
    assert client.get(reverse("events:my_sessions"))["Location"] == ACTIVATE


# --- The demo ---------------------------------------------------------------------------------


def test_the_demo_staff_sign_in_with_the_documented_authenticator_secret():
    call_command("seed_demo", stdout=io.StringIO())
    for email, *_rest, role_list in DEMO_PEOPLE:
        person = User.objects.get(email=email)
        needs_it = bool(set(role_list) & set(roles.STAFF_ROLES))
        assert _has_totp(person) == needs_it, email
    trainer = User.objects.get(email="trainer@demo.example")
    client = Client()
    client.post(reverse("account_login"), {"login": trainer.email, "password": "prevent-demo-2026"})
    assert client.post(reverse("mfa_authenticate"), {"code": totp_code(DEMO_TOTP_SECRET)}).status_code == 302
    assert client.get(reverse("events:my_sessions")).status_code == 200
