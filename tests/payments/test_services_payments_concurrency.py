"""Two app servers sharing PostgreSQL: the same idempotency key sent twice at once is one
payment with one hold; the same callback delivered twice at once moves the money once."""

import pytest

from hujin.payments.models import Payment
from hujin.payments.services import payment_callback_apply, topup_request
from tests.payments.money import Payer, ledger_is_consistent, open_wallet, wallet
from tests.threads import together

_together = together


@pytest.fixture
def payer(make_customer, bound_card, now):
    user = make_customer()
    card = bound_card(user=user)
    return Payer(user=user, card_id=card.id, wallet_id=open_wallet(user, now))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_key_at_once_is_one_payment_with_one_hold(payer, now):
    def ask():
        return topup_request(actor=payer.actor, card_id=payer.card_id, amount_minor=50_00,
                             idempotency_key="same", now=now)  # fmt: skip

    results, failures = _together([ask, ask])

    assert failures == []
    assert len({r.id for r in results}) == 1 and Payment.objects.count() == 1
    assert wallet(payer.wallet_id)["incoming"] == 50_00
    assert ledger_is_consistent()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_callback_at_once_moves_the_money_once(payer, now):
    payment = topup_request(actor=payer.actor, card_id=payer.card_id, amount_minor=70_00,
                            idempotency_key="k", now=now)  # fmt: skip

    def deliver():
        return payment_callback_apply(channel="sandbox", reference=payment.channel_reference,
                                      outcome="succeeded", now=now)  # fmt: skip

    results, failures = _together([deliver, deliver])

    assert failures == []
    assert sorted(r.changed for r in results) == [False, True]
    assert wallet(payer.wallet_id) == {"balance": 70_00, "held": 0, "incoming": 0}
    assert ledger_is_consistent()
