import logging

import pytest
from django.db import transaction

from hujin.core import events, tasks
from hujin.core.events import event_emit, event_subscribe
from hujin.core.models import OutboxEvent


def _emit(now, aggregate_id="a-1", event_type="test.happened"):
    return event_emit(
        aggregate_type="test",
        aggregate_id=aggregate_id,
        event_type=event_type,
        payload={"n": 1},
        occurred_at=now,
    )


@pytest.mark.django_db
class TestEventEmit:
    def test_an_event_is_written_with_a_fresh_event_id(self, now):
        with transaction.atomic():
            first = _emit(now)
            second = _emit(now)

        assert first.event_id != second.event_id
        row = OutboxEvent.objects.get(pk=first.pk)
        assert (row.aggregate_type, row.aggregate_id, row.payload) == ("test", "a-1", {"n": 1})
        assert row.dispatched_at is None and row.attempts == 0

    def test_an_event_emitted_in_a_rolled_back_transaction_leaves_no_event(self, now):
        class Abandon(Exception):
            pass

        with pytest.raises(Abandon), transaction.atomic():
            _emit(now)
            raise Abandon

        assert not OutboxEvent.objects.exists()

    def test_dispatch_is_requested_once_per_transaction_after_commit(
        self, now, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
            _emit(now, "a-1")
            _emit(now, "a-2")
            _emit(now, "a-3")

        assert callbacks == [events.dispatch_request]

    def test_a_request_dropped_with_a_rolled_back_savepoint_is_made_again(
        self, now, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
            try:
                with transaction.atomic():
                    _emit(now, "a-1")
                    raise ValueError
            except ValueError:
                pass
            _emit(now, "a-2")

        assert callbacks == [events.dispatch_request]
        assert list(OutboxEvent.objects.values_list("aggregate_id", flat=True)) == ["a-2"]

    def test_after_commit_the_event_is_delivered_through_the_task_queue(
        self, now, django_capture_on_commit_callbacks
    ):
        seen = []
        event_subscribe("test.happened", lambda event: seen.append(event.aggregate_id))

        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            _emit(now, "a-1")

        assert seen == ["a-1"]
        assert OutboxEvent.objects.get().dispatched_at is not None

    def test_a_queue_outage_does_not_fail_the_write(
        self, now, django_capture_on_commit_callbacks, monkeypatch, caplog
    ):
        def queue_down():
            raise ConnectionError("redis is down")

        monkeypatch.setattr(tasks, "outbox_dispatch_task", queue_down)
        caplog.set_level(logging.WARNING, logger="hujin.core.events")

        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            _emit(now, "a-1")

        event = OutboxEvent.objects.get()
        assert event.dispatched_at is None  # left for the periodic sweep
        assert "periodic sweep" in caplog.text


@pytest.mark.django_db(transaction=True)
class TestEventEmitOutsideATransaction:
    def test_emitting_outside_a_transaction_is_refused(self, now):
        with pytest.raises(AssertionError, match="inside the write's transaction"):
            _emit(now)

        assert not OutboxEvent.objects.exists()
