"""The customer portal's shell: tabs (a bottom bar on a phone), the "Me" page, one item current."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer_client(db):
    from hujin.identity.models import User

    client = Client()
    client.force_login(
        User.objects.create(username="c1", kind=User.Kind.CUSTOMER, mobile="+8613900139000")
    )
    return client


def tabs(content: str) -> str:
    return re.search(r'<nav class="portal-tabs".*?</nav>', content, re.DOTALL).group()


class TestPortalTabs:
    def test_offer_home_and_me_with_icons(self, customer_client):
        bar = tabs(customer_client.get("/me/account/").content.decode())

        assert re.search(r'href="/me/"><svg class="icon".*?<span>Home</span>', bar, re.DOTALL)
        assert re.search(r'href="/me/account/" aria-current="page"><svg', bar)

    def test_a_page_listed_on_the_me_page_keeps_the_me_tab_current(self, customer_client):
        bar = tabs(customer_client.get("/auth/sessions/").content.decode())

        assert bar.count('aria-current="page"') == 1
        assert 'href="/me/account/" aria-current="page"' in bar

    def test_speak_chinese(self, customer_client):
        content = customer_client.get(
            "/me/account/", headers={"accept-language": "zh-hans"}
        ).content.decode()

        assert "<span>首页</span>" in tabs(content) and "<span>我的</span>" in tabs(content)


class TestMePage:
    def test_lists_the_customers_own_pages_with_what_each_is_for(self, customer_client):
        content = customer_client.get("/me/account/").content.decode()

        for href, label in [
            ("/me/status/", "Real-name verification"),
            ("/suitability/questionnaire/", "Risk tolerance assessment"),
            ("/privacy/consents/", "Agreements"),
            ("/auth/sessions/", "Login devices"),
            ("/privacy/my-data/", "My personal data"),
        ]:
            assert re.search(
                rf'href="{re.escape(href)}">.*?<span class="menu-list-label">{label}</span>',
                content,
                re.DOTALL,
            ), label
        assert 'action="/auth/logout/"' in content

    def test_shows_who_is_signed_in_by_masked_mobile(self, customer_client):
        content = customer_client.get("/me/account/").content.decode()

        assert "139****9000" in content and "13900139000" not in content

    def test_is_for_customers_only(self, staff_client):
        assert staff_client.get("/me/account/").status_code == 403

    def test_sends_visitors_to_sign_in(self, client):
        response = client.get("/me/account/")

        assert response.status_code == 302 and response["Location"].startswith("/auth/signin/")


class TestTopBarIcons:
    def test_a_registered_icon_shows_in_the_top_bar_with_its_count(self, customer_client):
        from hujin.core.navigation import _portal, portal_entry_register

        portal_entry_register(
            key="test.inbox", label="Messages", url_name="web:portal_me", place="bar",
            icon="bell", count=lambda user: 4,
        )  # fmt: skip
        try:
            content = customer_client.get("/me/").content.decode()
        finally:
            del _portal["test.inbox"]

        icon = re.search(r'<a class="bar-icon" href="/me/account/">.*?</a>', content, re.DOTALL)
        assert icon and '<span class="visually-hidden">Messages</span>' in icon.group()
        assert '<span class="bar-count">4<span class="visually-hidden"> new</span>' in icon.group()
