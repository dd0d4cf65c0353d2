"""Chaos on PostgreSQL with real processes: the sandbox fails, delays, duplicates and loses a
share of the payments, while workers move money at once and three of them are killed
(SIGKILL) mid-flow — inside the transaction that books a payment, between the booking and the
bank, and after the bank took it but before Hujin heard. Then the callbacks, the recovery and
the close of business run: every payment ends final, the ledger verifies, the reconciliation is
green, and each wallet holds exactly what the successful payments imply."""

import multiprocessing
import os
import signal
import traceback
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connections

from hujin.core.actors import system_actor
from hujin.core.cob import cob_run
from hujin.payments.channels.sandbox import sandbox_callbacks_run
from hujin.payments.models import Payment, ReconciliationRun
from hujin.payments.services import (
    payments_unknown_resolve,
    topup_request,
    transfer_request,
    withdrawal_request,
)
from tests.payments.conftest import actor_for
from tests.payments.money import ledger_is_consistent, open_wallet, wallet
from tests.payments.reconciliation import LATE
from tests.payments.rules_helpers import fund

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
FUNDED = 5_000_00
KILLS = ("inside_the_booking", "before_the_bank", "after_the_bank")


def _die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


def _arm(kill: str) -> None:
    """Make the process die at ``kill`` on its next payment."""
    from hujin.payments.services import requests

    if kill == "inside_the_booking":  # the payment's transaction never commits
        real = requests.movement_admit

        def admit_then_die(**kwargs):
            real(**kwargs)
            _die()

        requests.movement_admit = admit_then_die
    elif kill == "before_the_bank":  # booked; the channel never hears of it
        requests.payment_send = _die
    else:  # the channel took it; Hujin never records its reference
        from hujin.payments.channels.sandbox import SandboxChannel

        real_out = SandboxChannel.pay_out

        def pay_out_then_die(self, **kwargs):
            real_out(self, **kwargs)
            _die()

        SandboxChannel.pay_out = pay_out_then_die


def _flows(me, payee, card_id, tag: str, now) -> None:
    actor = actor_for(me)
    for n in range(3):
        topup_request(actor=actor, card_id=card_id, amount_minor=(n + 1) * 100_00,
                      idempotency_key=f"{tag}-t{n}", now=now)  # fmt: skip
    for n in range(2):
        withdrawal_request(actor=actor, card_id=card_id, amount_minor=(n + 1) * 50_00,
                           idempotency_key=f"{tag}-w{n}", now=now)  # fmt: skip
        transfer_request(actor=actor, payee_mobile=payee.mobile, amount_minor=30_00,
                         idempotency_key=f"{tag}-x{n}", now=now)  # fmt: skip


def _child(db_name, job, queue) -> None:
    connections.close_all()
    settings.DATABASES["default"]["NAME"] = db_name
    connections["default"].settings_dict["NAME"] = db_name
    me, payee, card_id, tag, now, kill = job
    try:
        _flows(me, payee, card_id, tag, now)
        if kill:
            _arm(kill)
            withdrawal_request(actor=actor_for(me), card_id=card_id, amount_minor=77_00,
                               idempotency_key=f"{tag}-killed", now=now)  # fmt: skip
            topup_request(actor=actor_for(me), card_id=card_id, amount_minor=66_00,
                          idempotency_key=f"{tag}-killed-in", now=now)  # fmt: skip
        queue.put(("ok", tag))
    except Exception:  # reported to the parent, which fails the test
        queue.put(("error", traceback.format_exc()))
    finally:
        connections.close_all()


def _expected_balance(customer_user) -> int:
    mine = Payment.objects.filter(status="succeeded", customer__user=customer_user)
    received = Payment.objects.filter(status="succeeded", kind="transfer",
                                      payee__user=customer_user)  # fmt: skip
    balance = FUNDED + sum(p.amount for p in received)
    for p in mine:
        balance += p.amount - p.fee if p.kind == "topup" else -(p.amount + p.fee)
    return balance


def test_killed_workers_and_a_misbehaving_bank_leave_every_fen_accounted_for(
    make_customer, bound_card, now, business_date, sandbox
):
    sandbox.update(fail_share=0.2, duplicate_share=0.3, lost_share=0.15, delay_seconds=30,
                   seed=11)  # fmt: skip
    names = ("张三", "李四", "王五", "赵六", "钱七")
    people = [make_customer(name=name) for name in names]
    cards, wallets = {}, {}
    for person, name in zip(people, names, strict=True):
        cards[person.pk] = bound_card(user=person, name=name).id
        wallets[person.pk] = open_wallet(person, now)
        fund(wallets[person.pk], FUNDED, now)
    jobs = [
        (me, people[(i + 1) % len(people)], cards[me.pk], f"c{i}", now,
         KILLS[i - 2] if i >= 2 else "")
        for i, me in enumerate(people)
    ]  # fmt: skip
    db_name = settings.DATABASES["default"]["NAME"]
    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    processes = [context.Process(target=_child, args=(db_name, job, queue)) for job in jobs]
    for process in processes:
        process.start()
    # the two workers that are not killed report; the three killed ones never do
    reports = [queue.get(timeout=120) for _ in range(len(jobs) - len(KILLS))]
    for process in processes:
        process.join(timeout=120)
    assert [r for r in reports if r[0] == "error"] == []
    assert sorted(p.exitcode for p in processes) == [-signal.SIGKILL] * 3 + [0, 0]

    sandbox_callbacks_run(now=now + timedelta(seconds=30))
    sandbox_callbacks_run(now=now + timedelta(seconds=60))  # the duplicates
    payments_unknown_resolve(now=now + timedelta(minutes=15))
    cob_run(business_date=business_date, now=LATE, actor=system_actor("test"))

    assert set(Payment.objects.values_list("status", flat=True)) == {"succeeded", "failed"}
    assert not Payment.objects.filter(idempotency_key__endswith="-killed-in").exists()
    killed = dict(Payment.objects.filter(idempotency_key__endswith="-killed")
                  .values_list("customer_id", "status"))  # fmt: skip
    assert len(killed) == 2  # the one killed inside its booking left nothing
    for person in people:
        assert wallet(wallets[person.pk]) == {
            "balance": _expected_balance(person),
            "held": 0,
            "incoming": 0,
        }, person.customer.legal_name
    run = ReconciliationRun.objects.get(channel="sandbox", business_date=business_date)
    assert (run.status, run.residual_minor, run.open_breaks) == ("complete", 0, 0), run.reason
    assert ledger_is_consistent()
