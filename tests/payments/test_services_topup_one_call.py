"""Top-ups in two round trips (PostgreSQL, outside a transaction): a plain top-up is booked
without the general way and writes exactly what the general way writes — the payment, the
screening decision, the running totals, the ledger's pending credit of the wallet, the audit
entries and the events —; the same key again is the first payment; whatever is not plain goes
the general way and is refused or charged as it would be there."""

import json
import uuid
from dataclasses import asdict

import pytest

from hujin.core.actors import SYSTEM
from hujin.core.audit import audit_verify
from hujin.core.dates import business_date_get
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.customers.models import Customer
from hujin.ledger.models import FailedTransfer, Transfer
from hujin.ledger.services import account_set_closed
from hujin.payments import errors
from hujin.payments.models import LimitUsage, Payment, SandboxInstruction, Screening
from hujin.payments.services import (
    card_bind_begin,
    card_unbind,
    fee_rule_set,
    limit_rule_set,
    topup_request,
)
from hujin.payments.services import one_call as booking
from hujin.payments.services import requests as requests_module
from hujin.payments.services import topup as topup_module
from hujin.payments.services.house import payment_transfer_id
from tests.payments.conftest import MOBILE, card_number
from tests.payments.money import Payer, clearing, ledger_is_consistent, open_wallet, wallet
from tests.payments.rules_helpers import OPERATIONS

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def make_payer(make_customer, bound_card, now):
    """Factory: a verified customer with a bound card and an open (empty) wallet, on a business
    day."""
    business_date_get(now=now)

    def make(name: str = "张三", *, frozen: bool = False) -> Payer:
        user = make_customer(name=name)
        card = bound_card(user=user, name=name)
        if frozen:
            Customer.objects.filter(user=user).update(status="frozen")
        return Payer(user=user, card_id=card.id, wallet_id=open_wallet(user, now, frozen=frozen))

    return make


@pytest.fixture
def payer(make_payer) -> Payer:
    return make_payer()


def _topup(payer: Payer, now, amount=100_00, key="in-1", card_id=None):
    return topup_request(actor=payer.actor, card_id=card_id or payer.card_id, amount_minor=amount,
                         idempotency_key=key, now=now)  # fmt: skip


@pytest.fixture
def general_way_forbidden(monkeypatch):
    """Fail the test if the top-up is booked the general way."""

    def refuse(*args, **kwargs):
        raise AssertionError("the top-up went the general way")

    monkeypatch.setattr(requests_module, "_hold", refuse)


@pytest.fixture
def general_way_counted(monkeypatch):
    """How many times the top-up was booked (or tried) the general way."""
    calls = []
    general = requests_module._hold

    def counted(*args, **kwargs):
        calls.append(args)
        return general(*args, **kwargs)

    monkeypatch.setattr(requests_module, "_hold", counted)
    return calls


@pytest.fixture
def one_call_off(monkeypatch):
    """The top-ups that follow go the general way."""

    def off():
        monkeypatch.setattr(topup_module, "topup_in_one_call", lambda **kwargs: None)

    return off


