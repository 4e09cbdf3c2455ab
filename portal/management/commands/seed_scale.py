"""``manage.py seed_scale --attendances N [--outreach M] [--clear] [--seed S]``: national-scale data for the reports.

Makes ``N`` attendances over about ten financial years (with their sessions, courses, people,
organisations, wards, trainers and feedback) and ``M`` outreach visits (a third of ``N`` by
default), as ``portal.scale`` describes; ``--clear`` first removes every row an earlier run
made and nothing else (``--clear`` alone only removes). Prints the rows made and rows a second.
Measurement data: run it on a database made for measuring, never on a council's live one.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from portal import scale


def count(value: str) -> int:
    try:
        number = int(value.replace("_", "").replace(",", ""))
    except ValueError:
        raise CommandError(f"{value!r} is not a whole number (e.g. 1000000 or 1_000_000).") from None
    if number < 0:
        raise CommandError(f"{value} is below 0: give how many to make.")
    return number


class Command(BaseCommand):
    help = "Make national-scale training, feedback and outreach data to measure the reports (--clear removes it)."

    def add_arguments(self, parser):
        parser.add_argument("--attendances", type=count, default=0, help="how many attendances to make (N)")
        parser.add_argument("--outreach", type=count, default=None, help="how many outreach visits (default N/3)")
        parser.add_argument("--clear", action="store_true", help="first remove every row seed_scale made before")
        parser.add_argument("--seed", type=int, default=None, help="random seed, for the same data every time")

    def handle(self, *args, attendances, outreach, clear, seed, **options):
        if not attendances and not outreach and not clear:
            raise CommandError("Give --attendances N (and/or --outreach M), or --clear to remove the scale data.")
        if clear:
            removed = scale.clear()
            self.stdout.write("Removed: " + ", ".join(f"{n} {label}" for label, n in removed.items()))
            if options["verbosity"] > 1:
                slowest = sorted(scale.STEPS.items(), key=lambda item: -item[1])[:8]
                self.stdout.write("  " + ", ".join(f"{step}: {seconds:.1f} s" for step, seconds in slowest))
        if attendances or outreach:
            made = scale.seed(attendances=attendances, outreach=outreach, seed_value=seed)
            self.stdout.write(
                self.style.SUCCESS(
                    "Made: " + ", ".join(f"{n:,} {label}" for label, n in made.counts.items()) + "\n"
                    f"{made.rows:,} rows in {made.seconds:.1f} s: {made.rows_per_second:,.0f} rows/s "
                    f"({made.counts.get('attendances', 0) / made.seconds if made.seconds else 0:,.0f} attendances/s)"
                )
            )
            if options["verbosity"] > 1:
                for step, seconds in made.steps.items():
                    self.stdout.write(f"  {step}: {seconds:.1f} s")
        if clear or attendances or outreach:
            seconds = scale.tidy()
            if seconds:
                self.stdout.write(f"VACUUM of the big tables, ANALYZE of every table: {seconds:.1f} s")
