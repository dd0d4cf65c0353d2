"""Transfers on two app servers sharing PostgreSQL: the same key sent twice at once is one
transfer; two transfers that together exceed the balance cannot both pass; two customers paying
each other at the same moment both get through (no deadlock)."""

import pytest

from hujin.payments import errors
from hujin.payments.models import Payment
from hujin.payments.services import transfer_request
from tests.payments.conftest import actor_for
from tests.payments.money import ledger_is_consistent, open_wallet, wallet
from tests.payments.test_services_payments_concurrency import _together
from tests.payments.test_services_transfer import _fund

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pair(make_customer, now):
    payer, payee = make_customer(name="张三"), make_customer(name="王伟")
    payer_wallet, payee_wallet = open_wallet(payer, now), open_wallet(payee, now)
    _fund(payer_wallet, 500_00, now)
    _fund(payee_wallet, 500_00, now)
    return payer, payee, payer_wallet, payee_wallet


def _sender(user, to, amount, key, now):
    return lambda: transfer_request(actor=actor_for(user), payee_mobile=to.mobile,
                                    amount_minor=amount, idempotency_key=key, now=now)  # fmt: skip


def test_the_same_key_at_once_is_one_transfer(pair, now):
    payer, payee, payer_wallet, payee_wallet = pair
    send = _sender(payer, payee, 100_00, "same", now)

    results, failures = _together([send, send])

    assert failures == []
    assert len({r.id for r in results}) == 1 and Payment.objects.count() == 1
    assert wallet(payer_wallet)["balance"] == 400_00
    assert wallet(payee_wallet)["balance"] == 600_00
    assert ledger_is_consistent()


def test_two_transfers_over_the_balance_at_once_cannot_both_pass(pair, now):
    payer, payee, payer_wallet, _ = pair

    results, failures = _together(
        [_sender(payer, payee, 300_00, "a", now), _sender(payer, payee, 300_00, "b", now)]
    )

    assert len(results) == 1 and [type(f) for f in failures] == [errors.InsufficientFunds]
    assert wallet(payer_wallet)["balance"] == 200_00
    assert ledger_is_consistent()


def test_two_customers_paying_each_other_at_once_both_get_through(pair, now):
    payer, payee, payer_wallet, payee_wallet = pair

    results, failures = _together(
        [_sender(payer, payee, 100_00, "x", now), _sender(payee, payer, 30_00, "y", now)]
    )

    assert failures == [] and len(results) == 2
    assert wallet(payer_wallet)["balance"] == 430_00
    assert wallet(payee_wallet)["balance"] == 570_00
    assert ledger_is_consistent()
