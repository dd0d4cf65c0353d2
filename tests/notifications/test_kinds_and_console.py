"""The registry of kinds (templates as data), where the module's pages are registered, and the
console's development e-mail outbox."""

import pytest

from hujin.core.navigation import console_entries, portal_entries
from hujin.notifications.kinds import notification_kind_get
from hujin.notifications.models import DevEmail


class TestKinds:
    def test_the_inbox_is_always_a_kinds_first_channel(self, test_kind):
        kind = test_kind("tests.alert", category="money", title="t", body="b", channels=("sms",))

        assert kind.channels == ("inbox", "sms")

    def test_registering_the_same_kind_again_is_harmless(self, test_kind):
        test_kind("tests.alert", category="money", title="t", body="b")

        again = test_kind("tests.alert", category="money", title="t", body="b")

        assert notification_kind_get("tests.alert") == again

    def test_another_definition_under_a_taken_key_is_refused(self, test_kind):
        test_kind("tests.alert", category="money", title="t", body="b")

        with pytest.raises(ValueError, match="already registered"):
            test_kind("tests.alert", category="security", title="t", body="b")

    @pytest.mark.parametrize(
        "key, options",
        [
            ("no_module", {"category": "money"}),
            ("tests.alert", {"category": "gossip"}),
            ("tests.alert", {"category": "money", "channels": ("pigeon",)}),
        ],
    )
    def test_an_unknown_category_channel_or_a_bare_key_is_refused(self, test_kind, key, options):
        with pytest.raises(ValueError):
            test_kind(key, title="t", body="b", **options)

    def test_the_first_users_kinds_are_registered_at_start_up(self):
        assert notification_kind_get("customers.account_frozen").optional is False
        assert notification_kind_get("identity.password_reset").category == "security"


class TestNavigation:
    def test_the_message_centre_is_a_bell_in_the_portals_top_bar_with_a_count(self):
        entry = next(e for e in portal_entries("bar") if e.key == "notifications.inbox")

        assert (entry.icon, entry.url_name) == ("bell", "notifications:inbox")
        assert entry.count is not None

    def test_the_settings_are_on_the_me_page(self):
        assert "notifications.preferences" in {e.key for e in portal_entries("me")}

    def test_the_development_outbox_is_in_the_consoles_system_area(self):
        entry = next(e for e in console_entries() if e.key == "notifications.dev_email")

        assert entry.area == "system"


@pytest.mark.django_db
class TestDevelopmentOutbox:
    def test_staff_read_the_kept_mails_with_the_address_masked(self, staff_client, now):
        DevEmail.objects.create(
            to="li.si@example.com", subject="Receipt", text="Paid.", sent_at=now
        )

        page = staff_client.get("/notifications/dev/email/").content.decode()

        assert "Receipt" in page and "Paid." in page
        assert "li.si@example.com" not in page

    def test_there_is_no_development_outbox_in_production(self, staff_client, settings):
        settings.PROD = True

        assert staff_client.get("/notifications/dev/email/").status_code == 404

    def test_customers_may_not_open_it(self, customer):
        from django.test import Client

        client = Client()
        client.force_login(customer)

        assert client.get("/notifications/dev/email/").status_code in (302, 403)


class TestStartUpCheck:
    def test_production_is_warned_of_the_development_email_sender(self, settings):
        from hujin.notifications.checks import email_sender_check

        settings.PROD = True

        assert [m.id for m in email_sender_check()] == ["notifications.W001"]

    def test_a_sender_that_cannot_be_imported_is_an_error(self, settings):
        from hujin.notifications.checks import email_sender_check

        settings.HUJIN_EMAIL_SENDER = "hujin.nowhere.Sender"

        assert [m.id for m in email_sender_check()] == ["notifications.E001"]

    def test_development_needs_nothing_set(self):
        from hujin.notifications.checks import email_sender_check

        assert email_sender_check() == []


class TestAuditTrailNames:
    def test_the_trail_names_this_modules_actions_and_messages(self):
        from django.utils import translation

        from hujin.core.links import audit_action_label, target_type_label

        with translation.override("zh-hans"):
            assert str(audit_action_label("notifications.send")) == "向客户发送消息"
            assert str(target_type_label("notifications.message")) == "客户消息"
