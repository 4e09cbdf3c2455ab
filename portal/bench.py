"""`make bench`: the whole benchmark in one run, on one machine (issue 15).

``manage.py bench`` (the parent) makes a PostgreSQL database of its own and a Redis database of
its own, then runs itself again (the child) with production settings against them. The child
migrates, seeds the demo, makes what the load needs (people signed in, tickets, a session to book),
serves the app under gunicorn on 127.0.0.1 and drives it with wrk (Debian's, installed by the
Makefile as the browser tests get chromium): the bare Django view (the ceiling, served by the same
gunicorn and middleware), a stock Wagtail page rendered without the page cache, the public pages,
the signed-in pages, a calendar feed (and its 304), a ticket scan and a booking, in interleaved
rounds; then 200 bookers at once on one session over HTTP; then the service-level benchmark
(``manage.py benchmark``) and, when ``portal.scale`` is there, the reports at scale. It prints a
table, writes it to a file, and the parent drops the database and empties the Redis database,
whatever happened, so a second run starts clean.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

from django.http import HttpResponse

ROOT = Path(__file__).resolve().parent.parent


def bare_view(request):
    """The ceiling: a view that does nothing, behind the same middleware and gunicorn as every page."""
    return HttpResponse(b"ok", content_type="text/plain")


# --- The parent: a database and a Redis database of its own, then the child ----------------------


def _database_url(base: str, name: str) -> str:
    return re.sub(r"/[^/]*$", f"/{name}", base)


def _postgres_admin(base_url: str):
    import psycopg

    return psycopg.connect(_database_url(base_url, "postgres"), autocommit=True)


def database_create(base_url: str, name: str) -> None:
    with _postgres_admin(base_url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def database_drop(base_url: str, name: str) -> None:
    with _postgres_admin(base_url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_environment(*, database_url: str, redis_url: str, port: int) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SECURE_SSL_REDIRECT="false",
        PORTAL_BASE_URL=f"http://127.0.0.1:{port}",
        PORTAL_BENCH_VIEWS="true",
        PORTAL_BENCH_CHILD="1",
        PORTAL_BENCH_PORT=str(port),
    )
    return environment


# --- The child: fixtures ---------------------------------------------------------------------------


@dataclasses.dataclass
class Fixtures:
    urls: dict[str, str]
    learner_cookie: str
    trainer_cookie: str
    team_cookie: str
    csrf_cookie: str
    csrf_token: str
    booking_cookies: list[str]
    scan_tokens: list[str]
    scan_path: str
    book_path: str
    race_cookies: list[str]
    race_path: str
    race_session_id: int
    race_capacity: int


def _session_cookies(users) -> list[str]:
    """A signed-in session for each user, written straight to the session table (one insert)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    store = SessionStore()
    expires = timezone.now() + timezone.timedelta(days=1)
    rows, keys = [], []
    for user in users:
        key = secrets.token_hex(16)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        keys.append(key)
    Session.objects.bulk_create(rows, batch_size=2000)
    return [f"{settings.SESSION_COOKIE_NAME}={key}" for key in keys]


def _people(prefix: str, count: int):
    from django.contrib.auth.models import Group

    from crm import roles
    from crm.models import User

    User.objects.bulk_create(
        (
            User(
                username=f"{prefix}-{n}",
                email=f"{prefix}-{n}@bench.example",
                first_name="Bench",
                last_name=f"Person {n}",
                organisation_name="Bench Borough Council",
                organisation_type="council",
                job_role="Officer",
                password="!unusable",
            )
            for n in range(count)
        ),
        batch_size=2000,
    )
    people = list(User.objects.filter(username__startswith=f"{prefix}-").order_by("pk"))
    Group.objects.get(name=roles.LEARNER).user_set.add(*people)
    return people


