"""The first users: the events of customers, identity and suitability become messages, driven
through the real services that emit them and the outbox that hands them out. A redelivered
event writes nothing new."""

import pytest
from django.test import Client

from hujin.core.approvals import approval_decide
from hujin.core.events import DomainEvent, outbox_dispatch
from hujin.core.models import OutboxEvent
from hujin.customers.models import Customer
from hujin.customers.services import customer_close, kyc_review_decide, kyc_submit
from hujin.customers.services.status import customer_freeze_request
from hujin.identity.access import customer_actor
from hujin.notifications import handlers
from hujin.notifications.models import Delivery, Message
from hujin.suitability.services import assessment_submit
from tests.customers.conftest import actor_for, resident_id
from tests.suitability.conftest import answers

pytestmark = pytest.mark.django_db


def dispatch_all(now) -> None:
    """Hand out events until none is left (a handler's event may cause another)."""
    for _ in range(10):
        if outbox_dispatch(now=now).selected == 0:
            return
    raise AssertionError("events kept coming")


def messages_of(user) -> list[tuple[str, str]]:
    return [(m.kind, m.body) for m in Message.objects.filter(recipient=user).order_by("created_at")]


def submit(user, now, number=None):
    return kyc_submit(
        user_id=user.pk,
        document_type="resident_id",
        document_number=number or resident_id("320102", "19880808", "456"),
        legal_name="李四",
        actor=actor_for(user),
        now=now,
    )


@pytest.fixture
def pending(customer, now, manual_provider, no_channels):
    application = submit(customer, now)
    dispatch_all(now)
    return application


@pytest.fixture
def with_wallet(customer, now, simulated_provider, consents, no_channels):
    """A verified customer whose wallet is open (every consent given)."""
    consents.outstanding = []
    submit(customer, now, number=resident_id())
    dispatch_all(now)
    return Customer.objects.get(user=customer)


class TestCustomersEvents:
    def test_an_approved_verification_tells_the_customer(self, customer, pending, officer, now):
        kyc_review_decide(
            application_id=pending.id, approve=True, reason="", actor=officer, now=now
        )

        dispatch_all(now)

        assert ("customers.kyc_verified", "Your real-name verification has been approved.") in (
            messages_of(customer)
        )

    def test_a_rejection_tells_the_customer_why(self, customer, pending, officer, now):
        kyc_review_decide(
            application_id=pending.id,
            approve=False,
            reason="The photo of the ID card is blurred.",
            actor=officer,
            now=now,
        )

        dispatch_all(now)

        assert messages_of(customer) == [
            (
                "customers.kyc_rejected",
                "Reason: The photo of the ID card is blurred. You can correct your details and "
                "apply again.",
            )
        ]

    def test_the_open_wallet_is_announced_with_a_text_message(self, customer, with_wallet):
        kinds = [kind for kind, _body in messages_of(customer)]

        assert kinds == ["customers.kyc_verified", "customers.account_opened"]
        opened = Message.objects.get(kind="customers.account_opened")
        assert set(opened.deliveries.values_list("channel", flat=True)) == {"inbox", "sms"}

    def test_a_freeze_and_an_unfreeze_are_told_as_they_happen(
        self, customer, with_wallet, officer, second_officer, now
    ):
        for freeze in (True, False):
            request = customer_freeze_request(
                customer_id=with_wallet.id, freeze=freeze, reason="check", actor=officer, now=now
            )
            approval_decide(
                actor=second_officer, request_id=request.id, approve=True, reason="ok", now=now
            )

        dispatch_all(now)

        kinds = [kind for kind, _body in messages_of(customer)]
        assert kinds[-2:] == ["customers.account_frozen", "customers.account_unfrozen"]

    def test_a_closed_account_is_told(self, customer, with_wallet, officer, now):
        customer_close(customer_id=with_wallet.id, reason="customer asked", actor=officer, now=now)

        dispatch_all(now)

        assert messages_of(customer)[-1][0] == "customers.account_closed"

    def test_a_redelivered_event_sends_nothing_new(self, customer, pending, officer, now):
        kyc_review_decide(
            application_id=pending.id, approve=True, reason="", actor=officer, now=now
        )
        dispatch_all(now)
        row = OutboxEvent.objects.get(event_type="customers.kyc_verified")

        handlers.on_kyc_verified(DomainEvent.from_row(row))

        assert Message.objects.filter(kind="customers.kyc_verified").count() == 1

    def test_an_event_that_names_only_the_customer_reaches_their_login(
        self, with_wallet, customer, now, no_channels
    ):
        row = OutboxEvent(
            id=2,
            event_id="1b8c2a8e-8f5e-4c57-9d0b-6c1f7e0f4b11",
            aggregate_type="customers.customer",
            aggregate_id=str(with_wallet.id),
            event_type="customers.status_changed",
            payload={"customer_id": str(with_wallet.id), "from": "active", "to": "frozen"},
            occurred_at=now,
        )

        handlers.on_status_changed(DomainEvent.from_row(row, attempts=0))

        assert Message.objects.filter(recipient=customer, kind__contains="frozen").exists()

    def test_an_event_about_an_unknown_customer_is_passed_over(self, now, no_channels):
        row = OutboxEvent(
            id=1,
            event_id="0b8c2a8e-8f5e-4c57-9d0b-6c1f7e0f4b11",
            aggregate_type="customers.customer",
            aggregate_id="5f0c2a8e-8f5e-4c57-9d0b-6c1f7e0f4b11",
            event_type="customers.status_changed",
            payload={"customer_id": "5f0c2a8e-8f5e-4c57-9d0b-6c1f7e0f4b11", "from": "active",
                     "to": "frozen"},
            occurred_at=now,
        )  # fmt: skip

        handlers.on_status_changed(DomainEvent.from_row(row, attempts=0))

        assert not Message.objects.exists()


