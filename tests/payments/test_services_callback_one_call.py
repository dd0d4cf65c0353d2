"""Callbacks in two round trips (PostgreSQL, outside a transaction): a channel's success on a
plain pending top-up or withdrawal is applied without the general way and writes exactly what
the general way writes — the payment made final, the hold posted, the audit entries and the
events —; a repeat, a contradiction, a failure, a payment with a fee, and a hold the ledger would
not post cleanly go the general way, the one-call way having written nothing."""

import json
import uuid
from dataclasses import asdict

import pytest

from hujin.core.actors import SYSTEM
from hujin.core.audit import audit_verify
from hujin.core.dates import business_date_get
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.ledger.models import Account, FailedTransfer, Transfer
from hujin.ledger.services import account_set_closed, transfers_create
from hujin.ledger.types import TransferRequest
from hujin.payments import errors
from hujin.payments.models import LimitUsage, Payment, SandboxInstruction
from hujin.payments.services import callback_in_one_call as one_call_module
from hujin.payments.services import (
    callback_receive,
    fee_rule_set,
    payment_callback_apply,
    topup_request,
    withdrawal_request,
)
from hujin.payments.services import callbacks as callbacks_module
from hujin.payments.services.callback_in_one_call import callback_in_one_call
from hujin.payments.services.house import FEE_INCOME_CODE, payment_transfer_id
from tests.payments.money import (
    Payer,
    clearing,
    house,
    in_flight,
    ledger_is_consistent,
    open_wallet,
    signed,
    wallet,
)
from tests.payments.rules_helpers import OPERATIONS, fund

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def make_payer(make_customer, bound_card, now):
    """Factory: a verified customer with a bound card and an open wallet holding ``funds``, on a
    business day."""
    business_date_get(now=now)

    def make(name: str = "张三", funds: int = 0) -> Payer:
        user = make_customer(name=name)
        card = bound_card(user=user, name=name)
        payer = Payer(user=user, card_id=card.id, wallet_id=open_wallet(user, now))
        if funds:
            fund(payer.wallet_id, funds, now)
        return payer

    return make


@pytest.fixture
def payer(make_payer) -> Payer:
    return make_payer()


def _topup(payer: Payer, now, amount=100_00, key="in-1"):
    return topup_request(actor=payer.actor, card_id=payer.card_id, amount_minor=amount,
                         idempotency_key=key, now=now)  # fmt: skip


def _apply(payment, now, outcome="succeeded", **kwargs):
    return payment_callback_apply(channel="sandbox", reference=payment.channel_reference,
                                  outcome=outcome, now=now, **kwargs)  # fmt: skip


@pytest.fixture
def pending(payer, now):
    """A plain top-up of ¥100.00 at the sandbox, pending; its payer."""
    view = _topup(payer, now)
    assert view.status == "pending" and view.channel_reference
    return payer, view


@pytest.fixture
def general_way_forbidden(monkeypatch):
    """Fail the test if the callback is applied the general way."""

    def refuse(*args, **kwargs):
        raise AssertionError("the callback went the general way")

    monkeypatch.setattr(callbacks_module, "payment_finish", refuse)


@pytest.fixture
def general_way_counted(monkeypatch):
    """The outcomes the general way applied."""
    calls = []
    general = callbacks_module.payment_finish

    def counted(payment, **kwargs):
        calls.append(kwargs["outcome"])
        return general(payment, **kwargs)

    monkeypatch.setattr(callbacks_module, "payment_finish", counted)
    return calls


def _traces() -> tuple[int, int, int, int]:
    return (Transfer.objects.count(), FailedTransfer.objects.count(),
            AuditEntry.objects.count(), OutboxEvent.objects.count())  # fmt: skip


def _last_ids() -> tuple[int, int]:
    return (
        AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0,
        OutboxEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0,
    )


