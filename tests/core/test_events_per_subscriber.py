"""Each subscriber gets domain events on its own: its failures, retries, order and dead letters
never touch another subscriber's."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured

from hujin.core.deliveries import retry_delay
from hujin.core.events import DomainEvent, event_subscribe, event_subscribers, outbox_dispatch
from hujin.core.models import DeliveryStatus, EventDelivery, OutboxEvent


class Subscriber:
    """Records what it receives (aggregate, payload "n") and raises while told to."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int]] = []
        self.failing: set[str] = set()  # aggregates it fails; "*": all

    def __call__(self, event: DomainEvent) -> None:
        self.seen.append((event.aggregate_id, event.payload.get("n", 0)))
        if "*" in self.failing or event.aggregate_id in self.failing:
            raise RuntimeError(f"cannot handle {event.aggregate_id}")

    def of(self, aggregate_id: str) -> list[int]:
        return [n for agg, n in self.seen if agg == aggregate_id]


@pytest.fixture
def healthy() -> Subscriber:
    subscriber = Subscriber()
    event_subscribe("test.happened", subscriber, name="test.healthy")
    return subscriber


@pytest.fixture
def broken() -> Subscriber:
    subscriber = Subscriber()
    subscriber.failing.add("*")
    event_subscribe("test.happened", subscriber, name="test.broken")
    return subscriber


@pytest.fixture
def emit_n(emit):
    """``emit_n("a", 1)``: event number 1 of aggregate "a"."""
    return lambda aggregate_id, n, event_type="test.happened": emit(
        aggregate_id, event_type, {"n": n}
    )


def deliveries(subscriber: str) -> list[tuple[int, str]]:
    rows = EventDelivery.objects.filter(subscriber=subscriber).order_by("event_id")
    return [(d.event.payload["n"], d.status) for d in rows.select_related("event")]


def dispatch_until_parked(now, *, times: int) -> None:
    at = now
    for _ in range(times):
        outbox_dispatch(now=at)
        at += timedelta(hours=1)


@pytest.mark.django_db
class TestASubscriberThatAlwaysFails:
    def test_never_delays_another_subscriber_of_the_same_aggregate(
        self, emit_n, healthy, broken, now
    ):
        for n in (1, 2, 3):
            emit_n("a", n)

        report = outbox_dispatch(now=now)

        assert healthy.of("a") == [1, 2, 3]
        assert broken.of("a") == [1]  # 2 and 3 wait behind 1 for it alone
        assert deliveries("test.broken") == [(1, "pending"), (2, "waiting"), (3, "waiting")]
        assert deliveries("test.healthy") == []  # nothing to remember: it took them all
        assert (report.selected, report.delivered, report.failed, report.held_back) == (3, 0, 1, 2)

    def test_events_of_the_same_aggregate_keep_flowing_to_the_healthy_one(
        self, emit_n, healthy, broken, now, settings
    ):
        settings.HUJIN_EVENTS_MAX_ATTEMPTS = 3
        emit_n("a", 1)
        at = now
        for n in (2, 3, 4, 5):
            at += timedelta(hours=1)  # the broken one's retry is due each time, and fails
            emit_n("a", n)
            outbox_dispatch(now=at)

        assert healthy.of("a") == [1, 2, 3, 4, 5]
        assert broken.of("a") == [1, 1, 1]  # tried three times, then parked
        assert EventDelivery.objects.get(subscriber="test.broken", event__payload__n=1).status == (
            DeliveryStatus.PARKED
        )

    def test_other_aggregates_of_the_failing_subscriber_carry_on(self, emit_n, broken, now):
        broken.failing = {"a"}
        emit_n("a", 1)
        emit_n("b", 1)
        emit_n("a", 2)
        emit_n("b", 2)

        outbox_dispatch(now=now)

        assert broken.of("b") == [1, 2]
        assert broken.of("a") == [1]

    def test_the_event_is_dispatched_only_once_every_subscriber_has_it(
        self, emit_n, healthy, broken, now
    ):
        emit_n("a", 1)
        outbox_dispatch(now=now)
        row = OutboxEvent.objects.get()
        assert row.fanned_out_at == now and row.dispatched_at is None
        assert row.last_error == "RuntimeError: cannot handle a"

        broken.failing.clear()
        outbox_dispatch(now=now + timedelta(seconds=15))

        row.refresh_from_db()
        assert row.dispatched_at == now + timedelta(seconds=15)
        assert row.attempts == 2 and row.next_attempt_at is None
        assert healthy.of("a") == [1]  # never again for the healthy one