class TestIdentityEvents:
    def test_a_sign_in_from_a_new_device_is_a_security_message_with_a_text(
        self, customer, staff_password, no_channels, monkeypatch, now
    ):
        from hujin.identity import views_auth

        monkeypatch.setattr(views_auth, "_mfa_required", lambda user: False)
        customer.set_password(staff_password)
        customer.save()
        for agent in ("iPhone Safari", "iPhone Safari", "Windows Chrome"):
            Client().post(
                "/auth/signin/",
                {"mobile": customer.mobile.removeprefix("+86"), "password": staff_password},
                HTTP_USER_AGENT=agent,
            )

        dispatch_all(now)

        message = Message.objects.get(recipient=customer)
        assert (message.kind, message.category) == ("identity.new_sign_in", "security")
        assert "(127.0.0.x)" in message.body
        assert Delivery.objects.get(message=message, channel="sms").status == "skipped"

    def test_a_password_reset_is_told_at_its_time_in_the_business_time_zone(
        self, customer, no_channels, now
    ):
        from hujin.identity.password_reset import (
            password_reset_complete,
            password_reset_start,
            password_reset_verify,
        )
        from hujin.identity.sms import dev_sms_code

        password_reset_start(mobile=customer.mobile, ip="203.0.113.30", now=now)
        code = dev_sms_code(mobile_e164=customer.mobile, purpose="reset")
        challenge = password_reset_verify(mobile_e164=customer.mobile, code=code, now=now)
        password_reset_complete(
            mobile_e164=customer.mobile, challenge_id=challenge.id,
            password="new-camellia-bridge-77", password_confirm="new-camellia-bridge-77",
            ip="203.0.113.30", now=now,
        )  # fmt: skip

        dispatch_all(now)

        message = Message.objects.get(recipient=customer, kind="identity.password_reset")
        assert "reset at 2025-03-14 10:00" in message.body


class TestSuitabilityEvents:
    def test_a_result_names_the_level_and_its_validity_in_the_customers_language(
        self, make_customer, no_channels, now
    ):
        user = make_customer(language="zh-hans")
        assessment = assessment_submit(
            user_id=user.pk,
            answers=answers(),
            actor=customer_actor(user),
            now=now,
        )

        dispatch_all(now)

        message = Message.objects.get(recipient=user)
        assert message.body == (
            f"您的风险承受能力等级为 {assessment.level} 保守型，有效期至 2026-03-14。"
        )
        assert message.url_args == [str(assessment.id)]
