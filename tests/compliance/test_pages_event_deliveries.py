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
        # When it was parked, in the business time zone (02:00 UTC is 10:00 in Shanghai).
        assert "2025-03-14 10:00" in content and parked.parked_at.hour == 2
        assert 'data-status="parked"' in content
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


DISCARD_ALL = reverse("compliance:event_subscriber_discard")
OLD_NAME = "risk.old_watch"


@pytest.fixture
def renamed(parked, refuses, now) -> str:
    """The subscriber's deliveries (acc-42: one parked, one waiting; acc-43: parked) are left
    under the name it had before a release renamed it."""
    with transaction.atomic():
        event_emit(
            aggregate_type="ledger_account", aggregate_id="acc-43",
            event_type="ledger.account_opened", payload={"n": 3}, occurred_at=now,
        )  # fmt: skip
    outbox_dispatch(now=now)
    EventDelivery.objects.update(subscriber=OLD_NAME)
    return OLD_NAME


def statuses() -> list[str]:
    return sorted(EventDelivery.objects.values_list("status", flat=True))


class TestSubscribersThisDeploymentDoesNotKnow:
    def test_are_listed_with_their_count_the_oldest_and_a_discard_all_button(
        self, manager, renamed, now
    ):
        _, client = manager

        response = client.get(PAGE)

        content = response.content.decode()
        (unknown,) = response.context["overview"].unknown
        assert (unknown.subscriber, unknown.deliveries, unknown.oldest_at) == (OLD_NAME, 3, now)
        assert "Deliveries for subscribers this deployment does not know" in content
        assert f'action="{DISCARD_ALL}"' in content
        assert f'name="subscriber" value="{OLD_NAME}"' in content
        assert "Yes, discard all for this subscriber" in content
        assert "its 3 open deliveries" in content

    def test_are_listed_in_chinese_for_a_chinese_browser(self, manager, renamed):
        _, client = manager

        content = client.get(PAGE, headers={"accept-language": "zh-Hans"}).content.decode()

        assert "本部署不认识的订阅方的投递" in content
        assert ">全部放弃…</summary>" in content and "确认放弃该订阅方的全部投递" in content

    def test_are_not_mentioned_while_every_name_is_known(self, manager, parked):
        _, client = manager

        response = client.get(PAGE)

        assert response.context["overview"].unknown == []
        assert "this deployment does not know" not in response.content.decode()

    def test_discard_all_gives_them_up_audited_and_says_so(self, manager, renamed):
        _, client = manager

        response = client.post(DISCARD_ALL, {"subscriber": OLD_NAME}, follow=True)

        assert response.redirect_chain[-1] == (PAGE, 302)
        assert f"Discarded 3 deliveries for {OLD_NAME}" in response.content.decode()
        assert statuses() == ["discarded"] * 3
        assert AuditEntry.objects.filter(
            action="events.subscriber_deliveries_discarded", target_id=OLD_NAME, actor_label="ops"
        ).exists()
        assert response.context["overview"].unknown == []

    def test_a_second_discard_all_changes_nothing_and_says_so(self, manager, renamed):
        _, client = manager
        client.post(DISCARD_ALL, {"subscriber": OLD_NAME})

        response = client.post(DISCARD_ALL, {"subscriber": OLD_NAME}, follow=True)

        assert "has no open deliveries; nothing was changed" in response.content.decode()
        assert AuditEntry.objects.filter(action__startswith="events.subscriber").count() == 1

    def test_a_registered_subscriber_is_refused_with_a_clear_error(self, manager, parked):
        _, client = manager

        response = client.post(DISCARD_ALL, {"subscriber": "risk.watch_accounts"}, follow=True)

        assert "This subscriber is registered in this deployment" in response.content.decode()
        assert statuses() == ["parked", "waiting"]
        assert not AuditEntry.objects.filter(action__startswith="events.").exists()

    def test_the_refusal_is_in_chinese_for_a_chinese_browser(self, manager, parked):
        _, client = manager

        response = client.post(
            DISCARD_ALL, {"subscriber": "risk.watch_accounts"},
            headers={"accept-language": "zh-Hans"}, follow=True,
        )  # fmt: skip

        assert "该订阅方已在本部署中注册" in response.content.decode()

    def test_without_a_name_nothing_changes(self, manager, renamed):
        _, client = manager

        response = client.post(DISCARD_ALL, {"subscriber": ""}, follow=True)

        assert "Choose a subscriber from the list." in response.content.decode()
        assert statuses() == ["parked", "parked", "waiting"]

    def test_only_answers_a_post_by_staff_who_may_manage_events(self, staff_with, renamed):
        _, auditor = staff_with("core.view_audit", username="auditor")
        _, manager = staff_with(MANAGE, username="ops")

        assert auditor.post(DISCARD_ALL, {"subscriber": OLD_NAME}).status_code == 403
        assert manager.get(DISCARD_ALL).status_code == 405
        assert statuses() == ["parked", "parked", "waiting"]