def fixtures_make(*, bookers: int, scans: int, race: int, race_capacity: int) -> Fixtures:
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
    from django.urls import reverse
    from django.utils import timezone

    from events.demo import courses
    from events.models import Booking, BookingStatus, TrainingSession
    from portal.models import StandardPage

    User = get_user_model()
    now = timezone.now()
    wrap = courses()["wrap"]
    trainer = User.objects.get(email="trainer@demo.example")
    team = User.objects.get(email="team.admin@demo.example")
    learner = User.objects.get(email="learner@demo.example")

    def session(**fields) -> TrainingSession:
        made = TrainingSession.objects.create(
            course=wrap, venue="Benchmark hall", starts_at=fields.pop("starts_at"), **fields
        )
        made.trainers.add(trainer)
        return made

    soon = now + dt.timedelta(minutes=10)
    desk = session(starts_at=soon, ends_at=soon + dt.timedelta(hours=2), capacity=200)
    desk_people = _people("bench-desk", 200)
    Booking.objects.bulk_create(
        Booking(session=desk, user=person, status=BookingStatus.CONFIRMED, confirmed_at=now) for person in desk_people
    )
    TrainingSession.objects.filter(pk=desk.pk).update(places_taken=200)

    scan = session(starts_at=soon, ends_at=soon + dt.timedelta(hours=2), capacity=scans)
    scan_people = _people("bench-scan", scans)
    scan_bookings = Booking.objects.bulk_create(
        Booking(session=scan, user=person, status=BookingStatus.CONFIRMED, confirmed_at=now) for person in scan_people
    )
    TrainingSession.objects.filter(pk=scan.pk).update(places_taken=scans)

    later = now + dt.timedelta(days=30)
    open_session = session(starts_at=later, ends_at=later + dt.timedelta(hours=2), capacity=bookers + 10)
    booking_cookies = _session_cookies(_people("bench-book", bookers))

    race_session = session(
        starts_at=later + dt.timedelta(days=1), ends_at=later + dt.timedelta(days=1, hours=2), capacity=race_capacity
    )
    race_cookies = _session_cookies(_people("bench-race", race))

    secret = _get_new_csrf_string()
    [learner_cookie, trainer_cookie, team_cookie] = _session_cookies([learner, trainer, team])
    content = StandardPage.objects.live().public().filter(slug="about-prevent").first()
    book_path = wrap.url + wrap.reverse_subpage("book", args=[open_session.pk])
    return Fixtures(
        urls={
            "bare Django view (ceiling)": "/_bench/bare/",
            "home /": "/",
            "training list": courses()["wrap"].get_parent().url,
            "course page": wrap.url,
            "content page": content.url if content else "/",
            "calendar feed sessions.ics": reverse("events:all_sessions_feed"),
            "My training (signed in)": reverse("events:my_training"),
            "check-in desk (trainer)": reverse("events:desk", args=[desk.pk]),
            "admin session list (team)": reverse("sessions:index"),
        },
        learner_cookie=learner_cookie,
        trainer_cookie=trainer_cookie,
        team_cookie=team_cookie,
        csrf_cookie=f"csrftoken={secret}",
        csrf_token=_mask_cipher_secret(secret),
        booking_cookies=booking_cookies,
        scan_tokens=[booking.ticket_token for booking in scan_bookings],
        scan_path=reverse("events:desk_scan", args=[scan.pk]),
        book_path=book_path,
        race_cookies=race_cookies,
        race_path=wrap.url + wrap.reverse_subpage("book", args=[race_session.pk]),
        race_session_id=race_session.pk,
        race_capacity=race_capacity,
    )


# --- The child: gunicorn and wrk -------------------------------------------------------------------


