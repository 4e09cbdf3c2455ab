"""What national-scale data looks like: the marks that tell it apart, the shares and the lists it is made from."""

from __future__ import annotations

from crm.demo import WARDS as WARDS_OF_THE_BOROUGH
from crm.models import OrganisationType
from events.models import (
    ReportingCategory,
)

PREFIX = "Scale data: "
SLUG = "scale-data-"
EMAIL_DOMAIN = "scale.invalid"
YEARS = 10
PRESENT = 25  # people at a held session, on average
CANCELLED_SHARE = 0.03
NOT_HELD_SHARE = 0.02  # scheduled, but nobody counted: only marks taken back or typed in and never confirmed
UPCOMING_SHARE = 0.01
WALK_IN_SHARE = 0.04
SELF_DECLARED_SHARE = 0.02
UNDONE_SHARE = 0.01
UNMATCHED_SHARE = 0.1  # typed an organisation that is not linked to the register
ASKED_SHARE = 0.6  # of the people counted: emailed for feedback
ANSWERED_SHARE = 0.6  # of those asked
ANONYMOUS_SHARE = 0.1
COMMENT_SHARE = 0.15
BATCH = 5_000

# (category, course title, share of sessions)
COURSES = [
    (ReportingCategory.WRAP, "WRAP (scale)", 0.30),
    (ReportingCategory.WRAP, "WRAP for partners (scale)", 0.12),
    (ReportingCategory.WRAP, "WRAP refresher online (scale)", 0.08),
    (ReportingCategory.EDUCATION, "School staff briefing (scale)", 0.22),
    (ReportingCategory.EDUCATION, "DSL briefing (scale)", 0.06),
    (ReportingCategory.MEMBER, "Elected Member training (scale)", 0.04),
    (ReportingCategory.OTHER, "Online safety awareness (scale)", 0.08),
    (ReportingCategory.OTHER, "Prevent for managers (scale)", 0.08),
    (ReportingCategory.FORUM, "Faith Forum meeting (scale)", 0.02),
]
WARDS = WARDS_OF_THE_BOROUGH  # the demo's wards (crm.demo), each named with the scale prefix
ORGANISATIONS = {  # kind -> how many
    OrganisationType.COUNCIL: 4,
    OrganisationType.SCHOOL: 240,
    OrganisationType.STATUTORY: 40,
    OrganisationType.COMMUNITY: 90,
    OrganisationType.FAITH: 70,
    OrganisationType.ELECTED_MEMBER: 1,
    OrganisationType.OTHER: 25,
}
# Who comes to a session of each category: (kind of organisation, weight)
AUDIENCE = {
    ReportingCategory.WRAP: [
        (OrganisationType.COUNCIL, 80),
        (OrganisationType.STATUTORY, 8),
        (OrganisationType.COMMUNITY, 6),
        (OrganisationType.FAITH, 2),
        (OrganisationType.SCHOOL, 2),
        (OrganisationType.OTHER, 2),
    ],
    ReportingCategory.EDUCATION: [(OrganisationType.SCHOOL, 100)],
    ReportingCategory.OTHER: [
        (OrganisationType.COUNCIL, 40),
        (OrganisationType.STATUTORY, 20),
        (OrganisationType.COMMUNITY, 20),
        (OrganisationType.SCHOOL, 10),
        (OrganisationType.OTHER, 10),
    ],
    ReportingCategory.FORUM: [(OrganisationType.FAITH, 80), (OrganisationType.COMMUNITY, 20)],
}
TRAINERS = 30
OFFICERS = 12
TAGS = ["online harms", "far right", "community tensions", "school holidays", "world events"]
MOST_USEFUL = ["The case studies.", "Knowing how to refer.", "Local examples.", "The discussion."]
IMPROVE = ["More time for questions.", "Could be shorter.", "More on online material.", "Nothing."]
START_TIMES = [(9, 30), (10, 0), (13, 30), (14, 0), (18, 0)]
