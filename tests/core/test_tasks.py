from datetime import date, datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from hujin.core import tasks
from hujin.core.cob import register_cob_step
from hujin.core.dates import business_date_get
from hujin.core.events import event_emit, event_subscribe
from hujin.core.models import CobRun, OutboxEvent


class TestBusinessCrontab:
    def test_the_default_schedule_is_five_past_midnight_in_shanghai(self):
        matches = tasks.business_crontab(tasks.DEFAULT_COB_CRONTAB)

        # Huey passes naive UTC: 16:05 UTC is 00:05 the next day in Shanghai.
        assert matches(datetime(2025, 3, 13, 16, 5))
        assert not matches(datetime(2025, 3, 13, 0, 5))  # 08:05 in Shanghai
        assert not matches(datetime(2025, 3, 13, 16, 6))

    def test_any_five_field_expression_is_read_in_the_business_time_zone(self):
        weekdays_at_six_pm = tasks.business_crontab("0 18 * * 1-5")

        assert weekdays_at_six_pm(datetime(2025, 3, 14, 10, 0))  # Fri 18:00
        assert not weekdays_at_six_pm(datetime(2025, 3, 15, 10, 0))  # Saturday

    @pytest.mark.parametrize("expression", ["5 0 * *", "5 0 * * * *", "61 0 * * *", "x 0 * * *"])
    def test_a_malformed_expression_is_a_configuration_error(self, expression):
        with pytest.raises(ImproperlyConfigured, match="HUJIN_COB_CRONTAB"):
            tasks.business_crontab(expression)


@pytest.mark.django_db
class TestOutboxTasks:
    def test_the_sweep_delivers_what_the_after_commit_enqueue_missed(self, now):
        seen = []
        event_subscribe("test.happened", seen.append)
        with transaction.atomic():  # inside the test's transaction: on_commit never fires
            event_emit(
                aggregate_type="test",
                aggregate_id="a",
                event_type="test.happened",
                payload={},
                occurred_at=now,
            )

        tasks.outbox_sweep.call_local()

        assert len(seen) == 1
        assert OutboxEvent.objects.get().dispatched_at is not None

    def test_draining_takes_several_batches(self, now, monkeypatch):
        monkeypatch.setattr(tasks, "DISPATCH_BATCH", 2)
        with transaction.atomic():
            for n in range(5):
                event_emit(
                    aggregate_type="test",
                    aggregate_id=str(n),
                    event_type="test.happened",
                    payload={},
                    occurred_at=now,
                )

        assert tasks.outbox_drain() == 5
        assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()

    def test_draining_stops_when_nothing_can_be_delivered(self, now, monkeypatch):
        monkeypatch.setattr(tasks, "DISPATCH_BATCH", 1)
        calls = []

        def always_fails(event):
            calls.append(event.id)
            raise RuntimeError("down")

        event_subscribe("test.happened", always_fails)
        with transaction.atomic():
            for aggregate_id in ("a", "a"):
                event_emit(
                    aggregate_type="test",
                    aggregate_id=aggregate_id,
                    event_type="test.happened",
                    payload={},
                    occurred_at=now,
                )

        # Second batch: the only event left to look at is the failed one, not yet due.
        assert tasks.outbox_drain() == 0
        assert len(calls) == 1


@pytest.mark.django_db
class TestCobScheduled:
    def test_closes_the_business_days_that_have_ended(self, open_day, step_log, monkeypatch):
        open_day(date(2025, 3, 13))
        register_cob_step(name="a.first", order=10, func=step_log.step("a.first"))
        monkeypatch.setattr(
            tasks.timezone, "now", lambda: datetime.fromisoformat("2025-03-13T16:05:00+00:00")
        )

        tasks.cob_scheduled.call_local()

        assert step_log.calls == [("a.first", date(2025, 3, 13))]
        assert business_date_get() == date(2025, 3, 14)
        assert CobRun.objects.get().started_by == "system:cob-scheduler"
