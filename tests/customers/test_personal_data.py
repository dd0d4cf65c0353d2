"""PIPL: the customers module's part of the data export and of anonymisation."""

import pytest

from hujin.core.actors import SYSTEM
from hujin.core.personal_data import personal_data_parts
from hujin.customers.models import Customer, KycApplication
from hujin.customers.personal_data import (
    customer_data_anonymise,
    customer_data_export,
    customer_deletion_blocker,
)
from hujin.customers.selectors import customers_search
from hujin.customers.services import kyc_submit
from hujin.customers.services.status import customer_close
from hujin.customers.services.wallet import wallet_open_if_ready
from hujin.ledger.models import Account
from tests.customers.conftest import actor_for, resident_id

pytestmark = pytest.mark.django_db

NUMBER = resident_id("420102", "19790707", "468")


@pytest.fixture
def customer(customer_user, now, simulated_provider, consents):
    consents.outstanding = []
    kyc_submit(
        user_id=customer_user.pk,
        document_type="resident_id",
        document_number=NUMBER,
        legal_name="钱十一",
        actor=actor_for(customer_user),
        now=now,
    )
    customer = Customer.objects.get(user=customer_user)
    wallet_open_if_ready(customer_id=customer.id, actor=SYSTEM, now=now)
    customer.refresh_from_db()
    return customer


def test_is_registered_with_the_privacy_module():
    assert "customers" in [part.name for part in personal_data_parts()]


def test_the_export_holds_the_profile_and_every_application(customer):
    data = customer_data_export(customer.user_id)

    assert data["customer"]["legal_name"] == "钱十一"
    assert data["customer"]["wallet_account_id"] == str(customer.wallet_account_id)
    (application,) = data["verification_applications"]
    assert application["document_number"] == NUMBER
    assert application["birth_date"] == "1979-07-07"


def test_the_export_holds_the_accounts_and_their_balances(customer):
    (wallet,) = customer_data_export(customer.user_id)["accounts"]

    assert wallet == {
        "account_code": "2001.wallet",
        "currency": "CNY",
        "balance_minor": 0,
        "available_minor": 0,
        "closed": False,
    }


def test_deletion_is_blocked_while_the_account_is_open(customer, officer, now):
    assert customer_deletion_blocker(user_id=customer.user_id)

    customer_close(customer_id=customer.id, reason="asked", actor=officer, now=now)

    assert customer_deletion_blocker(user_id=customer.user_id) is None


def test_anonymising_clears_personal_data_and_keeps_financial_records(customer, officer, now):
    customer_close(customer_id=customer.id, reason="asked", actor=officer, now=now)

    customer_data_anonymise(user_id=customer.user_id, actor=SYSTEM, now=now)

    customer.refresh_from_db()
    application = KycApplication.objects.get(customer=customer)
    assert (customer.legal_name, customer.name_index) == ("", "")
    assert (application.document_number, application.legal_name, application.birth_date) == (
        "",
        "",
        None,
    )
    assert application.status == "verified"  # the fact of verification stays
    assert Account.objects.filter(id=customer.wallet_account_id).exists()
    assert customers_search(actor=officer, query=NUMBER) == []
    assert customers_search(actor=officer, query="钱十一") == []


def test_the_same_document_can_be_verified_again_after_anonymisation(
    customer, officer, make_customer_user, now
):
    customer_close(customer_id=customer.id, reason="asked", actor=officer, now=now)
    customer_data_anonymise(user_id=customer.user_id, actor=SYSTEM, now=now)
    newcomer = make_customer_user()

    application = kyc_submit(
        user_id=newcomer.pk,
        document_type="resident_id",
        document_number=NUMBER,
        legal_name="钱十一",
        actor=actor_for(newcomer),
        now=now,
    )

    assert application.status == "verified"


def test_a_user_without_a_customer_profile_exports_nothing(customer_user):
    assert customer_data_export(customer_user.pk) == {}
