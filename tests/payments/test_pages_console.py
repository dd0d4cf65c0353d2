"""The console's payment pages, in English and Chinese: the monitor (matrix clickable into the
list, the unresolved payments by age), the filtered list, one payment, the payments section of a
customer's page, the menu's waiting count; and who may open them."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hujin.payments.channels.sandbox import sandbox_callbacks_run
from hujin.payments.services import topup_request
from tests.payments.conftest import card_number
from tests.payments.money import Payer, open_wallet


def _customer_id(user):
    from hujin.customers.models import Customer

    return Customer.objects.get(user=user).id


@pytest.fixture
def payments(customer, bound_card, sandbox):
    """A top-up settled an hour and a half ago, one pending for two hours, one just asked."""
    now = timezone.now()
    card = bound_card(at=now - timedelta(days=1))
    payer = Payer(customer, card.id, open_wallet(customer, now - timedelta(days=1)))

    def topup(at, amount, key):
        return topup_request(actor=payer.actor, card_id=card.id, amount_minor=amount,
                             idempotency_key=key, now=at)  # fmt: skip

    settled = topup(now - timedelta(minutes=90), 300_00, "settled")
    sandbox_callbacks_run(now=now - timedelta(minutes=90))
    waiting = topup(now - timedelta(hours=2), 1_234_50, "waiting")
    fresh = topup(now - timedelta(seconds=30), 100_00, "fresh")
    return {"settled": settled, "waiting": waiting, "fresh": fresh, "customer": customer}


def _page(client, url, language="en"):
    response = client.get(url, headers={"accept-language": language})
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert 'style="' not in main and not re.search(r"<script>(?!\s*$)", main)
    return html, main


def _outside_technical_details(main: str) -> str:
    return re.sub(r'<details class="technical-details">.*?</details>', "", main, flags=re.S)


class TestMonitorPage:
    def test_shows_the_matrix_and_the_unresolved_payments_oldest_first(self, payments, role_client):
        _, main = _page(role_client("customer_service"), reverse("payments:monitor"))

        assert 'data-testid="payment-matrix"' in main
        assert "1,234.50 CNY" in main and "张*" in main and "张三" not in main
        unresolved = main[main.index("Unresolved") :]
        assert unresolved.index(str(payments["waiting"].id)) < unresolved.index(
            str(payments["fresh"].id)
        )
        assert str(payments["settled"].id) not in unresolved
        assert "2 hours" in unresolved

    def test_a_count_opens_the_list_of_those_payments(self, payments, role_client):
        client = role_client("operations")
        _, main = _page(client, reverse("payments:monitor"))
        link = re.search(r'href="(/payments/monitor/list/\?status=pending&amp;age=1h_1d)"', main)
        assert link, "the pending 1–24 h cell is a link"

        _, listed = _page(client, link.group(1).replace("&amp;", "&"))

        assert str(payments["waiting"].id) in listed
        assert str(payments["fresh"].id) not in listed

    def test_reads_in_chinese(self, payments, role_client):
        _, main = _page(role_client("auditor"), reverse("payments:monitor"), "zh-hans")

        assert "付款监控" in main and "未决付款" in main and "5 分钟内" in main

    def test_the_menu_counts_what_waits_for_over_an_hour(self, payments, role_client):
        html, _ = _page(role_client("customer_service"), reverse("payments:monitor"))

        assert "1 payment unresolved for over an hour" in html


class TestListPage:
    def test_filters_by_kind_status_and_customer(self, payments, role_client):
        customer_id = _customer_id(payments["customer"])
        url = (
            reverse("payments:console_list")
            + f"?kind=topup&status=succeeded&customer={customer_id}"
        )

        _, main = _page(role_client("risk_analyst"), url)

        assert str(payments["settled"].id) in main and str(payments["waiting"].id) not in main
        assert "300.00 CNY" in main
        assert "Customer: " in main and "Every customer" in main

    def test_a_date_that_is_not_one_is_said_and_ignored(self, payments, role_client):
        _, main = _page(
            role_client("risk_analyst"), reverse("payments:console_list") + "?date_from=x"
        )

        assert "Enter a valid date" in main and str(payments["settled"].id) in main

    def test_pages_older_payments(self, payments, role_client, monkeypatch):
        from hujin.payments import views_console

        monkeypatch.setattr(views_console, "PAGE_SIZE", 2)
        client = role_client("operations")
        _, first = _page(client, reverse("payments:console_list"))
        older = re.search(r'rel="next" href="([^"]+)"', first)
        assert older

        _, second = _page(
            client, reverse("payments:console_list") + older.group(1).replace("&amp;", "&")
        )

        assert str(payments["waiting"].id) in second and str(payments["fresh"].id) not in second


class TestPaymentPage:
    def test_shows_the_card_masked_the_history_and_the_ledger_transfers(
        self, payments, role_client
    ):
        url = reverse("payments:console_payment", args=[payments["settled"].id])

        _, main = _page(role_client("compliance_officer"), url)

        visible = _outside_technical_details(main)
        assert "6222 **** ****" in visible and card_number() not in main
        assert "Succeeded" in visible and "Hold posted" in visible and "300.00 CNY" in visible
        assert 'href="/ledger/transfers/' in visible
        assert "payments.topup" not in visible and "payments.topup_request" not in visible
        assert str(payments["settled"].id) not in visible  # ids only in the technical details

    def test_reads_in_chinese(self, payments, role_client):
        url = reverse("payments:console_payment", args=[payments["settled"].id])

        _, main = _page(role_client("compliance_officer"), url, "zh-hans")

        assert "成功" in main and "账本转账" in main

    def test_an_unknown_payment_is_not_found(self, role_client, db):
        import uuid

        client = role_client("operations")

        assert (
            client.get(reverse("payments:console_payment", args=[uuid.uuid4()])).status_code == 404
        )


class TestCustomerPage:
    def test_the_customers_page_lists_their_payments(self, payments, role_client):
        url = reverse("customers:detail", args=[_customer_id(payments["customer"])])

        _, main = _page(role_client("customer_service"), url)

        assert "Payments" in main and "Unresolved: 2" in main
        assert str(payments["waiting"].id) in main and "1,234.50 CNY" in main

    def test_staff_who_may_not_see_payments_see_no_section(self, payments, staff_password):
        from django.contrib.auth.models import Permission

        from hujin.identity.models import User
        from tests.conftest import _mfa_verified_client, _totp_device_confirmed

        user = User.objects.create(username="viewer-only", kind=User.Kind.STAFF, is_staff=True)
        user.user_permissions.add(Permission.objects.get(codename="view_customers"))
        _totp_device_confirmed(user)
        url = reverse("customers:detail", args=[_customer_id(payments["customer"])])

        _, main = _page(_mfa_verified_client(user), url)

        assert str(payments["waiting"].id) not in main


class TestWhoMayOpen:
    @pytest.mark.parametrize("name", ["payments:monitor", "payments:console_list"])
    def test_staff_without_the_permission_and_customers_are_refused(
        self, name, role_client, customer_client
    ):
        assert role_client("product_manager").get(reverse(name)).status_code == 403
        assert customer_client.get(reverse(name)).status_code == 403

    def test_a_payment_is_refused_to_a_customer_even_their_own(self, payments, client):
        client.force_login(payments["customer"])
        url = reverse("payments:console_payment", args=[payments["settled"].id])

        assert client.get(url).status_code == 403
