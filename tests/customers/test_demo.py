"""The demo customers: one in each onboarding state, loaded twice without duplicates."""

import io

import pytest

from hujin.customers.models import Customer, KycApplication
from hujin.demo.customers import CUSTOMERS, load_customers

pytestmark = pytest.mark.django_db


def test_loads_customers_in_every_state_and_is_idempotent(now):
    out = io.StringIO()

    load_customers(now=now, stdout=out)
    load_customers(now=now, stdout=io.StringIO())

    assert Customer.objects.count() == len(CUSTOMERS)
    statuses = sorted(Customer.objects.values_list("status", "kyc_status"))
    assert ("frozen", "verified") in statuses
    assert ("active", "pending") in statuses
    assert ("active", "rejected") in statuses
    assert ("active", "unverified") in statuses
    assert Customer.objects.filter(wallet_account_id__isnull=False).count() == 3
    assert KycApplication.objects.filter(kind="enterprise", status="needs_review").count() == 1
    assert "13800138001" in out.getvalue()