@contextlib.contextmanager
def gunicorn(*, port: int, workers: int, environment: dict[str, str]):
    """The app under gunicorn (sync workers, as the issue measured), on 127.0.0.1, until the block ends."""
    log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--backlog",
            "2048",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/_bench/bare/")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start: see {log.name}")
            time.sleep(0.3)
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@dataclasses.dataclass
class Load:
    """One wrk run's figures."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


LUA = """
-- Cycles through lines of a file, one per request, from this thread's own start: each request is a
-- different person (a booking) or a different ticket (a scan).
local lines = {}
for line in io.lines(os.getenv("BENCH_LINES")) do lines[#lines + 1] = line end
local threads, counter = 0, 0
local method, path, body_field = os.getenv("BENCH_METHOD"), os.getenv("BENCH_PATH"), os.getenv("BENCH_FIELD")
local fixed_cookie, csrf = os.getenv("BENCH_COOKIE"), os.getenv("BENCH_CSRF")
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  counter = id * math.floor(#lines / 2)
end
function request()
  counter = counter + 1
  local line = lines[(counter % #lines) + 1]
  local headers = {["Content-Type"] = "application/x-www-form-urlencoded", ["X-CSRFToken"] = csrf}
  if body_field == "" then
    headers["Cookie"] = line .. "; " .. fixed_cookie
    return wrk.format(method, path, headers, os.getenv("BENCH_BODY"))
  end
  headers["Cookie"] = fixed_cookie
  return wrk.format(method, path, headers, body_field .. "=" .. line)
end
"""


def _milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk_parse(output: str) -> Load:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _milliseconds(re.search(r"\s50%\s+(\S+)", output).group(1))
    p99 = _milliseconds(re.search(r"\s99%\s+(\S+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return Load(rps, p50, p99, requests, errors)


def wrk_run(
    *,
    port: int,
    path: str,
    seconds: int,
    threads: int,
    connections: int,
    headers: dict[str, str] | None = None,
    lines: list[str] | None = None,
    method: str = "GET",
    field: str = "",
    body: str = "",
    cookie: str = "",
    csrf: str = "",
) -> Load:
    # A 10 s timeout, not wrk's 2 s: a slow page queued behind 15 others is slow, not an error.
    command = [
        shutil.which("wrk") or "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    environment = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as folder:
        if lines is not None:
            script, data = Path(folder, "cycle.lua"), Path(folder, "lines.txt")
            script.write_text(LUA)
            data.write_text("\n".join(lines) + "\n")
            command += ["-s", str(script)]
            environment.update(
                BENCH_LINES=str(data),
                BENCH_METHOD=method,
                BENCH_PATH=path,
                BENCH_FIELD=field,
                BENCH_BODY=body,
                BENCH_COOKIE=cookie,
                BENCH_CSRF=csrf,
            )
        command.append(f"http://127.0.0.1:{port}{path}")
        result = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=seconds + 120)
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed: {result.stderr or result.stdout}")
    return wrk_parse(result.stdout)


# --- The child: 200 bookers at once ----------------------------------------------------------------


def race_run(*, port: int, fixtures: Fixtures) -> dict:
    """Every booker's POST at once (a barrier lets them go together); each waits for its own answer."""
    barrier = threading.Barrier(len(fixtures.race_cookies))
    latencies: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()
    body = urlencode({"action": "wait", "csrfmiddlewaretoken": fixtures.csrf_token})

    def book(cookie: str) -> None:
        connection = HTTPConnection("127.0.0.1", port, timeout=120)
        connection.connect()
        barrier.wait()
        started = time.perf_counter()
        connection.request(
            "POST",
            fixtures.race_path,
            body=body,
            headers={
                "Cookie": f"{cookie}; {fixtures.csrf_cookie}",
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": fixtures.csrf_token,
            },
        )
        status = connection.getresponse().status
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            latencies.append(elapsed)
            statuses.append(status)

    workers = [threading.Thread(target=book, args=(cookie,)) for cookie in fixtures.race_cookies]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    from events.models import Booking, BookingStatus, TrainingSession

    session = TrainingSession.objects.get(pk=fixtures.race_session_id)
    confirmed = Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED).count()
    waiting = Booking.objects.filter(session=session, status=BookingStatus.WAITING).count()
    latencies.sort()
    return {
        "bookers": len(latencies),
        "capacity": fixtures.race_capacity,
        "confirmed": confirmed,
        "waiting": waiting,
        "places_taken": session.places_taken,
        "overbooked": max(confirmed - fixtures.race_capacity, 0) + max(session.places_taken - session.capacity, 0),
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "errors": sum(1 for status in statuses if status >= 400),
    }
