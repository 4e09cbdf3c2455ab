"""`make bench`: serve the app under gunicorn with production settings and measure it (portal/bench.py)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from portal import bench, scale

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"


class Command(BaseCommand):
    help = "The whole benchmark: pages under gunicorn and wrk, 200 bookers at once, the services, the reports at scale."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=8, help="How long wrk drives each page in each round.")
        parser.add_argument("--rounds", type=int, default=3, help="Interleaved rounds; the median is reported.")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers.")
        parser.add_argument("--threads", type=int, default=2, help="wrk threads.")
        parser.add_argument("--connections", type=int, default=16, help="wrk connections.")
        parser.add_argument("--bookers", type=int, default=200, help="People booking one session at once.")
        parser.add_argument("--large", action="store_true", help="Also time the reports at 3 x 10^6 attendances.")
        parser.add_argument("--no-scale", action="store_true", help="Skip the reports at scale.")
        parser.add_argument("--output", default="bench-results.md", help="Where the table is written.")
        parser.add_argument(
            "--database-url",
            default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE,
            help="A PostgreSQL server to make the benchmark's own database on (its name is replaced).",
        )
        parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS)

    def handle(self, *args, **options):
        if os.environ.get("PORTAL_BENCH_CHILD") == "1":
            return self.child(options)
        return self.parent(options)

    # --- The parent: its own database and Redis database, then the child, then clean up ----------

    def parent(self, options):
        if not shutil.which("wrk"):
            raise CommandError("wrk is not installed: `make bench` installs Debian's wrk (apt-get install wrk).")
        name = f"prevent_bench_{os.getpid()}"
        database_url = bench._database_url(options["database_url"], name)
        try:
            bench.database_create(options["database_url"], name)
        except Exception as error:  # noqa: BLE001 - say what to fix
            raise CommandError(
                f"Could not make the benchmark's database on {options['database_url']}: {error}. "
                "`make bench` needs PostgreSQL (127.0.0.1:5432, user postgres, as the README says)."
            ) from error
        port = bench.free_port()
        environment = bench.child_environment(database_url=database_url, redis_url=options["redis_url"], port=port)
        argv = [sys.executable, "manage.py", "bench", *sys.argv[sys.argv.index("bench") + 1 :]]
        try:
            bench.redis_flush(options["redis_url"])
            result = subprocess.run(argv, cwd=bench.ROOT, env=environment)
        finally:
            bench.database_drop(options["database_url"], name)
            bench.redis_flush(options["redis_url"])
        if result.returncode:
            raise SystemExit(result.returncode)

    # --- The child: production settings, against the benchmark's own database ---------------------

    def say(self, line: str = "") -> None:
        self.stdout.write(line)
        self.stdout.flush()

    def child(self, options):
        port = int(os.environ["PORTAL_BENCH_PORT"])
        self.say(f"Benchmark database {settings.DATABASES['default']['NAME']}: migrating and seeding the demo...")
        call_command("migrate", verbosity=0, interactive=False)
        call_command("collectstatic", verbosity=0, interactive=False)
        call_command("seed_demo", verbosity=0)
        fixtures = self.fixtures(options)
        # Planner statistics for what the fixtures just made (thousands of people, bookings, tickets), as
        # autovacuum would give a live site (scale.tidy, as after each size of the reports below): measured
        # without them, the services' compliance counts took 1.7 s instead of 0.2 s on plans made for empty tables.
        scale.tidy()
        lines: list[str] = [
            f"# Benchmark, {dt.date.today():%Y-%m-%d}",
            "",
            f"gunicorn {options['workers']} sync workers, production settings, PostgreSQL and Redis on 127.0.0.1; "
            f"wrk -t{options['threads']} -c{options['connections']} -d{options['seconds']}s, "
            f"{options['rounds']} interleaved rounds (median); {os.cpu_count()} CPU cores.",
            "",
        ]
        with bench.gunicorn(port=port, workers=options["workers"], environment=dict(os.environ)):
            lines += self.pages(options, port, fixtures)
            lines += self.race(port, fixtures)
        lines += self.services()
        if not options["no_scale"]:
            lines += self.scale(options)
        text = "\n".join(lines) + "\n"
        Path(bench.ROOT, options["output"]).write_text(text)
        self.say("")
        self.say(text)
        self.say(f"Written to {options['output']}.")

    def fixtures(self, options) -> bench.Fixtures:
        from wagtail.models import Page, Site

        rounds, seconds = options["rounds"], options["seconds"]
        # Enough people and tickets that no booking or scan repeats at ~200 a second.
        per_round = max(seconds * 250, 1000)
        fixtures = bench.fixtures_make(
            bookers=per_round * rounds, scans=per_round * rounds, race=options["bookers"], race_capacity=50
        )
        home = Site.objects.get(is_default_site=True).root_page
        stock = home.add_child(instance=Page(title="A stock Wagtail page", slug="bench-stock-wagtail-page"))
        fixtures.urls["stock Wagtail page (uncached)"] = stock.url
        # A reference for the admin's session list: Wagtail's own Redirects listing, stock, with as many rows
        # (20, a page of either), so the cost of Wagtail's admin itself is seen beside ours.
        from django.urls import reverse
        from wagtail.contrib.redirects.models import Redirect

        Redirect.objects.bulk_create(Redirect(old_path=f"/bench-old-page-{n}", redirect_link="/") for n in range(20))
        fixtures.urls["stock Wagtail admin list (redirects, team)"] = reverse("wagtailredirects:index")
        return fixtures

    def pages(self, options, port: int, fixtures: bench.Fixtures) -> list[str]:
        csrf = f"{fixtures.csrf_cookie}"
        # (label, path, cookie, load kind)
        no_page_cache = "sessionid=not-signed-in"  # any session cookie: the page cache stays out of it
        targets = [
            ("bare Django view (ceiling)", fixtures.urls["bare Django view (ceiling)"], "", "get"),
            ("stock Wagtail page (uncached)", fixtures.urls["stock Wagtail page (uncached)"], no_page_cache, "get"),
            ("home /", fixtures.urls["home /"], "", "get"),
            ("training list", fixtures.urls["training list"], "", "get"),
            ("course page", fixtures.urls["course page"], "", "get"),
            ("content page", fixtures.urls["content page"], "", "get"),
            ("course page, uncached", fixtures.urls["course page"], no_page_cache, "get"),
            ("calendar feed sessions.ics", fixtures.urls["calendar feed sessions.ics"], "", "get"),
            ("calendar feed, 304", fixtures.urls["calendar feed sessions.ics"], "", "etag"),
            ("My training (signed in)", fixtures.urls["My training (signed in)"], fixtures.learner_cookie, "get"),
            ("check-in desk (trainer)", fixtures.urls["check-in desk (trainer)"], fixtures.trainer_cookie, "get"),
            ("admin session list (team)", fixtures.urls["admin session list (team)"], fixtures.team_cookie, "get"),
            (
                "stock Wagtail admin list (redirects, team)",
                fixtures.urls["stock Wagtail admin list (redirects, team)"],
                fixtures.team_cookie,
                "get",
            ),
            ("ticket scan (POST)", fixtures.scan_path, fixtures.trainer_cookie, "scan"),
            ("booking (POST)", fixtures.book_path, "", "book"),
        ]
        etag = self.etag(port, fixtures.urls["calendar feed sessions.ics"])
        results: dict[str, list[bench.Load]] = {label: [] for label, *_ in targets}
        used = 0
        per_round = len(fixtures.scan_tokens) // options["rounds"]
        for round_number in range(options["rounds"]):
            self.say(f"Round {round_number + 1} of {options['rounds']}...")
            for label, path, cookie, kind in targets:
                common = dict(
                    port=port,
                    path=path,
                    seconds=options["seconds"],
                    threads=options["threads"],
                    connections=options["connections"],
                )
                if kind == "get":
                    load = bench.wrk_run(**common, headers={"Cookie": cookie} if cookie else None)
                elif kind == "etag":
                    load = bench.wrk_run(**common, headers={"If-None-Match": etag})
                elif kind == "scan":
                    tokens = fixtures.scan_tokens[used : used + per_round]
                    load = bench.wrk_run(
                        **common,
                        lines=tokens,
                        method="POST",
                        field="token",
                        cookie=f"{cookie}; {csrf}",
                        csrf=fixtures.csrf_token,
                    )
                else:
                    cookies = fixtures.booking_cookies[used : used + per_round]
                    load = bench.wrk_run(
                        **common,
                        lines=cookies,
                        method="POST",
                        body="action=book",
                        cookie=csrf,
                        csrf=fixtures.csrf_token,
                    )
                results[label].append(load)
            used += per_round
        ceiling = statistics.median(load.requests_per_second for load in results["bare Django view (ceiling)"])
        stock = statistics.median(load.requests_per_second for load in results["stock Wagtail page (uncached)"])
        table = [
            "## Pages under load",
            "",
            "| page | requests/s | p50 ms | p99 ms | errors | of the ceiling | of the stock Wagtail page |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for label, loads in results.items():
            rps = statistics.median(load.requests_per_second for load in loads)
            p50 = statistics.median(load.p50_ms for load in loads)
            p99 = statistics.median(load.p99_ms for load in loads)
            errors = sum(load.errors for load in loads)
            table.append(
                f"| {label} | {rps:,.0f} | {p50:.1f} | {p99:.1f} | {errors} | {rps / ceiling:.2f} | {rps / stock:.2f} |"
            )
        return [*table, ""]

    def etag(self, port: int, path: str) -> str:
        from http.client import HTTPConnection

        connection = HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.getheader("ETag") or ""

    def race(self, port: int, fixtures: bench.Fixtures) -> list[str]:
        self.say(f"{len(fixtures.race_cookies)} bookers at once...")
        result = bench.race_run(port=port, fixtures=fixtures)
        return [
            f"## {result['bookers']} bookers at once on one session of {result['capacity']} places",
            "",
            "| confirmed | waiting list | overbooked | p50 ms | p99 ms | errors |",
            "| ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| {result['confirmed']} | {result['waiting']} | {result['overbooked']} | {result['p50_ms']:.0f} | "
            f"{result['p99_ms']:.0f} | {result['errors']} |",
            "",
        ]

    def services(self) -> list[str]:
        from io import StringIO

        self.say("The services (manage.py benchmark)...")
        out = StringIO()
        try:
            call_command("benchmark", stdout=out)
        except SystemExit:
            pass  # a missed target is in its table
        return ["## Services (manage.py benchmark)", "", "```", out.getvalue().strip(), "```", ""]

    def scale(self, options) -> list[str]:
        """The reports at 10^4, 10^5, 10^6 (and 3 x 10^6 with --large) attendances, with outreach visits a third
        of that: each size seeded on top of the last (``portal.scale``), its tables vacuumed and analysed, then both
        reports timed."""
        sizes = [10**4, 10**5, 10**6] + ([3 * 10**6] if options["large"] else [])
        table = [
            "## Reports at national scale (PostgreSQL)",
            "",
            "| attendances | outreach visits | seeding (rows/s) | FY report s | dashboard s |",
            "| ---: | ---: | ---: | ---: | ---: |",
        ]
        made = 0
        for size in sizes:
            self.say(f"Reports at {size:,} attendances: seeding...")
            seeded = scale.seed(attendances=size - made, seed_value=size)
            made = size
            # As seed_scale does (and autovacuum would, later): without it the new rows' visibility map is
            # empty, index-only counts read the table, and the dashboard at 3 x 10^6 took twice as long.
            scale.tidy()
            timings = scale.time_reports()
            table.append(
                f"| {timings['attendances']:,} | {timings['outreach_visits']:,} | "
                f"{seeded.seconds:.0f} s ({seeded.rows_per_second:,.0f}) | "
                f"{timings['report_seconds']:.2f} | {timings['dashboard_seconds']:.2f} |"
            )
        table += ["", "Targets at 3 x 10^6 attendances and 10^6 outreach visits: report < 1 s, dashboard < 2 s.", ""]
        return table
