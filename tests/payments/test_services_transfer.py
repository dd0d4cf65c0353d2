"""Transfers between customers: the preview shows the payee masked and moves nothing; the
transfer moves exactly the amount in one posted ledger transfer, once per idempotency key; the
refusals say why."""

from datetime import timedelta

import pytest

from hujin.core.models import AuditEntry, OutboxEvent
from hujin.ledger.models import Transfer
from hujin.notifications.models import Message
from hujin.payments import errors
from hujin.payments.models import Payment
from hujin.payments.services import transfer_preview, transfer_request
from tests.payments.conftest import actor_for
from tests.payments.money import ledger_is_consistent, open_wallet, wallet


def _fund(wallet_id, amount, now):
    """Put ``amount`` fen into a wallet as a posted top-up from a house account would."""
    from hujin.core.actors import system_actor
    from hujin.core.ids import new_id
    from hujin.ledger.services import account_create, transfers_create
    from hujin.ledger.types import TransferRequest

    source, _ = account_create(
        id=new_id(), currency="CNY", code="1002.test.source", kind="asset", name="Test source",
        actor=system_actor("test"), now=now,
    )  # fmt: skip
    [result] = transfers_create(
        transfers=[TransferRequest(id=new_id(), debit_account_id=source.id,
                                   credit_account_id=wallet_id, amount=amount, currency="CNY")],
        actor=system_actor("test"), now=now, business_date=now.date(),
    )  # fmt: skip
    assert result.ok


@pytest.fixture
def pair(make_customer, now):
    """A payer with ¥500.00 in their wallet and a payee named 王伟, both with open wallets."""
    payer = make_customer(name="张三")
    payee = make_customer(name="王伟")
    payer_wallet = open_wallet(payer, now)
    payee_wallet = open_wallet(payee, now)
    _fund(payer_wallet, 500_00, now)
    return payer, payee, payer_wallet, payee_wallet


def _send(payer, payee, now, amount=120_00, key="tr-1"):
    return transfer_request(actor=actor_for(payer), payee_mobile=payee.mobile,
                            amount_minor=amount, idempotency_key=key, now=now)  # fmt: skip


class TestPreview:
    def test_it_shows_the_payee_masked_and_moves_nothing(self, pair, now):
        payer, payee, payer_wallet, _ = pair

        preview = transfer_preview(actor=actor_for(payer), payee_mobile=payee.mobile,
                                   amount_minor=100_00, now=now)  # fmt: skip

        digits = payee.mobile.removeprefix("+86")
        assert preview.payee_name == "王*"
        assert preview.payee_mobile == digits[:3] + "****" + digits[-4:]
        assert preview.fee_minor == 0 and preview.amount_minor == 100_00
        assert wallet(payer_wallet)["balance"] == 500_00
        assert not Payment.objects.exists()

    def test_a_mobile_typed_with_spaces_finds_the_same_payee(self, pair, now):
        payer, payee, _, _ = pair
        digits = payee.mobile.removeprefix("+86")
        typed = f"{digits[:3]} {digits[3:7]} {digits[7:]}"

        preview = transfer_preview(actor=actor_for(payer), payee_mobile=typed,
                                   amount_minor=1_00, now=now)  # fmt: skip

        assert preview.payee_name == "王*"

    @pytest.mark.parametrize(
        "case, error",
        [
            ("self", errors.PayeeIsSelf),
            ("unknown", errors.PayeeNotFound),
            ("unverified", errors.PayeeCannotReceive),
            ("closed", errors.PayeeCannotReceive),
            ("no_wallet", errors.PayeeCannotReceive),
            ("over_balance", errors.InsufficientFunds),
            ("zero", errors.AmountInvalid),
        ],
    )
    def test_it_refuses_with_the_reason(self, pair, make_customer, now, case, error):
        payer, payee, _, _ = pair
        mobile, amount = payee.mobile, 100_00
        if case == "self":
            mobile = payer.mobile
        elif case == "unknown":
            mobile = "13900000000"
        elif case in ("unverified", "closed"):
            closed = case == "closed"
            other = make_customer(verified=closed, status="closed" if closed else "active")
            mobile = other.mobile
        elif case == "no_wallet":  # verified, but without the agreements its wallet needs
            mobile = make_customer(name="孙八").mobile
        elif case == "over_balance":
            amount = 500_01
        elif case == "zero":
            amount = 0

        with pytest.raises(error):
            transfer_preview(actor=actor_for(payer), payee_mobile=mobile, amount_minor=amount,
                             now=now)  # fmt: skip

    def test_a_frozen_payee_may_still_receive(self, make_customer, pair, now):
        payer, _, _, _ = pair
        frozen = make_customer(name="李四", status="frozen")
        open_wallet(frozen, now, frozen=True)

        preview = transfer_preview(actor=actor_for(payer), payee_mobile=frozen.mobile,
                                   amount_minor=1_00, now=now)  # fmt: skip

        assert preview.payee_name == "李*"