@pytest.mark.django_db
class TestOrderPerSubscriber:
    def test_a_subscriber_gets_an_aggregate_s_events_in_order_through_its_retries(
        self, emit_n, broken, now
    ):
        for n in (1, 2, 3):
            emit_n("a", n)
        outbox_dispatch(now=now)
        outbox_dispatch(now=now + timedelta(seconds=15))  # fails again: 30 s more
        emit_n("a", 4)
        outbox_dispatch(now=now + timedelta(seconds=20))  # 4 waits too, 1 is not due
        broken.failing.clear()

        report = outbox_dispatch(now=now + timedelta(seconds=45))

        assert broken.of("a") == [1, 1, 1, 2, 3, 4]
        assert report.delivered == 4
        assert deliveries("test.broken") == [(n, "delivered") for n in (1, 2, 3, 4)]

    def test_one_name_on_two_event_types_keeps_one_order_per_aggregate(self, emit_n, now):
        subscriber = Subscriber()
        subscriber.failing.add("a")
        event_subscribe("test.opened", subscriber, name="test.both")
        event_subscribe("test.closed", subscriber, name="test.both")
        emit_n("a", 1, "test.opened")
        emit_n("a", 2, "test.closed")

        outbox_dispatch(now=now)

        assert subscriber.of("a") == [1]
        assert deliveries("test.both") == [(1, "pending"), (2, "waiting")]

    def test_a_long_lane_goes_out_in_one_run_up_to_the_limit_then_carries_on(
        self, emit_n, broken, now
    ):
        for n in range(1, 6):
            emit_n("a", n)
        outbox_dispatch(now=now)
        broken.failing.clear()

        first = outbox_dispatch(now=now + timedelta(seconds=15), limit=3)
        second = outbox_dispatch(now=now + timedelta(seconds=15), limit=3)

        assert (first.delivered, second.delivered) == (3, 2)
        assert broken.of("a") == [1, 1, 2, 3, 4, 5]


@pytest.mark.django_db
class TestParking:
    def test_a_delivery_failing_max_attempts_times_is_parked_and_no_longer_tried(
        self, emit_n, broken, now, settings
    ):
        settings.HUJIN_EVENTS_MAX_ATTEMPTS = 3
        emit_n("a", 1)
        emit_n("a", 2)

        dispatch_until_parked(now, times=3)
        report = outbox_dispatch(now=now + timedelta(days=2))

        parked = EventDelivery.objects.get(status=DeliveryStatus.PARKED)
        assert (parked.attempts, parked.next_attempt_at) == (3, None)
        assert parked.parked_at == now + timedelta(hours=2)
        assert broken.of("a") == [1, 1, 1]
        assert report.selected == 0 and report.held_back == 1  # event 2 still waits
        assert not OutboxEvent.objects.filter(dispatched_at__isnull=False).exists()

    def test_the_report_counts_a_delivery_parked_in_this_run(self, emit_n, broken, now, settings):
        settings.HUJIN_EVENTS_MAX_ATTEMPTS = 2
        emit_n("a", 1)
        outbox_dispatch(now=now)

        report = outbox_dispatch(now=now + timedelta(minutes=1))

        assert (report.failed, report.parked) == (1, 1)


