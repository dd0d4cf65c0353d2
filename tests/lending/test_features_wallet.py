"""The wallet's characteristics of an application: its balance at each business day's close
over the window (walked back from the balance now) and the money that came in, against a
reference recomputed from the transfers themselves."""

import uuid
from datetime import date, timedelta

import pytest

from hujin.core.actors import SYSTEM, Actor
from hujin.ledger.engine import TransferRequest
from hujin.ledger.selectors import daily_balances
from hujin.ledger.services import account_create, transfers_create
from hujin.lending.accounts import ACTOR

pytestmark = pytest.mark.django_db

TO_DATE = date(2026, 3, 31)
FROM_DATE = TO_DATE - timedelta(days=9)


def _open(code: str, kind: str, now) -> uuid.UUID:
    account, _ = account_create(currency="CNY", code=code, kind=kind, actor=SYSTEM, now=now)
    return account.id


def _move(debit, credit, amount: int, day: date, now) -> None:
    [result] = transfers_create(
        transfers=[TransferRequest(id=uuid.uuid4(), debit_account_id=debit,
                                   credit_account_id=credit, amount=amount, currency="CNY",
                                   code="test")],
        actor=SYSTEM, now=now, business_date=day,
    )  # fmt: skip
    assert result.ok, result


def test_closing_balances_and_inflow_match_the_transfers(now):
    wallet, bank = _open("2001.wallet", "liability", now), _open("1002.bank", "asset", now)
    # (day, +credit to the wallet / -debit from it): before the window, on its first day,
    # within it (two on one day, in and out), and after its end (walked back over).
    moves = [
        (FROM_DATE - timedelta(days=5), 50_000),
        (FROM_DATE, 20_000),
        (FROM_DATE + timedelta(days=2), 7_000),
        (FROM_DATE + timedelta(days=2), -3_000),
        (FROM_DATE + timedelta(days=6), -11_000),
        (TO_DATE, 1_000),
        (TO_DATE + timedelta(days=3), 9_000),
        (TO_DATE + timedelta(days=4), -2_000),
    ]
    for day, amount in moves:
        if amount > 0:
            _move(bank, wallet, amount, day, now)
        else:
            _move(wallet, bank, -amount, day, now)

    closing, inflow = daily_balances(actor=ACTOR, account_id=wallet, from_date=FROM_DATE,
                                     to_date=TO_DATE)  # fmt: skip

    expected = {}
    day = FROM_DATE
    while day <= TO_DATE:
        expected[day] = sum(amount for moved, amount in moves if moved <= day)
        day += timedelta(days=1)
    assert closing == expected
    # credits after the first day and up to the last (the first day's close is its start)
    assert inflow == 7_000 + 1_000


def test_an_account_nobody_may_read_reads_as_empty(now):
    wallet = _open("2001.wallet", "liability", now)
    stranger = Actor(kind="customer", id=str(uuid.uuid4()), label="someone else")

    assert daily_balances(actor=stranger, account_id=wallet, from_date=FROM_DATE,
                          to_date=TO_DATE) == ({}, 0)  # fmt: skip
