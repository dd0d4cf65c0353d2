"""Submissions arriving at once from several app servers still respect the daily limit."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connections

from hujin.identity.access import customer_actor
from hujin.suitability.errors import RetakeLimitReached
from hujin.suitability.models import Assessment
from hujin.suitability.services import RETAKES_PER_DAY, assessment_submit
from tests.suitability.conftest import answers, make_customer

NOW = datetime(2025, 3, 14, 2, 0, tzinfo=UTC)
WRITERS = 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_six_simultaneous_submissions_record_exactly_three():
    customer = make_customer("racer")
    barrier = threading.Barrier(WRITERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def writer():
        try:
            barrier.wait()
            try:
                assessment_submit(
                    user_id=customer.pk,
                    answers=answers(),
                    actor=customer_actor(customer),
                    now=NOW,
                )
                outcome = "ok"
            except RetakeLimitReached:
                outcome = "limit"
            with lock:
                outcomes.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["limit"] * (WRITERS - RETAKES_PER_DAY) + ["ok"] * RETAKES_PER_DAY
    assert Assessment.objects.filter(user=customer).count() == RETAKES_PER_DAY
