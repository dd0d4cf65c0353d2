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
        assert "Welcome, Staff." in content
        assert "<h1>Console</h1>" in content


class TestConsoleNavigation:
    @override_settings(ROOT_URLCONF="tests.web.urls_with_ledger_pages")
    def test_links_home_the_ledger_pages_api_keys_and_close_of_business(self, staff_client):
        links = nav(staff_client.get("/").content.decode())

        for href, label in [
            ("/", "Home"),
            ("/ledger-pages/accounts/", "Accounts"),
            ("/ledger-pages/transfers/", "Transfers"),
            ("/ledger-pages/trial-balance/", "Trial balance"),
            ("/auth/api-keys/", "API keys"),
            ("/cob/", "Close of business"),
        ]:
            assert re.search(rf'href="{re.escape(href)}"[^>]*>{label}</a>', links), label

    @override_settings(ROOT_URLCONF="tests.web.urls_without_ledger_pages")
    def test_leaves_out_pages_whose_urls_do_not_exist_yet(self, staff_client):
        response = staff_client.get("/")

        assert response.status_code == 200
        links = nav(response.content.decode())
        assert "Ledger" not in links and "Close of business" not in links
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
    @override_settings(DEBUG=False)
    def test_an_unknown_address_gets_the_404_page(self, staff_client):
        response = staff_client.get("/no/such/page/")

        assert response.status_code == 404
        assert b"Page not found" in response.content