class TestTransfer:
    def test_it_moves_exactly_the_amount_in_one_posted_ledger_transfer(self, pair, now):
        payer, payee, payer_wallet, payee_wallet = pair

        payment = _send(payer, payee, now)

        assert payment.kind == "transfer" and payment.status == "succeeded"
        assert payment.counterparty_name == "王*" and payment.fee_minor == 0
        assert wallet(payer_wallet) == {"balance": 380_00, "held": 0, "incoming": 0}
        assert wallet(payee_wallet) == {"balance": 120_00, "held": 0, "incoming": 0}
        moved = Transfer.objects.filter(code="payments.transfer")
        assert moved.count() == 1
        assert moved.get().metadata == {"payment_id": str(payment.id)}
        assert ledger_is_consistent()

    def test_the_same_key_is_the_same_transfer_and_moves_nothing_more(self, pair, now):
        payer, payee, payer_wallet, payee_wallet = pair

        first = _send(payer, payee, now)
        again = _send(payer, payee, now + timedelta(seconds=5))

        assert again.id == first.id
        assert Payment.objects.count() == 1
        assert wallet(payer_wallet)["balance"] == 380_00
        assert wallet(payee_wallet)["balance"] == 120_00

    def test_the_same_key_for_another_amount_is_refused(self, pair, now):
        payer, payee, _, _ = pair
        _send(payer, payee, now)

        with pytest.raises(errors.IdempotencyKeyReused):
            _send(payer, payee, now, amount=1_00)

    def test_more_than_the_balance_is_refused_and_nothing_is_written(self, pair, now):
        payer, payee, payer_wallet, _ = pair

        with pytest.raises(errors.InsufficientFunds):
            _send(payer, payee, now, amount=500_01)

        assert not Payment.objects.exists()
        assert wallet(payer_wallet)["balance"] == 500_00

    def test_a_frozen_payer_is_refused_with_the_clear_error(self, make_customer, pair, now):
        _, payee, _, _ = pair
        frozen = make_customer(name="赵六", status="frozen")
        open_wallet(frozen, now, frozen=True)

        with pytest.raises(errors.WithdrawalFrozen):
            _send(frozen, payee, now)

        assert not Payment.objects.exists()

    def test_a_frozen_ledger_wallet_is_refused_by_the_ledger_itself(self, make_customer, pair, now):
        _, payee, _, _ = pair
        payer = make_customer(name="钱七")  # active as customers sees it; the ledger says no
        open_wallet(payer, now, frozen=True)

        with pytest.raises(errors.WithdrawalFrozen):
            _send(payer, payee, now, amount=1_00)

        assert not Payment.objects.exists() and ledger_is_consistent()

    def test_it_is_audited_announced_and_both_customers_are_told(self, pair, now):
        from hujin.core.events import outbox_dispatch

        payer, payee, _, _ = pair

        payment = _send(payer, payee, now)
        outbox_dispatch(now=now)

        assert AuditEntry.objects.filter(action="payments.transfer").count() == 1
        event = OutboxEvent.objects.get(event_type="payments.transfer_succeeded")
        assert event.payload["payee_user_id"] == str(payee.pk)
        sent = Message.objects.get(kind="payments.transfer_sent")
        received = Message.objects.get(kind="payments.transfer_received")
        assert sent.recipient_id == payer.pk and "王*" in sent.body and "¥120.00" in sent.body
        assert received.recipient_id == payee.pk and "张*" in received.body
        assert received.url_args == [str(payment.id)]


def test_a_channel_callback_naming_a_transfer_finds_no_payment(pair, now):
    from hujin.payments.services import payment_callback_apply

    payer, payee, payer_wallet, _ = pair
    payment = _send(payer, payee, now)

    with pytest.raises(errors.PaymentNotFound):
        payment_callback_apply(channel="internal", reference="ref-1", payment_id=payment.id,
                               outcome="failed", failure_code="x", now=now)  # fmt: skip

    assert wallet(payer_wallet)["balance"] == 380_00
