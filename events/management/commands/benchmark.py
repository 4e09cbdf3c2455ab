"""The project's benchmark: speed, queries and memory of the paths that grow with a council's numbers.

Runs against the configured database inside one transaction that is rolled back at the end,
so it leaves nothing behind (SQLite by default; set DATABASE_URL for PostgreSQL).
Each scenario has a target; the command exits with status 1 if any is missed.

    python manage.py benchmark            # or: make bench
    python manage.py benchmark --people 20000
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
import tracemalloc
import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

User = get_user_model()


class Rollback(Exception):
    """Raised at the end so that nothing the benchmark made is kept."""


class Command(BaseCommand):
    help = "Measure compliance counting, the check-in desk and booking against stated targets (nothing is kept)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=5000, help="People a training requirement applies to.")
        parser.add_argument("--desk", type=int, default=200, help="People booked on the check-in desk's session.")
        parser.add_argument("--bookings", type=int, default=300, help="Bookings made one after another.")

    def handle(self, *args, **options):
        self.results = []
        try:
            # Production's email wiring: each message is stored in the outbox (a booking's to be built by the
            # sender), inside the transaction that is rolled back - nothing is kept and nothing is sent.
            with override_settings(EMAIL_BACKEND="crm.outbox.OutboxBackend", OUTBOX_SEND_AT_ONCE=False):
                with transaction.atomic():
                    self.run(options)
                    raise Rollback
        except Rollback:
            pass
        failed = [r for r in self.results if not r[-1]]
        width = max(len(r[0]) for r in self.results)
        self.stdout.write(f"\nDatabase: {connection.vendor}\n")
        for name, measured, target, ok in self.results:
            mark = self.style.SUCCESS("ok  ") if ok else self.style.ERROR("MISS")
            self.stdout.write(f"{mark} {name:<{width}}  {measured:<24} target {target}")
        if failed:
            raise SystemExit(1)

    def record(self, name: str, measured: str, target: str, ok: bool) -> None:
        self.results.append((name, measured, target, ok))

    def measure(self, function):
        """(result, seconds, queries, peak MiB of Python allocations). Timed without tracemalloc, which slows code down."""
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = function()
            seconds = time.perf_counter() - started
        tracemalloc.start()
        function()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        return result, seconds, len(queries), peak

    def run(self, options):
        from wagtail.models import Site

        from events.compliance import count_rows, requirement_statuses
        from events.demo import courses
        from events.models import Attendance, Booking, BookingStatus, TrainingRequirement, TrainingSession
        from events.selectors import desk_counts, desk_rows, session_roll
        from events.services import booking_create

        if not Site.objects.filter(is_default_site=True).exists():
            self.stderr.write("Run `manage.py migrate` first: the benchmark needs the home page.")
            raise SystemExit(2)
        course = courses()["wrap"]
        now = timezone.now()

        # --- Compliance counting for a large staff group ---------------------------------------
        people_count = options["people"]
        # This run's own names: people or a group left by an interrupted run (or named so by anyone) never
        # collide with them or get counted in (issue 15: `make bench` failed when bench-... users existed).
        run = uuid.uuid4().hex[:8]
        group = Group.objects.create(name=f"Benchmark staff group {run}")
        User.objects.bulk_create(
            User(
                username=f"bench-{run}-{n}",
                email=f"bench-{run}-{n}@bench.example",
                first_name="Bench",
                last_name=str(n),
                password="!unusable",
            )
            for n in range(people_count)
        )
        people = list(User.objects.filter(username__startswith=f"bench-{run}-").order_by("pk"))
        group.user_set.add(*people)
        sessions = TrainingSession.objects.bulk_create(
            TrainingSession(
                course=course,
                starts_at=now - dt.timedelta(days=30 * i + 1),
                ends_at=now - dt.timedelta(days=30 * i + 1) + dt.timedelta(hours=2),
                venue="Benchmark hall",
                capacity=10_000,
            )
            for i in range(30)
        )
        Attendance.objects.bulk_create(
            Attendance(session=sessions[n % len(sessions)], user=person, email=person.email)
            for n, person in enumerate(people)
            if n % 10 < 6
        )
        requirement = TrainingRequirement.objects.create(name="Benchmark requirement", valid_for_months=24)
        requirement.groups.add(group)
        requirement.courses.add(course)

        def count():
            return count_rows(requirement_statuses(requirement=requirement), by_member_group=False)

        rows, seconds, queries, peak = self.measure(count)
        assert rows[0].total == people_count
        self.record(f"compliance counts, {people_count} people", f"{seconds:.2f} s", "< 3 s", seconds < 3)
        self.record("compliance counts, queries", str(queries), "<= 8, whatever the number of people", queries <= 8)
        self.record("compliance counts, peak memory", f"{peak:.1f} MiB", "< 150 MiB", peak < 150)

        # --- The check-in desk of a big session ----------------------------------------------------
        desk_size = options["desk"]
        desk_session = TrainingSession.objects.create(
            course=course,
            starts_at=now + dt.timedelta(minutes=10),
            ends_at=now + dt.timedelta(hours=2),
            venue="Benchmark hall",
            capacity=desk_size,
        )
        bookings = Booking.objects.bulk_create(
            Booking(session=desk_session, user=person, status=BookingStatus.CONFIRMED) for person in people[:desk_size]
        )
        Attendance.objects.bulk_create(
            Attendance(session=desk_session, booking=booking, user=booking.user, email=booking.user.email)
            for booking in bookings[: desk_size * 3 // 4]
        )

        def desk():  # as the desk's view does: one read of the roll for the list and the counts
            roll = session_roll(session=desk_session)
            return desk_rows(session=desk_session, roll=roll), desk_counts(session=desk_session, roll=roll)

        (rows, counts), seconds, queries, _ = self.measure(desk)
        assert counts["present"] == desk_size * 3 // 4 and len(rows) == desk_size
        self.record(f"check-in desk list, {desk_size} people", f"{seconds * 1000:.0f} ms", "< 300 ms", seconds < 0.3)
        self.record("check-in desk list, queries", str(queries), "<= 5", queries <= 5)

        # --- Booking, one after another ---------------------------------------------------------
        booking_count = options["bookings"]
        open_session = TrainingSession.objects.create(
            course=course,
            starts_at=now + dt.timedelta(days=20),
            ends_at=now + dt.timedelta(days=20, hours=2),
            venue="Benchmark hall",
            capacity=booking_count // 2,
        )
        timings = []
        for person in people[desk_size : desk_size + booking_count]:
            started = time.perf_counter()
            booking_create(session=open_session, user=person, join_waiting_list=True)
            timings.append(time.perf_counter() - started)
        median = statistics.median(timings) * 1000
        p95 = sorted(timings)[int(len(timings) * 0.95)] * 1000
        open_session.refresh_from_db()
        assert open_session.places_taken == open_session.capacity
        self.record(f"booking_create, {booking_count} in a row (median)", f"{median:.1f} ms", "< 25 ms", median < 25)
        self.record("booking_create, 95th percentile", f"{p95:.1f} ms", "< 60 ms", p95 < 60)
