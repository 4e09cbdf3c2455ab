"""Issue 10 item 4: sign-in throttling that nobody can turn into a lock-out of someone else."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from portal import login_throttle

LOGIN_URL = "/accounts/login/"
PASSWORD = "correct-horse-battery"
ROOT = Path(__file__).resolve().parents[2]


def _client(ip: str) -> Client:
    return Client(REMOTE_ADDR=ip)


def _sign_in(client: Client, email: str, password: str):
    return client.post(LOGIN_URL, {"login": email, "password": password})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _person(make_user, email="team.admin@council.example"):
    user = make_user(email=email)
    user.set_password(PASSWORD)
    user.save()
    return user


def _paused_message(template: str) -> str:
    return template.split("{wait}")[0]


@pytest.mark.django_db
def test_attacker_wrong_passwords_do_not_keep_the_real_person_out_of_their_known_device(make_user):
    user = _person(make_user)
    own_laptop = _client("192.0.2.10")
    assert _sign_in(own_laptop, user.email, PASSWORD).status_code == 302
    assert own_laptop.cookies.get(login_throttle.KNOWN_DEVICE_COOKIE)
    own_laptop.post("/accounts/logout/")
    assert not _signed_in(own_laptop)

    attacker = _client("203.0.113.66")
    for _ in range(10):
        response = _sign_in(attacker, user.email, "guess-guess-guess")
        assert response.status_code == 200
    assert _paused_message(login_throttle.ACCOUNT_PAUSED) in response.content.decode()

    response = _sign_in(own_laptop, user.email, PASSWORD)
    assert response.status_code == 302
    assert _signed_in(own_laptop)


@pytest.mark.django_db
def test_wrong_passwords_from_many_addresses_are_throttled_per_account(make_user):
    user = _person(make_user)
    for n in range(5):
        response = _sign_in(_client(f"198.51.100.{n + 1}"), user.email, "wrong-password-1")
        assert _paused_message(login_throttle.ACCOUNT_PAUSED) not in response.content.decode()
    response = _sign_in(_client("198.51.100.99"), user.email, "wrong-password-1")
    body = response.content.decode()
    assert _paused_message(login_throttle.ACCOUNT_PAUSED) in body
    assert "5 minutes" in body


@pytest.mark.django_db
def test_correct_password_from_a_new_device_after_the_throttle_is_told_what_happened(make_user):
    user = _person(make_user)
    for n in range(5):
        _sign_in(_client(f"198.51.100.{n + 1}"), user.email, "wrong-password-1")
    new_phone = _client("192.0.2.77")
    response = _sign_in(new_phone, user.email, PASSWORD)
    assert response.status_code == 200
    assert not _signed_in(new_phone)
    body = response.content.decode()
    assert login_throttle.ACCOUNT_PAUSED.format(wait="5 minutes").replace("'", "&#x27;") in body


@pytest.mark.django_db
def test_ten_typos_behind_one_proxy_do_not_block_the_office(make_user):
    """The council's proxy is one address: ten people mistyping does not stop an eleventh signing in."""
    proxy = "10.20.30.40"
    for n in range(10):
        colleague = _person(make_user, email=f"officer{n}@council.example")
        _sign_in(_client(proxy), colleague.email, "typo-typo-typo")
    user = _person(make_user, email="late.arrival@council.example")
    office_pc = _client(proxy)
    response = _sign_in(office_pc, user.email, PASSWORD)
    assert response.status_code == 302
    assert _signed_in(office_pc)


@pytest.mark.django_db
def test_a_forged_known_device_cookie_is_no_exemption(make_user):
    user = _person(make_user)
    for n in range(5):
        _sign_in(_client(f"198.51.100.{n + 1}"), user.email, "wrong-password-1")
    forger = _client("203.0.113.5")
    forger.cookies[login_throttle.KNOWN_DEVICE_COOKIE] = f'{{"d": "x", "u": [{user.pk}]}}'
    response = _sign_in(forger, user.email, PASSWORD)
    assert not _signed_in(forger)
    assert _paused_message(login_throttle.ACCOUNT_PAUSED) in response.content.decode()


@pytest.mark.django_db
def test_a_known_device_still_has_its_own_limit_on_wrong_passwords(make_user):
    user = _person(make_user)
    laptop = _client("192.0.2.10")
    _sign_in(laptop, user.email, PASSWORD)
    laptop.post("/accounts/logout/")
    for _ in range(5):
        _sign_in(laptop, user.email, "wrong-password-2")
    response = _sign_in(laptop, user.email, "wrong-password-2")
    assert _paused_message(login_throttle.DEVICE_PAUSED) in response.content.decode()


def _start_production(extra_env: dict) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE", "SECURE_HSTS_PRELOAD"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "prevent.council.example",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
            **extra_env,
        }
    )
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_production_settings_refuse_to_start_without_redis():
    refused = _start_production({})
    assert refused.returncode != 0
    assert "Set the REDIS_URL environment variable." in refused.stderr

    started = _start_production({"REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "django.core.cache.backends.redis.RedisCache"
