"""Issue 10 item 6: a sign-up that fails leaves nothing behind."""

import pytest
from allauth.account.models import EmailAddress
from django.db import IntegrityError

from crm.models import User
from portal.adapters import EMAIL_TOO_LONG
from tests.portal.test_signup import GOOD

pytestmark = pytest.mark.django_db


def test_an_email_longer_than_254_characters_is_a_form_error_and_saves_nothing(client):
    email = "a" * 64 + "@" + ".".join(["b" * 60] * 3) + ".cccc.uk"
    assert len(email) == 255

    response = client.post("/accounts/signup/", {**GOOD, "email": email})

    assert response.status_code == 200
    assert EMAIL_TOO_LONG in response.context["form"].errors["email"]
    assert b"There is a problem" in response.content
    assert not User.objects.exists()
    assert not EmailAddress.objects.exists()


def test_an_email_of_254_characters_is_still_accepted(client):
    email = "a" * 64 + "@" + ".".join(["b" * 60] * 3) + ".ccc.uk"
    assert len(email) == 254
    response = client.post("/accounts/signup/", {**GOOD, "email": email})
    assert response.status_code == 302, response.context["form"].errors if response.context else None
    assert User.objects.filter(email=email).exists()


def test_a_failure_after_the_account_is_made_rolls_the_account_back(client, monkeypatch):
    """Anything that breaks while the profile is saved undoes the account: no half-made user can sign in."""
    from crm import services

    def broken_role_assign(**kwargs):
        raise IntegrityError("the database refused")

    monkeypatch.setattr(services, "role_assign", broken_role_assign)
    client.raise_request_exception = False
    response = client.post("/accounts/signup/", GOOD)

    assert response.status_code == 500
    assert not User.objects.exists()
    assert not EmailAddress.objects.exists()
