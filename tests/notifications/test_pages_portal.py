"""The message centre: the inbox with its unread count and category tabs, a message (opening it
marks it read), "mark all as read", the message settings; customers only, each their own."""

from datetime import timedelta

import pytest
from django.test import Client

from hujin.core.actors import system_actor
from hujin.notifications.models import Message, Preference, Recipient
from hujin.notifications.services import notification_send

pytestmark = pytest.mark.django_db

SYSTEM = system_actor("tests")
INBOX = "/notifications/"


def send(user, now, kind="customers.kyc_verified", **options):
    return notification_send(user_id=user.pk, kind=kind, actor=SYSTEM, now=now, **options)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def inbox_of(customer, no_channels):
    return client_for(customer)


class TestInbox:
    def test_the_top_bar_counts_the_unread_messages(self, customer, inbox_of, now):
        send(customer, now)
        send(customer, now, kind="customers.account_opened")

        page = inbox_of.get(INBOX).content.decode()

        assert '<span class="bar-count">2<' in page
        assert page.count("<strong>") == 2

    def test_messages_are_listed_newest_first(self, customer, inbox_of, now):
        send(customer, now - timedelta(hours=1), kind="customers.kyc_verified")
        send(customer, now, kind="customers.account_opened")

        page = inbox_of.get(INBOX).content.decode()

        assert page.index("Your wallet is open") < page.index("Your identity is verified")

    def test_a_category_tab_shows_only_its_messages(self, customer, inbox_of, now):
        send(customer, now)
        send(customer, now, kind="identity.password_reset", params={"time": "2025-03-14 10:00"})

        page = inbox_of.get(INBOX, {"category": "security"}).content.decode()

        assert "Your password was reset" in page
        assert "Your identity is verified" not in page

    def test_older_messages_are_on_the_next_page(self, customer, inbox_of, now):
        for minutes in range(21):
            send(customer, now + timedelta(minutes=minutes), dedupe_key=str(minutes))
        oldest = Message.objects.order_by("created_at").first()

        first = inbox_of.get(INBOX).content.decode()
        last = Message.objects.order_by("created_at")[1]
        second = inbox_of.get(INBOX, {"before": str(last.id)}).content.decode()

        assert f"/notifications/{oldest.id}/" not in first
        assert 'rel="next"' in first
        assert f"/notifications/{oldest.id}/" in second

    def test_an_empty_inbox_says_so(self, inbox_of):
        assert "No messages yet" in inbox_of.get(INBOX).content.decode()

    def test_mark_all_as_read_clears_the_count(self, customer, inbox_of, now):
        send(customer, now)
        send(customer, now, kind="customers.account_opened")

        response = inbox_of.post("/notifications/read-all/")

        assert response.status_code == 302
        assert not Message.objects.filter(read_at__isnull=True).exists()
        assert "bar-count" not in inbox_of.get(INBOX).content.decode()


class TestMessage:
    def test_opening_a_message_marks_it_read_and_links_to_its_page(self, customer, inbox_of, now):
        result = send(customer, now)

        page = inbox_of.get(f"/notifications/{result.message_id}/").content.decode()

        assert "Your real-name verification has been approved." in page
        assert 'href="/me/status/"' in page
        assert Message.objects.get(pk=result.message_id).read_at is not None

    def test_another_customers_message_is_not_found(self, customer, make_customer, now):
        result = send(customer, now)

        response = client_for(make_customer()).get(f"/notifications/{result.message_id}/")

        assert response.status_code == 404
        assert Message.objects.get(pk=result.message_id).read_at is None

    def test_a_message_shows_in_chinese_to_a_customer_who_reads_chinese(
        self, make_customer, now, no_channels
    ):
        user = make_customer(language="zh-hans")
        result = send(user, now)

        page = (
            client_for(user)
            .get(f"/notifications/{result.message_id}/", headers={"accept-language": "zh-hans"})
            .content.decode()
        )

        assert "实名认证已通过" in page and "查看详情" in page


class TestSettings:
    def test_the_customer_switches_text_messages_off_and_chooses_a_language(
        self, customer, inbox_of
    ):
        page = inbox_of.get("/notifications/settings/").content.decode()
        assert 'value="account.sms" checked' in page

        response = inbox_of.post("/notifications/settings/", {"language": "zh-hans"})

        assert response.status_code == 302
        assert (
            Preference.objects.get(user=customer, category="account", channel="sms").enabled
            is False
        )
        assert Recipient.objects.get(user=customer).language == "zh-hans"

    def test_a_switch_that_is_not_offered_changes_nothing(self, customer, inbox_of):
        inbox_of.post("/notifications/settings/", {"on": "security.sms", "language": "en"})

        assert not Preference.objects.exists()


class TestWhoMayOpen:
    @pytest.mark.parametrize("path", [INBOX, "/notifications/settings/"])
    def test_staff_get_the_forbidden_page(self, staff_client, path):
        assert staff_client.get(path).status_code == 403

    def test_a_visitor_is_sent_to_sign_in(self, client):
        response = client.get(INBOX)

        assert response.status_code == 302 and "/auth/" in response["Location"]
