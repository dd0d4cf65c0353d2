"""The event-deliveries page on a phone (390 px), in English and in Chinese: a parked delivery is
readable without scrolling sideways, and retry and discard work with a thumb; so does discarding
every delivery of a subscriber this deployment does not know."""

import pytest
from django.db import transaction

from hujin.core import subscribers
from hujin.core.events import event_emit, event_subscribe, outbox_dispatch
from hujin.core.models import DeliveryStatus, EventDelivery

TEXTS = {
    "en": {
        "retry": "Retry", "discard": "Discard…", "yes": "Yes, discard it", "none": "No parked",
        "discard_all": "Discard all…", "yes_all": "Yes, discard all for this subscriber",
        "unknown": "Deliveries for subscribers this deployment does not know",
    },
    "zh-hans": {
        "retry": "重试", "discard": "放弃…", "yes": "确认放弃", "none": "没有暂停的投递",
        "discard_all": "全部放弃…", "yes_all": "确认放弃该订阅方的全部投递",
        "unknown": "本部署不认识的订阅方的投递",
    },
}  # fmt: skip


class Flaky:
    def __init__(self) -> None:
        self.failing = True
        self.delivered: list[str] = []

    def __call__(self, event) -> None:
        if self.failing:
            raise ConnectionError("the risk engine at risk-engine.internal:8443 refused " * 8)
        self.delivered.append(event.aggregate_id)


@pytest.fixture
def flaky(monkeypatch, settings, now) -> Flaky:
    """Two accounts' events parked for "risk.watch_accounts"."""
    settings.HUJIN_EVENTS_MAX_ATTEMPTS = 1
    monkeypatch.setattr(subscribers, "_subscribers", {})
    handler = Flaky()
    event_subscribe("ledger.account_opened", handler, name="risk.watch_accounts")
    for account in ("account-0001", "account-0002"):
        with transaction.atomic():
            event_emit(
                aggregate_type="ledger_account", aggregate_id=account,
                event_type="ledger.account_opened", payload={}, occurred_at=now,
            )  # fmt: skip
    outbox_dispatch(now=now)
    assert EventDelivery.objects.filter(status=DeliveryStatus.PARKED).count() == 2
    return handler


def _fits_the_screen(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


@pytest.mark.parametrize(
    ("locale", "viewport"), [("en", "phone"), ("zh-hans", "phone")], indirect=True
)
def test_a_parked_delivery_is_retried_and_another_discarded_on_a_phone(staff_page, flaky, locale):
    texts = TEXTS[locale]
    page = staff_page
    page.goto("/compliance/events/")

    assert _fits_the_screen(page)
    rows = page.locator("tr[id^=delivery-]")
    assert rows.count() == 2
    assert rows.first.get_by_text("risk.watch_accounts").is_visible()
    retry = rows.first.get_by_role("button", name=texts["retry"], exact=True)
    assert retry.is_visible()

    flaky.failing = False
    with page.expect_navigation():
        retry.click()
    assert flaky.delivered == ["account-0001"]  # the retry went through at once
    assert page.locator("tr[id^=delivery-]").count() == 1

    row = page.locator("tr[id^=delivery-]").first
    row.get_by_text(texts["discard"]).click()
    with page.expect_navigation():
        row.get_by_role("button", name=texts["yes"]).click()

    assert page.get_by_text(texts["none"]).is_visible()
    assert _fits_the_screen(page)
    statuses = sorted(EventDelivery.objects.values_list("status", flat=True))
    assert statuses == [DeliveryStatus.DELIVERED, DeliveryStatus.DISCARDED]


@pytest.mark.parametrize(
    ("locale", "viewport"), [("en", "phone"), ("zh-hans", "phone")], indirect=True
)
def test_every_delivery_of_a_subscriber_no_longer_in_the_code_is_discarded_on_a_phone(
    staff_page, flaky, locale
):
    texts = TEXTS[locale]
    EventDelivery.objects.update(subscriber="risk.watch_accounts_v1")  # renamed in a release
    page = staff_page
    page.goto("/compliance/events/")

    assert _fits_the_screen(page)
    assert page.get_by_role("heading", name=texts["unknown"]).is_visible()
    row = page.locator("tr[id^=unknown-subscriber-]")
    assert row.count() == 1 and row.get_by_text("risk.watch_accounts_v1").is_visible()
    row.get_by_text(texts["discard_all"]).click()
    with page.expect_navigation():
        row.get_by_role("button", name=texts["yes_all"]).click()

    assert page.get_by_role("heading", name=texts["unknown"]).count() == 0
    assert page.get_by_text(texts["none"]).is_visible()
    assert _fits_the_screen(page)
    statuses = set(EventDelivery.objects.values_list("status", flat=True))
    assert statuses == {DeliveryStatus.DISCARDED}
