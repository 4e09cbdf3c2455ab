"""Issue 9, item 7: one setting for the site's address (PORTAL_BASE_URL), defaulted from how the
site is served (HOST and PORT, which the Makefile exports to runserver), so that emails, tickets'
and posters' QR codes, certificates and .ics files point where the site is."""

import io
import os
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest
import zxingcpp
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from crm import roles
from events.services import attendance_record, booking_create

ROOT = Path(__file__).resolve().parents[2]
SERVED_AT = "http://127.0.0.1:8101"
# The test run's own variables that `make run` would not have.
NOT_WHEN_SERVING = {"DJANGO_SETTINGS_MODULE", "PORTAL_BASE_URL", "WAGTAILADMIN_BASE_URL", "HOST", "PORT", "MAKEFLAGS"}
PRINT_BASE_URLS = (
    "import django; django.setup(); from django.conf import settings;"
    "print(settings.PORTAL_BASE_URL); print(settings.WAGTAILADMIN_BASE_URL)"
)


def environment(**env: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in NOT_WHEN_SERVING and not k.startswith("MAKE")}
    clean.update(env)
    return clean


def base_urls(settings_module: str = "config.settings.dev", **env: str) -> list[str]:
    """PORTAL_BASE_URL and WAGTAILADMIN_BASE_URL as a fresh process with this environment sees them."""
    result = subprocess.run(
        [sys.executable, "-c", PRINT_BASE_URLS],
        cwd=ROOT,
        env=environment(DJANGO_SETTINGS_MODULE=settings_module, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def decode_qr(png: bytes) -> str:
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert code.format == zxingcpp.BarcodeFormat.QRCode
    return code.text


# --- The setting, from how the site is served ---------------------------------------


def test_base_url_follows_the_port_the_site_is_served_on():
    assert base_urls(HOST="127.0.0.1", PORT="8101") == [SERVED_AT, SERVED_AT]


def test_base_url_defaults_to_runservers_own_address():
    assert base_urls() == ["http://127.0.0.1:8000", "http://127.0.0.1:8000"]


def test_a_server_listening_on_every_interface_links_to_this_machine():
    assert base_urls(HOST="0.0.0.0", PORT="8101") == [SERVED_AT, SERVED_AT]


def test_portal_base_url_set_outright_wins_and_the_admin_follows_it():
    urls = base_urls(PORTAL_BASE_URL="https://prevent.example.gov.uk/", PORT="8101")
    assert urls == ["https://prevent.example.gov.uk", "https://prevent.example.gov.uk"]


def test_production_defaults_to_its_first_allowed_host_over_https():
    urls = base_urls(
        "config.settings.production",
        SECRET_KEY="a-long-random-production-secret-key-0b8f7e6d5c4b3a29187f6e5d4c3b2a1",
        ALLOWED_HOSTS="prevent.example.gov.uk,www.prevent.example.gov.uk",
        DATABASE_URL="postgres://prevent@db.internal:5432/prevent",
        REDIS_URL="redis://cache.internal:6379/0",
    )
    assert urls == ["https://prevent.example.gov.uk", "https://prevent.example.gov.uk"]


@pytest.mark.parametrize("how", ["environment", "command line"])
def test_make_hands_its_port_to_what_it_runs(tmp_path, how):
    """`PORT=8101 make run` and `make run PORT=8101`: what make runs (runserver) sees the port."""
    probe = tmp_path / "probe.mk"
    probe.write_text(f"probe:\n\t@DJANGO_SETTINGS_MODULE=config.settings.dev $(BIN)/python -c '{PRINT_BASE_URLS}'\n")
    command = ["make", "--no-print-directory", "-f", "Makefile", "-f", str(probe), "probe"]
    env = environment()
    if how == "environment":
        env["PORT"] = "8101"
    else:
        command.append("PORT=8101")
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.split() == [SERVED_AT, SERVED_AT]


def test_make_serve_runs_runserver_on_the_host_and_port():
    result = subprocess.run(
        ["make", "-n", "serve", "HOST=127.0.0.1", "PORT=8101"],
        cwd=ROOT,
        env=environment(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "manage.py runserver 127.0.0.1:8101" in result.stdout


# --- Everything that leaves the site uses the one setting ------------------------------


@pytest.mark.django_db
@override_settings(PORTAL_BASE_URL=SERVED_AT)
def test_emails_calendar_files_qr_codes_and_certificates_carry_the_port(
    client, make_session, make_user, django_capture_on_commit_callbacks
):
    trainer = make_user(roles.TRAINER)
    session = make_session(days=3)
    session.trainers.add(trainer)
    person = make_user(roles.LEARNER)
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(session=session, user=person)
    [message] = [m for m in mail.outbox if m.to == [person.email]]

    links = [word for word in message.body.split() if word.startswith("http")]
    assert links and all(link.startswith(SERVED_AT + "/") for link in links), links
    ticket = f"{SERVED_AT}/t/{booking.ticket_token}/"
    assert ticket in links

    [invite] = [content for name, content, _ in message.attachments if name == "invite.ics"]
    [event] = icalendar.Calendar.from_ical(invite).walk("VEVENT")
    assert str(event["URL"]) == SERVED_AT + session.course.url
    [feed_event] = icalendar.Calendar.from_ical(client.get(reverse("events:all_sessions_feed")).content).walk("VEVENT")
    assert str(feed_event["URL"]) == SERVED_AT + session.course.url

    [png] = [content for name, content, _ in message.attachments if name == "ticket.png"]
    assert decode_qr(png) == ticket
    client.force_login(person)
    assert decode_qr(client.get(reverse("events:ticket_qr", args=[booking.ticket_token])).content) == ticket

    client.force_login(trainer)
    poster = decode_qr(client.get(reverse("events:session_qr", args=[session.pk])).content)
    assert poster == f"{SERVED_AT}/checkin/{session.checkin_token}/"


@pytest.mark.django_db
@override_settings(PORTAL_BASE_URL=SERVED_AT)
def test_certificate_verify_link_carries_the_port(client, make_session, make_user):
    person = make_user(roles.LEARNER)
    past = make_session(days=-2)
    attendance, _ = attendance_record(session=past, user=person)
    client.force_login(person)
    page = client.get(reverse("events:certificate", args=[attendance.pk])).content.decode()
    verify = f"{SERVED_AT}{reverse('events:certificate_verify')}?code={attendance.certificate_code}"
    assert f'href="{verify}"' in page
