"""The channels beyond the inbox: the customer's switches, text messages and e-mail sent by a
worker after the commit, each outcome recorded (a failure too, never raised)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from hujin.core.actors import system_actor
from hujin.core.models import AuditEntry
from hujin.identity.sms import SmsSendFailed
from hujin.notifications.channels import email_sender
from hujin.notifications.models import Delivery, DevEmail
from hujin.notifications.services import deliveries_send, notification_send, preferences_set
from tests.notifications.conftest import actor_for

pytestmark = pytest.mark.django_db

SYSTEM = system_actor("tests")


def send(user, now, kind="customers.kyc_verified", **options):
    return notification_send(user_id=user.pk, kind=kind, actor=SYSTEM, now=now, **options)


def state(result, channel):
    delivery = Delivery.objects.get(message_id=result.message_id, channel=channel)
    return delivery.status, delivery.error


@pytest.fixture
def newsletter(test_kind):
    return test_kind(
        "tests.newsletter", category="marketing", title="News", body="Our news.",
        channels=("inbox", "sms", "email"), optional=True,
    )  # fmt: skip


class TestPreferences:
    def test_an_optional_kind_skips_a_channel_the_customer_switched_off(self, customer, now, sms):
        preferences_set(switched_on=[], language="", actor=actor_for(customer), now=now)

        result = send(customer, now)

        assert state(result, "inbox") == ("sent", "")
        assert state(result, "sms") == ("skipped", "preference")

    def test_a_mandatory_kind_goes_out_whatever_the_switches_say(self, customer, now, sms):
        preferences_set(switched_on=[], language="", actor=actor_for(customer), now=now)

        result = send(customer, now, kind="customers.account_frozen")

        assert state(result, "sms") == ("pending", "")

    def test_marketing_waits_for_the_customers_yes(self, customer, now, sms, newsletter):
        before = send(customer, now, kind="tests.newsletter", dedupe_key="1")
        preferences_set(
            switched_on=[("marketing", "sms")], language="", actor=actor_for(customer), now=now
        )
        after = send(customer, now, kind="tests.newsletter", dedupe_key="2")

        assert state(before, "sms") == ("skipped", "preference")
        assert state(after, "sms") == ("pending", "")
        assert state(after, "email") == ("skipped", "preference")


class TestTextMessages:
    def test_the_worker_sends_the_body_in_the_customers_language(self, make_customer, now, sms):
        user = make_customer(language="zh-hans")
        result = send(user, now)

        tried = deliveries_send(now=now)

        assert tried == 1
        assert sms.sent == [
            {
                "user_id": user.pk,
                "text": "您的实名认证已审核通过。",
                "purpose": "customers.kyc_verified",
                "now": now,
            }
        ]
        delivery = Delivery.objects.get(message_id=result.message_id, channel="sms")
        assert (delivery.status, delivery.sent_at, delivery.provider_message_id) == (
            "sent",
            now,
            "sms-1",
        )
        assert AuditEntry.objects.filter(action="notifications.deliver").count() == 1

    def test_a_delivery_is_sent_once(self, customer, now, sms):
        send(customer, now)

        deliveries_send(now=now)
        again = deliveries_send(now=now)

        assert again == 0 and len(sms.sent) == 1

    def test_a_failed_send_is_recorded_and_the_run_carries_on(self, make_customer, now, sms):
        first, second = make_customer(), make_customer()
        failed = send(first, now)
        sms.fail = SmsSendFailed()
        deliveries_send(now=now, message_id=failed.message_id)
        sms.fail = None
        delivered = send(second, now)

        deliveries_send(now=now)

        assert state(failed, "sms") == ("failed", "sms_send_failed")
        assert state(delivered, "sms") == ("sent", "")

    def test_any_error_of_a_provider_is_recorded_by_its_class_only(self, customer, now, sms):
        result = send(customer, now)
        sms.fail = TimeoutError("gateway 10.0.0.7 timed out for +8613700000001")

        deliveries_send(now=now)

        assert state(result, "sms") == ("failed", "TimeoutError")


class TestThroughIdentitysSender:
    def test_a_text_goes_to_the_logins_own_number_through_the_configured_sender(
        self, customer, now
    ):
        from hujin.identity.models import DevSmsMessage

        result = send(customer, now)  # the transport NotificationsConfig.ready sets up
        deliveries_send(now=now)

        assert state(result, "sms") == ("sent", "")
        (text,) = DevSmsMessage.objects.all()
        assert text.to == customer.mobile and "verification has been approved" in text.text

    def test_a_login_without_a_number_fails_that_delivery_only(self, make_customer, now):
        nobody = make_customer(language="en")
        nobody.mobile = ""
        nobody.save()

        result = send(nobody, now)
        deliveries_send(now=now)

        assert state(result, "sms")[0] == "failed"
        assert state(result, "inbox")[0] == "sent"


class TestEmail:
    def test_the_development_sender_keeps_the_mail_in_its_outbox(
        self, customer, now, sms, email_addresses, newsletter
    ):
        email_addresses[customer.pk] = "li.si@example.com"
        preferences_set(
            switched_on=[("marketing", "email")], language="en", actor=actor_for(customer), now=now
        )
        result = send(customer, now, kind="tests.newsletter")

        deliveries_send(now=now)

        mail = DevEmail.objects.get()
        assert (mail.to, mail.subject, mail.text) == ("li.si@example.com", "News", "Our news.")
        delivery = Delivery.objects.get(message_id=result.message_id, channel="email")
        assert delivery.status == "sent" and delivery.provider_message_id == str(mail.id)

    def test_a_customer_without_an_address_gets_no_mail(
        self, customer, now, email_addresses, test_kind
    ):
        test_kind("tests.receipt", category="money", title="Receipt", body="Paid.",
                  channels=("inbox", "email"))  # fmt: skip
        result = send(customer, now, kind="tests.receipt")

        deliveries_send(now=now)

        assert state(result, "email") == ("skipped", "no_address")
        assert not DevEmail.objects.exists()

    def test_the_development_sender_refuses_to_run_in_production(self, settings):
        settings.PROD = True

        with pytest.raises(ImproperlyConfigured, match="development only"):
            email_sender()
