"""Races against the real PostgreSQL: the same address applying twice at the same moment, and the team
approving one application from two screens at once. Each submission in its own thread and connection."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from crm import roles
from faith_forum.models import ApplicationStatus, ForumApplication, ForumRepresentative
from faith_forum.services import MembershipError, application_approve, application_submit
from tests.factories import UserFactory
from tests.faith_forum.membership_helpers import faith_organisation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(jobs):
    """Each job in its own thread, released together; outcomes are ("ok", result) or ("refused", code)."""
    barrier = threading.Barrier(len(jobs))

    def run(job):
        try:
            connection.ensure_connection()
            barrier.wait(timeout=30)
            try:
                return "ok", job()
            except MembershipError as error:
                return "refused", error.code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return [future.result() for future in [pool.submit(run, job) for job in jobs]]


def test_two_applications_from_one_address_at_once_make_one():
    organisation = faith_organisation()

    def apply():
        return application_submit(
            email="harjit@example.org",
            full_name="Harjit Kaur",
            job_role="Secretary",
            faith="sikh",
            organisation=organisation,
        ).pk

    outcomes = race([apply] * 4)
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused", "refused", "refused"]
    assert {code for kind, code in outcomes if kind == "refused"} == {"pending"}
    assert ForumApplication.objects.count() == 1


def test_one_application_approved_twice_at_once_is_approved_once():
    team = UserFactory(roles=[roles.PREVENT_ADMIN])
    application = application_submit(
        email="harjit@example.org",
        full_name="Harjit Kaur",
        job_role="Secretary",
        faith="sikh",
        organisation=faith_organisation(),
    )
    outcomes = race([lambda: application_approve(application=application, by=team).pk] * 2)
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert ForumRepresentative.objects.count() == 1
