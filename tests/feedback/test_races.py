"""Races against the real PostgreSQL: the same feedback link sent twice at the same moment gives one answer."""

import threading
import traceback
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from events.models import Attendance
from feedback.errors import FeedbackError
from feedback.models import FeedbackRequest, FeedbackResponse
from feedback.services import feedback_submit
from tests.pagetree import restore_home_page

from .conftest import good_answers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(jobs):
    """Each job in its own thread, released together; outcomes ``("ok", result)`` or ``("refused", code)``."""
    barrier = threading.Barrier(len(jobs))

    def run(job):
        try:
            connection.ensure_connection()
            barrier.wait(timeout=30)
            try:
                return "ok", job()
            except FeedbackError as error:
                return "refused", error.code
        except BaseException:
            barrier.abort()
            raise
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(run, job) for job in jobs]
    errors = [future.exception() for future in futures if future.exception() is not None]
    assert not errors, "\n".join("".join(traceback.format_exception(error)) for error in errors)
    return [future.result() for future in futures]


@pytest.fixture
def walk_in_now(wrap_form, make_session):
    restore_home_page()
    return Attendance.objects.create(session=make_session(), full_name="Robin Okafor", email="robin@example.org")


def test_a_link_sent_four_times_at_once_gives_one_answer(walk_in_now, wrap_form):
    answers = good_answers(wrap_form)

    def answer(anonymous):
        return lambda: feedback_submit(attendance_id=walk_in_now.pk, answers=answers, anonymous=anonymous).pk

    outcomes = race([answer(True), answer(False), answer(True), answer(False)])
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused", "refused", "refused"]
    assert {code for kind, code in outcomes if kind == "refused"} == {"already_answered"}
    assert FeedbackResponse.objects.count() == 1
    assert FeedbackRequest.objects.get(attendance=walk_in_now).answered
