"""Each subscriber's lag, and the dead letters a person retries or discards (audited and
idempotent)."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from hujin.core.actors import Actor
from hujin.core.errors import PermissionDenied
from hujin.core.event_status import (
    EventDeliveryNotFound,
    dead_letters_get,
    event_delivery_discard,
    event_delivery_retry,
    event_lag,
)
from hujin.core.events import event_subscribe, outbox_dispatch
from hujin.core.models import AuditEntry, DeliveryStatus, EventDelivery, OutboxEvent
from tests.core.test_events_per_subscriber import Subscriber

pytestmark = pytest.mark.django_db

MANAGER = Actor(kind="staff", id="7", label="ops", scopes=frozenset({"core.manage_events"}))


@pytest.fixture
def broken(settings) -> Subscriber:
    settings.HUJIN_EVENTS_MAX_ATTEMPTS = 2
    subscriber = Subscriber()
    subscriber.failing.add("*")
    event_subscribe("test.happened", subscriber, name="test.broken")
    return subscriber


@pytest.fixture
def parked(emit, broken, now) -> EventDelivery:
    """Events 1 and 2 of aggregate "a": broken's delivery of 1 parked, 2 waiting behind it."""
    emit("a", payload={"n": 1})
    emit("a", payload={"n": 2})
    outbox_dispatch(now=now)
    outbox_dispatch(now=now + timedelta(minutes=1))
    return EventDelivery.objects.get(status=DeliveryStatus.PARKED)


def audit_actions() -> list[str]:
    return list(
        AuditEntry.objects.filter(action__startswith="events.").values_list("action", flat=True)
    )


class TestEventLag:
    def test_counts_what_each_subscriber_has_not_had_and_how_old_it_is(self, emit, broken, now):
        healthy = Subscriber()
        event_subscribe("test.happened", healthy, name="test.healthy")
        event_subscribe("test.other", healthy, name="test.healthy")
        emit("a", payload={"n": 1})
        emit("a", payload={"n": 2})
        outbox_dispatch(now=now)
        emit("b", "test.other")  # not handed out yet: counts for the healthy one only

        lags = {lag.subscriber: lag for lag in event_lag(now=now + timedelta(minutes=5))}

        assert set(lags) == {"test.broken", "test.healthy"}
        b = lags["test.broken"]
        assert (b.undelivered, b.pending, b.waiting, b.parked) == (2, 1, 1, 0)
        assert (b.oldest_undelivered_at, b.age_seconds) == (now, 300)
        h = lags["test.healthy"]
        assert (h.undelivered, h.pending, h.waiting, h.parked) == (1, 0, 0, 0)
        assert h.event_types == ("test.happened", "test.other")
        assert h.age_seconds == 300

    def test_a_subscriber_with_nothing_outstanding_has_no_lag(self, emit, now):
        event_subscribe("test.happened", Subscriber(), name="test.healthy")
        emit("a")
        outbox_dispatch(now=now)

        (lag,) = event_lag(now=now)

        assert (lag.undelivered, lag.oldest_undelivered_at, lag.age_seconds) == (0, None, None)

    def test_open_deliveries_of_a_name_no_longer_subscribed_are_listed(
        self, parked, now, monkeypatch
    ):
        from hujin.core import subscribers

        monkeypatch.setattr(subscribers, "_subscribers", {})

        (lag,) = event_lag(now=now)

        assert (lag.subscriber, lag.registered, lag.parked, lag.waiting) == (
            "test.broken",
            False,
            1,
            1,
        )


class TestDeadLetters:
    def test_lists_parked_deliveries_with_what_waits_behind_them(self, parked, now):
        letters = dead_letters_get(actor=MANAGER, now=now)

        (row,) = letters.parked
        assert (row.id, row.subscriber, row.event_type) == (
            parked.id,
            "test.broken",
            "test.happened",
        )
        assert (row.aggregate_type, row.aggregate_id, row.attempts) == ("test", "a", 2)
        assert row.last_error == "RuntimeError: cannot handle a"
        assert row.parked_at == now + timedelta(minutes=1)
        assert row.waiting_behind == 1
        assert letters.parked_total == 1 and letters.next_cursor is None

    def test_a_long_error_is_cut_short(self, parked, now):
        EventDelivery.objects.filter(id=parked.id).update(last_error="x" * 5000)

        (row,) = dead_letters_get(actor=MANAGER, now=now).parked

        assert len(row.last_error) == 300 and row.last_error.endswith("…")

    def test_pages_through_parked_deliveries_oldest_first(self, emit, broken, now):
        for aggregate_id in "abc":
            emit(aggregate_id)
        outbox_dispatch(now=now)
        outbox_dispatch(now=now + timedelta(minutes=1))

        first = dead_letters_get(actor=MANAGER, now=now, limit=2)
        second = dead_letters_get(actor=MANAGER, now=now, after=first.next_cursor, limit=2)

        assert [r.aggregate_id for r in first.parked + second.parked] == ["a", "b", "c"]
        assert second.next_cursor is None and first.parked_total == 3

    def test_needs_the_manage_events_permission(self, now):
        with pytest.raises(PermissionDenied):
            dead_letters_get(actor=Actor(kind="staff", id="8"), now=now)


