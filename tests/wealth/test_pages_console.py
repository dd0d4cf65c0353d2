"""The console's wealth pages, in English and Chinese: the order monitor (counts by state, the
filters, the orders that need attention, customers' names masked), one order (its ledger
transfers, suitability decision and documents), the income distributions; and who may open
them: the roles that see payments, not a product manager, not a customer."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from hujin.core.dates import business_date_get
from hujin.wealth.models import Order
from hujin.wealth.services import order_subscribe
from tests.products.factories import TODAY, mmf_draft
from tests.products.factories import on_sale as put_on_sale
from tests.wealth.conftest import CHECKER, MAKER, actor_for
from tests.wealth.orders_helpers import acknowledged, funded_wallet, income, wealth_cob

pytestmark = pytest.mark.django_db
EVENING = timedelta(hours=16)
ORDERS = "wealth:console_orders"


@pytest.fixture
def book(make_customer, assessed, make_product, documents_dir, now):
    """A fund purchase (¥1,000.00) still submitted after the close of business, which found no
    NAV for it (its last error says so), and a money-market fund purchase (¥200.00) the close
    of business confirmed; the day's income then distributed to the holder."""
    business_date_get(now=now)
    fund = make_product("R2")
    mmf = put_on_sale(MAKER, CHECKER, mmf_draft(), now)

    def buyer():
        user = make_customer()
        assessed(user, "C3")
        funded_wallet(user, 50_000_00, now)
        return user

    def buy(user, product, amount):
        acknowledged(user, product, now)
        return order_subscribe(actor=actor_for(user), product_id=product.id,
                               amount_minor=amount, idempotency_key="k", now=now)  # fmt: skip

    waiting = buy(buyer(), fund, 1_000_00)
    confirmed = buy(buyer(), mmf, 200_00)
    income(mmf, TODAY, now, "0.5000")
    wealth_cob(TODAY, now + EVENING)
    income(mmf, TODAY + timedelta(days=1), now, "0.6789")
    wealth_cob(TODAY + timedelta(days=1), now + timedelta(days=1) + EVENING)
    return {"fund": fund, "mmf": mmf, "waiting": waiting, "confirmed": confirmed}


def _page(client, url, language="en", status=200):
    response = client.get(url, headers={"accept-language": language})
    assert response.status_code == status, response.status_code
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert 'style="' not in main and not re.search(r"<script>(?!\s*$)", main)
    return html, main


def _visible(main: str) -> str:
    """The page but its technical details (where ids and codes belong)."""
    return re.sub(r'<details class="technical-details">.*?</details>', "", main, flags=re.S)


class TestOrderMonitor:
    def test_counts_the_orders_by_state_and_lists_them_with_names_masked(self, book, role_client):
        _, main = _page(role_client("operations"), reverse(ORDERS))

        counts = main[main.index('data-testid="order-counts"') : main.index("</nav>")]
        assert re.search(r'data-state-count="submitted">.*?<span class="num">1</span>', counts)
        assert re.search(r'data-state-count="confirmed">.*?<span class="num">1</span>', counts)
        table = main[main.index('data-testid="orders"') :]
        assert "Hujin Cash" in table and "Hujin Equity" in table and "HJ-T-" not in table
        assert "1,000.00 CNY" in main and "200.00 CNY" in main
        assert "张*" in main and "张三" not in main
        assert str(book["waiting"].id) in main
        assert "CNY" in main and "U:" not in _visible(main)

    def test_the_customer_links_to_their_page_for_who_may_open_it(self, book, role_client):
        _, main = _page(role_client("customer_service"), reverse(ORDERS))

        assert re.search(r'<a href="/customers/[0-9a-f-]+/">张\*</a>', main)

    def test_an_order_the_close_of_business_could_not_confirm_needs_attention(
        self, book, role_client
    ):
        client = role_client("auditor")

        _, main = _page(client, reverse(ORDERS) + "?attention=on")

        assert str(book["waiting"].id) in main
        assert str(book["confirmed"].id) not in main
        assert 'data-attention="true"' in main
        assert Order.objects.get(id=book["waiting"].id).last_error  # the NAV it waits for

    @pytest.mark.parametrize(
        ("query", "shown", "hidden"),
        [
            ("state=confirmed", "confirmed", "waiting"),
            ("state=submitted", "waiting", "confirmed"),
            ("kind=subscribe", "waiting", None),
            ("date_from=2025-03-14&date_to=2025-03-14", "waiting", None),
        ],
    )
    def test_filters(self, book, role_client, query, shown, hidden):
        _, main = _page(role_client("risk_analyst"), f"{reverse(ORDERS)}?{query}")

        assert str(book[shown].id) in main
        if hidden:
            assert str(book[hidden].id) not in main

    def test_filters_by_product_and_kind_and_date_exclude(self, book, role_client):
        client = role_client("compliance_officer")

        _, of_mmf = _page(client, f"{reverse(ORDERS)}?product={book['mmf'].id}")
        _, redemptions = _page(client, f"{reverse(ORDERS)}?kind=redeem")
        _, later = _page(client, f"{reverse(ORDERS)}?date_from=2025-03-15")

        assert str(book["confirmed"].id) in of_mmf and str(book["waiting"].id) not in of_mmf
        assert "No orders match" in redemptions
        assert "No orders match" in later

    def test_a_malformed_filter_is_shown_and_ignored(self, book, role_client):
        query = "date_from=tomorrow&product=nope&state=lost"

        _, main = _page(role_client("operations"), f"{reverse(ORDERS)}?{query}")

        assert str(book["waiting"].id) in main and str(book["confirmed"].id) in main

    def test_pages_of_orders(self, book, role_client, monkeypatch):
        from hujin.wealth import views_console

        monkeypatch.setattr(views_console, "PAGE_SIZE", 1)
        client = role_client("operations")

        _, first = _page(client, reverse(ORDERS))
        older = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
        _, second = _page(client, reverse(ORDERS) + older)

        assert str(book["confirmed"].id) in first and str(book["waiting"].id) not in first
        assert str(book["waiting"].id) in second and str(book["confirmed"].id) not in second

    def test_reads_in_chinese(self, book, role_client):
        _, main = _page(role_client("auditor"), reverse(ORDERS), "zh-hans")

        assert "互金现金宝" in main and "张*" in main
        assert "需要关注" in main

    def test_the_menu_offers_it_with_the_orders_that_need_attention(self, book, role_client):
        html, _ = _page(role_client("operations"), reverse(ORDERS))

        assert f'href="{reverse(ORDERS)}"' in html
        assert f'href="{reverse("wealth:console_distributions")}"' in html