def _written(payment_id, payer: Payer) -> dict:
    """What one top-up wrote, its ids and its customer's named by their role."""
    payment = Payment.objects.get(id=payment_id)
    customer_id, user_id = payment.customer_id, str(payer.user.pk)
    screening = Screening.objects.get(id=payment.screening_id)
    transfer = Transfer.objects.get(id=payment.hold_transfer_id)
    targets = [str(payment.id), str(transfer.batch_id)]
    audits = AuditEntry.objects.filter(target_id__in=targets)
    events = OutboxEvent.objects.filter(aggregate_id__in=targets)

    def named(value):
        names = {str(payment.id): "the payment", str(customer_id): "the customer",
                 user_id: "the user", str(payer.card_id): "the card",
                 str(transfer.id): "the hold", str(transfer.batch_id): "the batch",
                 payment.channel_reference: "the reference"}  # fmt: skip
        if isinstance(value, list):
            return [named(v) for v in value]
        if isinstance(value, dict):
            return json.dumps({k: named(v) for k, v in value.items()}, sort_keys=True)
        return names.get(str(value), value)

    return {
        "payment": {
            **{f: getattr(payment, f) for f in (
                "kind", "amount", "fee", "currency", "status", "channel", "failure_code",
                "payee_id", "resolution_transfer_id", "fee_transfer_id", "finished_at")},
            "customer": payment.customer_id == payer_customer_id(payer),
            "card": payment.card_id == payer.card_id,
            "key": payment.idempotency_key != "",
            "reference": payment.channel_reference.startswith("sbx-"),
            "hold": payment.hold_transfer_id == payment_transfer_id(payment.id, "hold"),
            "times": payment.created_at <= payment.updated_at,
        },
        "screening": (screening.customer_id == customer_id, screening.kind,
                      screening.amount_minor, screening.outcome, screening.reasons,
                      screening.decided_at == payment.created_at, screening.reviewed_by,
                      screening.reviewed_at, screening.review_note),
        "usage": sorted(
            LimitUsage.objects.filter(customer_id=customer_id)
            .values_list("kind", "period", "starts_on", "amount_minor", "count")
        ),
        "ledger": (transfer.kind, transfer.debit_account_id == clearing().id,
                   transfer.credit_account_id == payer.wallet_id, transfer.amount,
                   transfer.currency, transfer.code, transfer.linked, transfer.pending_id,
                   transfer.timeout_seconds, transfer.expires_at,
                   transfer.metadata == {"payment_id": str(payment.id)},
                   transfer.actor_kind, named(transfer.actor_id),
                   transfer.business_date, transfer.created_at == payment.created_at,
                   transfer.cr_credits_pending, transfer.cr_credits_posted),
        "audit": sorted(
            (a.action, a.target_type, named(a.target_id), a.actor_kind, named(a.actor_id),
             a.actor_label == payer.user.username or a.actor_kind != "customer",
             named(a.before or {}), named(a.after))
            for a in audits
        ),
        "events": sorted(
            (e.event_type, e.aggregate_type, named(e.aggregate_id), tuple(sorted(e.payload)),
             named(e.payload))
            for e in events
        ),
    }  # fmt: skip


def _view(view) -> dict:
    """What the customer is told, but for the payment's own ids."""
    told = asdict(view)
    for own in ("id", "customer_id", "channel_reference"):
        told.pop(own)
    return told


def payer_customer_id(payer: Payer) -> uuid.UUID:
    return Customer.objects.values_list("id", flat=True).get(user=payer.user)


class TestAPlainTopUp:
    def test_it_is_booked_without_the_general_way_and_given_to_the_channel(
        self, payer, now, general_way_forbidden
    ):
        view = _topup(payer, now)

        assert view.status == "pending" and view.channel_reference.startswith("sbx-")
        assert view.fee_minor == 0 and view.channel == "sandbox"
        assert wallet(payer.wallet_id) == {"balance": 0, "held": 0, "incoming": 100_00}
        assert clearing().debits_pending == 100_00
        assert SandboxInstruction.objects.count() == 1
        assert Payment.objects.get(id=view.id).status == "pending"

    def test_it_writes_what_the_general_way_writes(
        self, make_payer, now, one_call_off, general_way_counted
    ):
        one_call_payer, general_payer = make_payer("张三"), make_payer("王伟")
        one_call = _topup(one_call_payer, now, key="one-call")
        assert general_way_counted == []
        one_call_off()
        general = _topup(general_payer, now, key="general")
        assert len(general_way_counted) == 1

        written = _written(one_call.id, one_call_payer)
        expected = _written(general.id, general_payer)

        assert written == expected
        assert _view(one_call) == _view(general)
        actions = [a[0] for a in written["audit"]]
        assert "payments.topup_request" in actions and "ledger.transfers_create" in actions
        assert "payments.payment_requested" in [e[0] for e in written["events"]]
        assert written["usage"][0][3:] == (100_00, 1)
        assert written["ledger"][0] == "pending"

    def test_its_audit_entry_and_ledger_batch_go_on_one_chain(self, payer, now):
        view = _topup(payer, now)

        hold = Transfer.objects.get(id=Payment.objects.get(id=view.id).hold_transfer_id)
        booked = AuditEntry.objects.filter(
            action__in=("payments.topup_request", "ledger.transfers_create"),
            target_id__in=(str(view.id), str(hold.batch_id)),
        )  # fmt: skip
        assert booked.count() == 2 and len({a.chain for a in booked}) == 1

    def test_the_same_key_again_returns_the_first_payment_and_moves_no_more_money(
        self, payer, now, general_way_forbidden
    ):
        first = _topup(payer, now)
        again = _topup(payer, now)

        assert again.id == first.id and again.status == "pending"
        assert Payment.objects.count() == 1 and SandboxInstruction.objects.count() == 1
        assert wallet(payer.wallet_id)["incoming"] == 100_00
        assert LimitUsage.objects.get(period="day").amount_minor == 100_00

    def test_the_same_key_for_another_amount_is_refused(self, payer, now):
        _topup(payer, now)

        with pytest.raises(errors.IdempotencyKeyReused):
            _topup(payer, now, amount=200_00)

        assert Payment.objects.count() == 1
        assert wallet(payer.wallet_id)["incoming"] == 100_00

    def test_a_frozen_customer_may_still_top_up(self, make_payer, now, general_way_forbidden):
        frozen = make_payer(frozen=True)

        view = _topup(frozen, now)

        assert view.status == "pending"
        assert wallet(frozen.wallet_id)["incoming"] == 100_00

    def test_the_audit_trail_and_the_ledger_verify_after_a_few(self, make_payer, now):
        first, second = make_payer("张三"), make_payer("王伟")

        for n in range(3):
            _topup(first, now, amount=10_00 + n, key=f"in-{n}")
        _topup(second, now, amount=5_00)

        assert wallet(first.wallet_id)["incoming"] == 30_03
        assert clearing().debits_pending == 35_03
        assert audit_verify().ok
        assert ledger_is_consistent()


