"""Transfers in two round trips (PostgreSQL, outside a transaction): a plain transfer writes
exactly what the general way writes — the payment, the screening decision, the running totals,
the ledger's transfer, the audit entries and the events —; whatever is not plain, or moved
between the read and the booking, goes the general way and is refused or charged as it would
be there; a refusal by the ledger leaves nothing behind."""

import pytest

from hujin.core.audit import audit_verify
from hujin.core.dates import business_date_get
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.ledger.models import FailedTransfer, Transfer
from hujin.payments import errors
from hujin.payments.models import LimitUsage, Payment, Screening
from hujin.payments.services import fee_rule_set, limit_rule_set, transfer_request
from hujin.payments.services import one_call as booking
from hujin.payments.services import transfer as transfer_module
from tests.payments.conftest import actor_for
from tests.payments.money import ledger_is_consistent, open_wallet, wallet
from tests.payments.rules_helpers import OPERATIONS
from tests.payments.test_services_transfer import _fund

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pair(make_customer, now):
    """A payer with ¥500.00 and a payee named 王伟, both with open wallets, on a business day."""
    business_date_get(now=now)
    payer, payee = make_customer(name="张三"), make_customer(name="王伟")
    payer_wallet, payee_wallet = open_wallet(payer, now), open_wallet(payee, now)
    _fund(payer_wallet, 500_00, now)
    return payer, payee, payer_wallet, payee_wallet


def _send(payer, payee, now, amount=100_00, key="one-1"):
    return transfer_request(actor=actor_for(payer), payee_mobile=payee.mobile,
                            amount_minor=amount, idempotency_key=key, now=now)  # fmt: skip


@pytest.fixture
def general_way_forbidden(monkeypatch):
    """Fail the test if the transfer goes the general way."""

    def refuse(*args, **kwargs):
        raise AssertionError("the transfer went the general way")

    monkeypatch.setattr(transfer_module, "_post", refuse)


@pytest.fixture
def general_way_counted(monkeypatch):
    """How many times the transfer went the general way."""
    calls = []
    general = transfer_module._post

    def counted(*args, **kwargs):
        calls.append(args)
        return general(*args, **kwargs)

    monkeypatch.setattr(transfer_module, "_post", counted)
    return calls


def _written(payment_id) -> dict:
    """What booking one transfer wrote, without its ids and times."""
    payment = Payment.objects.get(id=payment_id)
    screening = Screening.objects.get(id=payment.screening_id)
    transfer = Transfer.objects.get(id=payment.hold_transfer_id)
    audits = AuditEntry.objects.filter(target_id__in=[str(payment.id), str(transfer.batch_id)])
    events = OutboxEvent.objects.filter(aggregate_id__in=[str(payment.id), str(transfer.batch_id)])
    return {
        "payment": {f: getattr(payment, f) for f in (
            "customer_id", "payee_id", "kind", "card_id", "amount", "fee", "currency", "status",
            "channel", "channel_reference", "failure_code", "resolution_transfer_id",
            "fee_transfer_id")},
        "finished": payment.finished_at == payment.created_at == payment.updated_at,
        "screening": (screening.customer_id, screening.kind, screening.amount_minor,
                      screening.outcome, screening.reasons, screening.reviewed_by),
        "ledger": (transfer.kind, transfer.debit_account_id, transfer.credit_account_id,
                   transfer.amount, transfer.code, transfer.linked, transfer.actor_kind,
                   transfer.actor_id, transfer.metadata == {"payment_id": str(payment.id)}),
        "audit": sorted((a.action, a.target_type, a.actor_kind, a.actor_id,
                         a.after.get("status"), a.after.get("amount_minor")) for a in audits),
        "chains": len({a.chain for a in audits}),  # one transaction, one chain
        "events": sorted((e.event_type, e.aggregate_type, tuple(sorted(e.payload)))
                         for e in events),
    }  # fmt: skip


class TestAPlainTransfer:
    def test_it_is_booked_without_the_general_way(self, pair, now, general_way_forbidden):
        payer, payee, payer_wallet, payee_wallet = pair

        view = _send(payer, payee, now)

        assert view.status == "succeeded" and view.fee_minor == 0
        assert view.counterparty_name == "王*" and view.channel == "internal"
        assert wallet(payer_wallet)["balance"] == 400_00
        assert wallet(payee_wallet)["balance"] == 100_00

    def test_it_writes_what_the_general_way_writes(self, pair, now, monkeypatch):
        payer, payee, _, _ = pair
        one_call = _send(payer, payee, now, key="one-call")
        monkeypatch.setattr(transfer_module, "transfer_in_one_call", lambda **kwargs: None)
        general = _send(payer, payee, now, key="general")

        written, expected = _written(one_call.id), _written(general.id)

        assert written == expected
        assert len(written["audit"]) == 2 and written["chains"] == 1
        assert LimitUsage.objects.get(period="day").amount_minor == 200_00
        assert LimitUsage.objects.get(period="month").count == 2

    def test_the_audit_trail_and_the_ledger_verify_after_it(self, pair, now):
        payer, payee, _, _ = pair

        for n in range(3):
            _send(payer, payee, now, amount=10_00, key=f"one-{n}")

        assert audit_verify().ok
        assert ledger_is_consistent()

    def test_the_same_key_again_returns_the_first_transfer(self, pair, now):
        payer, payee, payer_wallet, _ = pair

        first = _send(payer, payee, now)
        again = _send(payer, payee, now)

        assert again.id == first.id and Payment.objects.count() == 1
        assert wallet(payer_wallet)["balance"] == 400_00


