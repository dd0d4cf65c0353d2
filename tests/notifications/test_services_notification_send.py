"""notification_send: a message in the recipient's language, in their inbox at once, with a
delivery record per channel, its audit entry and its event, and idempotent per dedupe key."""

import pytest

from hujin.core.models import AuditEntry, OutboxEvent
from hujin.notifications.errors import (
    NotificationParamsInvalid,
    RecipientNotFound,
    UnknownNotificationKind,
)
from hujin.notifications.models import Delivery, Message
from hujin.notifications.services import notification_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def system():
    from hujin.core.actors import system_actor

    return system_actor("tests")


def send(user, system, now, kind="customers.kyc_verified", **options):
    return notification_send(user_id=user.pk, kind=kind, actor=system, now=now, **options)


class TestLanguage:
    def test_the_message_is_written_in_the_language_the_customer_chose(
        self, make_customer, system, now, no_channels
    ):
        chinese, english = make_customer(language="zh-hans"), make_customer(language="en")

        send(chinese, system, now)
        send(english, system, now)

        assert Message.objects.get(recipient=chinese).title == "实名认证已通过"
        assert Message.objects.get(recipient=english).title == "Your identity is verified"

    def test_a_customer_who_chose_no_language_is_written_to_in_chinese(
        self, make_customer, system, now, no_channels
    ):
        user = make_customer()

        send(user, system, now)

        message = Message.objects.get(recipient=user)
        assert message.language == "zh-hans"
        assert message.body == "您的实名认证已审核通过。"

    def test_a_deployment_may_choose_another_default(
        self, make_customer, system, now, settings, no_channels
    ):
        settings.HUJIN_NOTIFICATIONS_LANGUAGE = "en"
        user = make_customer()

        send(user, system, now)

        assert Message.objects.get(recipient=user).title == "Your identity is verified"

    def test_placeholders_are_filled_in_the_recipients_language(
        self, make_customer, system, now, no_channels
    ):
        user = make_customer(language="zh-hans")

        send(user, system, now, kind="customers.kyc_rejected", params={"reason": "照片不清晰"})

        assert Message.objects.get(recipient=user).body.startswith("理由：照片不清晰。")

    def test_a_missing_placeholder_is_refused_and_nothing_is_written(
        self, customer, system, now, no_channels
    ):
        with pytest.raises(NotificationParamsInvalid):
            send(customer, system, now, kind="customers.kyc_rejected")

        assert not Message.objects.exists()


class TestRecord:
    def test_the_inbox_delivery_the_audit_entry_and_the_event_are_written_together(
        self, customer, system, now, no_channels
    ):
        result = send(customer, system, now)

        message = Message.objects.get(pk=result.message_id)
        assert result.created and message.read_at is None
        assert result.deliveries == {"inbox": "sent", "sms": "skipped"}
        entry = AuditEntry.objects.get(action="notifications.send")
        assert entry.target_id == str(message.id)
        assert entry.after["kind"] == "customers.kyc_verified"
        event = OutboxEvent.objects.get(event_type="notifications.sent")
        assert event.payload["message_id"] == str(message.id)
        assert event.payload["user_id"] == str(customer.pk)
        assert "body" not in event.payload and "title" not in event.payload

    def test_the_same_dedupe_key_sends_one_message(self, customer, system, now, no_channels):
        first = send(customer, system, now, dedupe_key="event-1")
        again = send(customer, system, now, dedupe_key="event-1")

        assert again.message_id == first.message_id and not again.created
        assert Message.objects.count() == 1
        assert AuditEntry.objects.filter(action="notifications.send").count() == 1

    def test_a_dedupe_key_is_per_customer(self, make_customer, system, now, no_channels):
        send(make_customer(), system, now, dedupe_key="event-1")
        send(make_customer(), system, now, dedupe_key="event-1")

        assert Message.objects.count() == 2

    def test_an_unknown_kind_is_refused(self, customer, system, now):
        with pytest.raises(UnknownNotificationKind):
            send(customer, system, now, kind="nobody.registered_this")

    def test_staff_receive_no_messages(self, staff_user, system, now):
        with pytest.raises(RecipientNotFound):
            send(staff_user, system, now)

    def test_the_link_keeps_its_arguments(self, customer, system, now, no_channels):
        result = send(
            customer,
            system,
            now,
            kind="suitability.assessed",
            params={"level": "C3", "label": "Balanced", "valid_until": "2026-03-14"},
            link_args=["0b8c2a8e-8f5e-4c57-9d0b-6c1f7e0f4b11"],
        )

        message = Message.objects.get(pk=result.message_id)
        assert message.url_name == "suitability:result"
        assert message.url_args == ["0b8c2a8e-8f5e-4c57-9d0b-6c1f7e0f4b11"]


class TestChannelsAtSend:
    def test_a_text_message_waits_for_a_worker_when_a_transport_is_set(
        self, customer, system, now, sms
    ):
        result = send(customer, system, now)

        assert result.deliveries == {"inbox": "sent", "sms": "pending"}
        assert sms.sent == []  # nothing leaves inside the writer's transaction

    def test_without_a_transport_the_text_message_is_recorded_as_skipped(
        self, customer, system, now, no_channels
    ):
        send(customer, system, now)

        delivery = Delivery.objects.get(channel="sms")
        assert (delivery.status, delivery.error) == ("skipped", "no_transport")

    def test_after_the_commit_a_worker_sends_the_text_message(
        self, customer, system, now, sms, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            result = send(customer, system, now)

        delivery = Delivery.objects.get(message_id=result.message_id, channel="sms")
        assert delivery.status == "sent" and delivery.provider_message_id == "sms-1"
        assert sms.sent[0]["user_id"] == customer.pk
        assert sms.sent[0]["purpose"] == "customers.kyc_verified"
