"""The console's personal-data requests read as words: states as the shared status badges (an
overdue one marked so), times in the business time zone, the customer by masked mobile number;
the customer's login id only in the technical details."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from hujin.privacy.services import data_request_create
from tests.privacy.conftest import make_customer


@pytest.fixture
def handler_client(handler_user) -> Client:
    client = Client()
    client.force_login(handler_user)
    session = client.session
    session["mfa_verified"] = True
    session.save()
    return client


@pytest.fixture
def late_request(db, customer_actor):
    person = make_customer("mobile-customer", mobile="+8613900001234")
    return data_request_create(
        user_id=person.pk, kind="deletion", actor=customer_actor,
        now=timezone.now() - timedelta(days=16),
    )  # fmt: skip


def visible(response) -> str:
    technical = re.compile(r'<details class="technical-details">.*?</details>', re.S)
    html = technical.sub(" ", response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_worklist_shows_states_as_badges_and_due_times_in_shanghai(
    handler_client, late_request
):
    response = handler_client.get("/privacy/requests/")

    html = response.content.decode()
    assert 'data-status="open"' in html and 'data-status="overdue"' in html
    due = late_request.due_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"{due:%Y-%m-%d %H:%M}" in visible(response)
    assert "139****1234" in visible(response)
    assert "<code>139****1234</code>" not in html


def test_a_request_keeps_the_login_id_in_technical_details(handler_client, late_request):
    response = handler_client.get(f"/privacy/requests/{late_request.id}/")

    page = visible(response)
    assert str(late_request.user_id) not in page
    assert str(late_request.user_id) in response.content.decode()
    assert 'data-status="overdue"' in response.content.decode()