class Releases:
    """A rolling deploy: ``old()`` makes this worker one on the previous release, which has none
    of the subscribers; ``new()`` makes it one on the new release again."""

    def __init__(self, monkeypatch) -> None:
        from hujin.core import subscribers

        self.monkeypatch, self.module = monkeypatch, subscribers
        self.registered = subscribers._subscribers

    def old(self) -> None:
        self.monkeypatch.setattr(self.module, "_subscribers", {})

    def new(self) -> None:
        self.monkeypatch.setattr(self.module, "_subscribers", self.registered)


@pytest.fixture
def releases(monkeypatch) -> Releases:
    return Releases(monkeypatch)


@pytest.mark.django_db
class TestASubscriberThisWorkerDoesNotKnow:
    def test_its_delivery_stays_pending_untried_and_uncounted(
        self, emit_n, broken, now, releases, caplog
    ):
        emit_n("a", 1)
        outbox_dispatch(now=now)  # one failed try
        releases.old()
        later = now + timedelta(minutes=1)

        report = outbox_dispatch(now=later)

        delivery = EventDelivery.objects.get()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
        assert delivery.next_attempt_at == later + retry_delay(1)
        assert delivery.last_error == "no subscriber test.broken for test.happened in this process"
        assert (report.failed, report.parked, report.held_back) == (0, 0, 1)
        assert OutboxEvent.objects.get().next_attempt_at == later + retry_delay(1)
        assert "for test.broken: no such subscriber in this process" in caplog.text

    def test_it_is_never_parked_however_often_it_comes_round(
        self, emit_n, broken, now, releases, settings
    ):
        settings.HUJIN_EVENTS_MAX_ATTEMPTS = 2
        emit_n("a", 1)
        outbox_dispatch(now=now)
        releases.old()

        dispatch_until_parked(now + timedelta(minutes=1), times=5)

        delivery = EventDelivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.parked_at) == ("pending", 1, None)

    def test_a_worker_that_knows_it_delivers_it_and_its_lane(self, emit_n, broken, now, releases):
        emit_n("a", 1)
        emit_n("a", 2)
        outbox_dispatch(now=now)
        releases.old()
        outbox_dispatch(now=now + timedelta(minutes=1))  # left for another worker
        releases.new()
        broken.failing.clear()

        outbox_dispatch(now=now + timedelta(hours=1))

        assert broken.of("a") == [1, 1, 2]  # failed once, then delivered in order
        assert deliveries("test.broken") == [(1, "delivered"), (2, "delivered")]


def on_thing(event: DomainEvent) -> None:
    pass


class TestSubscriberNames:
    def test_a_name_is_made_from_the_handler_when_none_is_given(self):
        name = event_subscribe("test.happened", on_thing)

        assert name == "tests.core.test_events_per_subscriber.on_thing"

    def test_two_handlers_with_one_qualified_name_get_two_names(self):
        first, second = [], []

        names = {event_subscribe("test.happened", x.append) for x in (first, second)}

        assert names == {"builtins.list.append", "builtins.list.append#2"}
        assert event_subscribers("test.happened") == (first.append, second.append)

    def test_subscribing_the_same_handler_again_has_no_effect(self):
        handler = Subscriber()

        first = event_subscribe("test.happened", handler, name="test.one")
        again = event_subscribe("test.happened", handler, name="test.one")

        assert first == again == "test.one"
        assert event_subscribers("test.happened") == (handler,)

    def test_another_handler_under_a_taken_name_is_a_configuration_error(self):
        event_subscribe("test.happened", Subscriber(), name="test.one")

        with pytest.raises(ImproperlyConfigured, match="already"):
            event_subscribe("test.happened", lambda event: None, name="test.one")

    @pytest.mark.parametrize("name", ["", "has space", "x" * 101, "naïve"])
    def test_a_name_must_be_short_plain_text(self, name):
        with pytest.raises(ImproperlyConfigured, match="subscriber name"):
            event_subscribe("test.happened", Subscriber(), name=name)
