"""The ledger's pages have one guard, where config/urls.py includes them: an MFA-verified staff
session holding the ledger read permission. Whoever lacks it sees no ledger page."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse

from hujin.core.actors import SYSTEM
from hujin.ledger import views
from hujin.ledger.engine import TransferRequest
from hujin.ledger.services import account_create, transfers_create
from tests.ledger.test_pages_ledger import NOW, TODAY


@pytest.fixture
def pages(db):
    """Every ledger page, as URLs of things that exist (so a 404 could only be a refusal)."""
    bank, _ = account_create(currency="CNY", code="1001.bank", kind="asset", actor=SYSTEM, now=NOW)
    wallet, _ = account_create(currency="CNY", code="2001.wallet", kind="liability",
                               actor=SYSTEM, now=NOW)  # fmt: skip
    move = TransferRequest(id=uuid.uuid4(), kind="single", debit_account_id=bank.id,
                           credit_account_id=wallet.id, amount=100, code="topup")  # fmt: skip
    (result,) = transfers_create(transfers=[move], actor=SYSTEM, now=NOW, business_date=TODAY)
    assert result.ok
    return [
        reverse("ledger:accounts"),
        reverse("ledger:account_detail", args=[wallet.id]),
        reverse("ledger:account_statement", args=[wallet.id]),
        reverse("ledger:transfers"),
        reverse("ledger:transfer_detail", args=[move.id]),
        reverse("ledger:trial_balance"),
    ]


class TestTheLedgerReadPermission:
    def test_staff_without_it_get_403_on_every_ledger_page(self, role_client, pages):
        clerk = role_client("customer_service")
        assert not clerk.user.has_perm("ledger.view_account")

        for url in pages:
            assert clerk.get(url).status_code in (403, 404), url

    def test_staff_with_it_get_every_ledger_page(self, role_client, pages):
        auditor = role_client("auditor")
        assert auditor.user.has_perm("ledger.view_account")

        for url in pages:
            assert auditor.get(url).status_code == 200, url


class TestTheSecondFactor:
    def test_staff_with_the_permission_but_no_verified_session_are_sent_to_verify(
        self, staff_user, pages
    ):
        client = Client()
        client.force_login(staff_user)  # the password, but not yet the TOTP code

        for url in pages:
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("mfa:verify")), url


class TestTheViewsHoldNoGuardOfTheirOwn:
    @pytest.mark.parametrize(
        ("view", "kwargs"),
        [
            (views.accounts, {}),
            (views.transfers, {}),
            (views.trial_balance, {}),
        ],
    )
    def test_a_view_reached_without_the_guard_shows_nothing(self, staff_user, view, kwargs):
        request = RequestFactory().get("/")
        request.user = staff_user  # a superuser, but no Actor handed in by the guard

        with pytest.raises(PermissionDenied):
            view(request, **kwargs)