class TestWhatIsNotPlainGoesTheGeneralWay:
    def test_a_transfer_above_the_daily_limit_is_refused_and_recorded(
        self, pair, now, general_way_counted
    ):
        payer, payee, payer_wallet, _ = pair
        limit_rule_set(actor=OPERATIONS, kind="transfer", level="verified",
                       per_transaction_minor=None, per_day_minor=150_00, per_month_minor=None,
                       now=now)  # fmt: skip
        _send(payer, payee, now, key="first")

        with pytest.raises(errors.LimitExceeded):
            _send(payer, payee, now, key="second")

        assert len(general_way_counted) == 1
        assert Screening.objects.filter(outcome="refuse").count() == 1
        assert wallet(payer_wallet)["balance"] == 400_00

    def test_a_transfer_with_a_fee_is_charged_by_the_general_way(
        self, pair, now, general_way_counted
    ):
        payer, payee, payer_wallet, _ = pair
        fee_rule_set(actor=OPERATIONS, kind="transfer", free_per_month=0, rate="0.01",
                     minimum_minor=1_00, now=now)  # fmt: skip

        view = _send(payer, payee, now)

        assert view.fee_minor == 1_00 and len(general_way_counted) == 1
        assert wallet(payer_wallet)["balance"] == 500_00 - 100_00 - 1_00

    def test_an_unknown_payee_is_told_by_the_general_way(self, pair, now):
        payer, _, _, _ = pair

        with pytest.raises(errors.PayeeNotFound):
            transfer_request(actor=actor_for(payer), payee_mobile="13900000000",
                             amount_minor=1_00, idempotency_key="nobody", now=now)  # fmt: skip


class TestARefusalByTheLedger:
    def test_money_the_wallet_does_not_have_leaves_nothing_behind(
        self, pair, now, general_way_forbidden
    ):
        payer, payee, payer_wallet, _ = pair

        with pytest.raises(errors.InsufficientFunds):
            _send(payer, payee, now, amount=600_00)

        assert not Payment.objects.exists() and not Screening.objects.exists()
        assert not LimitUsage.objects.exists() and not FailedTransfer.objects.exists()
        assert wallet(payer_wallet)["balance"] == 500_00


class TestSomethingMovedBetweenTheReadAndTheBooking:
    """Another transfer of the same payer commits after this one read the totals (made here
    from inside the read-then-book gap, deterministically)."""

    @pytest.fixture
    def meanwhile(self, monkeypatch):
        prepare = booking.transfer_one_call
        pending = []

        def prepare_after_another(**kwargs):
            while pending:
                pending.pop()()
            return prepare(**kwargs)

        monkeypatch.setattr(booking, "transfer_one_call", prepare_after_another)
        return pending

    def test_a_daily_limit_passed_meanwhile_is_refused(self, pair, now, meanwhile):
        payer, payee, payer_wallet, _ = pair
        limit_rule_set(actor=OPERATIONS, kind="transfer", level="verified",
                       per_transaction_minor=None, per_day_minor=150_00, per_month_minor=None,
                       now=now)  # fmt: skip
        meanwhile.append(lambda: _send(payer, payee, now, key="meanwhile"))

        with pytest.raises(errors.LimitExceeded):
            _send(payer, payee, now, key="late")

        assert Payment.objects.get().idempotency_key == "meanwhile"
        assert LimitUsage.objects.get(period="day").amount_minor == 100_00
        assert wallet(payer_wallet)["balance"] == 400_00

    def test_the_last_free_transfer_taken_meanwhile_makes_this_one_pay(self, pair, now, meanwhile):
        payer, payee, payer_wallet, _ = pair
        fee_rule_set(actor=OPERATIONS, kind="transfer", free_per_month=1, rate="0",
                     minimum_minor=2_00, now=now)  # fmt: skip
        meanwhile.append(lambda: _send(payer, payee, now, amount=10_00, key="meanwhile"))

        late = _send(payer, payee, now, amount=10_00, key="late")

        assert late.fee_minor == 2_00
        assert wallet(payer_wallet)["balance"] == 500_00 - 10_00 - 10_00 - 2_00
        assert LimitUsage.objects.get(period="month").count == 2
        assert ledger_is_consistent()

    def test_totals_moved_within_the_limits_book_it_at_once(
        self, pair, now, meanwhile, general_way_counted
    ):
        payer, payee, payer_wallet, _ = pair
        meanwhile.append(lambda: _send(payer, payee, now, amount=10_00, key="meanwhile"))

        _send(payer, payee, now, amount=10_00, key="late")

        assert general_way_counted == []
        assert LimitUsage.objects.get(period="day").amount_minor == 20_00
        assert wallet(payer_wallet)["balance"] == 480_00
