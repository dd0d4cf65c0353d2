"""Two dispatch workers on PostgreSQL, each subscriber's deliveries between them: nothing is
delivered twice and a subscriber's order per aggregate holds. Each test waits for what one
worker does to the other (a lock wait, a finished run), never for a length of time."""

import threading
from datetime import timedelta

import pytest

from hujin.core import tasks
from hujin.core.events import DomainEvent, event_subscribe, outbox_dispatch
from hujin.core.models import DeliveryStatus, EventDelivery
from tests.core.conftest import in_thread
from tests.core.workers import WAIT_S, lock_waiters, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class HeldRetry:
    """A subscriber that fails every event on its first try; on the retry of ``hold`` it waits
    until released, so a test can hold that delivery's lane inside worker A."""

    def __init__(self, hold: tuple[str, int]) -> None:
        self.hold = hold
        self.delivered: list[tuple[str, int]] = []  # aggregate, n: those it took
        self.holding = threading.Event()
        self.release = threading.Event()

    def __call__(self, event: DomainEvent) -> None:
        key = (event.aggregate_id, event.payload["n"])
        if event.attempts == 0 and event.payload.get("fail_first", True):
            raise RuntimeError("first try fails")
        if key == self.hold:
            self.holding.set()
            assert self.release.wait(WAIT_S)
        self.delivered.append(key)


@pytest.fixture(autouse=True)
def no_after_commit_dispatch(monkeypatch):
    # Committed for real here: keep the after-commit dispatch out of the way of the workers.
    monkeypatch.setattr(tasks, "outbox_dispatch_task", lambda: None)


def test_an_event_handed_out_behind_a_retry_in_progress_waits_for_it_and_keeps_the_order(emit, now):
    subscriber = HeldRetry(hold=("a", 1))
    event_subscribe("test.happened", subscriber, name="test.held")
    emit("a", payload={"n": 1})
    outbox_dispatch(now=now)  # its first try fails: a pending delivery, due in 15 s
    due = now + timedelta(seconds=15)

    # Worker A retries event 1 and is still inside the subscriber...
    worker_a, outcome_a = in_thread(lambda: outbox_dispatch(now=due))
    assert subscriber.holding.wait(WAIT_S)
    # ...when event 2 of the same aggregate arrives and worker B hands it out: B must wait for A's
    # outcome instead of adding 2 behind a delivery that is about to go through.
    emit("a", payload={"n": 2, "fail_first": False})
    worker_b, outcome_b = in_thread(lambda: outbox_dispatch(now=due))
    wait_until(lambda: lock_waiters() >= 1, what="worker B waited for worker A's delivery")
    subscriber.release.set()
    worker_a.join(WAIT_S)
    worker_b.join(WAIT_S)

    assert "error" not in outcome_a and "error" not in outcome_b
    assert subscriber.delivered == [("a", 1), ("a", 2)]
    assert outcome_b["value"].delivered == 1  # straight to the subscriber, nothing left behind
    assert not EventDelivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists()


def test_two_workers_retry_different_lanes_at_once_and_never_the_same_delivery(emit, now):
    subscriber = HeldRetry(hold=("a", 1))
    event_subscribe("test.happened", subscriber, name="test.held")
    emit("a", payload={"n": 1})
    emit("b", payload={"n": 1})
    outbox_dispatch(now=now)
    due = now + timedelta(seconds=15)

    worker_a, outcome_a = in_thread(lambda: outbox_dispatch(now=due, limit=1))
    assert subscriber.holding.wait(WAIT_S)
    # Worker B skips the delivery A holds and retries the other lane, while A still holds its own.
    worker_b, outcome_b = in_thread(lambda: outbox_dispatch(now=due))
    wait_until(lambda: not worker_b.is_alive(), what="worker B finished beside worker A")
    subscriber.release.set()
    worker_a.join(WAIT_S)

    assert "error" not in outcome_a and "error" not in outcome_b
    assert (outcome_a["value"].delivered, outcome_b["value"].delivered) == (1, 1)
    assert sorted(subscriber.delivered) == [("a", 1), ("b", 1)]
    assert EventDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 2