class TestWhatIsNotPlainGoesTheGeneralWay:
    def test_a_top_up_with_a_fee_is_charged_by_the_general_way(
        self, payer, now, general_way_counted
    ):
        fee_rule_set(actor=OPERATIONS, kind="topup", free_per_month=0, rate="0", fixed_minor=2_00,
                     now=now)  # fmt: skip

        view = _topup(payer, now)

        assert view.fee_minor == 2_00 and len(general_way_counted) == 1
        assert wallet(payer.wallet_id)["incoming"] == 98_00
        assert ledger_is_consistent()

    def test_the_months_free_top_ups_are_free_either_way(
        self, make_payer, now, one_call_off, general_way_counted
    ):
        fee_rule_set(actor=OPERATIONS, kind="topup", free_per_month=2, rate="0", fixed_minor=1_00,
                     now=now)  # fmt: skip
        one_call_payer, general_payer = make_payer("张三"), make_payer("王伟")

        one_call = [_topup(one_call_payer, now, key=f"in-{n}").fee_minor for n in range(3)]
        assert len(general_way_counted) == 1  # the third, charged
        one_call_off()
        general = [_topup(general_payer, now, key=f"in-{n}").fee_minor for n in range(3)]

        assert one_call == general == [0, 0, 1_00]
        assert wallet(one_call_payer.wallet_id) == wallet(general_payer.wallet_id)

    def test_a_top_up_past_the_daily_limit_is_refused_and_the_refusal_kept(
        self, payer, now, general_way_counted
    ):
        limit_rule_set(actor=OPERATIONS, kind="topup", per_transaction_minor=None,
                       per_day_minor=150_00, per_month_minor=None, now=now)  # fmt: skip
        _topup(payer, now, key="first")
        assert general_way_counted == []

        with pytest.raises(errors.LimitExceeded):
            _topup(payer, now, key="second")

        assert len(general_way_counted) == 1
        assert Screening.objects.filter(outcome="refuse").count() == 1
        assert Payment.objects.count() == 1
        assert LimitUsage.objects.get(period="day").amount_minor == 100_00
        assert wallet(payer.wallet_id)["incoming"] == 100_00

    def test_a_card_of_another_customer_is_not_found(
        self, payer, make_payer, now, general_way_counted
    ):
        other = make_payer("李四")

        with pytest.raises(errors.CardNotFound):
            _topup(payer, now, card_id=other.card_id)

        assert len(general_way_counted) == 1
        assert not Payment.objects.exists() and not LimitUsage.objects.exists()

    def test_a_card_no_one_has_is_not_found(self, payer, now, general_way_counted):
        with pytest.raises(errors.CardNotFound):
            _topup(payer, now, card_id=uuid.uuid4())

        assert len(general_way_counted) == 1 and not Payment.objects.exists()

    def test_an_unbound_card_is_not_active(self, payer, now, general_way_counted):
        card_unbind(card_id=payer.card_id, actor=payer.actor, now=now)

        with pytest.raises(errors.CardNotActive):
            _topup(payer, now)

        assert len(general_way_counted) == 1
        assert not Payment.objects.exists() and not LimitUsage.objects.exists()

    def test_a_card_not_yet_confirmed_is_not_active(self, payer, now, general_way_counted):
        started = card_bind_begin(number=card_number("622848", serial=9), holder_name="张三",
                                  reserved_mobile=MOBILE, actor=payer.actor, now=now)  # fmt: skip

        with pytest.raises(errors.CardNotActive):
            _topup(payer, now, card_id=started.card.id)

        assert len(general_way_counted) == 1 and not Payment.objects.exists()

    def test_an_unverified_customer_is_told_so(self, make_customer, now, general_way_counted):
        user = make_customer(verified=False)  # no wallet either: it opens on verification
        unverified = Payer(user=user, card_id=uuid.uuid4(), wallet_id=None)

        with pytest.raises(errors.CustomerNotVerified):
            _topup(unverified, now)

        assert general_way_counted == [] and not Payment.objects.exists()

    def test_a_customer_without_a_wallet_is_told_by_the_general_way(
        self, make_customer, bound_card, now, general_way_counted
    ):
        user = make_customer()  # verified, but not ready for a wallet (no consents given)
        card = bound_card(user=user)
        no_wallet = Payer(user=user, card_id=card.id, wallet_id=None)

        with pytest.raises(errors.WalletNotOpen):
            _topup(no_wallet, now)

        assert len(general_way_counted) == 1
        assert not Payment.objects.exists() and not LimitUsage.objects.exists()

    def test_a_closed_customer_may_not_top_up(self, payer, now):
        Customer.objects.filter(user=payer.user).update(status="closed")

        with pytest.raises(errors.PaymentsNotAllowed):
            _topup(payer, now)

        assert not Payment.objects.exists()

    def test_the_audit_trail_and_the_ledger_verify_after_them(self, payer, make_payer, now):
        fee_rule_set(actor=OPERATIONS, kind="topup", free_per_month=1, rate="0", fixed_minor=1_00,
                     now=now)  # fmt: skip
        _topup(payer, now, key="free")  # the month's free one: no fee, the plain way
        _topup(payer, now, key="charged")
        with pytest.raises(errors.CardNotFound):
            _topup(payer, now, key="nobody", card_id=make_payer("李四").card_id)

        assert [p.fee for p in Payment.objects.order_by("idempotency_key")] == [1_00, 0]
        assert wallet(payer.wallet_id)["incoming"] == 100_00 + 99_00
        assert audit_verify().ok
        assert ledger_is_consistent()