def _written(payment_id, payer: Payer, since: tuple[int, int], now) -> dict:
    """What applying one callback wrote (its audit entries and events after ``since``), its ids
    and its customer's named by their role."""
    payment = Payment.objects.get(id=payment_id)
    post = Transfer.objects.get(id=payment.resolution_transfer_id)
    targets = [str(payment.id), str(post.batch_id)]  # not what its events set off
    audits = AuditEntry.objects.filter(id__gt=since[0], target_id__in=targets).order_by("id")
    events = OutboxEvent.objects.filter(id__gt=since[1], aggregate_id__in=targets)
    names = {str(payment.id): "the payment", str(payment.customer_id): "the customer",
             str(payer.user.pk): "the user", str(post.id): "the post",
             str(post.batch_id): "the batch",
             payment.channel_reference: "the reference"}  # fmt: skip

    def named(value):
        if isinstance(value, list):
            return [named(v) for v in value]
        if isinstance(value, dict):
            return json.dumps({k: named(v) for k, v in value.items()}, sort_keys=True)
        return names.get(str(value), value)

    wallet_account = Account.objects.get(id=payer.wallet_id)
    return {
        "payment": {
            **{f: getattr(payment, f) for f in (
                "kind", "amount", "fee", "currency", "status", "channel", "failure_code",
                "fee_transfer_id", "finished_at", "updated_at")},
            "reference": payment.channel_reference.startswith("sbx-"),
            "resolution": payment.resolution_transfer_id == payment_transfer_id(payment.id, "post"),
        },
        "ledger": {
            **{f: getattr(post, f) for f in (
                "kind", "amount", "currency", "code", "linked", "timeout_seconds", "expires_at",
                "business_date", "created_at", "actor_kind", "actor_id",
                "cr_debits_pending", "cr_debits_posted", "cr_credits_pending",
                "cr_credits_posted")},
            "pending_id": post.pending_id == payment.hold_transfer_id,
            "debit": (post.debit_account_id, post.debit_number) == (clearing().id,
                                                                     clearing().number),
            "credit": (post.credit_account_id, post.credit_number) == (wallet_account.id,
                                                                       wallet_account.number),
            "metadata": post.metadata == {"payment_id": str(payment.id)},
        },
        "audit": [
            (a.action, a.target_type, named(a.target_id), a.actor_kind, a.actor_id,
             a.actor_label, named(a.before or {}), named(a.after), a.occurred_at == now)
            for a in audits
        ],
        "chains": len({a.chain for a in audits}),  # one transaction, one chain
        "events": sorted(
            (e.event_type, e.aggregate_type, named(e.aggregate_id), tuple(sorted(e.payload)),
             named(e.payload), e.occurred_at == now)
            for e in events
        ),
    }  # fmt: skip


def _view(applied) -> dict:
    """What the caller is told, but for the payment's own ids."""
    view = {**asdict(applied.payment), "changed": applied.changed}
    for own in ("id", "customer_id", "channel_reference"):
        view.pop(own)
    return view


class TestASucceededCallbackOnAPlainPendingTopUp:
    def test_it_is_applied_without_the_general_way(self, pending, now, general_way_forbidden):
        payer, view = pending

        applied = _apply(view, now)

        assert applied.changed is True and applied.payment.status == "succeeded"
        assert applied.payment.id == view.id
        row = Payment.objects.get(id=view.id)
        assert row.status == "succeeded" and row.finished_at == now and row.failure_code == ""
        assert row.resolution_transfer_id == payment_transfer_id(view.id, "post")
        assert wallet(payer.wallet_id) == {"balance": 100_00, "held": 0, "incoming": 0}
        assert clearing().debits_posted == 100_00 and clearing().debits_pending == 0
        assert ledger_is_consistent()

    def test_signed_and_received_over_the_wire_it_is_applied_alike(
        self, pending, now, general_way_forbidden
    ):
        payer, view = pending
        body = {"payment_id": str(view.id), "reference": view.channel_reference,
                "outcome": "succeeded"}  # fmt: skip

        applied = callback_receive(**signed(body, now), now=now)

        assert applied.changed is True
        assert wallet(payer.wallet_id)["balance"] == 100_00

    def test_it_writes_what_the_general_way_writes(
        self, make_payer, now, monkeypatch, general_way_counted
    ):
        one_call_payer, general_payer = make_payer("张三"), make_payer("王伟")
        one_call = _topup(one_call_payer, now, key="one-call")
        general = _topup(general_payer, now, key="general")
        later = now.replace(minute=5)

        since = _last_ids()
        applied = _apply(one_call, later)
        written = _written(one_call.id, one_call_payer, since, later)
        assert general_way_counted == []

        monkeypatch.setattr(callbacks_module, "callback_in_one_call", lambda **kwargs: None)
        since = _last_ids()
        applied_generally = _apply(general, later)
        expected = _written(general.id, general_payer, since, later)
        assert general_way_counted == ["succeeded"]

        assert written == expected
        assert _view(applied) == _view(applied_generally)
        assert [a[0] for a in written["audit"]] == [
            "payments.payment_succeeded", "ledger.transfers_create"]  # fmt: skip
        assert written["chains"] == 1
        assert [e[0] for e in written["events"]] == [
            "ledger.transfers_created", "payments.payment_succeeded"]  # fmt: skip
        assert written["ledger"]["kind"] == "post_pending"
        assert written["ledger"]["cr_credits_posted"] == 100_00
        assert audit_verify().ok
        assert ledger_is_consistent()

    def test_a_repeat_is_answered_unchanged_and_moves_nothing(self, pending, now):
        payer, view = pending
        _apply(view, now)
        traces = _traces()

        again = _apply(view, now)

        assert again.changed is False and again.payment.status == "succeeded"
        assert _traces() == traces
        assert wallet(payer.wallet_id)["balance"] == 100_00

    def test_a_failure_after_the_success_is_a_conflict_and_changes_nothing(self, pending, now):
        payer, view = pending
        _apply(view, now)
        traces = _traces()

        with pytest.raises(errors.CallbackConflict):
            _apply(view, now, outcome="failed", failure_code="declined_by_bank")

        assert Payment.objects.get(id=view.id).status == "succeeded"
        assert _traces() == traces
        assert wallet(payer.wallet_id)["balance"] == 100_00
        assert ledger_is_consistent()

    def test_the_audit_trail_and_the_ledger_verify_after_a_few(self, make_payer, now):
        payers = [make_payer("张三"), make_payer("王伟")]
        views = [_topup(p, now, amount=10_00 + n, key=f"in-{n}") for n, p in enumerate(payers)]

        for view in views:
            _apply(view, now)

        assert [wallet(p.wallet_id)["balance"] for p in payers] == [10_00, 10_01]
        assert audit_verify().ok
        assert ledger_is_consistent()


