"""National-scale data for measuring the reports (``manage.py seed_scale``), and the timing of the reports on it.

``seed(attendances=N, outreach=M)`` makes about ten financial years of training the way a large
council's (or a national programme's) would look: sessions of courses of every reporting
category (WRAP, education, Members, other, and a few Faith Forum events that count in no figure),
about 25 people present at each held session, some sessions cancelled and some with nobody
counted; organisations of every kind in wards; attendances with the organisation, Member side
and Cabinet seat of the day, some walk-ins without an account, some self-declared marks nobody
confirmed, some marks taken back; trainers on every session; feedback asked of and given by a
share of the people trained; and ``M`` outreach visits (a third of ``N`` by default).

Every row it makes can be told from everybody else's, so ``clear()`` removes exactly these rows:

- wards, organisations and outreach tags are named ``Scale data: ...``; people have an
  ``@scale.invalid`` address (a reserved domain: nobody is ever emailed);
- courses are draft pages with slugs ``scale-data-...`` (never on the public site), and the
  sessions are theirs, with a venue starting ``Scale data:``;
- attendances, trainers, feedback requests and answers hang off those sessions; outreach visits
  are in the scale wards.

On PostgreSQL rows go in with ``COPY`` (psycopg's ``cursor.copy()``), elsewhere with
``bulk_create`` in big batches. Ids are given, not returned, so that attendances, feedback and
trainers are written in one pass. Running it again adds as much again, reusing the wards,
organisations, courses and people made before.

``time_reports()`` times the financial-year report and everything the analytics dashboard
computes, for ``make bench`` and the README's table.
"""

from .clear import clear
from .reference import training_index
from .rows import STEPS, tidy
from .seed import Seeded, certificate_code, seed
from .shape import COURSES, EMAIL_DOMAIN, PREFIX, SLUG, YEARS
from .timing import dashboard, report_year, time_reports

__all__ = [
    "COURSES",
    "EMAIL_DOMAIN",
    "PREFIX",
    "SLUG",
    "STEPS",
    "YEARS",
    "Seeded",
    "certificate_code",
    "clear",
    "dashboard",
    "report_year",
    "seed",
    "tidy",
    "time_reports",
    "training_index",
]