class TestARefusalByTheLedger:
    def test_a_closed_wallet_is_refused_and_nothing_is_left_behind(
        self, payer, now, general_way_forbidden
    ):
        account_set_closed(account_id=payer.wallet_id, closed=True, actor=SYSTEM, now=now)

        with pytest.raises(errors.PaymentRefusedByLedger) as refused:
            _topup(payer, now)

        assert refused.value.details == {"ledger_result": "account_closed"}
        assert not Payment.objects.exists() and not Screening.objects.exists()
        assert not LimitUsage.objects.exists() and not FailedTransfer.objects.exists()
        assert not SandboxInstruction.objects.exists()
        assert wallet(payer.wallet_id) == {"balance": 0, "held": 0, "incoming": 0}
        assert audit_verify().ok


class TestSomethingMovedBetweenTheReadAndTheBooking:
    """Another top-up of the same payer commits after this one read the facts (made here from
    inside the read-then-book gap, deterministically)."""

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

    def test_a_daily_limit_passed_meanwhile_is_refused(self, payer, now, meanwhile):
        limit_rule_set(actor=OPERATIONS, kind="topup", per_transaction_minor=None,
                       per_day_minor=150_00, per_month_minor=None, now=now)  # fmt: skip
        meanwhile.append(lambda: _topup(payer, now, key="meanwhile"))

        with pytest.raises(errors.LimitExceeded):
            _topup(payer, now, key="late")

        assert Payment.objects.get().idempotency_key == "meanwhile"
        assert LimitUsage.objects.get(period="day").amount_minor == 100_00
        assert wallet(payer.wallet_id)["incoming"] == 100_00

    def test_the_same_key_booked_meanwhile_is_the_first_payment(
        self, payer, now, meanwhile, general_way_counted
    ):
        first = []
        meanwhile.append(lambda: first.append(_topup(payer, now)))

        again = _topup(payer, now)

        assert again.id == first[0].id and general_way_counted == []
        assert Payment.objects.count() == 1 and SandboxInstruction.objects.count() == 1
        assert LimitUsage.objects.get(period="day").amount_minor == 100_00
        assert wallet(payer.wallet_id)["incoming"] == 100_00
        assert ledger_is_consistent()

    def test_totals_moved_within_the_limits_book_it_at_once(
        self, payer, now, meanwhile, general_way_counted
    ):
        meanwhile.append(lambda: _topup(payer, now, amount=10_00, key="meanwhile"))

        _topup(payer, now, amount=10_00, key="late")

        assert general_way_counted == []
        assert LimitUsage.objects.get(period="day").amount_minor == 20_00
        assert wallet(payer.wallet_id)["incoming"] == 20_00
