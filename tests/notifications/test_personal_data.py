"""The notifications module's part of a customer's data: exported with their data download,
bodies dropped when they are anonymised; and nothing a message says reaches the audit trail or
the outbox, which are kept for ever."""

import pytest

from hujin.core.actors import system_actor
from hujin.core.personal_data import personal_data_parts
from hujin.notifications.models import DevEmail, Message
from hujin.notifications.services import (
    deliveries_send,
    message_open,
    notification_send,
    preferences_set,
)
from tests.notifications.conftest import actor_for
from tests.trail_scan import personal_data_in_trail, trail_is_written

pytestmark = pytest.mark.django_db

SYSTEM = system_actor("tests")
REASON = "王小明的证件照片模糊"


def part():
    return next(p for p in personal_data_parts() if p.name == "notifications")


@pytest.fixture
def told(customer, now, no_channels):
    """A customer told of a rejection (with a reason naming them) and of an open wallet."""
    rejected = notification_send(
        user_id=customer.pk, kind="customers.kyc_rejected", params={"reason": REASON},
        actor=SYSTEM, now=now,
    )  # fmt: skip
    notification_send(user_id=customer.pk, kind="customers.account_opened", actor=SYSTEM, now=now)
    message_open(message_id=rejected.message_id, actor=actor_for(customer), now=now)
    return rejected


def test_the_export_holds_the_messages_with_their_words_and_the_settings(customer, told, now):
    preferences_set(switched_on=[], language="zh-hans", actor=actor_for(customer), now=now)

    data = part().export(customer.pk)

    assert data["language"] == "zh-hans"
    assert data["preferences"] == [{"category": "account", "channel": "sms", "enabled": False}]
    kinds = [(m["kind"], m["read_at"] is not None) for m in data["messages"]]
    assert kinds == [("customers.kyc_rejected", True), ("customers.account_opened", False)]
    assert REASON in data["messages"][0]["body"]
    assert {d["channel"] for d in data["messages"][0]["deliveries"]} == {"inbox", "sms"}


def test_anonymising_drops_the_bodies_and_keeps_what_was_sent(customer, told, now):
    part().anonymise(user_id=customer.pk, actor=SYSTEM, now=now)

    kept = Message.objects.filter(recipient=customer).order_by("created_at")
    assert [m.body for m in kept] == ["", ""]
    assert [m.kind for m in kept] == ["customers.kyc_rejected", "customers.account_opened"]


def test_anonymising_forgets_the_development_outbox_copies_of_the_customers_mail(
    customer, now, email_addresses, test_kind
):
    test_kind("tests.receipt", category="money", title="Receipt", body="Paid by %(name)s.",
              channels=("inbox", "email"))  # fmt: skip
    email_addresses[customer.pk] = "wang.xiaoming@example.com"
    notification_send(user_id=customer.pk, kind="tests.receipt", params={"name": "王*"},
                      actor=SYSTEM, now=now)  # fmt: skip
    deliveries_send(now=now)
    assert DevEmail.objects.count() == 1

    part().anonymise(user_id=customer.pk, actor=SYSTEM, now=now)

    assert not DevEmail.objects.exists()


def test_nothing_a_message_says_reaches_the_audit_trail_or_the_outbox(customer, told):
    assert trail_is_written()
    assert personal_data_in_trail([REASON, customer.mobile]) == []


def test_the_part_says_what_is_kept_and_why():
    assert "bodies are dropped" in part().retention
