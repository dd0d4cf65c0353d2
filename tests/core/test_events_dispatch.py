import threading
from datetime import timedelta

import pytest
from django.db import connection

from hujin.core import tasks
from hujin.core.events import DomainEvent, event_subscribe, outbox_dispatch
from hujin.core.models import AuditEntry, OutboxEvent
from tests.core.conftest import in_thread
from tests.core.workers import TransactionLog, wait_until


class Recorder:
    """A subscriber that records what it receives and fails for the aggregates it is told to."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int]] = []
        self.failing: set[str] = set()

    def __call__(self, event: DomainEvent) -> None:
        self.seen.append((event.aggregate_id, event.id))
        if event.aggregate_id in self.failing:
            raise RuntimeError(f"cannot handle {event.aggregate_id}")

    def ids_of(self, aggregate_id: str) -> list[int]:
        return [event_id for agg, event_id in self.seen if agg == aggregate_id]


@pytest.fixture
def recorder() -> Recorder:
    recorder = Recorder()
    event_subscribe("test.happened", recorder)
    return recorder


@pytest.mark.django_db
class TestOutboxDispatch:
    def test_delivers_undispatched_events_in_id_order_and_marks_them_dispatched(
        self, emit, recorder, now
    ):
        ids = [emit("a").id, emit("b").id, emit("a").id]

        report = outbox_dispatch(now=now)

        assert [event_id for _, event_id in recorder.seen] == ids
        assert (report.selected, report.delivered, report.failed, report.held_back) == (3, 3, 0, 0)
        assert set(OutboxEvent.objects.values_list("dispatched_at", flat=True)) == {now}
        assert set(OutboxEvent.objects.values_list("attempts", flat=True)) == {1}

    def test_a_subscriber_receives_a_read_only_copy_of_the_event(self, emit, now):
        received = []
        event_subscribe("loan.approved", received.append)
        row = emit("loan-7", "loan.approved", {"amount_minor": 500})

        outbox_dispatch(now=now)

        (event,) = received
        assert event == DomainEvent.from_row(row)
        assert event.payload == {"amount_minor": 500} and event.attempts == 0
        with pytest.raises(AttributeError):
            event.payload = {}

    def test_every_subscriber_of_an_event_type_receives_it(self, emit, now):
        first, second = [], []
        event_subscribe("test.happened", first.append)
        event_subscribe("test.happened", second.append)
        event_subscribe("test.happened", second.append)  # registering twice has no effect
        emit("a")

        outbox_dispatch(now=now)

        assert len(first) == 1 and len(second) == 1

    def test_events_nobody_subscribes_to_are_marked_dispatched(self, emit, now):
        emit("a", "nobody.listens")

        report = outbox_dispatch(now=now)

        assert report.delivered == 1
        assert OutboxEvent.objects.get().dispatched_at == now

    def test_dispatched_events_are_not_delivered_again(self, emit, recorder, now):
        emit("a")
        outbox_dispatch(now=now)

        report = outbox_dispatch(now=now + timedelta(minutes=1))

        assert report.selected == 0 and len(recorder.seen) == 1

    def test_a_failing_event_records_the_attempt_and_the_error(self, emit, recorder, now):
        recorder.failing.add("a")
        emit("a")

        report = outbox_dispatch(now=now)

        event = OutboxEvent.objects.get()
        assert report.failed == 1 and report.delivered == 0
        assert event.dispatched_at is None
        assert event.attempts == 1
        assert event.last_error == "RuntimeError: cannot handle a"
        assert event.next_attempt_at == now + timedelta(seconds=15)

    def test_a_failing_event_holds_back_later_events_of_the_same_aggregate(
        self, emit, recorder, now
    ):
        recorder.failing.add("a")
        first_a = emit("a").id
        emit("a")
        b = emit("b").id
        emit("a")

        report = outbox_dispatch(now=now)

        assert recorder.ids_of("a") == [first_a]  # the later two were never handed over
        assert recorder.ids_of("b") == [b]  # other aggregates carry on
        assert (report.delivered, report.failed, report.held_back) == (1, 1, 2)
        assert OutboxEvent.objects.filter(dispatched_at__isnull=True).count() == 3

    def test_a_failed_event_is_not_retried_before_its_next_attempt_time(self, emit, recorder, now):
        recorder.failing.add("a")
        emit("a")
        emit("a")
        outbox_dispatch(now=now)
        recorder.failing.clear()

        report = outbox_dispatch(now=now + timedelta(seconds=14))

        assert report.held_back == 2 and len(recorder.seen) == 1

    def test_a_failed_event_is_retried_and_then_its_aggregate_continues_in_order(
        self, emit, recorder, now
    ):
        recorder.failing.add("a")
        ids = [emit("a").id, emit("a").id, emit("a").id]
        outbox_dispatch(now=now)
        recorder.failing.clear()

        report = outbox_dispatch(now=now + timedelta(seconds=15))

        # At least once: the first event reached the subscriber twice, then the rest in order.
        assert recorder.ids_of("a") == [ids[0], ids[0], ids[1], ids[2]]
        assert report.delivered == 3
        first = OutboxEvent.objects.get(pk=ids[0])
        assert first.attempts == 2 and first.next_attempt_at is None

    def test_the_retry_delay_doubles_up_to_an_hour(self, emit, recorder, now, settings):
        settings.HUJIN_EVENTS_MAX_ATTEMPTS = 20  # not parked on the way
        recorder.failing.add("a")
        emit("a")
        delays = []
        at = now
        for _ in range(10):
            outbox_dispatch(now=at)
            event = OutboxEvent.objects.get()
            delays.append(event.next_attempt_at - at)
            at = event.next_attempt_at

        assert delays[:4] == [timedelta(seconds=s) for s in (15, 30, 60, 120)]
        assert delays[-1] == timedelta(hours=1)
        assert OutboxEvent.objects.get().attempts == 10

    def test_a_failing_subscriber_s_database_writes_are_rolled_back(self, emit, now, actor):
        from hujin.core.audit import audit_record

        def writes_then_fails(event):
            audit_record(
                actor=actor,
                action="test.handled",
                target_type="test",
                target_id=event.aggregate_id,
                occurred_at=now,
            )
            raise RuntimeError("after writing")

        event_subscribe("test.happened", writes_then_fails)
        emit("a")

        outbox_dispatch(now=now)

        assert not AuditEntry.objects.filter(action="test.handled").exists()
        assert OutboxEvent.objects.get().attempts == 1

    def test_a_subscriber_s_database_writes_commit_with_the_dispatch(self, emit, now, actor):
        from hujin.core.audit import audit_record

        def writes(event):
            audit_record(
                actor=actor,
                action="test.handled",
                target_type="test",
                target_id=event.aggregate_id,
                occurred_at=now,
            )

        event_subscribe("test.happened", writes)
        emit("a")

        outbox_dispatch(now=now)

        assert AuditEntry.objects.filter(action="test.handled", target_id="a").count() == 1

    def test_at_most_limit_events_are_taken_per_run_oldest_first(self, emit, recorder, now):
        ids = [emit(f"agg-{n}").id for n in range(5)]

        report = outbox_dispatch(now=now, limit=2)

        assert report.selected == 2
        assert [event_id for _, event_id in recorder.seen] == ids[:2]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
class TestOutboxDispatchWithSeveralWorkers:
    def test_a_worker_skips_events_another_holds_and_never_overtakes_them(
        self, emit, now, monkeypatch
    ):
        # Committed for real here: keep the after-commit dispatch out of the way of the workers.
        monkeypatch.setattr(tasks, "outbox_dispatch_task", lambda: None)
        delivered: list[str] = []
        first_is_being_handled = threading.Event()
        release_first = threading.Event()

        def slow(event):
            first_is_being_handled.set()
            assert release_first.wait(10)
            delivered.append(event.payload["name"])

        def quick(event):
            delivered.append(event.payload["name"])

        event_subscribe("test.slow", slow)
        event_subscribe("test.quick", quick)
        emit("x", "test.slow", {"name": "x1"})
        emit("x", "test.quick", {"name": "x2"})
        emit("y", "test.quick", {"name": "y1"})

        # Worker A locks only the oldest event (x1) and is still handling it...
        worker_a, outcome_a = in_thread(lambda: outbox_dispatch(now=now, limit=1))
        assert first_is_being_handled.wait(10)
        # ...while worker B takes what is left: y1 goes out, x2 must wait for x1.
        report_b = outbox_dispatch(now=now)
        release_first.set()
        worker_a.join(10)
        report_last = outbox_dispatch(now=now)

        assert "error" not in outcome_a
        assert (report_b.selected, report_b.delivered, report_b.held_back) == (2, 1, 1)
        assert report_last.delivered == 1
        assert delivered == ["y1", "x1", "x2"]
        assert connection.vendor == "postgresql"


@pytest.mark.django_db(transaction=True)
class TestOutboxDispatchConcurrently:
    def test_two_workers_at_once_deliver_each_event_exactly_once(self, emit, now, monkeypatch):
        monkeypatch.setattr(tasks, "outbox_dispatch_task", lambda: None)
        delivered: list[str] = []
        handling = threading.Event()
        release = threading.Event()
        log = TransactionLog()

        def handler(event):
            if event.payload["name"] == "x1" and not handling.is_set():
                handling.set()
                log.committed("A")
                assert release.wait(10)
            delivered.append(event.payload["name"])

        event_subscribe("test.happened", handler)
        for name in ("x1", "x2", "y1"):
            emit(name[0], "test.happened", {"name": name})

        worker_a, outcome_a = in_thread(lambda: outbox_dispatch(now=now))
        assert handling.wait(10)
        # Worker B starts while A is inside its transaction, and A is let go only once B has run
        # into it: on PostgreSQL B skips A's rows and is done; on SQLite B has asked for its
        # IMMEDIATE transaction, which waits for A's to end. (A worker B that got past A would
        # finish too, and what it delivered shows below.)
        worker_b, outcome_b = in_thread(log.watch("B", lambda: outbox_dispatch(now=now)))
        sqlite = connection.vendor == "sqlite"
        wait_until(
            lambda: not worker_b.is_alive() or (sqlite and log.asked["B"].is_set()),
            what="worker B skipped worker A's events (PostgreSQL) or queued for its lock (SQLite)",
        )
        if not sqlite:
            assert outcome_b["value"].selected == 0  # everything was A's
        release.set()
        worker_a.join(10)
        worker_b.join(40)

        assert "error" not in outcome_a and "error" not in outcome_b
        assert sorted(delivered) == ["x1", "x2", "y1"]
        assert delivered.index("x1") < delivered.index("x2")
        assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()
        if sqlite:
            assert log.events.index("A committed") < log.events.index("B began")