class TestRetry:
    def test_queues_the_delivery_again_and_the_next_dispatch_delivers_it_and_its_lane(
        self, parked, broken, now
    ):
        later = now + timedelta(hours=1)
        result = event_delivery_retry(actor=MANAGER, delivery_id=parked.id, now=later)
        broken.failing.clear()

        report = outbox_dispatch(now=later)

        assert result.changed and result.status == DeliveryStatus.PENDING
        assert report.delivered == 3  # its two, and the retry's own event (nobody subscribes)
        assert broken.of("a") == [1, 1, 1, 2]
        assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()

    def test_is_audited_in_its_own_transaction_with_names_and_ids_only(self, parked, now):
        event_delivery_retry(actor=MANAGER, delivery_id=parked.id, now=now)

        entry = AuditEntry.objects.get(action="events.delivery_retried")
        assert (entry.actor_label, entry.target_type, entry.target_id) == (
            "ops",
            "event_delivery",
            str(parked.id),
        )
        assert entry.before == {"status": "parked"}
        assert entry.after["status"] == "pending" and entry.after["subscriber"] == "test.broken"
        assert "cannot handle" not in json.dumps(entry.after)  # the error text may hold anything
        assert OutboxEvent.objects.filter(event_type="core.event_delivery_retried").count() == 1

    def test_one_more_failure_parks_it_again(self, parked, now):
        event_delivery_retry(actor=MANAGER, delivery_id=parked.id, now=now)

        outbox_dispatch(now=now + timedelta(minutes=2))

        parked.refresh_from_db()
        assert (parked.status, parked.attempts) == (DeliveryStatus.PARKED, 3)

    def test_retrying_twice_changes_nothing_the_second_time(self, parked, now):
        event_delivery_retry(actor=MANAGER, delivery_id=parked.id, now=now)

        again = event_delivery_retry(actor=MANAGER, delivery_id=parked.id, now=now)

        assert not again.changed and again.status == DeliveryStatus.PENDING
        assert audit_actions() == ["events.delivery_retried"]

    def test_an_unknown_delivery_is_not_found(self, now):
        with pytest.raises(EventDeliveryNotFound):
            event_delivery_retry(actor=MANAGER, delivery_id=999_999, now=now)

    def test_needs_the_manage_events_permission(self, parked, now):
        with pytest.raises(PermissionDenied):
            event_delivery_retry(actor=Actor(kind="staff", id="8"), delivery_id=parked.id, now=now)

        assert audit_actions() == []


class TestDiscard:
    def test_the_subscriber_never_gets_that_event_and_the_next_one_goes_out(
        self, parked, broken, now
    ):
        later = now + timedelta(hours=1)
        result = event_delivery_discard(actor=MANAGER, delivery_id=parked.id, now=later)
        broken.failing.clear()

        outbox_dispatch(now=later)

        assert result.changed and result.status == DeliveryStatus.DISCARDED
        assert broken.of("a") == [1, 1, 2]
        first, second = OutboxEvent.objects.filter(event_type="test.happened").order_by("id")
        assert first.dispatched_at == later and second.dispatched_at == later
        parked.refresh_from_db()
        assert (parked.status, parked.settled_at) == (DeliveryStatus.DISCARDED, later)

    def test_is_audited_and_discarding_twice_changes_nothing(self, parked, now):
        event_delivery_discard(actor=MANAGER, delivery_id=parked.id, now=now)

        again = event_delivery_discard(actor=MANAGER, delivery_id=parked.id, now=now)

        assert not again.changed and again.status == DeliveryStatus.DISCARDED
        assert audit_actions() == ["events.delivery_discarded"]

    def test_a_delivery_that_is_not_parked_cannot_be_discarded(self, parked, now):
        waiting = EventDelivery.objects.get(status=DeliveryStatus.WAITING)

        result = event_delivery_discard(actor=MANAGER, delivery_id=waiting.id, now=now)

        assert not result.changed and result.status == DeliveryStatus.WAITING


class TestEventsStatusCommand:
    def test_prints_each_subscriber_s_lag(self, parked, now):
        out = StringIO()

        call_command("events", "status", stdout=out)

        header, line = out.getvalue().splitlines()
        assert header.split() == [
            "subscriber",
            "undelivered",
            "oldest",
            "pending",
            "waiting",
            "parked",
        ]
        assert line.split()[:2] == ["test.broken", "2"]
        assert line.split()[-3:] == ["0", "1", "1"]

    def test_json_has_every_number(self, parked, now):
        out = StringIO()

        call_command("events", "status", "--json", stdout=out)

        (row,) = json.loads(out.getvalue())["subscribers"]
        assert row["subscriber"] == "test.broken"
        assert (row["undelivered"], row["pending"], row["waiting"], row["parked"]) == (2, 0, 1, 1)
        assert row["oldest_undelivered_at"] == now.isoformat() and row["registered"] is True

    def test_says_so_when_nobody_subscribes(self):
        out = StringIO()

        call_command("events", "status", stdout=out)

        assert out.getvalue().strip() == "no event subscribers"
