from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError, transaction

from hujin.core.dates import business_date_get, business_date_set, calendar_date_at
from hujin.core.errors import BusinessDateNotForward, BusinessDateNotSet
from hujin.core.models import AuditEntry, BusinessDate, OutboxEvent


class TestCalendarDateAt:
    def test_reads_the_date_in_the_business_time_zone(self):
        # 16:30 UTC is already 00:30 the next day in Shanghai.
        assert calendar_date_at(datetime(2025, 3, 13, 16, 30, tzinfo=UTC)) == date(2025, 3, 14)
        assert calendar_date_at(datetime(2025, 3, 13, 15, 59, tzinfo=UTC)) == date(2025, 3, 13)

    def test_refuses_a_naive_datetime(self):
        with pytest.raises(ValueError, match="timezone-aware"):
            calendar_date_at(datetime(2025, 3, 13, 12, 0))


@pytest.mark.django_db
class TestBusinessDateGet:
    def test_on_first_use_it_is_created_from_today_in_the_business_time_zone(self):
        late_evening_utc = datetime(2025, 3, 13, 17, 0, tzinfo=UTC)  # 01:00 on the 14th in Shanghai

        assert business_date_get(now=late_evening_utc) == date(2025, 3, 14)

        assert BusinessDate.objects.get().current_date == date(2025, 3, 14)
        audit = AuditEntry.objects.get(action="business_date.initialise")
        assert audit.after == {"current_date": "2025-03-14"}
        assert OutboxEvent.objects.get().event_type == "core.business_date.initialised"

    def test_without_now_a_missing_business_date_is_an_error_not_a_clock_read(self):
        with pytest.raises(BusinessDateNotSet):
            business_date_get()

        assert not BusinessDate.objects.exists()

    def test_once_set_it_ignores_the_wall_clock(self, now):
        business_date_get(now=now)
        months_later = datetime(2025, 9, 1, tzinfo=UTC)

        assert business_date_get(now=months_later) == date(2025, 3, 14)
        assert business_date_get() == date(2025, 3, 14)
        assert AuditEntry.objects.filter(action="business_date.initialise").count() == 1


@pytest.mark.django_db
class TestBusinessDateSet:
    def test_moves_the_date_forward_with_an_audit_entry_and_an_event(self, open_day, actor, now):
        open_day(date(2025, 3, 14))

        assert business_date_set(to_date=date(2025, 3, 15), actor=actor, now=now) == date(
            2025, 3, 15
        )

        assert business_date_get() == date(2025, 3, 15)
        audit = AuditEntry.objects.get(action="business_date.set")
        assert (audit.before, audit.after) == (
            {"current_date": "2025-03-14"},
            {"current_date": "2025-03-15"},
        )
        assert audit.actor_label == "test"
        event = OutboxEvent.objects.get(event_type="core.business_date.advanced")
        assert event.payload == {"from_date": "2025-03-14", "to_date": "2025-03-15"}

    def test_the_first_set_chooses_the_starting_date(self, actor, now):
        business_date_set(to_date=date(2024, 1, 2), actor=actor, now=now)

        assert business_date_get() == date(2024, 1, 2)

    @pytest.mark.parametrize("to_date", [date(2025, 3, 13), date(2025, 3, 14)])
    def test_refuses_to_go_backwards_or_stand_still(self, open_day, actor, now, to_date):
        open_day(date(2025, 3, 14))

        with pytest.raises(BusinessDateNotForward) as raised:
            business_date_set(to_date=to_date, actor=actor, now=now)

        assert raised.value.code == "business_date_not_forward"
        assert business_date_get() == date(2025, 3, 14)
        assert not AuditEntry.objects.filter(action="business_date.set").exists()

    def test_the_database_refuses_to_move_it_backwards_too(self, open_day):
        open_day(date(2025, 3, 14))

        with pytest.raises(IntegrityError), transaction.atomic():
            BusinessDate.objects.update(current_date=date(2025, 3, 13))

        assert business_date_get() == date(2025, 3, 14)
