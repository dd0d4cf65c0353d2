"""Deliveries for a subscriber this deployment does not know (removed or renamed for good): no
worker ever tries them, so they are listed apart and a person discards all of one name's at once
(audited, idempotent), never those of a subscriber that is registered."""

import json
import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from hujin.core import event_status, subscribers, tasks
from hujin.core.actors import Actor
from hujin.core.errors import PermissionDenied
from hujin.core.event_status import (
    EventSubscriberRegistered,
    UnknownSubscriber,
    dead_letters_get,
    event_subscriber_deliveries_discard,
)
from hujin.core.events import DomainEvent, event_subscribe, outbox_dispatch
from hujin.core.models import AuditEntry, EventDelivery, OutboxEvent
from tests.core.conftest import in_thread
from tests.core.test_events_per_subscriber import Subscriber
from tests.core.workers import WAIT_S, lock_waiters, wait_until

MANAGER = Actor(kind="staff", id="7", label="ops", scopes=frozenset({"core.manage_events"}))
GONE = "test.gone"


def open_statuses(subscriber: str) -> list[str]:
    rows = EventDelivery.objects.filter(subscriber=subscriber).order_by("id")
    return list(rows.values_list("status", flat=True))


def discard(subscriber: str = GONE, *, now, actor: Actor = MANAGER):
    return event_subscriber_deliveries_discard(actor=actor, subscriber=subscriber, now=now)


@pytest.fixture
def gone(emit, now, settings, monkeypatch) -> None:
    """``test.gone`` failed events of aggregates "a" (1 parked, 2 waiting) and "b" (pending), then
    was removed from the code; ``test.healthy`` took them all and is still registered."""
    settings.HUJIN_EVENTS_MAX_ATTEMPTS = 2
    failing = Subscriber()
    failing.failing.add("*")
    healthy = Subscriber()
    event_subscribe("test.happened", failing, name=GONE)
    event_subscribe("test.happened", healthy, name="test.healthy")
    emit("a", payload={"n": 1})
    emit("a", payload={"n": 2})
    outbox_dispatch(now=now)
    outbox_dispatch(now=now + timedelta(minutes=1))  # a1 fails again: parked
    emit("b", payload={"n": 1})
    outbox_dispatch(now=now + timedelta(minutes=2))
    monkeypatch.setattr(subscribers, "_subscribers", {"test.happened": {"test.healthy": healthy}})


@pytest.mark.django_db
class TestTheyAreListedApart:
    def test_a_name_this_deployment_does_not_register_is_listed_with_its_count_and_oldest(
        self, gone, now
    ):
        letters = dead_letters_get(actor=MANAGER, now=now + timedelta(hours=1))

        assert letters.unknown == [
            UnknownSubscriber(subscriber=GONE, deliveries=3, oldest_at=now, age_seconds=3600)
        ]
        assert sorted(open_statuses(GONE)) == ["parked", "pending", "waiting"]

    def test_a_registered_subscriber_is_not_listed_however_far_behind(self, emit, now):
        failing = Subscriber()
        failing.failing.add("*")
        event_subscribe("test.happened", failing, name="test.broken")
        emit("a")
        outbox_dispatch(now=now)

        letters = dead_letters_get(actor=MANAGER, now=now)

        assert letters.unknown == []
        assert [lag.subscriber for lag in letters.lags] == ["test.broken"]


@pytest.mark.django_db
class TestDiscardAllForASubscriber:
    def test_discards_its_pending_waiting_and_parked_deliveries_and_the_events_are_dispatched(
        self, gone, now
    ):
        later = now + timedelta(hours=1)

        result = discard(now=later)

        assert (result.subscriber, result.discarded, result.changed) == (GONE, 3, True)
        assert open_statuses(GONE) == ["discarded"] * 3
        assert set(EventDelivery.objects.values_list("settled_at", flat=True)) == {later}
        events = OutboxEvent.objects.filter(event_type="test.happened")
        assert events.count() == 3 and not events.filter(dispatched_at__isnull=True).exists()
        assert dead_letters_get(actor=MANAGER, now=later).unknown == []

    def test_leaves_every_other_subscriber_s_deliveries_alone(self, gone, emit, now):
        EventDelivery.objects.filter(subscriber=GONE, aggregate_id="b").update(
            subscriber="test.also_gone"
        )

        discard(now=now)

        assert open_statuses("test.also_gone") == ["pending"]
        event_b = OutboxEvent.objects.get(aggregate_id="b")
        assert event_b.dispatched_at is None  # test.also_gone has not had it yet

    def test_no_worker_comes_round_to_them_again(self, gone, now, caplog):
        discard(now=now)

        report = outbox_dispatch(now=now + timedelta(days=1))

        assert (report.failed, report.held_back) == (0, 0)
        assert "no such subscriber" not in caplog.text

    def test_is_audited_with_names_and_counts_only_and_emits_an_event(self, gone, now):
        discard(now=now)

        entry = AuditEntry.objects.get(action="events.subscriber_deliveries_discarded")
        assert (entry.actor_label, entry.target_type, entry.target_id) == (
            "ops",
            "event_subscriber",
            GONE,
        )
        assert entry.before == {
            "registered": False,
            "open": {"pending": 1, "waiting": 1, "parked": 1},
        }
        assert entry.after == {
            "status": "discarded",
            "subscriber": GONE,
            "discarded": 3,
            "events": 3,
        }
        assert "cannot handle" not in json.dumps(entry.after)  # never the error text
        event = OutboxEvent.objects.get(event_type="core.event_subscriber_deliveries_discarded")
        assert event.payload == {"subscriber": GONE, "discarded": 3, "events": 3}

    def test_the_audit_entry_is_written_in_the_same_transaction(self, gone, now, monkeypatch):
        def broken_emit(**kwargs):
            raise RuntimeError("outbox unavailable")

        monkeypatch.setattr(event_status, "event_emit", broken_emit)

        with pytest.raises(RuntimeError):
            discard(now=now)

        assert sorted(open_statuses(GONE)) == ["parked", "pending", "waiting"]
        assert not AuditEntry.objects.filter(action__startswith="events.").exists()

    def test_discarding_twice_changes_nothing_the_second_time(self, gone, now):
        discard(now=now)

        again = discard(now=now + timedelta(minutes=1))

        assert (again.discarded, again.changed) == (0, False)
        assert AuditEntry.objects.filter(action__startswith="events.").count() == 1

    def test_a_name_nobody_ever_had_changes_nothing(self, gone, now):
        result = discard("test.never_was", now=now)

        assert not result.changed
        assert not AuditEntry.objects.filter(action__startswith="events.").exists()

    def test_refuses_a_subscriber_registered_in_this_process(self, gone, now):
        with pytest.raises(EventSubscriberRegistered) as refused:
            discard("test.healthy", now=now)

        assert refused.value.code == "event_subscriber_registered"
        assert refused.value.status == 409
        assert "registered in this deployment" in refused.value.message
        assert not AuditEntry.objects.filter(action__startswith="events.").exists()

    def test_needs_the_manage_events_permission(self, gone, now):
        with pytest.raises(PermissionDenied):
            discard(now=now, actor=Actor(kind="staff", id="8"))

        assert sorted(open_statuses(GONE)) == ["parked", "pending", "waiting"]

    def test_a_long_name_is_recorded_whole_beside_a_short_reference(self, gone, now):
        long_name = "test." + "x" * 95
        EventDelivery.objects.filter(subscriber=GONE).update(subscriber=long_name)

        discard(long_name, now=now)

        entry = AuditEntry.objects.get(action="events.subscriber_deliveries_discarded")
        assert len(entry.target_id) == 64 and entry.target_id.startswith("test.xxx")
        assert entry.after["subscriber"] == long_name