class TestASucceededWithdrawal:
    def test_it_is_applied_without_the_general_way(self, make_payer, now, general_way_forbidden):
        payer = make_payer(funds=500_00)
        view = withdrawal_request(actor=payer.actor, card_id=payer.card_id, amount_minor=40_00,
                                  idempotency_key="out-1", now=now)  # fmt: skip
        assert view.status == "pending"

        applied = _apply(view, now)

        assert applied.changed is True and applied.payment.status == "succeeded"
        assert wallet(payer.wallet_id) == {"balance": 460_00, "held": 0, "incoming": 0}
        assert in_flight().credits_posted == 40_00
        assert ledger_is_consistent()


class TestWhatIsNotPlainGoesTheGeneralWay:
    def test_a_failed_callback_voids_the_hold_and_gives_the_limits_back(
        self, pending, now, general_way_counted
    ):
        payer, view = pending
        assert LimitUsage.objects.get(period="day").amount_minor == 100_00

        applied = _apply(view, now, outcome="failed", failure_code="declined_by_bank")

        assert applied.changed is True and general_way_counted == ["failed"]
        row = Payment.objects.get(id=view.id)
        assert row.status == "failed" and row.failure_code == "declined_by_bank"
        assert Transfer.objects.get(id=payment_transfer_id(view.id, "void")).kind == "void_pending"
        assert wallet(payer.wallet_id) == {"balance": 0, "held": 0, "incoming": 0}
        used = LimitUsage.objects.values_list("period", "amount_minor", "count")
        assert sorted(used) == [("day", 0, 0), ("month", 0, 0)]
        assert ledger_is_consistent()

    def test_a_top_up_with_a_fee_is_posted_by_the_general_way(
        self, payer, now, general_way_counted
    ):
        fee_rule_set(actor=OPERATIONS, kind="topup", free_per_month=0, rate="0", fixed_minor=2_00,
                     now=now)  # fmt: skip
        view = _topup(payer, now)

        assert callback_in_one_call(channel="sandbox", reference=view.channel_reference,
                                    outcome="succeeded", now=now, actor=SYSTEM) is None  # fmt: skip
        applied = _apply(view, now)

        assert applied.changed is True and general_way_counted == ["succeeded"]
        assert wallet(payer.wallet_id) == {"balance": 98_00, "held": 0, "incoming": 0}
        assert house(FEE_INCOME_CODE).credits_posted == 2_00
        assert ledger_is_consistent()

    def test_a_payment_the_channel_names_by_its_id_only_is_applied_the_general_way(
        self, payer, now, sandbox, general_way_counted
    ):
        sandbox["lost_share"] = 1  # the channel's answer to the instruction never came
        view = _topup(payer, now)
        assert view.status == "unknown" and view.channel_reference == ""
        reference = SandboxInstruction.objects.get(payment_id=view.id).reference

        applied = payment_callback_apply(channel="sandbox", reference=reference,
                                         outcome="succeeded", now=now,
                                         payment_id=view.id)  # fmt: skip

        assert applied.changed is True and general_way_counted == ["succeeded"]
        row = Payment.objects.get(id=view.id)
        assert row.status == "succeeded" and row.channel_reference == reference
        assert wallet(payer.wallet_id) == {"balance": 100_00, "held": 0, "incoming": 0}
        assert ledger_is_consistent()

    def test_an_unknown_reference_is_not_found(self, pending, now, general_way_counted):
        traces = _traces()

        with pytest.raises(errors.PaymentNotFound):
            payment_callback_apply(channel="sandbox", reference="sbx-nothing",
                                   outcome="succeeded", now=now)  # fmt: skip

        assert general_way_counted == [] and _traces() == traces


