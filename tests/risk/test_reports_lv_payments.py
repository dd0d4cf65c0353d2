"""The large-value step asks payments what became of a movement, not the window entries: a held
transfer's payer side is in the windows from the hold, and a payment failed by an earlier
close-of-business step keeps its entries until the outbox tells risk. Payments' rows are made
directly (their life is tested in tests/payments)."""

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from hujin.core.screening import movement_outcomes
from hujin.payments.models import Payment
from hujin.risk.models_cases import Report
from hujin.risk.reports_lv import lv_reports_write
from tests.risk.lists_helpers import verified_customer
from tests.risk.reports_helpers import movement

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 9, 29)
AT = datetime(2026, 9, 29, 9, tzinfo=SHANGHAI)


@pytest.fixture
def customer(settings, now):
    return verified_customer("李雷", now=now, settings=settings)


@pytest.fixture
def payee(settings, now):
    return verified_customer("韩梅梅", now=now, settings=settings)


def paid(customer_id, status, now) -> Payment:
    payee_id = Payment._meta.get_field("payee").related_model.objects.exclude(
        id=customer_id).values_list("id", flat=True).first()  # fmt: skip
    return Payment.objects.create(
        customer_id=customer_id, payee_id=payee_id, idempotency_key=uuid.uuid4().hex,
        kind="transfer",
        amount=600_000_00, status=status, channel="wallet", hold_transfer_id=uuid.uuid4(),
        created_at=now, updated_at=now,
    )  # fmt: skip


def large_transfer(customer_id, payment: Payment):
    """The payer's side as the screen keeps it: decision and window entry from the hold."""
    decision = movement(customer_id, AT, amount=payment.amount, fired=["LV-IND-DOMESTIC"])
    decision.event = payment.id
    decision.save(update_fields=["event"])
    from hujin.risk.models import WindowEntry

    WindowEntry.objects.filter(subject=str(customer_id)).update(event=payment.id)
    return decision


def set_status(payment: Payment, status: str) -> None:
    Payment.objects.filter(id=payment.id).update(status=status)


def test_payments_tell_each_payment_s_outcome_in_the_core_s_words(customer, payee, now):
    states = ("succeeded", "review", "created", "pending", "unknown", "failed")
    payments = {s: paid(customer, s, now) for s in states}
    stranger = uuid.uuid4()

    told = movement_outcomes([p.id for p in payments.values()] + [stranger])

    assert {s: told[p.id] for s, p in payments.items()} == {
        "succeeded": "done", "review": "held", "created": "pending", "pending": "pending",
        "unknown": "pending", "failed": "failed"}  # fmt: skip
    assert stranger not in told


def test_a_held_transfer_later_rejected_is_never_reported(customer, payee, now):
    held = paid(customer, "review", now)
    large_transfer(customer, held)

    first = lv_reports_write(business_date=DAY, now=now)
    set_status(held, "failed")  # rejected in review; its window entries not yet forgotten
    later = lv_reports_write(business_date=date(2026, 10, 8), now=now)

    assert (first["written"], first["waiting"]) == (0, 1)
    assert (later["written"], later["waiting"], later["not_standing"]) == (0, 0, 1)
    assert not Report.objects.exists()


def test_a_held_transfer_later_released_is_reported_on_its_own_transaction_date(
    customer, payee, now
):
    held = paid(customer, "review", now)
    decision = large_transfer(customer, held)
    lv_reports_write(business_date=DAY, now=now)
    set_status(held, "succeeded")  # released on the 8th of October

    lv_reports_write(business_date=date(2026, 10, 8), now=now)

    report = Report.objects.get()
    assert (report.decision_id, report.occurred_on) == (decision.id, DAY)
    assert report.content["transactions"][0]["status"] == "completed"


def test_a_failure_the_outbox_has_not_told_risk_of_yet_is_not_reported(customer, payee, now):
    failed = paid(customer, "failed", now)
    large_transfer(customer, failed)  # its window entry is still there

    result = lv_reports_write(business_date=DAY, now=now)

    assert (result["written"], result["not_standing"]) == (0, 1)
    assert not Report.objects.exists()


def test_a_payment_on_its_way_waits_for_a_later_run(customer, payee, now):
    large_transfer(customer, paid(customer, "pending", now))

    result = lv_reports_write(business_date=DAY, now=now)

    assert (result["written"], result["waiting"]) == (0, 1)
