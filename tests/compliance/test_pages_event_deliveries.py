"""The event-deliveries page: each subscriber's lag, the parked deliveries, retry and discard."""

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hujin.core import subscribers
from hujin.core.events import event_emit, event_subscribe, outbox_dispatch
from hujin.core.models import AuditEntry, DeliveryStatus, EventDelivery, OutboxEvent

pytestmark = pytest.mark.django_db

PAGE = reverse("compliance:events")
MANAGE = "core.manage_events"


def retry_url(delivery) -> str:
    return reverse("compliance:event_delivery_retry", args=[delivery.id])


def discard_url(delivery) -> str:
    return reverse("compliance:event_delivery_discard", args=[delivery.id])


class Refuses:
    def __init__(self) -> None:
        self.calls = 0
        self.failing = True

    def __call__(self, event) -> None:
        self.calls += 1
        if self.failing:
            raise ConnectionError("risk engine unreachable at 10.0.0.7 " + "x" * 400)


@pytest.fixture
def refuses(monkeypatch, settings) -> Refuses:
    settings.HUJIN_EVENTS_MAX_ATTEMPTS = 1
    monkeypatch.setattr(subscribers, "_subscribers", {})
    handler = Refuses()
    event_subscribe("ledger.account_opened", handler, name="risk.watch_accounts")
    return handler


@pytest.fixture
def parked(refuses, now) -> EventDelivery:
    for n in (1, 2):
        with transaction.atomic():
            event_emit(
                aggregate_type="ledger_account", aggregate_id="acc-42",
                event_type="ledger.account_opened", payload={"n": n}, occurred_at=now,
            )  # fmt: skip
    outbox_dispatch(now=now)
    return EventDelivery.objects.get(status=DeliveryStatus.PARKED)


@pytest.fixture
def manager(staff_with):
    return staff_with(MANAGE, username="ops")


class TestTheList:
    def test_shows_each_parked_delivery_and_the_subscriber_s_lag(self, manager, parked):
        _, client = manager

        response = client.get(PAGE)

        content = response.content.decode()
        (row,) = response.context["overview"].parked
        assert response.status_code == 200
        assert (row.subscriber, row.event_type, row.aggregate_id) == (
            "risk.watch_accounts",
            "ledger.account_opened",
            "acc-42",
        )
        assert "<code>risk.watch_accounts</code>" in content
        assert "<code>ledger.account_opened</code>" in content
        assert "acc-42" in content and "1 later event waits" in content
        assert "ConnectionError: risk engine unreachable" in content
        assert "x" * 300 not in content  # the error is cut short
        assert parked.parked_at.strftime("%Y-%m-%d %H:%M:%S") in content
        assert retry_url(parked) in content and discard_url(parked) in content
        (lag,) = response.context["overview"].lags
        assert (lag.undelivered, lag.parked, lag.waiting) == (2, 1, 1)

    def test_is_in_chinese_for_a_chinese_browser(self, manager, parked):
        _, client = manager

        content = client.get(PAGE, headers={"accept-language": "zh-Hans"}).content.decode()

        assert "<h1>事件投递</h1>" in content
        assert "已暂停的投递（1）" in content and ">重试</button>" in content
        assert "1 条后续事件在等待" in content

    def test_says_so_when_nothing_is_parked(self, manager, refuses):
        _, client = manager

        content = client.get(PAGE).content.decode()

        assert "No parked deliveries" in content

    def test_is_linked_from_the_console_menu_for_those_who_may_use_it(self, manager, staff_with):
        _, allowed = manager
        _, other = staff_with("core.view_audit", username="auditor")

        assert f'href="{PAGE}"' in allowed.get(PAGE).content.decode()
        assert f'href="{PAGE}"' not in other.get(reverse("compliance:audit")).content.decode()

    def test_refuses_staff_without_the_permission(self, staff_with, parked):
        _, client = staff_with("core.view_audit", username="auditor")

        assert client.get(PAGE).status_code == 403
        assert client.post(retry_url(parked)).status_code == 403
        assert client.post(discard_url(parked)).status_code == 403
        assert EventDelivery.objects.get(id=parked.id).status == DeliveryStatus.PARKED


class TestRetry:
    def test_queues_the_delivery_again_audited_and_the_next_dispatch_delivers(
        self, manager, parked, refuses
    ):
        _, client = manager

        response = client.post(retry_url(parked), follow=True)

        assert response.redirect_chain[-1] == (PAGE, 302)
        assert "Delivery queued again" in response.content.decode()
        parked.refresh_from_db()
        assert parked.status == DeliveryStatus.PENDING
        assert AuditEntry.objects.filter(
            action="events.delivery_retried", target_id=str(parked.id), actor_label="ops"
        ).exists()
        refuses.failing = False
        outbox_dispatch(now=timezone.now())  # the page queued it for the time of the click
        assert refuses.calls == 3  # the first try, the retry, then the event waiting behind it
        assert response.context["overview"].parked == []

    def test_a_second_retry_changes_nothing(self, manager, parked):
        _, client = manager
        client.post(retry_url(parked))

        response = client.post(retry_url(parked), follow=True)

        assert "no longer parked" in response.content.decode()
        assert AuditEntry.objects.filter(action="events.delivery_retried").count() == 1

    def test_only_answers_a_post(self, manager, parked):
        _, client = manager

        assert client.get(retry_url(parked)).status_code == 405
        assert client.get(discard_url(parked)).status_code == 405

    def test_an_unknown_delivery_is_not_found(self, manager):
        _, client = manager

        assert client.post("/compliance/events/deliveries/999999/retry/").status_code == 404
        assert client.post(f"/compliance/events/deliveries/{2**70}/discard/").status_code == 404


class TestDiscard:
    def test_marks_it_discarded_audited_keeping_the_outbox_row(self, manager, parked):
        _, client = manager

        response = client.post(discard_url(parked), follow=True)

        assert "Delivery discarded" in response.content.decode()
        parked.refresh_from_db()
        assert parked.status == DeliveryStatus.DISCARDED
        assert OutboxEvent.objects.filter(id=parked.event_id).exists()
        assert AuditEntry.objects.filter(
            action="events.delivery_discarded", target_id=str(parked.id)
        ).exists()
        # The event behind it is next in line.
        assert EventDelivery.objects.filter(status=DeliveryStatus.PENDING).count() == 1

    def test_a_second_discard_changes_nothing(self, manager, parked):
        _, client = manager
        client.post(discard_url(parked))

        client.post(discard_url(parked))

        assert AuditEntry.objects.filter(action="events.delivery_discarded").count() == 1