class TestOrderPage:
    def test_shows_the_transfers_the_suitability_and_the_documents(self, book, role_client):
        order = book["confirmed"]

        _, main = _page(role_client("operations"), reverse("wealth:console_order", args=[order.id]))

        transfers = main[main.index('data-testid="order-transfers"') :]
        assert (
            "Money held in the wallet" in transfers and "Units issued to the holding" in transfers
        )
        assert "200.00 units" in transfers
        assert re.search(r'href="/ledger/transfers/[0-9a-f-]+/"', transfers)
        suitability = main[main.index('data-testid="order-suitability"') :]
        assert "Allowed" in suitability and "C3" in suitability and "R1" in suitability
        documents = main[main.index('data-testid="order-documents"') :]
        assert "Prospectus" in documents and "Risk disclosure" in documents
        assert "张*" in main and "张三" not in main

    def test_the_ledger_is_linked_only_for_who_may_read_it(self, book, role_client):
        order = book["confirmed"]

        _, main = _page(role_client("customer_service"),
                        reverse("wealth:console_order", args=[order.id]))  # fmt: skip

        assert "Money held in the wallet" in main
        assert "/ledger/transfers/" not in main

    def test_an_order_waiting_for_its_price_says_why(self, book, role_client):
        order = book["waiting"]

        _, main = _page(role_client("auditor"), reverse("wealth:console_order", args=[order.id]),
                        "zh-hans")  # fmt: skip

        assert "需要关注" in main and "1,000.00 CNY" in main

    def test_an_unknown_order_is_not_found(self, book, role_client):
        url = reverse("wealth:console_order", args=["00000000-0000-0000-0000-000000000000"])

        assert role_client("operations").get(url).status_code == 404


class TestDistributions:
    def test_lists_each_days_income_per_product(self, book, role_client):
        _, main = _page(role_client("operations"), reverse("wealth:console_distributions"))

        table = main[main.index('data-testid="distributions"') :]
        assert "2025-03-15" in table and "Hujin Cash" in table
        assert "0.6789" in table and "200.00 units" in table
        assert "0.01 CNY" in table  # 200 units × 0.6789 / 10,000 = 1.36 fen, declared 1 fen

    def test_reads_in_chinese(self, book, role_client):
        _, main = _page(role_client("auditor"), reverse("wealth:console_distributions"), "zh-hans")

        assert "互金现金宝" in main


class TestWhoMayOpen:
    PAGES = ("wealth:console_orders", "wealth:console_distributions")

    @pytest.mark.parametrize("name", PAGES)
    def test_a_product_manager_is_refused(self, book, role_client, name):
        assert role_client("product_manager").get(reverse(name)).status_code == 403

    def test_an_order_page_is_refused_to_who_may_not_see_orders(self, book, role_client):
        url = reverse("wealth:console_order", args=[book["waiting"].id])

        assert role_client("product_manager").get(url).status_code == 403

    @pytest.mark.parametrize("name", PAGES)
    def test_a_customer_is_refused(self, customer_client, name):
        assert customer_client.get(reverse(name)).status_code == 403

    @pytest.mark.parametrize("name", PAGES)
    def test_anonymous_visitors_go_to_the_log_in(self, client, name):
        response = client.get(reverse(name))

        assert response.status_code == 302 and "login" in response["Location"]
