"""The steering group's registers (issue 13) on a 360 px phone: the risk list, a risk's reviews, the printable
register and the peer-review progress summary. axe finds no serious or critical violations; no sideways scroll."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from crm import roles
from crm.governance.registers import ActionProgress, Recommendation, RecommendationAction, Risk
from crm.governance.registers_services import risk_review
from tests.browser.helpers import sign_in
from tests.conftest import axe_violations, page_overflows
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page):
    assert not page_overflows(page), page.url
    assert axe_violations(page) == [], page.url


def test_the_team_reads_the_registers_on_a_phone(phone_page):
    team = UserFactory(roles=[roles.PREVENT_ADMIN])
    today = timezone.localdate()
    funding = Risk.objects.create(
        title="Uncertainty over Home Office funding",
        category="funding",
        likelihood=4,
        impact=5,
        owner_name="Head of Community Safety",
        controls="Exit plans for commissioned projects; core posts in the base budget bid.",
        opened_on=today - dt.timedelta(days=200),
    )
    risk_review(risk=funding, likelihood=3, impact=5, note="Grant confirmed late", by=team)
    Risk.objects.create(
        title="Venues not accessible for training",
        likelihood=2,
        impact=2,
        owner_name="Prevent Training Officer",
        opened_on=today - dt.timedelta(days=300),
    )
    recommendation = Recommendation.objects.create(
        source="Home Office peer review, November 2018",
        reference="R1",
        text="Strengthen elected-Member engagement through scrutiny and Member training.",
        priority="high",
    )
    RecommendationAction.objects.create(
        recommendation=recommendation,
        description="Member briefing on the Prevent duty at each political group",
        owner="Head of Community Safety",
        due_on=dt.date(2019, 3, 31),
        status=ActionProgress.DONE,
        evidence_url="https://democracy.example.gov.uk/documents/member-briefing-prevent-2019.pdf",
    )

    page = phone_page
    sign_in(page, team)

    page.goto("/admin/governance/risks/")
    expect(page.locator(".rag-badge--red")).to_have_text("Red")
    check(page)

    page.goto(f"/admin/governance/risks/reviews/{funding.pk}/")
    expect(page.get_by_role("region", name="Review history")).to_contain_text("Grant confirmed late")
    check(page)

    page.goto("/admin/governance/risks/register/")
    expect(page.get_by_role("region", name="Open risks")).to_contain_text("↓ down 5 (was 20)")
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    check(page)

    page.goto("/admin/governance/recommendations/progress/")
    expect(page.get_by_role("region", name="Recommendations")).to_contain_text("Complete")
    check(page)
