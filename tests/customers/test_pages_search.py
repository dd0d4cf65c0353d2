"""The staff customer search: by POST, so a mobile or identity number never travels in a URL
(the access log, the browser's history) and never reaches a log."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from hujin.customers.services import kyc_submit
from tests.customers.conftest import actor_for, resident_id
from tests.plugins.pii_log_scan import pii_samples_add

pytestmark = pytest.mark.django_db

MOBILE = "13611112222"
NUMBER = resident_id("510104", "19830303", "579")
pii_samples_add(MOBILE, NUMBER)


@pytest.fixture
def application(make_customer_user, now, manual_provider, consents):
    user = make_customer_user(f"+86{MOBILE}")
    return kyc_submit(
        user_id=user.pk, document_type="resident_id", document_number=NUMBER,
        legal_name="冯十三", actor=actor_for(user), now=now,
    )  # fmt: skip


@pytest.fixture
def other_customer(make_customer_user, now, manual_provider, consents):
    user = make_customer_user("+8613799990000")
    return kyc_submit(
        user_id=user.pk, document_type="resident_id", document_number=resident_id(seq="580"),
        legal_name="陈十四", actor=actor_for(user), now=now,
    )  # fmt: skip


@pytest.fixture
def client(role_client):
    return role_client("customer_service")


def detail_url(application) -> str:
    return reverse("customers:detail", args=[application.customer_id])


class TestSearchByPost:
    def test_the_form_posts_with_a_csrf_token(self, client):
        html = client.get(reverse("customers:search")).content.decode()

        assert 'method="post"' in html
        assert 'hx-post="/customers/"' in html
        assert "hx-get" not in html and "hx-push-url" not in html
        assert 'name="csrfmiddlewaretoken"' in html

    @pytest.mark.parametrize("query", [MOBILE, "136 1111 2222", NUMBER])
    def test_a_posted_search_finds_the_customer(self, client, application, other_customer, query):
        html = client.post(reverse("customers:search"), {"q": query}).content.decode()

        assert detail_url(application) in html
        assert "137****0000" not in html  # only the match

    def test_an_htmx_search_answers_the_results_only(self, client, application):
        response = client.post(reverse("customers:search"), {"q": MOBILE}, HTTP_HX_REQUEST="true")

        html = response.content.decode()
        assert html.lstrip().startswith('<div id="customer-results">')
        assert detail_url(application) in html

    def test_a_search_without_the_csrf_token_is_refused(self, application, role_client):
        client = role_client("customer_service")
        strict = Client(enforce_csrf_checks=True)
        strict.cookies = client.cookies

        response = strict.post(reverse("customers:search"), {"q": MOBILE})

        assert response.status_code == 403
        assert detail_url(application).encode() not in response.content

    def test_the_results_are_not_cached(self, client, application):
        response = client.post(reverse("customers:search"), {"q": MOBILE})

        assert "no-store" in response["Cache-Control"]


class TestQueryStringsAreIgnored:
    def test_a_get_with_q_is_sent_to_the_bare_page_without_searching(self, client, application):
        response = client.get(reverse("customers:search"), {"q": NUMBER})

        assert response.status_code == 302
        assert response["Location"] == reverse("customers:search")
        assert NUMBER not in response.content.decode()

    def test_the_bare_page_lists_the_newest_customers(self, client, application, other_customer):
        html = client.get(reverse("customers:search"), {"q": NUMBER}, follow=True).content.decode()

        assert NUMBER not in html
        assert detail_url(application) in html
        assert "137****0000" in html


class TestNothingLogged:
    def test_a_search_leaves_no_number_in_any_log(self, client, application, caplog):
        caplog.set_level(logging.DEBUG)

        for query in (MOBILE, NUMBER, "+86 136-1111-2222"):
            client.post(reverse("customers:search"), {"q": query})
            client.post(reverse("customers:search"), {"q": query}, HTTP_HX_REQUEST="true")

        logged = caplog.text
        assert MOBILE not in logged
        assert NUMBER not in logged
        assert "1111-2222" not in logged
