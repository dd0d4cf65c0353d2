"""The demo's payments: three weeks of top-ups, withdrawals and transfers through the sandbox
banks, each kind of ending the pages show, and two reconciled days, one green, one with a break."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from hujin.core import screening
from hujin.core.actors import system_actor
from hujin.demo.customers import CUSTOMERS, WALLET_STATES
from hujin.demo.loader import demo_load
from hujin.demo.payments_history import REVIEW_SCREEN, STORY
from hujin.identity.selectors import customer_actor_get, user_id_for_mobile
from hujin.payments.models import Payment, PaymentChannel
from hujin.payments.models_reconciliation import Break, ReconciliationRun
from hujin.payments.selectors import my_monthly_statement, my_statement_months

pytestmark = pytest.mark.django_db

# This story's payments (the risk step adds its own, "demo-risk-...", after it).
STORY_PAYMENTS = {"idempotency_key__startswith": "demo-payment-"}


@pytest.fixture
def loaded(now, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return demo_load(now=now)


def test_the_customers_pay_in_every_way_and_each_ending_is_there(loaded, now):
    payments = Payment.objects.filter(**STORY_PAYMENTS)
    endings = Counter((p.kind, p.status) for p in payments)

    assert payments.count() == len(STORY)
    assert {kind for kind, _ in endings} == {"topup", "withdrawal", "transfer"}
    assert endings["withdrawal", "failed"] == 1
    assert endings["withdrawal", "pending"] == 1
    assert endings["withdrawal", "review"] == 1
    assert payments.filter(kind="withdrawal", fee__gt=0).exists()
    assert all(p.created_at < now for p in payments)
    assert set(payments.values_list("channel", flat=True)) == {"sandbox", "sandbox-b", "internal"}
    assert set(PaymentChannel.objects.values_list("name", flat=True)) == {"sandbox", "sandbox-b"}


def test_the_held_payment_says_why_and_its_screen_is_gone_after(loaded):
    held = Payment.objects.get(status="review", **STORY_PAYMENTS)

    assert "usual amounts" in str(held.screening.reasons)
    assert REVIEW_SCREEN not in screening._screens


def test_each_month_s_statement_lists_the_movements_in_the_order_they_happened(loaded, now):
    for spec in (spec for spec in CUSTOMERS if spec.state in WALLET_STATES):
        actor = customer_actor_get(actor=system_actor("test"),
                                   user_id=user_id_for_mobile(mobile=spec.mobile))  # fmt: skip
        for month in my_statement_months(actor=actor, now=now):
            lines = my_monthly_statement(actor=actor, month=month, now=now).lines
            times = [line.at for line in lines]

            assert times == sorted(times), (spec.name, month)


def test_two_days_are_reconciled_one_green_and_one_with_a_break(loaded):
    runs = ReconciliationRun.objects.order_by("business_date", "channel")

    assert [(r.channel, r.status, r.green) for r in runs] == [
        ("sandbox", "complete", True),
        ("sandbox-b", "complete", True),
        ("sandbox", "complete", False),
    ]
    assert all(r.residual_minor == 0 for r in runs)
    (gap,) = Break.objects.all()
    assert gap.kind == "missing_in_hujin" and gap.status == "open"


def test_the_ledger_verifies_and_loading_again_pays_nothing_more(loaded, now):
    again = demo_load(now=now)
    out = StringIO()
    call_command("ledger", "verify", stdout=out)

    assert "OK" in out.getvalue()
    assert Payment.objects.filter(**STORY_PAYMENTS).count() == len(STORY)
    assert ReconciliationRun.objects.count() == 3
    assert not any("Payments:" in note for note in again.notes)
