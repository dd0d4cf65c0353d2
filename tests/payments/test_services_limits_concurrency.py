"""Limits hold on many app processes sharing one PostgreSQL: eight processes send transfers
that each fit under the daily limit at the same moment, and only as many pass as the limit
allows; eight withdrawals at once take exactly the month's three free ones."""

import multiprocessing
import traceback

import pytest
from django.conf import settings
from django.db import connections

from hujin.payments import errors
from hujin.payments.models import LimitUsage, Payment
from hujin.payments.services import transfer_request, withdrawal_request
from tests.payments.conftest import actor_for
from tests.payments.money import ledger_is_consistent, open_wallet, wallet
from tests.payments.rules_helpers import fund

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PROCESSES = 8


def _child(db_name, call, n, barrier, queue) -> None:
    # A forked child opens its own connection to the same test database.
    connections.close_all()
    settings.DATABASES["default"]["NAME"] = db_name
    connections["default"].settings_dict["NAME"] = db_name
    try:
        barrier.wait(timeout=30)
        queue.put(("ok", call(n).fee_minor))
    except errors.LimitExceeded as exc:
        queue.put(("limit", exc.details["limit"]))
    except errors.ScreeningRefused as exc:  # another screen (risk) refused it
        queue.put(("refused", exc.code))
    except Exception:  # reported to the parent, which fails the test
        queue.put(("error", traceback.format_exc()))
    finally:
        connections.close_all()


def _in_eight_processes(call) -> list[tuple]:
    db_name = settings.DATABASES["default"]["NAME"]
    connections.close_all()  # the children must not inherit an open connection
    context = multiprocessing.get_context("fork")
    barrier, queue = context.Barrier(PROCESSES), context.Queue()
    processes = [
        context.Process(target=_child, args=(db_name, call, n, barrier, queue))
        for n in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    outcomes = [queue.get(timeout=90) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    assert [o for o in outcomes if o[0] == "error"] == []
    return outcomes


def test_eight_processes_cannot_squeeze_more_than_the_daily_limit_through(make_customer, now):
    payer, payee = make_customer(name="张三"), make_customer(name="王伟")
    payer_wallet = open_wallet(payer, now)
    open_wallet(payee, now)
    fund(payer_wallet, 50_000_00, now)

    def send(n):
        return transfer_request(
            actor=actor_for(payer), payee_mobile=payee.mobile, amount_minor=1_500_00,
            idempotency_key=f"p{n}", now=now,
        )  # fmt: skip

    outcomes = _in_eight_processes(send)

    # a verified customer without a card: ¥5,000 a day, so three transfers of ¥1,500 fit
    assert sorted(kind for kind, _ in outcomes) == ["limit"] * 5 + ["ok"] * 3
    assert LimitUsage.objects.get(kind="transfer", period="day").amount_minor == 4_500_00
    assert wallet(payer_wallet)["balance"] == 50_000_00 - 4_500_00
    assert Payment.objects.count() == 3
    assert ledger_is_consistent()


def test_eight_withdrawals_at_once_take_exactly_three_free_ones(make_customer, bound_card, now):
    user = make_customer()
    card = bound_card(user=user)
    fund(open_wallet(user, now), 50_000_00, now)

    def withdraw(n):
        return withdrawal_request(actor=actor_for(user), card_id=card.id, amount_minor=1_000_00,
                                  idempotency_key=f"w{n}", now=now)  # fmt: skip

    outcomes = _in_eight_processes(withdraw)

    assert sorted(fee for _, fee in outcomes) == [0, 0, 0, 1_00, 1_00, 1_00, 1_00, 1_00]
    assert ledger_is_consistent()
