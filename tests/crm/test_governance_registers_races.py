"""The overdue-review reminder run twice at the same moment against the real PostgreSQL: the team is emailed once."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.db import connection

from crm import roles
from crm.governance.registers import Risk
from crm.governance.registers_services import risk_review_reminders_send
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_reminder_runs_at_once_email_the_team_once():
    UserFactory(roles=[roles.PREVENT_ADMIN])
    Risk.objects.create(title="Funding", likelihood=4, impact=5, owner_name="Head", opened_on=dt.date(2020, 1, 1))
    barrier = threading.Barrier(4)

    def run():
        try:
            connection.ensure_connection()
            barrier.wait(timeout=30)
            return risk_review_reminders_send().emails
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        sent = list(pool.map(lambda _: run(), range(4)))
    assert sorted(sent) == [0, 0, 0, 1]
    assert len([m for m in mail.outbox if "not reviewed for more than a quarter" in m.subject]) == 1
