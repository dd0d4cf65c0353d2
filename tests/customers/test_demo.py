"""The demo customers: one in each onboarding state, loaded twice without duplicates."""

import io

import pytest

from hujin.core.actors import system_actor
from hujin.customers.models import Customer, KycApplication
from hujin.demo.customers import CUSTOMERS, WALLET_STATES, demo_freeze_step, load_customers
from hujin.demo.loader import DemoContext, DemoReport

pytestmark = pytest.mark.django_db


def test_loads_customers_in_every_state_and_is_idempotent(now):
    out = io.StringIO()

    load_customers(now=now, stdout=out)
    load_customers(now=now, stdout=io.StringIO())

    assert Customer.objects.count() == len(CUSTOMERS)
    statuses = sorted(Customer.objects.values_list("status", "kyc_status"))
    assert ("active", "verified") in statuses
    assert ("active", "pending") in statuses
    assert ("active", "rejected") in statuses
    assert ("active", "unverified") in statuses
    with_wallets = [spec for spec in CUSTOMERS if spec.state in WALLET_STATES]
    assert Customer.objects.filter(wallet_account_id__isnull=False).count() == len(with_wallets)
    assert KycApplication.objects.filter(kind="enterprise", status="needs_review").count() == 1
    assert "13800138001" in out.getvalue()
    assert "http://127.0.0.1:8000/auth/signin/" in out.getvalue()


def test_the_freeze_step_freezes_the_frozen_one_once(now):
    load_customers(now=now, stdout=io.StringIO())
    ctx = DemoContext(now=now, actor=system_actor("demo"), report=DemoReport())

    demo_freeze_step(ctx)
    demo_freeze_step(ctx)

    frozen = [spec for spec in CUSTOMERS if spec.state == "frozen"]
    assert Customer.objects.filter(status="frozen", kyc_status="verified").count() == len(frozen)