class TestAHoldTheLedgerWouldNotPostCleanly:
    """The one-call way finds it out inside its statement, which rolls back: nothing of it is
    left, and the general way says what the ledger says."""

    def _one_call_writes_nothing(self, view, now) -> None:
        traces = _traces()

        assert callback_in_one_call(channel="sandbox", reference=view.channel_reference,
                                    outcome="succeeded", now=now, actor=SYSTEM) is None  # fmt: skip

        assert _traces() == traces
        assert Payment.objects.get(id=view.id).status == "pending"

    def test_a_closed_wallet_goes_the_general_way_which_refuses_it(
        self, pending, now, general_way_counted
    ):
        payer, view = pending
        account_set_closed(account_id=payer.wallet_id, closed=True, actor=SYSTEM, now=now)

        self._one_call_writes_nothing(view, now)
        traces = _traces()
        with pytest.raises(errors.PaymentRefusedByLedger) as refused:
            _apply(view, now)

        assert refused.value.details == {"ledger_result": "account_closed"}
        assert general_way_counted == ["succeeded"]
        assert _traces() == traces
        row = Payment.objects.get(id=view.id)
        assert row.status == "pending" and row.resolution_transfer_id is None
        assert wallet(payer.wallet_id) == {"balance": 0, "held": 0, "incoming": 100_00}
        assert audit_verify().ok
        assert ledger_is_consistent()

    def test_a_hold_voided_already_goes_the_general_way_which_refuses_it(
        self, pending, now, general_way_counted
    ):
        payer, view = pending
        hold_id = Payment.objects.get(id=view.id).hold_transfer_id
        [voided] = transfers_create(
            transfers=[TransferRequest(id=uuid.uuid4(), kind="void_pending", pending_id=hold_id)],
            actor=SYSTEM, now=now, business_date=business_date_get(now=now),
        )  # fmt: skip
        assert voided.ok

        self._one_call_writes_nothing(view, now)
        traces = _traces()
        with pytest.raises(errors.PaymentRefusedByLedger) as refused:
            _apply(view, now)

        assert refused.value.details == {"ledger_result": "pending_transfer_already_voided"}
        assert general_way_counted == ["succeeded"]
        assert _traces() == traces
        assert Payment.objects.get(id=view.id).status == "pending"
        assert wallet(payer.wallet_id) == {"balance": 0, "held": 0, "incoming": 0}
        assert audit_verify().ok
        assert ledger_is_consistent()

    def test_a_callback_applied_meanwhile_by_another_delivery_moves_the_money_once(
        self, pending, now, monkeypatch, general_way_counted
    ):
        """Another delivery of the same callback finishes the payment between this one's read
        and its statement (made here from inside that gap, deterministically)."""
        payer, view = pending
        prepare = one_call_module.transfer_resolve_one_call
        meanwhile = [lambda: _apply(view, now)]

        def prepare_after_another(**kwargs):
            while meanwhile:
                assert meanwhile.pop()().changed is True
            return prepare(**kwargs)

        monkeypatch.setattr(one_call_module, "transfer_resolve_one_call", prepare_after_another)

        late = _apply(view, now)

        assert late.changed is False and late.payment.status == "succeeded"
        assert general_way_counted == []  # the general way found it final: nothing to apply
        assert wallet(payer.wallet_id) == {"balance": 100_00, "held": 0, "incoming": 0}
        assert OutboxEvent.objects.filter(event_type="payments.payment_succeeded").count() == 1
        assert audit_verify().ok
        assert ledger_is_consistent()
