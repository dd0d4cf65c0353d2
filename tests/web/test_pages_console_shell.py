import re

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer_client(db):
    from hujin.identity.models import User

    client = Client()
    client.force_login(User.objects.create(username="customer", kind=User.Kind.CUSTOMER))
    return client


def nav(content: str) -> str:
    return re.search(r'<nav id="console-nav".*?</nav>', content, re.DOTALL).group()


class TestConsoleHome:
    def test_anonymous_visitors_are_sent_to_log_in(self, client):
        response = client.get("/")

        assert response.status_code == 302
        assert response["Location"] == "/auth/login/?next=/"

    def test_customers_get_the_403_page(self, customer_client):
        response = customer_client.get("/")

        assert response.status_code == 403
        assert b"You cannot open this page" in response.content
        assert b'id="console-nav"' not in response.content

    def test_welcomes_the_staff_member_under_the_product_name(self, staff_client):
        content = staff_client.get("/").content.decode()

        assert "互金" in content and "Hujin" in content
        assert "<h1>Welcome, Staff</h1>" in content

    def test_says_so_when_nothing_waits(self, staff_client):
        content = staff_client.get("/").content.decode()

        assert "Waiting for you" in content and "Nothing waits for you" in content

    def test_shows_the_work_that_waits_for_this_role_with_its_count(self, staff_client):
        from hujin.core.navigation import AREA_OPERATIONS, _console, console_entry_register

        console_entry_register(
            key="test.queue", area=AREA_OPERATIONS, label="Test queue", url_name="web:home",
            waiting=lambda actor: 3, waiting_label="%(n)d things wait",
        )  # fmt: skip
        try:
            content = staff_client.get("/").content.decode()
        finally:
            del _console["test.queue"]

        assert (
            '<a href="/" aria-label="3 things wait"><span class="work-count">3</span> '
            "<span>Test queue</span></a>"
        ) in content
        assert "Nothing waits for you" not in content


class TestConsoleNavigation:
    @override_settings(ROOT_URLCONF="tests.web.urls_with_ledger_pages")
    def test_links_home_the_ledger_pages_and_api_keys_where_they_are_mounted(self, staff_client):
        links = nav(staff_client.get("/").content.decode())

        assert re.search(r'href="/"[^>]*>Home</a>', links)
        for href, label in [
            ("/ledger-pages/accounts/", "Ledger accounts"),
            ("/ledger-pages/transfers/", "Transfers"),
            ("/ledger-pages/trial-balance/", "Trial balance"),
            ("/auth/api-keys/", "API keys"),
        ]:
            assert re.search(rf'href="{re.escape(href)}"[^>]*><span>{label}</span>', links), label

    def test_groups_the_menu_by_area_in_a_fixed_order(self, staff_client):
        links = nav(staff_client.get("/").content.decode())

        areas = re.findall(r'<span class="nav-area-label"[^>]*>([^<]+)</span>', links)
        assert areas == ["Customers", "Money", "Risk and compliance", "Operations", "System"]

    def test_counts_the_work_waiting_beside_its_entry(self, staff_client):
        from hujin.core.navigation import AREA_SYSTEM, _console, console_entry_register

        console_entry_register(
            key="test.queue", area=AREA_SYSTEM, label="Test queue", url_name="web:home",
            waiting=lambda actor: 12, waiting_label="%(n)d wait",
        )  # fmt: skip
        try:
            links = nav(staff_client.get("/auth/api-keys/").content.decode())
        finally:
            del _console["test.queue"]

        assert re.search(r'<span>Test queue</span> <span class="nav-count" title="12 wait">', links)

    @override_settings(ROOT_URLCONF="tests.web.urls_without_ledger_pages")
    def test_leaves_out_pages_whose_urls_do_not_exist_yet(self, staff_client):
        response = staff_client.get("/")

        assert response.status_code == 200
        links = nav(response.content.decode())
        assert "Ledger accounts" not in links  # its page does not exist yet
        assert 'href="/auth/api-keys/"' in links

    def test_marks_the_current_page(self, staff_client):
        links = nav(staff_client.get("/auth/api-keys/").content.decode())

        assert 'href="/auth/api-keys/" aria-current="page"' in links
        assert 'href="/" aria-current="page"' not in links

    def test_hides_api_keys_from_staff_who_may_not_manage_them(self):
        from hujin.identity.models import User

        client = Client()
        client.force_login(User.objects.create(username="clerk", kind=User.Kind.STAFF))
        session = client.session
        session["mfa_verified"] = True  # past the console's second factor
        session.save()

        assert "/auth/api-keys/" not in nav(client.get("/").content.decode())

    def test_has_a_user_menu_that_logs_out_by_post(self, staff_client):
        content = staff_client.get("/").content.decode()

        menu = re.search(r'<details class="user-menu">.*?</details>', content, re.DOTALL).group()
        assert "staff" in menu
        assert '<form method="post" action="/auth/logout/">' in menu


class TestErrorPages:
    @pytest.mark.parametrize("debug", [False, True])
    def test_an_unknown_address_gets_the_styled_404_page_whatever_debug_says(
        self, staff_client, debug
    ):
        with override_settings(DEBUG=debug):
            response = staff_client.get("/no/such/page/")

        assert response.status_code == 404
        content = response.content.decode()
        assert "Page not found" in content and 'class="error-code">404<' in content
        assert "URLconf" not in content  # not Django's technical page listing the patterns
        assert 'href="/">Go to the console home</a>' in content

    def test_the_404_page_speaks_chinese_to_a_chinese_browser(self, client):
        response = client.get("/no/such/page/", headers={"accept-language": "zh-CN"})

        assert "找不到" in response.content.decode() or "页面不存在" in response.content.decode()

    def test_the_api_keeps_its_error_shape_for_an_unknown_path(self, client):
        response = client.get("/api/v1/no-such-thing")

        assert response.status_code == 404
        assert response.json()["error"]["code"]


class TestRecoveryCodesWarning:
    def test_warns_a_staff_member_who_has_no_recovery_code_left(self, staff_client):
        content = staff_client.get("/auth/api-keys/").content.decode()

        assert "You have no recovery codes left" in content
        assert 'href="/auth/mfa/">Make new recovery codes</a>' in content

    def test_is_gone_once_new_codes_are_made(self, staff_client, staff_user, staff_password, now):
        from hujin.identity.mfa.services import recovery_codes_regenerate

        recovery_codes_regenerate(user=staff_user, password=staff_password, now=now)

        assert "recovery codes left" not in staff_client.get("/").content.decode()


class TestMenuCost:
    def test_a_console_page_with_its_menu_and_counts_takes_a_bounded_number_of_queries(
        self, staff_client
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get("/auth/api-keys/").status_code == 200

        # The session, the user and their permissions, the page's own rows, and one COUNT per
        # queue in the menu (identity checks, approvals, personal-data requests, parked events,
        # wealth orders needing attention, with the business date they are measured against,
        # loan applications referred to an analyst, open risk alerts, open risk cases, reports to
        # the authority not yet filed).
        counts = [q["sql"] for q in captured if "COUNT(" in q["sql"].upper()]
        assert len(counts) >= 4
        assert len(captured) <= 31, [q["sql"][:80] for q in captured]