@pytest.mark.django_db
class TestEventsStatusCommand:
    def test_lists_them_apart_with_where_to_discard_them(self, gone, now):
        out = StringIO()

        call_command("events", "status", stdout=out)

        lines = out.getvalue().splitlines()
        assert "(not subscribed in this process)" in next(x for x in lines if GONE in x)
        heading = lines.index(next(x for x in lines if "does not know" in x))
        assert "/compliance/events/" in lines[heading]
        assert lines[heading + 1].split()[:3] == [GONE, "3", "open,"]

    def test_json_lists_them_too(self, gone, now):
        out = StringIO()

        call_command("events", "status", "--json", stdout=out)

        (row,) = json.loads(out.getvalue())["unknown_subscribers"]
        assert (row["subscriber"], row["deliveries"]) == (GONE, 3)
        assert row["oldest_at"] == now.isoformat()

    def test_says_nothing_of_them_when_there_are_none(self, emit, now):
        event_subscribe("test.happened", Subscriber(), name="test.healthy")
        out = StringIO()

        call_command("events", "status", stdout=out)

        assert "does not know" not in out.getvalue()


class HeldRetry:
    """Fails event 1 on its first try; on its retry it waits until released, then goes through
    or fails as told (and so do the events behind it)."""

    def __init__(self) -> None:
        self.holding = threading.Event()
        self.release = threading.Event()
        self.fail_retry = False

    def __call__(self, event: DomainEvent) -> None:
        if event.payload["n"] == 1 and event.attempts == 0:
            raise RuntimeError("first try fails")
        if event.payload["n"] == 1:
            self.holding.set()
            assert self.release.wait(WAIT_S)
        if self.fail_retry:
            raise RuntimeError("retry fails")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("retry_goes_through", [True, False], ids=["delivered", "failed"])
def test_a_discard_waits_for_a_worker_that_still_knows_the_subscriber(
    emit, now, monkeypatch, retry_goes_through
):
    """A web process on the older release discards while a worker on the newer one retries the
    lane: the discard waits for the worker and never marks a delivery that went through."""
    monkeypatch.setattr(tasks, "outbox_dispatch_task", lambda: None)
    subscriber = HeldRetry()
    subscriber.fail_retry = not retry_goes_through
    event_subscribe("test.happened", subscriber, name=GONE)
    emit("a", payload={"n": 1})
    emit("a", payload={"n": 2})
    outbox_dispatch(now=now)  # 1 pending, 2 waiting behind it
    due = now + timedelta(minutes=1)
    worker, worker_outcome = in_thread(lambda: outbox_dispatch(now=due))
    assert subscriber.holding.wait(WAIT_S)
    monkeypatch.setattr(event_status, "subscriber_event_types", lambda: {})  # the older release

    web, web_outcome = in_thread(lambda: discard(now=due))
    wait_until(lambda: lock_waiters() >= 1, what="the discard waited for the worker's retry")
    subscriber.release.set()
    worker.join(WAIT_S)
    web.join(WAIT_S)

    assert "error" not in worker_outcome and "error" not in web_outcome
    if retry_goes_through:
        assert web_outcome["value"].discarded == 0
        assert open_statuses(GONE) == ["delivered", "delivered"]
    else:
        assert web_outcome["value"].discarded == 2
        assert open_statuses(GONE) == ["discarded", "discarded"]
    events = OutboxEvent.objects.filter(event_type="test.happened")
    assert not events.filter(dispatched_at__isnull=True).exists()
