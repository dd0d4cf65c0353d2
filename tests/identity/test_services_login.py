from datetime import timedelta

import pytest

from hujin.core.models import OutboxEvent
from hujin.identity.errors import (
    AccountLocked,
    IpLocked,
    LoginDelayed,
    LoginFailed,
    LoginNotAllowed,
)
from hujin.identity.login import login_customer, login_staff
from hujin.identity.models import AccountThrottle, SecurityEvent
from tests.identity.conftest import CUSTOMER_MOBILE_NATIONAL

pytestmark = pytest.mark.django_db

IP = "203.0.113.20"
UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Safari/604.1"


def attempt(now, password, mobile=CUSTOMER_MOBILE_NATIONAL, ip=IP):
    return login_customer(mobile=mobile, password=password, ip=ip, user_agent=UA, now=now)


def fail(now, times, *, start=0, spacing=timedelta(minutes=1), ip=IP, mobile=None):
    """``times`` wrong passwords, spaced out so that no delay is in the way."""
    for i in range(times):
        with pytest.raises((LoginFailed, LoginDelayed, AccountLocked, IpLocked)):
            attempt(
                now + spacing * (start + i),
                "wrong-password",
                ip=ip,
                **({"mobile": mobile} if mobile else {}),
            )


class TestCustomerLogin:
    def test_the_right_mobile_and_password_give_the_customer(
        self, now, registered_customer, customer_password
    ):
        assert attempt(now, customer_password) == registered_customer

    def test_the_mobile_may_be_typed_in_any_usual_form(
        self, now, registered_customer, customer_password
    ):
        assert attempt(now, customer_password, mobile="+86 138-1234-5678") == registered_customer

    def test_a_wrong_password_and_an_unknown_number_get_the_same_answer(
        self, now, registered_customer
    ):
        with pytest.raises(LoginFailed) as wrong_password:
            attempt(now, "not-the-password")
        with pytest.raises(LoginFailed) as unknown_number:
            attempt(now, "not-the-password", mobile="13999999999")
        with pytest.raises(LoginFailed) as not_a_number:
            attempt(now, "not-the-password", mobile="hello")

        assert wrong_password.value.message == unknown_number.value.message
        assert not_a_number.value.code == "login_failed"

    def test_a_deactivated_customer_cannot_log_in(
        self, now, registered_customer, customer_password
    ):
        registered_customer.is_active = False
        registered_customer.save()

        with pytest.raises(LoginFailed):
            attempt(now, customer_password)

    def test_staff_cannot_log_in_with_the_customer_form(self, now, staff_user, staff_password):
        with pytest.raises(LoginFailed):
            attempt(now, staff_password, mobile="staff")


class TestLockOut:
    def test_the_third_failure_makes_the_next_attempt_wait(self, now, registered_customer):
        fail(now, 3)
        third_at = now + timedelta(minutes=2)

        with pytest.raises(LoginDelayed) as delayed:
            attempt(third_at + timedelta(seconds=2), "wrong-password")

        assert delayed.value.code == "login_delayed"
        assert delayed.value.details["retry_after_seconds"] == 4
        assert "Wait 4 seconds" in delayed.value.message

    def test_the_delay_grows_with_each_failure(self, now, registered_customer):
        fail(now, 4)

        with pytest.raises(LoginDelayed) as delayed:
            attempt(now + timedelta(minutes=3, seconds=1), "wrong-password")

        assert delayed.value.details["retry_after_seconds"] == 10

    def test_while_waiting_even_the_right_password_is_refused(
        self, now, registered_customer, customer_password
    ):
        fail(now, 3)

        with pytest.raises(LoginDelayed):
            attempt(now + timedelta(minutes=2, seconds=1), customer_password)

    def test_five_failures_lock_the_account_for_fifteen_minutes(
        self, now, registered_customer, customer_password
    ):
        fail(now, 4)
        fifth_at = now + timedelta(minutes=4)
        with pytest.raises(AccountLocked) as locked:
            attempt(fifth_at, "wrong-password")

        assert locked.value.code == "account_locked"
        assert locked.value.locked_until == fifth_at + timedelta(minutes=15)
        # 02:19 UTC + 15 min = 10:19 in Shanghai, the customer's clock.
        assert "locked until 10:19" in locked.value.message
        with pytest.raises(AccountLocked):
            attempt(fifth_at + timedelta(minutes=14), customer_password)
        assert attempt(fifth_at + timedelta(minutes=15), customer_password) == registered_customer

    def test_a_lock_out_is_recorded_as_a_security_event_without_personal_data(
        self, now, registered_customer
    ):
        fail(now, 5)

        event = SecurityEvent.objects.get(kind="account_locked")
        assert event.user == registered_customer
        outbox = OutboxEvent.objects.get(event_type="identity.security_event")
        assert outbox.payload["kind"] == "account_locked"
        assert outbox.payload["user_id"] == str(registered_customer.pk)
        assert outbox.payload["ip"] == "203.0.113.x"
        assert "13812345678" not in str(outbox.payload)

    def test_a_successful_log_in_resets_the_count(
        self, now, registered_customer, customer_password
    ):
        fail(now, 2)
        attempt(now + timedelta(minutes=3), customer_password)

        assert not AccountThrottle.objects.exists()
        fail(now, 2, start=4)  # two more: still no delay
        attempt(now + timedelta(minutes=7), customer_password)

    def test_twenty_failures_from_one_ip_in_fifteen_minutes_block_it(
        self, now, registered_customer, customer_password
    ):
        for i in range(20):
            with pytest.raises((LoginFailed, IpLocked)):
                attempt(now + timedelta(seconds=30 * i), "x", mobile=f"1390000{i:04d}")

        with pytest.raises(IpLocked) as blocked:
            attempt(now + timedelta(minutes=10), customer_password)
        assert blocked.value.code == "ip_locked"
        assert blocked.value.locked_until == now + timedelta(minutes=15)
        assert SecurityEvent.objects.filter(kind="ip_locked").count() == 1
        # Another address is not affected; the blocked one is free once the window passes.
        assert attempt(now + timedelta(minutes=10), customer_password, ip="198.51.100.1")
        assert attempt(now + timedelta(minutes=15), customer_password) == registered_customer


class TestStaffLogin:
    def test_staff_log_in_with_their_username(self, now, staff_user, staff_password):
        user = login_staff(username="staff", password=staff_password, ip=IP, user_agent=UA, now=now)
        assert user == staff_user

    def test_a_customer_with_the_right_password_is_not_let_into_the_console(
        self, now, customer_user, staff_password
    ):
        with pytest.raises(LoginNotAllowed) as refused:
            login_staff(username="customer", password=staff_password, ip=IP, user_agent=UA, now=now)
        assert "cannot sign in to the staff console" in refused.value.message

    def test_staff_accounts_are_locked_out_the_same_way(self, now, staff_user, staff_password):
        for i in range(5):
            with pytest.raises((LoginFailed, LoginDelayed, AccountLocked)):
                login_staff(
                    username="staff",
                    password="wrong",
                    ip=IP,
                    user_agent=UA,
                    now=now + timedelta(minutes=i),
                )

        with pytest.raises(AccountLocked):
            login_staff(
                username="staff",
                password=staff_password,
                ip=IP,
                user_agent=UA,
                now=now + timedelta(minutes=5),
            )
