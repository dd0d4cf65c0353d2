"""The hot paths' plain SQL (``hujin.core.sql``): rows read into instances exactly as the ORM
reads them, instances written exactly as the ORM writes them, bad rows refused as the ORM
refuses them, and on PostgreSQL each statement prepared once per connection."""

import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from hujin.core.models import OutboxEvent
from hujin.core.sql import Dialect, hot_insert, hot_models, hot_rows

pytestmark = pytest.mark.django_db

PAYLOAD = {"amount_minor": 12_345, "rate": "0.1200", "parts": [1, {"note": "两笔", "x": None}]}
FIELDS = [f.attname for f in OutboxEvent._meta.concrete_fields]


def _event(now, **changes) -> OutboxEvent:
    values = dict(id=7_000_001, event_id=uuid.uuid4(), aggregate_type="loan",
                  aggregate_id="L-1", event_type="test.happened", payload=PAYLOAD,
                  occurred_at=now, next_attempt_at=now + timedelta(seconds=90))  # fmt: skip
    return OutboxEvent(**{**values, **changes})


def _as_dict(instance) -> dict:
    return {name: getattr(instance, name) for name in FIELDS}


class TestReading:
    def test_an_instance_read_in_plain_sql_equals_the_one_the_orm_reads(self, now):
        OutboxEvent.objects.create(**_as_dict(_event(now)))
        d = Dialect()

        [hot] = hot_models(d, OutboxEvent, "id = %s", [7_000_001])

        orm = OutboxEvent.objects.get(id=7_000_001)
        assert _as_dict(hot) == _as_dict(orm)
        assert hot.payload == PAYLOAD and hot.event_id == orm.event_id
        assert hot.occurred_at == now and hot.occurred_at.tzinfo is not None
        assert not hot._state.adding

    def test_no_row_reads_as_no_instance(self):
        assert hot_models(Dialect(), OutboxEvent, "id = %s", [-1]) == []

    def test_rows_come_back_raw(self, now):
        OutboxEvent.objects.create(**_as_dict(_event(now)))
        d = Dialect()

        [(event_id, aggregate)] = hot_rows(
            d, "SELECT event_id, aggregate_id FROM core_outboxevent WHERE id = %s", [7_000_001]
        )

        assert d.uuid_out(event_id) == OutboxEvent.objects.get().event_id
        assert aggregate == "L-1"


class TestWriting:
    def test_an_instance_written_in_plain_sql_reads_back_through_the_orm_unchanged(self, now):
        event = _event(now)

        with transaction.atomic():
            hot_insert(Dialect(), event)

        assert not event._state.adding
        assert _as_dict(OutboxEvent.objects.get(id=event.id)) == _as_dict(event)

    def test_a_duplicate_is_refused_as_the_orm_refuses_it_and_writes_nothing(self, now):
        first = _event(now)
        with transaction.atomic():
            hot_insert(Dialect(), first)

        with pytest.raises(IntegrityError), transaction.atomic():
            hot_insert(Dialect(), _event(now, id=7_000_002, event_id=first.event_id))

        assert list(OutboxEvent.objects.values_list("id", flat=True)) == [first.id]

    def test_an_instance_without_its_key_is_a_programming_error(self, now):
        with pytest.raises(AssertionError):
            hot_insert(Dialect(), _event(now, id=None))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
class TestPreparing:
    def test_a_hot_statement_is_prepared_once_and_then_reused(self, now):
        sql = "SELECT count(*) FROM core_outboxevent WHERE aggregate_id = %s"
        d = Dialect()

        for _ in range(3):
            hot_rows(d, sql, ["L-1"])

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement = %s",
                ["SELECT count(*) FROM core_outboxevent WHERE aggregate_id = $1"],
            )
            assert cursor.fetchone()[0] == 1
