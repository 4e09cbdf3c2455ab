"""Sign up with email verification, sign in, sign out, password reset."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from crm import roles
from crm.models import User
from tests.factories import PASSWORD, SIGN_UP

pytestmark = pytest.mark.django_db

GOOD = SIGN_UP


def link_in(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_sign_up_verify_then_sign_in(client):
    response = client.post("/accounts/signup/", GOOD)
    assert response.status_code == 302
    user = User.objects.get(email=GOOD["email"])
    assert (user.first_name, user.organisation_name, user.organisation_type, user.job_role) == (
        "Jo",
        "Hammersmith & Fulham Council",
        "council",
        "Housing officer",
    )
    assert list(user.groups.values_list("name", flat=True)) == [roles.LEARNER]
    assert not EmailAddress.objects.get(user=user).verified

    # Unverified: signing in is not enough to get in.
    client.logout()
    client.post("/accounts/login/", {"login": GOOD["email"], "password": GOOD["password1"]})
    assert client.get("/account/").status_code == 302

    [message] = [m for m in mail.outbox if "confirm" in m.subject.lower()][-1:]
    assert message.to == [GOOD["email"]]
    confirm_url = link_in(message)
    assert client.get(confirm_url).status_code == 200
    client.post(confirm_url)
    assert EmailAddress.objects.get(user=user).verified

    client.logout()
    response = client.post("/accounts/login/", {"login": GOOD["email"], "password": GOOD["password1"]})
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200


@pytest.mark.parametrize(
    "changes, field, words",
    [
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"email": ""}, "email", "required"),
        ({"password1": "password123", "password2": "password123"}, "password1", "too common"),
        ({"password1": "short1A", "password2": "short1A"}, "password1", "at least 10 characters"),
        ({"password1": "3849571920", "password2": "3849571920"}, "password1", "entirely numeric"),
        ({"password2": "Something-Else-42"}, "password2", "same password"),
        ({"organisation_type": ""}, "organisation_type", "required"),
        ({"job_role": ""}, "job_role", "required"),
    ],
)
def test_bad_sign_up_says_what_to_fix_and_makes_no_account(client, changes, field, words):
    response = client.post("/accounts/signup/", {**GOOD, **changes})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert words in errors.lower()
    assert b"There is a problem" in response.content  # the error summary
    assert f'href="#id_{field}"'.encode() in response.content
    assert not User.objects.filter(email=GOOD["email"]).exists()
    assert not User.objects.exists()
    assert mail.outbox == []


def test_email_already_registered_is_refused(client, make_user):
    make_user(email=GOOD["email"])
    client.post("/accounts/signup/", GOOD)
    assert User.objects.filter(email=GOOD["email"]).count() == 1


def test_sign_in_and_sign_out(client, make_user):
    user = make_user(roles.LEARNER)
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/account/").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, make_user):
    user = make_user(roles.LEARNER)
    response = client.post("/accounts/login/", {"login": user.email, "password": "wrong-password-here"})
    assert response.status_code == 200
    assert b"not correct" in response.content
    assert client.get("/account/").status_code == 302


def test_password_reset_by_email(client, make_user):
    user = make_user(roles.LEARNER)
    client.post("/accounts/password/reset/", {"email": user.email})
    [message] = mail.outbox
    assert message.to == [user.email]
    reset_url = link_in(message)
    response = client.get(reset_url, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else reset_url
    new_password = "Lantern-Orchard-Violet-7"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)
